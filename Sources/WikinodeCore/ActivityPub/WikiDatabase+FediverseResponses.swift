import Foundation
import GRDB

extension WikiDatabase {
    /// The most responses one fediverse server may have on the node's pages.
    public static let maximumResponsesPerFediverseHost = 5_000

    /// A response from the fediverse (a reply, a like, a boost, a mention), already verified
    /// by its signature and, for a post, by fetching it from its origin: stored with the
    /// Webmentions, in one transaction, shown as they are (or waiting for the owner when
    /// mentions are moderated), never checked again as HTML (its `Update` and `Delete` come as
    /// activities), and only ever changed by the account `actorURL` that sent it. Throws
    /// `MentionRefusal` for a blocked domain, a server over its limit, another account's response.
    public func recordFediverseResponse(
        pageId: Int64, source: String, target: String, host: String, actorURL: String, content: MentionContent, now: Date = Date()
    ) throws {
        try writer.write { db in
            if try Self.isBlocked(host: host, in: db) { throw MentionRefusal.blocked(host) }
            // A post that now replies to another page is no longer shown on the one it left.
            try Self.rejectFediverseResponses(
                in: db, now: now, sql: "m.sourceURL = ? AND r.actorURL = ? AND m.pageId != ?", arguments: [source, actorURL, pageId],
                queue: queueResponsesChanged)
            let existing = try Mention.filter(sql: "pageId = ? AND sourceURL = ?", arguments: [pageId, source]).fetchOne(db)
            if let existing {
                let owner = try String.fetchOne(db, sql: "SELECT actorURL FROM fediverseResponse WHERE mentionId = ?", arguments: [existing.id])
                guard owner == actorURL else { throw MentionRefusal.anotherAccount(source) }
            } else {
                let fromHost = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM mention WHERE sourceHost = ?", arguments: [host]) ?? 0
                if fromHost >= Self.maximumResponsesPerFediverseHost { throw MentionRefusal.tooMany(Self.maximumResponsesPerFediverseHost) }
            }
            var before =
                existing
                ?? Mention(
                    id: nil, pageId: pageId, sourceURL: source, targetURL: target, sourceHost: host, protocol: .activitypub, status: .queued,
                    moderation: .pending, authorName: "", authorURL: "", authorPhoto: "", title: "", excerpt: "", published: nil,
                    claimedTitle: "", claimedExcerpt: "", claimedSite: "", attempts: 0, nextAttemptAt: nil, lastError: nil, receivedAt: now,
                    verifiedAt: nil)
            if existing == nil {
                try before.insert(db)
                before.id = db.lastInsertedRowID
                try db.execute(sql: "INSERT INTO fediverseResponse (mentionId, actorURL) VALUES (?, ?)", arguments: [before.id, actorURL])
            }
            try self.storeVerified(before, content: content, recheckAt: nil, now: now, in: db)
        }
    }

    /// The fediverse account `actorURL` deleted (or undid) its response `source`: it is shown
    /// nowhere. Whether it had one.
    @discardableResult
    public func removeFediverseResponse(source: String, actorURL: String, now: Date = Date()) throws -> Bool {
        try writer.write { db in
            let found = try Self.rejectFediverseResponses(
                in: db, now: now, sql: "m.sourceURL = ? AND r.actorURL = ?", arguments: [source, actorURL], queue: queueResponsesChanged)
            return !found.isEmpty
        }
    }

    /// Marks the fediverse responses that `sql` selects (over `mention m` and
    /// `fediverseResponse r`) as gone at their origin; `queue` tells the pages that showed them.
    @discardableResult
    static func rejectFediverseResponses(
        in db: Database, now: Date, sql: String, arguments: StatementArguments, queue: (Int64, Date, Database) throws -> Void
    ) throws -> [Mention] {
        let found = try Mention.fetchAll(
            db,
            sql: "SELECT m.* FROM mention m JOIN fediverseResponse r ON r.mentionId = m.id WHERE m.protocol = 'activitypub' AND " + sql,
            arguments: arguments)
        for mention in found where mention.status != .rejected {
            try db.execute(
                sql:
                    "UPDATE mention SET status = 'rejected', lastError = 'Deleted at its origin.', nextAttemptAt = NULL, verifiedAt = ? WHERE id = ?",
                arguments: [now, mention.id])
            if mention.isShown { try queue(mention.pageId, now, db) }
        }
        return found
    }
}
