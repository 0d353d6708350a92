import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which addresses a node may fetch from or send to.
///
/// By default only public addresses: never loopback, private, shared (CGNAT), link-local,
/// multicast, reserved or unspecified ones, so that a page or a peer cannot make the node
/// reach into the network it runs in (server-side request forgery). The host is normalised
/// first (case, one trailing dot); a name that cannot be public (one label, a special-use
/// domain such as `localhost` or `.local`, a numeric last label as in `127.1`) is refused
/// without asking any resolver; other names are resolved and every address they resolve to is
/// checked, before each request and each redirect.
public struct AddressPolicy: Sendable {
    public var allowPrivateAddresses: Bool
    /// Only 127.0.0.1 and ::1, nothing else: what test nodes use, so that no test ever reaches
    /// beyond the machine whatever its pages link to.
    public var loopbackOnly: Bool
    /// How names become addresses: the system's resolver, or another in tests.
    public var resolver: HostResolver

    public init(allowPrivateAddresses: Bool = false, loopbackOnly: Bool = false, resolver: HostResolver = .system) {
        self.allowPrivateAddresses = allowPrivateAddresses
        self.loopbackOnly = loopbackOnly
        self.resolver = resolver
    }

    /// The policy of test nodes.
    public static let testsOnLoopback = AddressPolicy(allowPrivateAddresses: true, loopbackOnly: true)

