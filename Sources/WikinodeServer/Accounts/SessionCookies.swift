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

extension SessionCookies {
    /// The CSRF token for a form: the visitor's, or one for a new visitor cookie set on
    /// `response` (no session is created until someone signs in).
    func ensureToken(_ visitor: Visitor, csrf: CSRFGuard, response: inout Response) -> String {
        if let token = visitor.csrfToken { return token }
        let cookie = WikiDatabase.makeRandomToken()
        response.setCookie(
            Cookie(name: SessionMiddleware.tokenCookieName, value: cookie, path: "/", secure: isSecure, httpOnly: true, sameSite: .lax))
        return csrf.token(forVisitor: cookie)
    }

    /// Remembers, in this browser only, the draft kept for it.
    func draftCookie(_ id: String) -> Cookie {
        Cookie(name: SessionMiddleware.draftCookieName, value: id, maxAge: 24 * 3600, path: "/", secure: isSecure, httpOnly: true, sameSite: .lax)
    }

    func expiredDraftCookie() -> Cookie {
        Cookie(name: SessionMiddleware.draftCookieName, value: "", maxAge: 0, path: "/", secure: isSecure, httpOnly: true, sameSite: .lax)
    }
}
