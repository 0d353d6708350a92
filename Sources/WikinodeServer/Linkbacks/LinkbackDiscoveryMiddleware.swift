import HTTPTypes
import Hummingbird
import WikinodeCore

/// Advertises the node's Webmention and Pingback endpoints on every HTML page: a `Link`
/// header with `rel="webmention"` and an `X-Pingback` header, both absolute (the `<head>` of
/// every page names them too).
struct LinkbackDiscoveryMiddleware<Context: RequestContext>: RouterMiddleware {
    let nodeURL: NodeBaseURL

    static var xPingback: HTTPField.Name { HTTPField.Name("X-Pingback")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard response.headers[.contentType]?.hasPrefix("text/html") == true else { return response }
        let base = nodeURL.string
        response.headers.append(HTTPField(name: Response.link, value: "<\(base)\(NodeAddress.webmention)>; rel=\"webmention\""))
        response.headers[Self.xPingback] = base + NodeAddress.pingback
        return response
    }
}
