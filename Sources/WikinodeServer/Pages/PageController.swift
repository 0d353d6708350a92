import Foundation
import Hummingbird
import WikinodeCore

/// Pages as people read them: the page, its source, history, old revisions, diffs and links.
struct PageController {
    typealias Context = WikiRequestContext

    let database: WikiDatabase
    let renderer: TemplateRenderer
    let site: SiteView
    let cache: ResponseCache

    var resolver: TitleResolver { TitleResolver(database: database) }
    var drafts: DraftVisibility { DraftVisibility(database: database) }

    func addRoutes(to router: Router<Context>) {
        router.get("\(NodeAddress.wikiPrefix):title", use: show)
        router.get("\(NodeAddress.wikiPrefix):title\(NodeAddress.PageSuffix.history)", use: history)
        router.get("\(NodeAddress.wikiPrefix):title\(NodeAddress.PageSuffix.historyFeed)", use: historyFeed)
        router.get("\(NodeAddress.wikiPrefix):title\(NodeAddress.PageSuffix.revision):revision", use: oldRevision)
        router.get("\(NodeAddress.wikiPrefix):title\(NodeAddress.PageSuffix.diff)", use: diff)
        router.get("\(NodeAddress.wikiPrefix):title\(NodeAddress.PageSuffix.links)", use: links)
    }

    /// `GET /wiki/{title}`, or `GET /wiki/{title}.md` for the Markdown source.
    @Sendable func show(request: Request, context: Context) async throws -> Response {
        let segment = try context.parameters.titleSegment()
        let cutoff = try drafts.cutoff(for: context.visitor)
        if segment.hasSuffix(".md") {
            return try source(segment.dropLast(3), request: request, visibleAt: cutoff)
        }
        let version = try cache.currentVersion()
        let key = Self.cacheKey(request.uri.path, context)
        if let cached = cache.body(for: key, version: version) {
            return Response.conditional(to: request, body: cached)
        }
        switch try resolver.resolve(segment, suffix: "", request: request, visibleAt: cutoff) {
        case .redirect(let response): return response
        case .page(let page, _): return try render(page, request: request, context: context, cacheKey: key, version: version)
        case .deleted(let page, let title): return try deleted(page, title: title, request: request, context: context)
        case .missing(let title): return try missing(title, request: request, context: context)
        }
    }

    /// The cache key of a page view: its address, and who is signed in (the header differs).
    static func cacheKey(_ path: String, _ context: Context) -> String {
        cacheKey(path, signedIn: context.visitor.user?.name)
    }

    /// The cache key of the view of `path` for the account `signedIn`, or for everyone else.
    static func cacheKey(_ path: String, signedIn name: String?) -> String {
        path + "\u{0}" + (name ?? "")
    }

    /// Renders a live page and keeps it in the cache under `cacheKey`, made as of the log
    /// position `version`; the front page uses this too.
    func render(_ page: Page, request: Request, context: Context, isFrontPage: Bool = false, cacheKey: String, version: Int64) throws -> Response {
        let cutoff = try drafts.cutoff(for: context.visitor)
        let data = try database.pageView(page, visibleAt: cutoff)
        let latest = isFrontPage ? try database.posts(visibleAt: cutoff ?? Date(), limit: 5) : []
        let address = isFrontPage ? try database.ownerName().map { "@\($0)@\(ActivityPubController.accountHost(of: site.baseURL))" } : nil
        let view = PageView(site: site, data: data, isFrontPage: isFrontPage, latestPosts: latest, fediverseAddress: address)
        let html = try renderer.render(view, template: "page", viewer: context.sharedViewer(for: request))
        // Made from the page, its backlinks, twins, mentions and the layout, each of which may
        // have changed last: the view changed when it was made (it is made again, later, after
        // any change to what it is made from), which is also right when a backlink went away.
        let body = CachedBody(
            html, contentType: "text/html; charset=utf-8", lastModified: max(Date(), page.updatedAt),
            topic: NodeAddress.page(storedTitle: page.title) + NodeAddress.PageSuffix.historyFeed)
        // The page, what links to it and its twins (under its title), the layout; the front page
        // lists the latest posts too.
        var dependencies = ViewDependency.view(of: page.id!, titleKey: page.titleKey)
        if isFrontPage { dependencies.append(ViewDependency.pages) }
        cache.store(body, for: cacheKey, version: version, dependsOn: dependencies)
        return Response.conditional(to: request, body: body)
    }

