import HTTPTypes
import Hummingbird

/// `X-Content-Type-Options: nosniff` on every response: a browser must take a page's Markdown,
/// a feed, JSON or a peer-supplied text as the type we say, never guess HTML (or script) in it.
struct NoSniffMiddleware<Context: RequestContext>: RouterMiddleware {
    static var name: HTTPField.Name { HTTPField.Name("X-Content-Type-Options")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[Self.name] = "nosniff"
        return response
    }
}
