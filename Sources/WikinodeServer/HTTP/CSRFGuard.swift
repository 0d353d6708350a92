import Foundation
import Hummingbird
import WikinodeCore

/// Protects every state-changing form: the form must carry the session's CSRF token, and the
/// browser's `Origin` (or, without it, `Referer`) must be this node.
struct CSRFGuard: Sendable {
    let baseURL: String

    /// Whether the request comes from a page of this node, as far as the browser tells.
    func isSameOrigin(_ request: Request) -> Bool {
        if let origin = request.headers[.origin] {
            return allowedOrigins(request).contains(origin)
        }
        if let referer = request.headers[.referer] {
            return allowedOrigins(request).contains { referer == $0 || referer.hasPrefix($0 + "/") }
        }
        // Browsers send Origin with every cross-site POST; a request with neither header
        // comes from a tool, and the token alone decides.
        return true
    }

    /// This node's origin as configured, and as the browser addressed it (the Host header is
    /// the target the browser chose; a forged page cannot change it).
    private func allowedOrigins(_ request: Request) -> [String] {
        var origins = [Self.origin(of: baseURL)]
        if let host = request.head.authority {
            origins.append("http://" + host)
            origins.append("https://" + host)
        }
        return origins
    }

    /// Whether a browser said where the request comes from, and it is this node: the condition
    /// for keeping text when the token does not match.
    func isFromThisNodesPage(_ request: Request) -> Bool {
        (request.headers[.origin] != nil || request.headers[.referer] != nil) && isSameOrigin(request)
    }

    static func origin(of url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return url }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }

    /// Throws 403 unless the request is same-origin and `token` is the session's token.
    func verify(_ request: Request, visitor: Visitor, token: String?) throws {
        guard isSameOrigin(request) else {
            throw HTTPError(.forbidden, message: "This form was sent from another site; nothing was changed.")
        }
        guard let expected = visitor.csrfToken, let token,
            PasswordHasher.constantTimeEqual(Data(expected.utf8), Data(token.utf8))
        else {
            throw HTTPError(.forbidden, message: "The form's security token is missing or out of date; reload the page and try again. Nothing was changed.")
        }
    }
}
