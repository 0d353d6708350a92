import Foundation
import GRDB

/// A live page with the Markdown of its current revision.
public struct PageWithMarkdown: Sendable {
    public let page: Page
    public let markdown: String
}

extension WikiDatabase {
    /// Live pages with their current Markdown, in title order, without posts hidden at `now`:
    /// what `/system/sitemap.json` lists.
    public func pagesWithMarkdown(visibleAt now: Date) throws -> [PageWithMarkdown] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.*, r.markdown AS currentMarkdown FROM page p JOIN revision r ON r.id = p.revisionId
                    WHERE p.deletedAt IS NULL AND \(Self.notHiddenPost) ORDER BY p.titleKey
                    """,
                arguments: [now]
            ).map { PageWithMarkdown(page: try Page(row: $0), markdown: $0["currentMarkdown"]) }
        }
    }

    /// The newest `limit` revisions of `page`, oldest first, with their Markdown.
    public func revisions(of page: Page, limit: Int) throws -> [Revision] {
        try writer.read { db in
            try Revision.fetchAll(
                db, sql: "SELECT * FROM (SELECT * FROM revision WHERE pageId = ? ORDER BY id DESC LIMIT ?) ORDER BY id",
                arguments: [page.id, limit])
        }
    }
}
