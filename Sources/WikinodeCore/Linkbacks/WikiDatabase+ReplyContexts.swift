import Foundation
import GRDB

extension WikiDatabase {
    /// Queues fetching the contexts of `urls` at `depth` (a new address, or one now nearer a page).
    func queueReplyContexts(_ urls: some Sequence<String>, depth: Int, now: Date, in db: Database) throws {
        guard depth <= ReplyContext.maximumDepth else { return }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO replyContext(url, status, depth, attempts, nextAttemptAt) VALUES (?, 'pending', ?, 0, ?)
                ON CONFLICT(url) DO UPDATE SET depth = MIN(depth, excluded.depth)
                """)
        for url in Set(urls) { try statement.execute(arguments: [url, depth, Self.wholeMilliseconds(now)]) }
    }

    /// Contexts whose time has come (new ones, retries, refreshes), nearest pages first.
    public func dueReplyContexts(now: Date = Date(), limit: Int = 20) throws -> [ReplyContext] {
        try writer.read { db in
            try ReplyContext.filter(sql: "nextAttemptAt <= ?", arguments: [Self.wholeMilliseconds(now)])
                .order(sql: "depth, nextAttemptAt").limit(limit).fetchAll(db)
        }
    }

    public func nextReplyContextDate() throws -> Date? {
        try writer.read { db in try Date.fetchOne(db, sql: "SELECT MIN(nextAttemptAt) FROM replyContext") }
    }

    /// Keeps what the address says, and queues what it replies to one level further up.
    /// `refreshAfter` is shorter for this node's own pages, which change here without telling.
    public func recordReplyContext(
        url: String, content: ReplyContextContent, refreshAfter: TimeInterval = ReplyContext.refreshInterval, now: Date = Date()
    ) throws {
        try writer.write { db in
            guard var context = try ReplyContext.fetchOne(db, key: url) else { return }
            context.status = .fetched
            context.title = content.title
            context.authorName = content.authorName
            context.authorURL = content.authorURL
            context.authorPhoto = content.authorPhoto
            context.site = content.site
            context.excerpt = content.excerpt
            context.published = content.published
            context.inReplyTo = content.inReplyTo.joined(separator: "\n")
            context.attempts = 0
            context.lastError = nil
            context.fetchedAt = now
            context.nextAttemptAt = Self.wholeMilliseconds(now + refreshAfter)
            try context.update(db)
            // Only the first is followed up, as threads show it: one address costs at most
            // `maximumDepth` fetches, not a tree of them.
            try queueReplyContexts(content.inReplyTo.filter { $0 != url }.prefix(1), depth: context.depth + 1, now: now, in: db)
        }
    }

    /// Fetching failed: with `retryAt` it is tried again then; without, it stays as it was last
    /// fetched (or unknown) until the next refresh.
    public func recordReplyContextFailed(url: String, reason: String, retryAt: Date?, now: Date = Date()) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE replyContext SET status = CASE status WHEN 'fetched' THEN 'fetched' ELSE 'failed' END, lastError = ?,
                        attempts = attempts + 1, nextAttemptAt = ? WHERE url = ?
                    """,
                arguments: [String(reason.prefix(500)), Self.wholeMilliseconds(retryAt ?? now + ReplyContext.refreshInterval), url])
        }
    }

    /// The fetched contexts of `urls`, by address.
    public func replyContexts(of urls: [String]) throws -> [String: ReplyContext] {
        try writer.read { db in try replyContexts(of: urls, in: db) }
    }

    func replyContexts(of urls: [String], in db: Database) throws -> [String: ReplyContext] {
        guard !urls.isEmpty else { return [:] }
        let contexts = try ReplyContext.filter(keys: urls).filter(sql: "status = 'fetched'").fetchAll(db)
        return Dictionary(contexts.map { ($0.url, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

extension WikiDatabase {
    /// The context of one of this node's own pages, read here rather than fetched.
    public func localReplyContext(of page: Page, site: String) throws -> ReplyContextContent {
        try writer.read { db in try localReplyContext(of: page, site: site, excerptLimit: 500, in: db) }
    }

    /// What a page of this node is, as a reply context or a thread shows it.
    func localReplyContext(of page: Page, site: String, excerptLimit: Int, in db: Database) throws -> ReplyContextContent {
        let revision = try Revision.fetchOne(db, id: page.revisionId)
        let post = try Post.fetchOne(db, key: page.id!)
        return ReplyContextContent(
            title: page.title, authorName: MentionText.line(revision?.author ?? "", limit: 100), site: site,
            excerpt: MentionText.line(MarkdownDocument(markdown: revision?.markdown ?? "").firstParagraph, limit: excerptLimit),
            published: post?.publishedAt ?? page.updatedAt, inReplyTo: try replyTargets(ofPageId: page.id!, in: db))
    }
}
