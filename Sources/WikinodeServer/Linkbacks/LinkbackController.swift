import Foundation
import Hummingbird
import WikinodeCore
import WikinodeNetwork

/// Linkbacks from the web: `POST /webmention`, `POST /pingback` (XML-RPC) and
/// `POST /trackback/{title}`. Each only checks the request and queues the mention; the source
/// is fetched and checked for a link in the background, the same way for every dialect.
struct LinkbackController {
    typealias Context = WikiRequestContext

    let database: WikiDatabase
    let linkbacks: Linkbacks
    let site: SiteView
    let homePage: PageTitle

    static let maximumFormBytes = 32 << 10

    func addRoutes(to router: Router<Context>) {
        router.post("\(NodeAddress.webmention)", use: webmention)
        router.post("\(NodeAddress.pingback)", use: pingback)
        router.post("\(NodeAddress.trackbackPrefix):title", use: trackback)
        router.get("\(NodeAddress.trackbackPrefix):title", use: trackbackInfo)
    }

    static func readForm(_ request: Request) async throws -> FormBody {
        try await FormBody(request, maximumBytes: maximumFormBytes)
    }

    // MARK: - Webmention

    /// `POST /webmention` with `source` and `target`: 202 once queued, 400 with the reason.
    @Sendable func webmention(request: Request, context: Context) async throws -> Response {
        let form = try await Self.readForm(request)
        guard let source = WebAddress.url(form["source"]) else { throw HTTPError(.badRequest, message: "source must be an http or https URL.") }
        guard let target = WebAddress.url(form["target"]) else { throw HTTPError(.badRequest, message: "target must be an http or https URL.") }
        guard WebAddress.withoutFragment(source).absoluteString != WebAddress.withoutFragment(target).absoluteString else {
            throw HTTPError(.badRequest, message: "source and target are the same.")
        }
        let page: Page
        do {
            page = try MentionTarget.page(at: WebAddress.withoutFragment(target), baseURL: site.baseURL, homePage: homePage, database: database)
        } catch let problem as MentionTarget.Problem {
            throw HTTPError(.badRequest, message: "target is not a page of this node: \(problem)")
        }
        do {
            try database.receiveMention(pageId: page.id!, source: source, target: target.absoluteString, protocol: .webmention)
        } catch let refusal as MentionRefusal {
            throw HTTPError(.badRequest, message: refusal.description)
        }
        linkbacks.wake()
        return Response(
            status: .accepted, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: "Accepted: the source will be checked for a link to the target.\n")))
    }

    // MARK: - Pingback

    /// `POST /pingback`: XML-RPC `pingback.ping(sourceURI, targetURI)`, answered with a string or
    /// one of the spec's fault codes.
    @Sendable func pingback(request: Request, context: Context) async throws -> Response {
        let body = try await request.body.collect(upTo: XMLRPC.maximumBytes + 1)
        func answer(_ xml: String) -> Response {
            Response(status: .ok, headers: [.contentType: "text/xml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: xml)))
        }
        let call: XMLRPC.Call
        do {
            call = try XMLRPC.parseCall(Data(body.readableBytesView))
        } catch {
            return answer(XMLRPC.fault(code: -32700, message: "The request is not a well-formed XML-RPC call."))
        }
        guard call.methodName == "pingback.ping" else {
            return answer(XMLRPC.fault(code: -32601, message: "This server only knows pingback.ping."))
        }
        guard call.parameters.count == 2 else {
            return answer(XMLRPC.fault(code: 0, message: "pingback.ping takes two parameters: sourceURI and targetURI."))
        }
        guard let source = WebAddress.url(call.parameters[0]) else {
            return answer(XMLRPC.fault(code: 16, message: "The source URI is not an http or https URL."))
        }
        guard let target = WebAddress.url(call.parameters[1]) else {
            return answer(XMLRPC.fault(code: 32, message: "The target URI is not an http or https URL."))
        }
        guard WebAddress.withoutFragment(source).absoluteString != WebAddress.withoutFragment(target).absoluteString else {
            return answer(XMLRPC.fault(code: 0, message: "The source and the target are the same."))
        }
        let page: Page
        do {
            page = try MentionTarget.page(at: WebAddress.withoutFragment(target), baseURL: site.baseURL, homePage: homePage, database: database)
        } catch MentionTarget.Problem.notHere(let url) {
            return answer(XMLRPC.fault(code: 33, message: "\(url) is not a page of this node."))
        } catch {
            return answer(XMLRPC.fault(code: 32, message: "The target does not exist."))
        }
        // Registered already: it is checked again (which updates or removes it), and fault 48 says so.
        let isRepeat = try database.hasVerifiedMention(pageId: page.id!, source: source)
        do {
            try database.receiveMention(pageId: page.id!, source: source, target: target.absoluteString, protocol: .pingback)
        } catch let refusal as MentionRefusal {
            return answer(XMLRPC.fault(code: 49, message: refusal.description))
        }
        linkbacks.wake()
        if isRepeat { return answer(XMLRPC.fault(code: 48, message: "The pingback has already been registered.")) }
        return answer(XMLRPC.response("Thanks: the pingback is queued; it shows once the source is seen to link here."))
    }

    // MARK: - Trackback

    static func trackbackAnswer(error message: String?) -> Response {
        var writer = XMLWriter()
        writer.element("response") { response in
            response.element("error", text: message == nil ? "0" : "1")
            if let message { response.element("message", text: message) }
        }
        // Trackback clients read the XML whatever the status; errors keep 200 as the spec shows.
        return Response(status: .ok, headers: [.contentType: "text/xml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: writer.output)))
    }

    /// `POST /trackback/{title}` with `url` (required), `title`, `excerpt`, `blog_name`.
    @Sendable func trackback(request: Request, context: Context) async throws -> Response {
        let form: FormBody
        do {
            form = try await Self.readForm(request)
        } catch let error as HTTPError {
            return Self.trackbackAnswer(error: error.body ?? "The ping must be a form.")
        }
        guard let source = WebAddress.url(form["url"]) else { return Self.trackbackAnswer(error: "url must be an http or https URL.") }
        let title: PageTitle
        do {
            title = try PageTitle(pathSegment: try context.parameters.titleSegment())
        } catch {
            return Self.trackbackAnswer(error: "That is not a page title.")
        }
        guard let page = try database.lookup(title).livePage, !(try database.isHiddenPost(page, at: Date())) else {
            return Self.trackbackAnswer(error: "There is no page \(title.text).")
        }
        let target = site.baseURL + page.pageTitle.path
        guard WebAddress.withoutFragment(source).absoluteString != target else { return Self.trackbackAnswer(error: "A page cannot ping itself.") }
        do {
            try database.receiveMention(
                pageId: page.id!, source: source, target: target, protocol: .trackback,
                claimedTitle: MentionText.line(form["title"] ?? "", limit: 200),
                claimedExcerpt: MentionText.line(form["excerpt"] ?? "", limit: 500),
                claimedSite: MentionText.line(form["blog_name"] ?? "", limit: 100))
        } catch let refusal as MentionRefusal {
            return Self.trackbackAnswer(error: refusal.description)
        }
        linkbacks.wake()
        return Self.trackbackAnswer(error: nil)
    }

    /// `GET /trackback/{title}`: what this address is for.
    @Sendable func trackbackInfo(request: Request, context: Context) async throws -> Response {
        Self.trackbackAnswer(error: "Send a Trackback ping here with POST (url, title, excerpt, blog_name).")
    }
}
