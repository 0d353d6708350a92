import HTTPTypes
import Hummingbird

/// Advertises the node's Webmention and Pingback endpoints on every HTML page: a `Link`
/// header with `rel="webmention"` and an `X-Pingback` header, both absolute (the `<head>` of
/// every page names them too).
struct LinkbackDiscoveryMiddleware<Context: RequestContext>: RouterMiddleware {
    let webmention: String
    let pingback: String

    init(baseURL: String) {
        webmention = "<\(baseURL)/webmention>; rel=\"webmention\""
        pingback = baseURL + "/pingback"
    }

    static var xPingback: HTTPField.Name { HTTPField.Name("X-Pingback")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard response.headers[.contentType]?.hasPrefix("text/html") == true else { return response }
        response.headers.append(HTTPField(name: Response.link, value: webmention))
        response.headers[Self.xPingback] = pingback
        return response
    }
}
