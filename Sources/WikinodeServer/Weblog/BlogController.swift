import Foundation
import Hummingbird
import WikinodeCore

/// The weblog: its pages, archives, tags, permanent addresses and feeds.
struct BlogController {
    typealias Context = WikiRequestContext

    let database: WikiDatabase
    let renderer: TemplateRenderer
    let site: SiteView
    let cache: ResponseCache

    static var pageSize: Int { 10 }

    var drafts: DraftVisibility { DraftVisibility(database: database) }

    func addRoutes(to router: Router<Context>) {
        router.get("\(NodeAddress.blog)", use: blog)
        router.get("\(NodeAddress.blogPrefix):year", use: archive)
        router.get("\(NodeAddress.blogPrefix):year/:month", use: archive)
        router.get("\(NodeAddress.blogPrefix):year/:month/:slug", use: post)
        router.get("\(NodeAddress.tagsPrefix):tag", use: tag)
        for format in FeedFormat.allCases {
            router.get("\(NodeAddress.feed).\(format.rawValue)") { request, context in
                try await feed(format, tag: nil, request: request, context: context)
            }
            router.get("\(NodeAddress.tagsPrefix):tag/feed.\(format.rawValue)") { request, context in
                try await feed(format, tag: try tagParameter(context), request: request, context: context)
            }
        }
    }

    /// `GET /blog?page=N`
    @Sendable func blog(request: Request, context: Context) async throws -> Response {
        let page = Int(try QueryParameters(request).integer("page", in: 1...10_000) ?? 1)
        return try list(heading: "Weblog", feedBase: NodeAddress.feed, page: page, request: request, context: context)
    }

    /// `GET /blog/{yyyy}` and `GET /blog/{yyyy}/{mm}`
    @Sendable func archive(request: Request, context: Context) async throws -> Response {
        guard let year = context.parameters.get("year", as: Int.self), (1...9999).contains(year) else {
            throw HTTPError(.notFound, message: "There is no such archive.")
        }
        let month = context.parameters.get("month")
        if month != nil, context.parameters.get("month", as: Int.self).map({ (1...12).contains($0) }) != true {
            throw HTTPError(.notFound, message: "There is no such archive.")
        }
        let monthNumber = context.parameters.get("month", as: Int.self)
        let heading = monthNumber.map { String(format: "Posts of %04d-%02d", year, $0) } ?? "Posts of \(year)"
        return try list(
            heading: heading, feedBase: NodeAddress.feed, year: year, month: monthNumber, page: 1, limit: 500, request: request, context: context)
    }

    /// `GET /tags/{tag}`
    @Sendable func tag(request: Request, context: Context) async throws -> Response {
        let tag = try tagParameter(context)
        let page = Int(try QueryParameters(request).integer("page", in: 1...10_000) ?? 1)
        let base = TagView.path(for: tag)
        return try list(heading: "Posts tagged “\(tag)”", feedBase: base + NodeAddress.feed, tag: tag, page: page, request: request, context: context)
    }

