import Foundation
import GRDB

/// Everything a page view shows, read in one go.
public struct PageViewData: Sendable {
    public let page: Page
    public let lastChange: RevisionSummary
    /// The titles of the pages that link here.
    public let backlinks: [String]
    /// Set when the page is published as a post.
    public let post: Post?
    /// Who wrote the first revision, and when.
    public let firstAuthor: String
    public let createdAt: Date
    /// The same title on followed peers, newest first.
    public var twins: [Twin] = []
    /// Pages on followed peers that link here.
    public var remoteBacklinks: [RemoteReference] = []
    /// Verified, approved mentions from the web.
    public var mentions: [Mention] = []
    /// The addresses the page replies to, in order.
    public var replyTargets: [String] = []
    /// What those addresses say, where it was fetched.
    public var replyContexts: [String: ReplyContext] = [:]
}

extension WikiDatabase {
    /// The page, its last change and its backlinks, from one consistent snapshot. With
    /// `visibleAt`, pages that are hidden posts at that time are left out.
    public func pageView(_ page: Page, visibleAt now: Date? = nil) throws -> PageViewData {
        try writer.read { db in
            let summary = try RevisionSummary.fetchOne(
                db.cachedStatement(sql: Self.revisionSummarySQL + " WHERE id = ?"), arguments: [page.revisionId])!
            let post = try Post.fetchOne(db.cachedStatement(sql: "SELECT * FROM post WHERE pageId = ?"), arguments: [page.id])
            let first = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT author, createdAt FROM revision WHERE pageId = ? ORDER BY id LIMIT 1"), arguments: [page.id])
            var data = PageViewData(
                page: page, lastChange: summary, backlinks: try backlinks(of: page, visibleAt: now, in: db), post: post,
                firstAuthor: first?["author"] ?? "", createdAt: first?["createdAt"] ?? page.updatedAt)
            data.twins = try twins(of: page.titleKey, in: db)
            data.remoteBacklinks = try remoteBacklinks(of: page, in: db)
            data.mentions = try shownMentions(ofPageId: page.id!, in: db)
            data.replyTargets = try replyTargets(ofPageId: page.id!, in: db)
            data.replyContexts = try replyContexts(of: data.replyTargets, in: db)
            return data
        }
    }
}