    func source(_ segment: Substring, request: Request, visibleAt cutoff: Date?) throws -> Response {
        switch try resolver.resolve(segment, suffix: ".md", request: request, visibleAt: cutoff) {
        case .redirect(let response):
            return response
        case .page(let page, _):
            guard let revision = try database.revision(page.revisionId, of: page) else { throw HTTPError(.notFound) }
            return Response.conditional(
                to: request, body: revision.markdown, contentType: "text/markdown; charset=utf-8", lastModified: page.updatedAt)
        case .deleted(let page, _):
            throw HTTPError(.gone, message: "The page \(page.title) was deleted.")
        case .missing(let title):
            throw HTTPError(.notFound, message: "There is no page \(title.text).")
        }
    }

    func missing(_ title: PageTitle, request: Request, context: Context) throws -> Response {
        let linking = try database.pagesLinking(to: title, visibleAt: try drafts.cutoff(for: context.visitor)).map { PageLinkView(title: $0) }
        let view = MissingPageView(site: site, title: title, backlinks: linking)
        let html = try renderer.render(view, template: "missing", viewer: context.viewer(for: request))
        return Response.conditional(to: request, body: html, contentType: "text/html; charset=utf-8", status: .notFound)
    }

    func deleted(_ page: Page, title: PageTitle, request: Request, context: Context) throws -> Response {
        guard let summary = try database.revisionSummary(page.revisionId, of: page) else { throw HTTPError(.gone) }
        let view = DeletedPageView(
            site: site, title: title.text, tools: PageToolsView(title),
            lastChange: RevisionView(summary, title: title, latestId: page.revisionId, timeZone: site.timeZone))
        let html = try renderer.render(view, template: "deleted", viewer: context.viewer(for: request))
        return Response.conditional(to: request, body: html, contentType: "text/html; charset=utf-8", status: .gone)
    }

    /// Runs `body` with the page, live or deleted, for the views that show history; a redirect
    /// or a missing page answers here instead.
    private func withPage(_ request: Request, _ context: Context, suffix: String, _ body: (Page, PageTitle) throws -> Response) throws -> Response {
        let cutoff = try drafts.cutoff(for: context.visitor)
        switch try resolver.resolve(try context.parameters.titleSegment(), suffix: suffix, request: request, visibleAt: cutoff) {
        case .redirect(let response): return response
        case .page(let page, let title), .deleted(let page, let title): return try body(page, title)
        case .missing(let title): throw HTTPError(.notFound, message: "There is no page \(title.text).")
        }
    }

    /// `GET /wiki/{title}/history`
    @Sendable func history(request: Request, context: Context) async throws -> Response {
        try withPage(request, context, suffix: "/history") { page, title in
            let revisions = try database.history(of: page).map { RevisionView($0, title: title, latestId: page.revisionId, timeZone: site.timeZone) }
            let view = HistoryView(site: site, title: title.text, tools: PageToolsView(title), revisions: revisions)
            return Response.conditional(
                to: request, body: try renderer.render(view, template: "history", viewer: context.viewer(for: request)),
                contentType: "text/html; charset=utf-8", lastModified: page.updatedAt)
        }
    }

    /// `GET /wiki/{title}/history.atom`
    @Sendable func historyFeed(request: Request, context: Context) async throws -> Response {
        try withPage(request, context, suffix: NodeAddress.PageSuffix.historyFeed) { page, title in
            let feed = try FeedBodies(database: database, site: site).history(of: page, title: title)
            return Response.conditional(
                to: request, body: feed.text, contentType: feed.contentType, lastModified: feed.lastModified,
                topic: title.path + NodeAddress.PageSuffix.historyFeed)
        }
    }

