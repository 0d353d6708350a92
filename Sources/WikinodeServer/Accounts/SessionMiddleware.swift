import HTTPTypes
import Hummingbird
import WikinodeCore

/// Reads the session cookie and puts the visitor's session into the context. It creates no
/// session: readers who never sign in or edit cost no write.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = WikiRequestContext
    static let cookieName = cookiePrefix + "session"
    static let tokenCookieName = cookiePrefix + "csrf"
    static let draftCookieName = cookiePrefix + "draft"

    let database: WikiDatabase
    let csrf: CSRFGuard
    let cookies: SessionCookies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let secret = request.cookies[Self.cookieName]?.value, !secret.isEmpty,
            let state = try database.session(forSecret: secret)
        {
            context.visitor.state = state
            context.visitor.secret = secret
            context.visitor.csrfToken = csrf.token(forSession: secret)
        } else if let cookie = request.cookies[Self.tokenCookieName]?.value, cookie.utf8.count >= 32, cookie.utf8.count < 100 {
            context.visitor.csrfToken = csrf.token(forVisitor: cookie)
        }
        var response = try await next(request, context)
        // The session lives on while it is used: so must the cookie, or the browser would drop
        // it mid-edit 14 days after signing in, and with it the proof its forms carry.
        if let state = context.visitor.state, state.wasRenewed, let secret = context.visitor.secret {
            response.setCookie(cookies.cookie(for: secret))
        }
        // Pages differ by session (the header, forms' tokens; they say `Vary: Cookie`): shared
        // caches must not keep a visitor's own page, or one that sets a cookie, for anyone else.
        if response.headers[.cacheControl] == Response.sharedCacheControl,
            context.visitor.state != nil || Self.carriesOwnCookie(request) || response.headers[.setCookie] != nil
        {
            response.headers[.cacheControl] = Response.privateCacheControl
        }
        return response
    }

    /// Whether the request carries any cookie of this node (a session, a form token, a draft),
    /// valid or not: what it is shown may be its own.
    static func carriesOwnCookie(_ request: Request) -> Bool {
        request.headers[values: .cookie].contains { $0.contains(cookiePrefix) }
    }

    static let cookiePrefix = "wikinode_"
}
