import HTTPTypes
import Hummingbird
import WikinodeCore

/// The node's responder: an anonymous reader's `GET` of a page view that is cached and current
/// is answered here, before the router and its middleware; everything else goes to the router.
///
/// What it answers is what the router would: the body `PageController.show` stored for everyone
/// who is not signed in (`path` + NUL), its conditional headers (a 304 when the client is
/// current), and what the middleware adds to an HTML view (`nosniff`, the Webmention `Link` and
/// `X-Pingback`), with the same log line. A request with any cookie goes to the router, which
/// decides who the visitor is; so do `HEAD` and every other path. A cached view costs the
/// lookup and the write, without six middleware frames, the route tree and the visitor.
struct CachedViewResponder<Router: HTTPResponder<WikiRequestContext>>: HTTPResponder {
    typealias Context = WikiRequestContext

    let router: Router
    let cache: ResponseCache
    /// What adds the Webmention and Pingback headers to HTML, in the router's middleware too.
    let linkbacks: LinkbackDiscoveryMiddleware<Context>
    let log: RequestLogMiddleware<Context>

    func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .get, request.uri.path.hasPrefix(NodeAddress.wikiPrefix), !request.headers.contains(.cookie),
            let version = try? cache.currentVersion(),
            let body = cache.body(for: PageController.cacheKey(request.uri.path, signedIn: nil), version: version)
        else {
            return try await router.respond(to: request, context: context)
        }
        let start = log.isOn ? ContinuousClock.now : nil
        var response = Response.conditional(to: request, body: body)
        response.headers[NoSniffMiddleware<Context>.name] = "nosniff"
        linkbacks.advertise(in: &response)
        if let start { log.log(request, status: response.status.code, since: start, responseBytes: response.body.contentLength) }
        return response
    }
}