    /// Throws `RemoteError.forbiddenAddress` unless `url` is http(s) to an allowed host.
    public func check(_ url: URL) throws {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw RemoteError.invalidURL("\(url.absoluteString) is not an http or https address")
        }
        guard let rawHost = url.host, !rawHost.isEmpty else { throw RemoteError.invalidURL("\(url.absoluteString) has no host") }
        let host = try Self.normalised(rawHost)
        if loopbackOnly {
            // Literal addresses only: not even a name is looked up.
            guard let address = Self.parse(host), address == [127, 0, 0, 1] || address == [UInt8](repeating: 0, count: 15) + [1] else {
                throw RemoteError.forbiddenAddress("\(host) is not 127.0.0.1 or ::1, and this node reaches only those")
            }
            return
        }
        if allowPrivateAddresses { return }
        let addresses: [Address]
        if let literal = Self.parse(host) {
            addresses = [literal]
        } else {
            if let reason = Self.nonPublicReason(host) {
                throw RemoteError.forbiddenAddress("\(host) \(reason); start the node with --allow-private-addresses to reach it")
            }
            addresses = try resolver.resolve(host)
        }
        guard !addresses.isEmpty else { throw RemoteError.unreachable("\(host) does not resolve") }
        for address in addresses where !Self.isPublic(address) {
            throw RemoteError.forbiddenAddress(
                "\(host) resolves to \(Self.describe(address)), which is not a public address; start the node with --allow-private-addresses to allow it"
            )
        }
    }

    /// The host as it is compared and resolved: lower case, without brackets or the one
    /// trailing dot a fully qualified name may carry (`localhost.` is `localhost`).
    static func normalised(_ host: String) throws -> String {
        var host = host.lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") { return String(host.dropFirst().dropLast()) }
        if host.hasSuffix(".") { host.removeLast() }
        guard !host.isEmpty, !host.hasSuffix("."), !host.hasPrefix(".") else {
            throw RemoteError.invalidURL("\(host) is not a host name")
        }
        return host
    }

    /// Top-level and special-use names that are never a public site (RFC 6761, RFC 6762,
    /// RFC 8375, RFC 9476, and names routers and intranets use).
    static let privateSuffixes: Set<String> = [
        "localhost", "local", "localdomain", "internal", "intranet", "lan", "home", "corp", "private", "test", "example", "invalid",
        "onion", "alt", "arpa",
    ]

    /// Why `host` (a normalised name, not a literal address) cannot be a public name, or nil.
    static func nonPublicReason(_ host: String) -> String? {
        guard host.utf8.count <= 253 else { return "is longer than a host name can be" }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard (1...63).contains(label.utf8.count),
                label.utf8.allSatisfy({ $0.isASCIILetterOrDigit || $0 == UInt8(ascii: "-") }),
                label.first != "-", label.last != "-"
            else { return "is not a valid host name" }
        }
        guard labels.count > 1 else {
            return "is a single-label name, which only a local network resolves"
        }
        let last = String(labels.last!)
        if last.utf8.allSatisfy({ $0.isASCIIDigit }) || (last.hasPrefix("0x") && last.dropFirst(2).allSatisfy(\.isHexDigit)) {
            return "is a numeric address in a form that is not dotted decimal"
        }
        if privateSuffixes.contains(last) || host.hasSuffix(".home.arpa") {
            return "is in the special-use domain .\(last), which is never a public site"
        }
        return nil
    }

    /// `check` on a thread of its own: name resolution blocks, and must hold up neither the
    /// threads that run requests nor a deadline (the caller's deadline still applies).
    public func checkOffThread(_ url: URL) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(with: Result { try check(url) })
            }
        }
    }

    /// An address as its bytes: 4 for IPv4, 16 for IPv6.
    typealias Address = [UInt8]

    /// The system resolver (`getaddrinfo`), for names only.
    static func systemResolve(_ host: String) throws -> [Address] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &result)
        guard status == 0, let first = result else {
            throw RemoteError.unreachable("\(host) does not resolve")
        }
        defer { freeaddrinfo(first) }
        var addresses: [Address] = []
        var current: UnsafeMutablePointer<addrinfo>? = first
        while let info = current {
            if let sockaddr = info.pointee.ai_addr {
                switch Int32(info.pointee.ai_family) {
                case AF_INET:
                    sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        var address = pointer.pointee.sin_addr
                        addresses.append(withUnsafeBytes(of: &address) { Array($0) })
                    }
                case AF_INET6:
                    sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        var address = pointer.pointee.sin6_addr
                        addresses.append(withUnsafeBytes(of: &address) { Array($0) })
                    }
                default:
                    break
                }
            }
            current = info.pointee.ai_next
        }
        return addresses
    }

    /// A literal IPv4 or IPv6 address.
    static func parse(_ host: String) -> Address? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    static func isPublic(_ address: Address) -> Bool {
        if address.count == 4 { return isPublicV4(address) }
        guard address.count == 16 else { return false }
        let a = address
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses: judge the IPv4.
        if a[0..<10].allSatisfy({ $0 == 0 }) && ((a[10] == 0xFF && a[11] == 0xFF) || (a[10] == 0 && a[11] == 0)) {
            return isPublicV4(Array(a[12..<16]))
        }
        if a[0] == 0x20 && a[1] == 0x02 { return isPublicV4(Array(a[2..<6])) }  // 6to4 carries an IPv4 address
        if a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xFF && a[3] == 0x9B { return isPublicV4(Array(a[12..<16])) }  // NAT64
        if a[0] == 0xFF { return false }  // multicast
        if a[0] == 0xFE && (a[1] & 0xC0) == 0x80 { return false }  // link-local fe80::/10
        if a[0] == 0xFE && (a[1] & 0xC0) == 0xC0 { return false }  // site-local fec0::/10
        if (a[0] & 0xFE) == 0xFC { return false }  // unique local fc00::/7
        if a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0D && a[3] == 0xB8 { return false }  // documentation
        if a[0] == 0x01 && a[1] == 0x00 && a[2..<8].allSatisfy({ $0 == 0 }) { return false }  // discard 100::/64
        return (a[0] & 0xE0) == 0x20  // global unicast 2000::/3 only
    }

    static func isPublicV4(_ a: Address) -> Bool {
        switch (a[0], a[1]) {
        case (0, _), (10, _), (127, _): return false  // this network, private, loopback
        case (100, 64...127): return false  // shared address space (CGNAT)
        case (169, 254): return false  // link-local
        case (172, 16...31): return false  // private
        case (192, 168): return false  // private
        case (198, 18...19): return false  // benchmarking
        case (192, 0) where a[2] == 0 || a[2] == 2: return false  // IETF protocol assignments, documentation
        case (198, 51) where a[2] == 100, (203, 0) where a[2] == 113: return false  // documentation
        case (224...255, _): return false  // multicast, reserved, broadcast
        default: return true
        }
    }

    static func describe(_ address: Address) -> String {
        if address.count == 4 { return address.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(address[$0]) << 8 | UInt16(address[$0 + 1]), radix: 16) }.joined(separator: ":")
    }
}

/// Turns a host name into its addresses (4 bytes for IPv4, 16 for IPv6).
public struct HostResolver: Sendable {
    public let resolve: @Sendable (String) throws -> [[UInt8]]

    public init(_ resolve: @escaping @Sendable (String) throws -> [[UInt8]]) {
        self.resolve = resolve
    }

    /// The system's resolver.
    public static let system = HostResolver { try AddressPolicy.systemResolve($0) }
}

extension UInt8 {
    fileprivate var isASCIIDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }
    fileprivate var isASCIILetterOrDigit: Bool {
        isASCIIDigit || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
    }
}
