import Foundation
import Hummingbird
import WikinodeCore

/// The node as a whole: front page, page index, recent changes, search.
struct SiteController {
    typealias Context = WikiRequestContext

    let database: WikiDatabase
    let renderer: TemplateRenderer
    let site: SiteView
    let homePage: PageTitle
    let pages: PageController

    func addRoutes(to router: Router<Context>) {
        router.get("/", use: frontPage)
        router.get("\(NodeAddress.wiki)", use: index)
        router.get("\(NodeAddress.recent)", use: recent)
        router.get("\(NodeAddress.recentFeed)", use: recentFeed)
        router.get("\(NodeAddress.search)", use: search)
    }

    /// `GET /`: the home page's content, under the node's own address.
    @Sendable func frontPage(request: Request, context: Context) async throws -> Response {
        let version = try pages.cache.currentVersion()
        // Scheduled posts appear on the front page by time alone, so they are part of the key.
        let key = PageController.cacheKey("/", context) + "\u{0}" + (try database.visiblePostsMark(at: Date()))
        if let cached = pages.cache.body(for: key, version: version) {
            return Response.conditional(to: request, body: cached)
        }
        if case .found(let page) = try database.lookup(homePage) {
            return try pages.render(page, request: request, context: context, isFrontPage: true, cacheKey: key, version: version)
        }
        return .redirecting(to: NodeAddress.recent, status: .seeOther)
    }

    /// `GET /wiki`: every page, by title.
    @Sendable func index(request: Request, context: Context) async throws -> Response {
        let titles = try database.allTitles(visibleAt: try DraftVisibility(database: database).cutoff(for: context.visitor))
        let view = IndexView(site: site, pages: titles.map { PageLinkView(title: $0.title) }, count: titles.count)
        return Response.conditional(
            to: request, body: try renderer.render(view, template: "index", viewer: context.viewer(for: request)),
            contentType: "text/html; charset=utf-8")
    }

    static var pageSize: Int { 50 }
    /// Search results a page: each needs a snippet, made by re-reading the page's text.
    static var searchPageSize: Int { 20 }

    /// `GET /recent?before=SEQ`, or with `peers=1` the neighbourhood's (`until=` milliseconds
    /// since 1970 for older ones).
    @Sendable func recent(request: Request, context: Context) async throws -> Response {
        let query = try QueryParameters(request)
        let cutoff = try DraftVisibility(database: database).cutoff(for: context.visitor)
        let view: RecentView
        if query["peers"] == "1" {
            let until = try query.integer("until", in: 1...Int64(Date.distantFuture.timeIntervalSince1970 * 1000)).map {
                Date(timeIntervalSince1970: Double($0) / 1000)
            }
            let changes = try database.neighbourhoodChanges(limit: Self.pageSize, until: until, visibleAt: cutoff)
            view = RecentView(
                site: site, changes: changes.map(changeView), hasChanges: !changes.isEmpty, includesPeers: true,
                olderPath: changes.count == Self.pageSize
                    ? changes.last.map { "\(NodeAddress.recent)?peers=1&until=\(Int64(($0.date.timeIntervalSince1970 * 1000).rounded(.down)))" } : nil
            )
        } else {
            let before = try query.integer("before", in: 1...Int64.max)
            let changes = try database.recentChanges(limit: Self.pageSize, before: before, visibleAt: cutoff)
            view = RecentView(
                site: site, changes: changes.map(changeView), hasChanges: !changes.isEmpty, includesPeers: false,
                olderPath: changes.count == Self.pageSize ? changes.last?.seq.map { "\(NodeAddress.recent)?before=\($0)" } : nil)
        }
        return Response.conditional(
            to: request, body: try renderer.render(view, template: "recent", viewer: context.viewer(for: request)),
            contentType: "text/html; charset=utf-8")
    }

    func changeView(_ change: NeighbourhoodChange) -> RecentView.Change {
        switch change {
        case .local(let change):
            return changeView(change)
        case .remote(let twin):
            return RecentView.Change(
                kind: "remote", title: twin.title, path: twin.url, previousTitle: nil, summary: twin.summary, hasSummary: !twin.summary.isEmpty,
                author: twin.author, date: DateView(twin.updatedAt, in: site.timeZone), diffPath: nil, isDeletion: false,
                node: twin.peerName, nodeURL: twin.peerURL)
        }
    }

    func changeView(_ change: PageChange) -> RecentView.Change {
        let title = PageLinkView(title: change.title)
        return RecentView.Change(
            kind: change.kind.rawValue, title: change.title, path: title.path, previousTitle: change.previousTitle,
            summary: change.summary, hasSummary: !change.summary.isEmpty, author: change.author, date: DateView(change.createdAt, in: site.timeZone),
            diffPath: change.kind == .edit ? "\(title.path)/diff?to=\(change.revisionId)" : nil, isDeletion: change.kind == .delete,
            node: nil, nodeURL: nil)
    }

    /// `GET /recent.atom`
    @Sendable func recentFeed(request: Request, context: Context) async throws -> Response {
        let feed = try FeedBodies(database: database, site: site).recentChanges()
        return Response.conditional(
            to: request, body: feed.text, contentType: feed.contentType, lastModified: feed.lastModified, topic: NodeAddress.recentFeed)
    }

    /// `GET /search?q=…&page=N`
    @Sendable func search(request: Request, context: Context) async throws -> Response {
        let query = try QueryParameters(request)
        let text = (query["q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let page = Int(try query.integer("page", in: 1...1000) ?? 1)
        let size = Self.searchPageSize
        let cutoff = try DraftVisibility(database: database).cutoff(for: context.visitor)
        let includesPeers = query["peers"] == "1"
        let hits: [SearchHit]
        if text.isEmpty {
            hits = []
        } else if includesPeers {
            guard page <= 50 else { throw HTTPError(.badRequest, message: "Searches of the neighbourhood show at most 50 pages of results.") }
            hits = try database.searchNeighbourhood(text, limit: size + 1, offset: (page - 1) * size, visibleAt: cutoff)
        } else {
            hits = try database.search(text, limit: size + 1, offset: (page - 1) * size, visibleAt: cutoff)
        }
        let encoded = URLEncoding.component(text) + (includesPeers ? "&peers=1" : "")
        let view = SearchView(
            site: site, query: text, hasQuery: !text.isEmpty, includesPeers: includesPeers,
            hits: hits.prefix(size).map {
                SearchView.Hit(
                    title: $0.title, path: $0.url ?? PageLinkView(title: $0.title).path, snippetHTML: $0.snippetHTML,
                    date: DateView($0.updatedAt, in: site.timeZone), node: $0.peerName)
            },
            hasHits: !hits.isEmpty,
            nextPath: hits.count > size ? "\(NodeAddress.search)?q=\(encoded)&page=\(page + 1)" : nil,
            previousPath: page > 1 ? "\(NodeAddress.search)?q=\(encoded)&page=\(page - 1)" : nil)
        return Response.conditional(
            to: request, body: try renderer.render(view, template: "search", viewer: context.viewer(for: request)),
            contentType: "text/html; charset=utf-8")
    }
}