    private func tagParameter(_ context: Context) throws -> String {
        guard let raw = context.parameters.get("tag"), let tag = raw.removingPercentEncoding, !tag.isEmpty, tag.count <= 50,
            !tag.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw HTTPError(.badRequest, message: "That is not a tag.") }
        return tag
    }

    private func list(
        heading: String, feedBase: String, tag: String? = nil, year: Int? = nil, month: Int? = nil, page: Int, limit: Int = pageSize,
        request: Request, context: Context
    ) throws -> Response {
        let cutoff = try drafts.cutoff(for: context.visitor)
        let entries = try database.posts(visibleAt: cutoff, tag: tag, year: year, month: month, limit: limit + 1, offset: (page - 1) * limit)
        let path = request.uri.path
        let view = BlogView(
            site: site, heading: heading, feedBase: feedBase, posts: entries.prefix(limit).map { PostEntryView($0, site: site) },
            hasPosts: !entries.isEmpty,
            olderPath: entries.count > limit ? "\(path)?page=\(page + 1)" : nil,
            newerPath: page > 1 ? "\(path)?page=\(page - 1)" : nil,
            archive: [])
        let html = try renderer.render(view, template: "blog", viewer: context.viewer(for: request))
        let status: HTTPResponse.Status = entries.isEmpty && (year != nil || tag != nil || page > 1) ? .notFound : .ok
        return Response.conditional(
            to: request, body: html, contentType: "text/html; charset=utf-8", lastModified: entries.first?.updatedAt,
            topic: feedBase + ".atom", status: status)
    }

    /// `GET /blog/{yyyy}/{mm}/{slug}`: the post at its permanent address.
    @Sendable func post(request: Request, context: Context) async throws -> Response {
        guard let year = context.parameters.get("year", as: Int.self), let month = context.parameters.get("month", as: Int.self),
            let slug = context.parameters.get("slug")?.removingPercentEncoding,
            let (post, page) = try database.post(year: year, month: month, slug: slug)
        else { throw HTTPError(.notFound, message: "There is no post at this address.") }
        if ActivityPubRequest.wantsActivity(request) {
            // The fediverse sees what everyone sees.
            guard post.isVisible(at: Date()) else { throw HTTPError(.notFound, message: "There is no post at this address.") }
            let tags = try database.post(of: page)?.tags ?? []
            let entry = PostEntry(post: post, title: page.title, html: page.html, tags: tags, author: "", updatedAt: page.updatedAt)
            return try ActivityPubRequest.answer(try database.articles(of: [entry], baseURL: site.baseURL)[0], to: request)
        }
        let cutoff = try drafts.cutoff(for: context.visitor)
        if let cutoff, !post.isVisible(at: cutoff) {
            throw HTTPError(.notFound, message: "There is no post at this address.")
        }
        let data = try database.pageView(page, visibleAt: cutoff)
        let tags = try database.post(of: page)?.tags ?? []
        let entry = PostEntry(post: post, title: page.title, html: page.html, tags: tags, author: data.firstAuthor, updatedAt: page.updatedAt)
        let title = page.pageTitle
        let view = PostPageView(
            site: site, entry: PostEntryView(entry, site: site), tools: PageToolsView(title), canonicalURL: site.baseURL + post.permalinkPath,
            backlinks: data.backlinks.map { PageLinkView(title: $0) }, hasBacklinks: !data.backlinks.isEmpty,
            lastChange: RevisionView(data.lastChange, title: title, latestId: page.revisionId, timeZone: site.timeZone),
            responses: ResponsesView(data.mentions, timeZone: site.timeZone),
            replyTargets: ReplyTargetView.list(data.replyTargets, contexts: data.replyContexts, timeZone: site.timeZone),
            hasReplyTargets: !data.replyTargets.isEmpty,
            trackbackRDF: TrackbackRDF.comment(
                permalink: site.baseURL + post.permalinkPath, title: page.title, pingURL: site.baseURL + NodeAddress.trackback(title)))
        let html = try renderer.render(view, template: "post", viewer: context.viewer(for: request))
        var response = Response.conditional(to: request, body: html, contentType: "text/html; charset=utf-8", lastModified: page.updatedAt)
        // The same address answers an `Article` to ActivityPub clients.
        response.headers[.vary] = "Accept, Cookie"
        return response
    }

    enum FeedFormat: String, CaseIterable {
        case atom, rss, json

        var contentType: String {
            switch self {
            case .atom: "application/atom+xml; charset=utf-8"
            case .rss: "application/rss+xml; charset=utf-8"
            case .json: "application/feed+json; charset=utf-8"
            }
        }
    }

    /// `GET /feed.{atom,rss,json}` and `GET /tags/{tag}/feed.{…}`: the newest posts with their
    /// full text, addresses absolute. Kept until the data or the set of visible posts changes.
    func feed(_ format: FeedFormat, tag: String?, request: Request, context: Context) async throws -> Response {
        let now = Date()
        let version = try cache.currentVersion()
        let key = request.uri.path + "\u{0}" + (try database.visiblePostsMark(at: now))
        if let cached = cache.body(for: key, version: version) {
            return Response.conditional(to: request, body: cached)
        }
        let feed = try FeedBodies(database: database, site: site).weblog(format, tag: tag, at: now)
        let cached = CachedBody(
            feed.text, contentType: feed.contentType, lastModified: feed.lastModified,
            topic: (tag.map(TagView.path(for:)) ?? "") + "\(NodeAddress.feed).\(format.rawValue)")
        cache.store(cached, for: key, version: version, dependsOn: [ViewDependency.pages, ViewDependency.site])
        return Response.conditional(to: request, body: cached)
    }
}
