import Foundation
import GRDB

extension WikiDatabase {
    /// The compacted change feed after `since`: each page once, at its latest change. Wiki links
    /// are given as addresses under `baseURL`.
    public func changeFeed(since: Int64, limit: Int, baseURL: String, now: Date = Date()) throws -> ChangeFeedDocument {
        try writer.read { db in
            let latest = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM pageChange") ?? 0
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT c.seq, c.pageUid, c.kind, c.previousTitle, c.author, c.summary, c.createdAt,
                               p.id AS pageId, p.title, p.revisionId, p.deletedAt, p.updatedAt, r.markdown, r.contentHash,
                               h.status AS postStatus, h.publishedAt
                        FROM pageChange c
                        JOIN page p ON p.id = c.pageId
                        JOIN revision r ON r.id = p.revisionId
                        LEFT JOIN post h ON h.pageId = p.id
                        WHERE c.seq > ? AND c.seq = (SELECT MAX(m.seq) FROM pageChange m WHERE m.pageUid = c.pageUid)
                        ORDER BY c.seq LIMIT ?
                        """),
                arguments: [since, limit])
            let wikiLinks = try db.cachedStatement(sql: "SELECT targetTitle FROM pageLink WHERE pageId = ? ORDER BY rowid")
            let webLinks = try db.cachedStatement(sql: "SELECT url FROM externalLink WHERE pageId = ? ORDER BY rowid")
            var entries: [ChangeFeedEntry] = []
            for row in rows {
                let isPost = row["postStatus"] as String? != nil
                let isHidden =
                    isPost && (row["postStatus"] as String? != Post.Status.published.rawValue || (row["publishedAt"] as Date? ?? now) > now)
                var entry = ChangeFeedEntry(seq: row["seq"], uid: row["pageUid"], deleted: row["deletedAt"] as Date? != nil || isHidden)
                if !entry.deleted {
                    let title: String = row["title"]
                    let pageTitle = (try? PageTitle(title)) ?? Page.fallbackTitle
                    entry.kind = row["kind"]
                    entry.type = isPost ? "post" : "page"
                    entry.title = title
                    entry.previousTitle = row["previousTitle"]
                    entry.revision = row["revisionId"]
                    entry.contentHash = row["contentHash"]
                    entry.author = row["author"]
                    entry.summary = row["summary"]
                    entry.updated = row["updatedAt"]
                    entry.url = baseURL + pageTitle.path
                    entry.markdown = row["markdown"]
                    let pageId: Int64 = row["pageId"]
                    var links = try String.fetchAll(wikiLinks, arguments: [pageId]).compactMap { (try? PageTitle($0)).map { baseURL + $0.path } }
                    links += try String.fetchAll(webLinks, arguments: [pageId])
                    entry.links = links
                }
                entries.append(entry)
            }
            return ChangeFeedDocument(changes: entries, cursor: entries.last?.seq ?? max(since, 0), latest: latest)
        }
    }
}
