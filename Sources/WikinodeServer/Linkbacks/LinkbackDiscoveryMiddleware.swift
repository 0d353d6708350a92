import HTTPTypes
import Hummingbird
import WikinodeCore

/// Advertises the node's Webmention and Pingback endpoints on every HTML page: a `Link`
/// header with `rel="webmention"` and an `X-Pingback` header, both absolute (the `<head>` of
/// every page names them too).
struct LinkbackDiscoveryMiddleware<Context: RequestContext>: RouterMiddleware {
    let nodeURL: NodeBaseURL
    /// The two values, made once when the node's URL is known from the start.
    let fixed: (webmention: String, pingback: String)?

    init(nodeURL: NodeBaseURL) {
        self.nodeURL = nodeURL
        fixed = nodeURL.fixed.map(Self.values)
    }

    static func values(for base: String) -> (webmention: String, pingback: String) {
        ("<\(base)\(NodeAddress.webmention)>; rel=\"webmention\"", base + NodeAddress.pingback)
    }

    static var xPingback: HTTPField.Name { HTTPField.Name("X-Pingback")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        advertise(in: &response)
        return response
    }

    /// Adds the two headers to `response` when it is HTML.
    func advertise(in response: inout Response) {
        guard response.headers[.contentType]?.hasPrefix("text/html") == true else { return }
        let values = fixed ?? Self.values(for: nodeURL.string)
        response.headers.append(HTTPField(name: Response.link, value: values.webmention))
        response.headers[Self.xPingback] = values.pingback
    }
}
