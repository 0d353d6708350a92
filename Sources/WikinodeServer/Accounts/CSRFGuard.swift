import Crypto
import Foundation
import Hummingbird
import WikinodeCore

/// Protects every state-changing form: the form must carry the token this node made for the
/// browser, and the browser's `Origin` (or, without it, `Referer`) must be this node.
///
/// A form's token is an HMAC, under a key only this node has, of a cookie of that browser: the
/// session cookie's secret when signed in, else a visitor cookie of random bytes. So it proves
/// that the form came from a page this node served to that browser, even after the session
/// has ended (which is what lets a lost session's text be kept, and nobody else's).
struct CSRFGuard: Sendable {
    let nodeURL: NodeBaseURL
    var baseURL: String { nodeURL.string }
    /// The HMAC key's bytes (Crypto's key type is not `Sendable`).
    private let keyBytes: Data

    init(nodeURL: NodeBaseURL, identity: NodeIdentity) {
        self.nodeURL = nodeURL
        keyBytes = identity.derivedKey(for: "wikinode form tokens v1").withUnsafeBytes { Data($0) }
    }

    /// The token for forms shown to the holder of the session cookie `secret`.
    func token(forSession secret: String) -> String { token("session", secret) }

    /// The token for forms shown to a visitor whose visitor cookie is `cookie`.
    func token(forVisitor cookie: String) -> String { token("visitor", cookie) }

    private func token(_ kind: String, _ cookie: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data((kind + "\u{0}" + cookie).utf8), using: SymmetricKey(data: keyBytes))
        return Data(code).base64URLEncodedString
    }

    /// Whether `token` is one this node made for a cookie that `request`'s browser holds, whether
    /// or not its session still lives.
    func isIssued(_ token: String, toBrowserOf request: Request) -> Bool {
        let cookies = [
            request.cookies[SessionMiddleware.cookieName].map { self.token(forSession: $0.value) },
            request.cookies[SessionMiddleware.tokenCookieName].map { self.token(forVisitor: $0.value) },
        ]
        return cookies.contains { $0.map { PasswordHasher.constantTimeEqual(Data($0.utf8), Data(token.utf8)) } ?? false }
    }

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
        var origins = [WebOrigin(string: baseURL)?.description ?? baseURL]
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

    /// Throws 403 unless the request is same-origin and `token` is the session's token.
    func verify(_ request: Request, visitor: Visitor, token: String?) throws {
        guard isSameOrigin(request) else {
            throw HTTPError(.forbidden, message: "This form was sent from another site; nothing was changed.")
        }
        guard let expected = visitor.csrfToken, let token,
            PasswordHasher.constantTimeEqual(Data(expected.utf8), Data(token.utf8))
        else {
            throw HTTPError(
                .forbidden, message: "The form's security token is missing or out of date; reload the page and try again. Nothing was changed.")
        }
    }
}
