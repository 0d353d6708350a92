import Foundation
import WikinodeCore

/// A feed's text, as served and as the node's WebSub hub pushes it.
struct FeedBody: Sendable {
    let text: String
    let contentType: String
    let lastModified: Date?
}

/// The node's feeds, made from the database as an anonymous reader sees it: the weblog's (and a
/// tag's) in Atom, RSS and JSON Feed, recent changes, and a page's history. Every feed names the
/// node's WebSub hub, which pushes it to subscribers when it changes.
struct FeedBodies {
    let database: WikiDatabase
    let site: SiteView

    /// Posts in the weblog's feeds.
    static let weblogSize = 20
    /// Changes in the recent-changes feed, and revisions in a history feed.
    static let recentSize = 50
    static let historySize = 50

    var hubURL: String { site.baseURL + NodeAddress.webSubHub }

    /// `/feed.{atom,rss,json}`, or a tag's: the newest posts visible at `now`, full text,
    /// addresses absolute.
    func weblog(_ format: BlogController.FeedFormat, tag: String?, at now: Date) throws -> FeedBody {
        let entries = try database.posts(visibleAt: now, tag: tag, limit: Self.weblogSize)
        let contents = try database.feedHTML(of: entries, baseURL: site.baseURL)
        let base = site.baseURL
        let tagPath = tag.map(TagView.path(for:))
        let alternate = base + (tagPath ?? NodeAddress.blog)
        let selfURL = base + (tagPath ?? "") + "\(NodeAddress.feed).\(format.rawValue)"
        let title = site.name + (tag.map { " — \($0)" } ?? "")
        let updated = entries.map(\.updatedAt).max() ?? Date(timeIntervalSince1970: 0)
        let text: String
        switch format {
        case .atom:
            var feed = AtomFeed(
                id: selfURL, title: title, selfURL: selfURL, alternateURL: alternate, baseURL: base, author: site.ownerName, updated: updated,
                entries: entries.map { entry in
                    AtomFeed.Entry(
                        id: base + entry.post.permalinkPath, title: entry.title, updated: entry.updatedAt, author: entry.author,
                        link: base + entry.post.permalinkPath, published: entry.post.publishedAt, categories: entry.tags,
                        contentHTML: contents[entry.post.pageId] ?? entry.html)
                })
            feed.hubURL = hubURL
            text = feed.xml()
        case .rss:
            var feed = RSSFeed(
                title: title, link: alternate, selfURL: selfURL, description: "The weblog of \(site.name)",
                items: entries.map { entry in
                    RSSFeed.Item(
                        title: entry.title, link: base + entry.post.permalinkPath, published: entry.post.publishedAt, author: entry.author,
                        contentHTML: contents[entry.post.pageId] ?? entry.html, categories: entry.tags)
                })
            feed.hubURL = hubURL
            text = feed.xml()
        case .json:
            var feed = JSONFeed(
                title: title, homePageURL: alternate, feedURL: selfURL, authors: [.init(name: site.ownerName, url: base + "/")],
                items: entries.map { entry in
                    JSONFeed.Item(
                        id: base + entry.post.permalinkPath, url: base + entry.post.permalinkPath, title: entry.title,
                        contentHTML: contents[entry.post.pageId] ?? entry.html, datePublished: entry.post.publishedAt,
                        dateModified: entry.updatedAt, tags: entry.tags, authors: [.init(name: entry.author)])
                })
            feed.hubs = [JSONFeed.Hub(url: hubURL)]
            text = try feed.json()
        }
        return FeedBody(text: text, contentType: format.contentType, lastModified: entries.isEmpty ? nil : updated)
    }

    /// `/recent.atom`: the node's latest changes, each with its diff.
    func recentChanges() throws -> FeedBody {
        let changes = try database.recentChanges(limit: Self.recentSize, visibleAt: Date())
        let texts = try database.changeTexts(ofRevisions: changes.map(\.revisionId))
        let entries = changes.map { change in
            let path = PageLinkView(title: change.title).path
            let link =
                change.kind == .edit ? "\(site.baseURL)\(path)/diff?to=\(change.revisionId)" : "\(site.baseURL)\(path)/rev/\(change.revisionId)"
            var summary = change.summary
            if let previous = change.previousTitle, summary.isEmpty { summary = "Renamed from \(previous)" }
            let text = texts[change.revisionId]
            return AtomFeed.Entry(
                id: "\(site.baseURL)/changes/\(change.seq ?? 0)", title: "\(change.title) (\(change.kind.rawValue))",
                updated: change.createdAt, author: change.author, link: link, summary: summary.isEmpty ? nil : summary,
                contentHTML: ChangeEntryHTML.html(summary: summary, old: text?.old, new: change.kind == .delete ? nil : text?.new ?? ""))
        }
        var feed = AtomFeed(
            id: "\(site.baseURL)/recent", title: "Recent changes — \(site.name)", selfURL: "\(site.baseURL)\(NodeAddress.recentFeed)",
            alternateURL: "\(site.baseURL)\(NodeAddress.recent)", baseURL: site.baseURL, author: site.name,
            updated: changes.first?.createdAt ?? Date(timeIntervalSince1970: 0), entries: entries)
        feed.hubURL = hubURL
        return FeedBody(text: feed.xml(), contentType: Self.atomType, lastModified: changes.first?.createdAt)
    }

    /// `/wiki/{title}/history.atom`: the page's latest revisions, each with its diff.
    func history(of page: Page, title: PageTitle) throws -> FeedBody {
        let revisions = try database.history(of: page, limit: Self.historySize)
        let texts = try database.changeTexts(ofRevisions: revisions.map(\.id))
        let entries = revisions.map { revision in
            let text = texts[revision.id]
            return AtomFeed.Entry(
                id: "\(site.baseURL)\(title.path)/rev/\(revision.id)",
                title: "\(revision.title): \(revision.kind.rawValue) by \(revision.author)",
                updated: revision.createdAt, author: revision.author,
                link: "\(site.baseURL)\(title.path)/" + (revision.parentId.map { "diff?from=\($0)&to=\(revision.id)" } ?? "rev/\(revision.id)"),
                summary: revision.summary.isEmpty ? nil : revision.summary,
                contentHTML: ChangeEntryHTML.html(summary: revision.summary, old: text?.old, new: revision.kind == .delete ? nil : text?.new ?? ""))
        }
        var feed = AtomFeed(
            id: "\(site.baseURL)\(title.path)/history", title: "\(title.text) — history — \(site.name)",
            selfURL: "\(site.baseURL)\(title.path)\(NodeAddress.PageSuffix.historyFeed)", alternateURL: "\(site.baseURL)\(title.path)/history",
            baseURL: site.baseURL, author: site.name, updated: page.updatedAt, entries: entries)
        feed.hubURL = hubURL
        return FeedBody(text: feed.xml(), contentType: Self.atomType, lastModified: page.updatedAt)
    }

    static let atomType = "application/atom+xml; charset=utf-8"
}
