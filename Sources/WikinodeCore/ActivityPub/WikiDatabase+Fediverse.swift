import Foundation
import GRDB

extension WikiDatabase {
    /// Whether `host`, or a domain it is under, is blocked (on `/mentions`): nothing from it is
    /// taken, from the fediverse either.
    public func isBlocked(host: String) throws -> Bool {
        try writer.read { db in try Self.isBlocked(host: host.lowercased(), in: db) }
    }

    /// How many fediverse accounts follow the node.
    public func fediverseFollowerCount() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM fediverseFollower") ?? 0 }
    }

    /// How many posts readers see at `now`: the size of the actor's outbox.
    public func visiblePostCount(at now: Date) throws -> Int {
        try writer.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM post s JOIN page p ON p.id = s.pageId
                    WHERE p.deletedAt IS NULL AND s.status = 'published' AND s.publishedAt <= ?
                    """, arguments: [now]) ?? 0
        }
    }

    /// When the owner's account was made: when the actor was "published".
    public func ownerSince() throws -> Date? {
        try writer.read { db in try Date.fetchOne(db, sql: "SELECT createdAt FROM user WHERE role = 'owner' ORDER BY id LIMIT 1") }
    }
}

extension WikiDatabase {
    /// Posts as ActivityStreams `Article`s: content with absolute addresses (as feeds have it),
    /// tags as `Hashtag`s, and the first address each replies to as `inReplyTo`.
    public func articles(of entries: [PostEntry], baseURL: String, withContext: Bool = true) throws -> [ArticleDocument] {
        let contents = try feedHTML(of: entries, baseURL: baseURL)
        let (replies, paths) = try writer.read { db in
            (try entries.map { try replyTargets(ofPageId: $0.post.pageId, in: db).first }, try objectPaths(of: entries, in: db))
        }
        return zip(entries, replies).map { entry, inReplyTo in
            let published = ActivityDate.format(entry.post.publishedAt)
            let updated = ActivityDate.format(max(entry.updatedAt, entry.post.publishedAt))
            return ArticleDocument(
                id: baseURL + (paths[entry.post.pageId] ?? entry.post.permalinkPath), permalink: baseURL + entry.post.permalinkPath, baseURL: baseURL,
                title: entry.title,
                contentHTML: contents[entry.post.pageId] ?? entry.html, published: published, updated: updated == published ? nil : updated,
                tags: entry.tags.map { (name: $0, url: baseURL + NodeAddress.tag($0)) }, inReplyTo: inReplyTo, withContext: withContext)
        }
    }
}

/// Dates as ActivityStreams writes them: RFC 3339 in UTC, whole seconds (`2026-12-07T01:16:39Z`).
public enum ActivityDate {
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}

extension ActivityDate {
    /// An RFC 3339 date as other servers write it (with or without fractional seconds).
    public static func parse(_ text: String?) -> Date? {
        guard let text, text.utf8.count <= 64 else { return nil }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
