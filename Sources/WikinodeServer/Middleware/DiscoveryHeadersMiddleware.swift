import HTTPTypes
import Hummingbird

/// Advertises the node's feeds on every HTML response, so feed readers and peers find them from
/// any page (the same links stand in each page's `<head>`).
struct DiscoveryHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if response.headers[.contentType]?.hasPrefix("text/html") == true {
            response.headers.append(HTTPField(name: HTTPField.Name("Link")!, value: "</recent.atom>; rel=\"alternate\"; type=\"application/atom+xml\"; title=\"Recent changes\""))
        }
        return response
    }
}
