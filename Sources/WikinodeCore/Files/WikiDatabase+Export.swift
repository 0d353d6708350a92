import Foundation
import GRDB

extension WikiDatabase {
    /// Every live page with its current Markdown, in title order, for export.
    public func allPages() throws -> [(page: Page, markdown: String, post: Post?, tags: [String], author: String, inReplyTo: [String])] {
        try writer.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT p.*, r.markdown AS currentMarkdown, r.inReplyTo AS currentInReplyTo,
                        (SELECT author FROM revision WHERE pageId = p.id ORDER BY id LIMIT 1) AS firstAuthor
                    FROM page p JOIN revision r ON r.id = p.revisionId WHERE p.deletedAt IS NULL ORDER BY p.titleKey
                    """)
            return try rows.map { row in
                let page = try Page(row: row)
                let post = try Post.fetchOne(db, key: page.id!)
                let tags =
                    post == nil ? [] : try String.fetchAll(db, sql: "SELECT tag FROM postTag WHERE pageId = ? ORDER BY tagKey", arguments: [page.id])
                let replies: String = row["currentInReplyTo"] ?? ""
                return (page, row["currentMarkdown"], post, tags, row["firstAuthor"] ?? "", replies.split(separator: "\n").map(String.init))
            }
        }
    }
}
