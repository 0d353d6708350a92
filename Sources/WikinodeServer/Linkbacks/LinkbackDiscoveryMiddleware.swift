import HTTPTypes
import Hummingbird
import WikinodeCore

/// Advertises the node's Webmention and Pingback endpoints on every HTML page: a `Link`
/// header with `rel="webmention"` and an `X-Pingback` header, both absolute (the `<head>` of
/// every page names them too).
struct LinkbackDiscoveryMiddleware<Context: RequestContext>: RouterMiddleware {
    let nodeURL: NodeBaseURL
    /// The two headers, made once when the node's URL is known from the start.
    let fixed: [HTTPField]?

    init(nodeURL: NodeBaseURL) {
        self.nodeURL = nodeURL
        fixed = nodeURL.fixed.map(Self.fields)
    }

    static func fields(for base: String) -> [HTTPField] {
        [
            HTTPField(name: Response.link, value: "<\(base)\(NodeAddress.webmention)>; rel=\"webmention\""),
            HTTPField(name: xPingback, value: base + NodeAddress.pingback),
        ]
    }

    /// The two headers an HTML response gets.
    var fields: [HTTPField] { fixed ?? Self.fields(for: nodeURL.string) }

    static var xPingback: HTTPField.Name { HTTPField.Name("X-Pingback")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        advertise(in: &response)
        return response
    }

    /// Adds the two headers to `response` when it is HTML.
    func advertise(in response: inout Response) {
        advertise(in: &response.headers)
    }

    /// Adds the two headers to a response's `headers` when they say it is HTML.
    func advertise(in headers: inout HTTPFields) {
        guard headers[.contentType]?.hasPrefix("text/html") == true else { return }
        headers.append(contentsOf: fields)
    }
}
