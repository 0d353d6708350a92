import Foundation
import WikinodeCore
import WikinodeNetwork

/// The topics of the node's WebSub hub: its feeds, by path, as an anonymous reader gets them.
///
/// `/feed.{atom,rss,json}`, a tag's `/tags/{tag}/feed.{…}`, `/recent.atom`, and a live page's
/// `/wiki/{title}/history.atom`. Nothing else is a topic: pages name their history feed as
/// their topic (`rel=self`).
struct WebSubTopics: Sendable {
    let database: WikiDatabase
    let site: SiteView

    func content(of path: String) throws -> WebSubTopicContent? {
        guard let feed = try feed(at: path) else { return nil }
        return WebSubTopicContent(contentType: feed.contentType, body: Data(feed.text.utf8))
    }

    func feed(at path: String) throws -> FeedBody? {
        let bodies = FeedBodies(database: database, site: site)
        let now = Date()
        if path == NodeAddress.recentFeed { return try bodies.recentChanges() }
        for format in BlogController.FeedFormat.allCases {
            let suffix = "\(NodeAddress.feed).\(format.rawValue)"
            if path == suffix { return try bodies.weblog(format, tag: nil, at: now) }
            if path.hasPrefix(NodeAddress.tagsPrefix), path.hasSuffix(suffix) {
                let segment = path.dropFirst(NodeAddress.tagsPrefix.count).dropLast(suffix.count)
                guard !segment.contains("/"), let tag = segment.removingPercentEncoding, !tag.isEmpty, tag.count <= 50,
                    NodeAddress.tag(tag) + suffix == path
                else { return nil }
                return try bodies.weblog(format, tag: tag, at: now)
            }
        }
        let history = NodeAddress.PageSuffix.historyFeed
        if path.hasPrefix(NodeAddress.wikiPrefix), path.hasSuffix(history) {
            let segment = path.dropFirst(NodeAddress.wikiPrefix.count).dropLast(history.count)
            guard !segment.contains("/"), let title = try? PageTitle(pathSegment: segment), title.path + history == path,
                case .found(let page) = try database.lookup(title, visibleAt: now)
            else { return nil }
            return try bodies.history(of: page, title: title)
        }
        return nil
    }
}
