import HTTPTypes
import Hummingbird
import WikinodeCore

/// Reads the session cookie and puts the visitor's session into the context. It creates no
/// session: readers who never sign in or edit cost no write.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = WikiRequestContext
    static let cookieName = "wikinode_session"
    static let tokenCookieName = "wikinode_csrf"
    static let draftCookieName = "wikinode_draft"

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
        // Pages differ by session (the header, forms' tokens; HTML says `Vary: Cookie`): shared
        // caches must not keep a signed-in visitor's page for anyone else.
        if context.visitor.state != nil, response.headers[.cacheControl] == "no-cache" {
            response.headers[.cacheControl] = "private, no-cache"
        }
        return response
    }
}