    /// `GET /wiki/{title}/rev/{revision}`
    @Sendable func oldRevision(request: Request, context: Context) async throws -> Response {
        guard let id = context.parameters.get("revision", as: Int64.self) else {
            throw HTTPError(.badRequest, message: "A revision is a whole number.")
        }
        return try withPage(request, context, suffix: "/rev/\(id)") { page, title in
            guard let revision = try database.revision(id, of: page), let summary = try database.revisionSummary(id, of: page) else {
                throw HTTPError(.notFound, message: "The page \(title.text) has no revision \(id).")
            }
            let view = OldRevisionView(
                site: site, title: title.text, tools: PageToolsView(title),
                revision: RevisionView(summary, title: title, latestId: page.revisionId, timeZone: site.timeZone),
                html: revision.html, isDeletion: revision.kind == .delete,
                csrfToken: revision.kind == .delete || summary.id == page.revisionId ? nil : context.visitor.csrfToken,
                revertPath: title.path + "/revert")
            return Response.conditional(
                to: request, body: try renderer.render(view, template: "revision", viewer: context.viewer(for: request)),
                contentType: "text/html; charset=utf-8", lastModified: revision.createdAt)
        }
    }

    /// `GET /wiki/{title}/diff?from=R&to=R`; `to` defaults to the current revision, `from` to
    /// the revision before `to`.
    @Sendable func diff(request: Request, context: Context) async throws -> Response {
        let query = try QueryParameters(request)
        let requestedTo = try query.integer("to", in: 1...Int64.max)
        let requestedFrom = try query.integer("from", in: 1...Int64.max)
        return try withPage(request, context, suffix: "/diff") { page, title in
            let toId = requestedTo ?? page.revisionId
            guard let to = try database.revision(toId, of: page) else {
                throw HTTPError(.notFound, message: "The page \(title.text) has no revision \(toId).")
            }
            let fromId = requestedFrom ?? to.parentId ?? to.id!
            guard let from = try database.revision(fromId, of: page) else {
                throw HTTPError(.notFound, message: "The page \(title.text) has no revision \(fromId).")
            }
            guard let fromSummary = try database.revisionSummary(fromId, of: page), let toSummary = try database.revisionSummary(toId, of: page)
            else {
                throw HTTPError(.notFound)
            }
            let view = DiffView(
                site: site, title: title,
                from: RevisionView(fromSummary, title: title, latestId: page.revisionId, timeZone: site.timeZone),
                to: RevisionView(toSummary, title: title, latestId: page.revisionId, timeZone: site.timeZone),
                diff: LineDiff(old: from.markdown, new: to.markdown))
            return Response.conditional(
                to: request, body: try renderer.render(view, template: "diff", viewer: context.viewer(for: request)),
                contentType: "text/html; charset=utf-8")
        }
    }

    /// `GET /wiki/{title}/links`: what links here, and where this page links to.
    @Sendable func links(request: Request, context: Context) async throws -> Response {
        try withPage(request, context, suffix: "/links") { page, title in
            let backlinks = try database.backlinks(of: page, visibleAt: try drafts.cutoff(for: context.visitor)).map { PageLinkView(title: $0) }
            let outgoing = page.isDeleted ? [] : try database.outgoingLinks(of: page).map { PageLinkView(title: $0.title, isMissing: !$0.exists) }
            let external = page.isDeleted ? [] : try database.externalLinks(of: page)
            let remote = try database.remoteBacklinks(of: page).map(RemoteLinkView.init)
            let responses = ResponsesView(try database.shownMentions(ofPageId: page.id!), timeZone: site.timeZone)
            let isOwner = context.visitor.user?.role == .owner
            let received =
                isOwner
                ? try database.allMentions(ofPageId: page.id!).map { ReceivedMentionRow($0, pageTitle: page.title, timeZone: site.timeZone) } : []
            let sent =
                isOwner
                ? try database.sentMentions(ofPageId: page.id!).map { SentMentionRow($0, pageTitle: page.title, timeZone: site.timeZone) } : []
            let view = LinksView(
                site: site, title: title.text, tools: PageToolsView(title), backlinks: backlinks, hasBacklinks: !backlinks.isEmpty,
                outgoing: outgoing, hasOutgoing: !outgoing.isEmpty, external: external, hasExternal: !external.isEmpty,
                remoteBacklinks: remote, hasRemoteBacklinks: !remote.isEmpty, responses: responses,
                isOwner: isOwner, received: received, hasReceived: !received.isEmpty, sent: sent, hasSent: !sent.isEmpty)
            let html = try renderer.render(view, template: "links", viewer: context.viewer(for: request))
            return isOwner ? Response.html(html, status: .ok) : Response.conditional(to: request, body: html, contentType: "text/html; charset=utf-8")
        }
    }
}
