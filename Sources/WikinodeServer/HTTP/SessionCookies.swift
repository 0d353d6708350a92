import Foundation
import Hummingbird
import WikinodeCore

/// Making and clearing the session cookie: `HttpOnly`, `SameSite=Lax`, `Secure` over https.
struct SessionCookies: Sendable {
    let isSecure: Bool

    init(baseURL: String) {
        isSecure = baseURL.lowercased().hasPrefix("https:")
    }

    func cookie(for secret: String) -> Cookie {
        Cookie(
            name: SessionMiddleware.cookieName, value: secret, maxAge: Int(WikiDatabase.sessionLifetime), path: "/",
            secure: isSecure, httpOnly: true, sameSite: .lax)
    }

    func expiredCookie() -> Cookie {
        Cookie(name: SessionMiddleware.cookieName, value: "", maxAge: 0, path: "/", secure: isSecure, httpOnly: true, sameSite: .lax)
    }
}

/// Sessions as the forms need them.
enum SessionSupport {
    /// The visitor's session, or a new anonymous one (its cookie set on `response`), so that a
    /// form can carry a CSRF token.
    static func ensureSession(_ visitor: Visitor, database: WikiDatabase, cookies: SessionCookies, response: inout Response) throws -> SessionState {
        if let state = visitor.state { return state }
        let (secret, state) = try database.createSession(for: nil)
        response.setCookie(cookies.cookie(for: secret))
        return state
    }
}
