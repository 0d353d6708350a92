import Hummingbird
import WikinodeCore

/// Reads the session cookie and puts the visitor's session into the context. It creates no
/// session: readers who never sign in or edit cost no write.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = WikiRequestContext
    static let cookieName = "wikinode_session"

    let database: WikiDatabase

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let secret = request.cookies[Self.cookieName]?.value, !secret.isEmpty,
            let state = try database.session(forSecret: secret)
        {
            context.visitor.state = state
            context.visitor.secret = secret
        }
        return try await next(request, context)
    }
}
