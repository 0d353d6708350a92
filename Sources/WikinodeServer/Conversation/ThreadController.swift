import Foundation
import Hummingbird
import WikinodeCore

/// `/wiki/{title}/thread` and `/thread.json`: the conversation a page belongs to, read from what
/// the node stores (nothing is fetched on the request path), cached like page views.
struct ThreadController {
    typealias Context = WikiRequestContext

    let database: WikiDatabase
    let renderer: TemplateRenderer
    let site: SiteView
    let cache: ResponseCache

    func addRoutes(to router: Router<Context>) {
        router.get("\(NodeAddress.wikiPrefix):title\(NodeAddress.PageSuffix.thread)") { request, context in
            try await respond(request, context, suffix: NodeAddress.PageSuffix.thread) { page, title, thread in
                let view = ThreadView(site: site, title: title, thread: thread)
                let html = try renderer.render(view, template: "thread", viewer: context.sharedViewer(for: request))
                return CachedBody(html, contentType: "text/html; charset=utf-8", lastModified: max(Date(), page.updatedAt))
            }
        }
        router.get("\(NodeAddress.wikiPrefix):title\(NodeAddress.PageSuffix.threadJSON)") { request, context in
            try await respond(request, context, suffix: NodeAddress.PageSuffix.threadJSON) { page, _, thread in
                try CachedBody.json(ThreadDocument(thread), lastModified: Date())
            }
        }
    }

    /// The cached body for the request's address, else `make` with the page and its thread,
    /// kept until the page, anything under its title, a page of the thread, any page (a new
    /// local reply), the layout or a reply context changes.
    private func respond(
        _ request: Request, _ context: Context, suffix: String, make: (Page, PageTitle, ConversationThread) throws -> CachedBody
    ) async throws -> Response {
        let version = try cache.currentVersion()
        let key = PageController.cacheKey(request.uri.path, context)
        if let cached = cache.body(for: key, version: version) { return Response.conditional(to: request, body: cached) }
        let cutoff = try DraftVisibility(database: database).cutoff(for: context.visitor)
        switch try TitleResolver(database: database).resolve(
            try context.parameters.titleSegment(), suffix: suffix, request: request, visibleAt: cutoff)
        {
        case .redirect(let response):
            return response
        case .page(let page, let title):
            let thread = try database.thread(of: page, baseURL: site.baseURL, site: site.name, visibleAt: cutoff ?? Date())
            let body = try make(page, title, thread)
            let dependencies =
                ViewDependency.view(of: page.id!, titleKey: page.titleKey) + thread.localPageIds.map(ViewDependency.page)
                + [ViewDependency.pages, ViewDependency.conversation]
            cache.store(body, for: key, version: version, dependsOn: dependencies)
            return Response.conditional(to: request, body: body)
        case .deleted(let page, _):
            throw HTTPError(.gone, message: "The page \(page.title) was deleted.")
        case .missing(let title):
            throw HTTPError(.notFound, message: "There is no page \(title.text).")
        }
    }
}

/// `thread.json`: the page with every reply under it, and the chains it replies to.
struct ThreadDocument: Encodable {
    struct Entry: Encodable {
        let url: String
        let title: String
        let site: String
        let author: String
        let authorURL: String?
        let published: Date?
        let excerpt: String
        let kind: String
        let replies: [Entry]

        init(_ entry: ThreadEntry) {
            url = entry.url
            title = entry.title
            site = entry.site
            author = entry.author
            authorURL = entry.authorURL.isEmpty ? nil : entry.authorURL
            published = entry.published
            excerpt = entry.excerpt
            kind = entry.kind.rawValue
            replies = entry.replies.map(Entry.init)
        }
    }

    let page: Entry
    /// One chain per address the page replies to, the top first.
    let inReplyTo: [[Entry]]

    init(_ thread: ConversationThread) {
        page = Entry(thread.page)
        inReplyTo = thread.above.map { $0.map(Entry.init) }
    }
}
