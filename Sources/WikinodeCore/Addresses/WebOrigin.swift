import Foundation

/// The origin of an http(s) address (RFC 6454): its scheme, host and port, with the port made
/// explicit, so that `http://a.example` and `HTTP://A.example:80/x` are one origin. What tells
/// one site from another wherever the node compares them: redirects it follows, keys and
/// activities from the fediverse, forms sent from its own pages.
public struct WebOrigin: Hashable, Sendable, CustomStringConvertible {
    public let scheme: String
    /// Lower case, an IPv6 address without its brackets.
    public let host: String
    public let port: Int

    static let defaultPorts = ["http": 80, "https": 443]

    /// The origin of an absolute http(s) URL with a host, or nil.
    public init?(_ url: URL) {
        guard let scheme = url.scheme?.lowercased(), let defaultPort = Self.defaultPorts[scheme],
            let host = url.host?.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]")), !host.isEmpty
        else { return nil }
        self.scheme = scheme
        self.host = host
        port = url.port ?? defaultPort
    }

    public init?(string: String) {
        guard let url = URL(string: string) else { return nil }
        self.init(url)
    }

    /// `scheme://host[:port]` as a browser sends it in `Origin` (RFC 6454 §6.2): the default
    /// port left out, an IPv6 address in brackets.
    public var description: String {
        let printedHost = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(printedHost)" + (port == Self.defaultPorts[scheme] ? "" : ":\(port)")
    }
}
