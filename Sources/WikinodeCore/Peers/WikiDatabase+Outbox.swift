import Foundation
import GRDB

extension WikiDatabase {
    static let notifiedSeqKey = "federation.notifiedSeq"

    /// Queues a notice for a peer, replacing a pending one of the same type; `follow` and
    /// `unfollow` cancel each other.
    public func enqueueNotice(_ type: Notice.Kind, peerId: Int64, now: Date = Date()) throws {
        try writer.write { db in try Self.enqueue(type, peerId: peerId, now: now, in: db) }
    }

    private static func enqueue(_ type: Notice.Kind, peerId: Int64, now: Date, in db: Database) throws {
        let now = wholeMilliseconds(now)
        // A follow and an unfollow undo each other: only the latest is told.
        if type == .follow || type == .unfollow {
            try OutboxNotice.filter(OutboxNotice.Columns.peerId == peerId && [Notice.Kind.follow, .unfollow].contains(OutboxNotice.Columns.type))
                .deleteAll(db)
        }
        var notice = OutboxNotice(peerId: peerId, type: type, attempts: 0, nextAttemptAt: now, createdAt: now)
        // Queued again: it stays one notice, with its failures counted, due no later than before
        // unless it is backing off.
        _ = try notice.upsertAndFetch(db, onConflict: ["peerId", "type"], updating: .noColumnUnlessSpecified) { excluded in
            [
                OutboxNotice.Columns.createdAt.set(to: excluded[OutboxNotice.Columns.createdAt]),
                OutboxNotice.Columns.nextAttemptAt.set(
                    to: SQL(
                        "CASE WHEN \(OutboxNotice.Columns.attempts) = 0 THEN MIN(\(OutboxNotice.Columns.nextAttemptAt), \(excluded[OutboxNotice.Columns.nextAttemptAt])) ELSE \(OutboxNotice.Columns.nextAttemptAt) END"
                    )),
            ]
        }
    }

    /// Whether the change log moved past what followers were told (one read, no lock).
    public func hasUnannouncedChanges() throws -> Bool {
        try writer.unsafeRead { db in
            let latest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(seq) FROM pageChange")) ?? 0
            let notified =
                try Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT CAST(value AS INTEGER) FROM setting WHERE key = ?"), arguments: [Self.notifiedSeqKey]) ?? 0
            return latest > notified
        }
    }

    /// When the change log has moved past what followers were told, queues one `changed`
    /// notice per follower (a pending one already covers it). Returns how many were queued.
    @discardableResult
    public func announceChanges(now: Date = Date()) throws -> Int {
        try writer.write { db in
            let latest = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM pageChange") ?? 0
            let notified =
                try Int64.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM setting WHERE key = ?", arguments: [Self.notifiedSeqKey]) ?? 0
            guard latest > notified else { return 0 }
            let followers = try Int64.fetchAll(db, sql: "SELECT id FROM peer WHERE isFollower")
            for peerId in followers {
                try Self.enqueue(.changed, peerId: peerId, now: now, in: db)
            }
            try Setting.write(Self.notifiedSeqKey, String(latest), in: db)
            return followers.count
        }
    }

    /// Posts scheduled for a time in (`after`, `now`] became public without a change of their
    /// own: each gets a change-log entry (an edit of its current revision, "Published"), so
    /// that followers, who saw it as hidden, pull it. Returns how many.
    @discardableResult
    public func announceScheduledPosts(after: Date, now: Date = Date()) throws -> Int {
        let due = try writer.read { db in
            try Int64.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT h.pageId FROM post h JOIN page p ON p.id = h.pageId
                        WHERE h.status = 'published' AND h.publishedAt > ? AND h.publishedAt <= ? AND p.deletedAt IS NULL
                          AND NOT EXISTS (SELECT 1 FROM pageChange c WHERE c.pageId = h.pageId AND c.createdAt >= h.publishedAt)
                        """),
                arguments: [after, now])
        }
        guard !due.isEmpty else { return 0 }
        return try writer.write { db in
            var count = 0
            for pageId in due {
                guard let page = try Page.fetchOne(db, id: pageId), !page.isDeleted, let revision = try Revision.fetchOne(db, id: page.revisionId)
                else { continue }
                var change = PageChange(
                    seq: nil, pageId: pageId, pageUid: page.uid, revisionId: revision.id!, kind: .edit, title: page.title, previousTitle: nil,
                    author: revision.author, summary: "Published", contentHash: revision.contentHash, createdAt: now)
                try change.insert(db)
                count += 1
            }
            return count
        }
    }

    /// Notices due now, oldest first.
    public func dueNotices(now: Date = Date(), limit: Int = 100) throws -> [OutboxItem] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT o.id AS outboxId, o.type AS outboxType, o.attempts, p.* FROM outbox o JOIN peer p ON p.id = o.peerId WHERE o.nextAttemptAt <= ? ORDER BY o.nextAttemptAt LIMIT ?",
                arguments: [now, limit]
            ).compactMap { row in
                // A kind this version does not know (written by a newer one) waits for it.
                guard let type = Notice.Kind(rawValue: row["outboxType"]) else { return nil }
                return OutboxItem(id: row["outboxId"], peer: try Peer(row: row), type: type, attempts: row["attempts"])
            }
        }
    }

    /// When the next item owed to `recipient` comes due (it may be past).
    public func nextOutboxDate(for recipient: OutboxRecipient) throws -> Date? {
        try writer.read { db in
            try Date.fetchOne(db.cachedStatement(sql: "SELECT MIN(nextAttemptAt) FROM outbox WHERE \(recipient.condition)"))
        }
    }

    /// A notice was delivered. It stays queued when a newer one of its kind was queued after
    /// `sentAt` (that change still has to be told).
    public func noticeDelivered(_ item: OutboxItem, queuedBefore sentAt: Date) throws {
        try writer.write { db in
            // Strictly before the millisecond the sending began: one queued in that same
            // millisecond is sent again rather than lost.
            try db.execute(sql: "DELETE FROM outbox WHERE id = ? AND createdAt < ?", arguments: [item.id, Self.wholeMilliseconds(sentAt)])
            try db.execute(sql: "UPDATE outbox SET attempts = 0 WHERE id = ?", arguments: [item.id])
            try db.execute(sql: "UPDATE peer SET lastContactAt = ? WHERE id = ?", arguments: [Date(), item.peer.id])
        }
    }

    /// An item of the outbox (a notice or an activity) could not be delivered: it is tried
    /// again at `retryAt`, with its failures counted.
    public func outboxAttemptFailed(id: Int64, error: String, retryAt: Date) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE outbox SET attempts = attempts + 1, lastError = ?, nextAttemptAt = ? WHERE id = ?",
                arguments: [String(error.prefix(500)), retryAt, id])
        }
    }

    // MARK: - Activities owed to fediverse inboxes

    /// Queues `activity` (JSON) for a fediverse `inbox`.
    public func queueDelivery(to inbox: String, activity: String, now: Date = Date()) throws {
        try writer.write { db in try Self.queueDelivery(to: inbox, activity: activity, now: now, in: db) }
    }

    static func queueDelivery(to inbox: String, activity: String, now: Date, in db: Database) throws {
        try db.execute(
            sql: "INSERT INTO outbox (inbox, type, activity, attempts, nextAttemptAt, createdAt) VALUES (?, 'activity', ?, 0, ?, ?)",
            arguments: [inbox, activity, wholeMilliseconds(now), now])
    }

    /// Activities due now, oldest first.
    public func dueDeliveries(now: Date = Date(), limit: Int = 200) throws -> [ActivityDelivery] {
        try writer.read { db in
            try ActivityDelivery.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT * FROM outbox WHERE \(OutboxRecipient.fediverseInbox.condition) AND nextAttemptAt <= ? ORDER BY nextAttemptAt, id LIMIT ?"
                ),
                arguments: [now, limit])
        }
    }

    /// An activity was delivered, or refused for good: it leaves the outbox.
    public func deliveryDone(id: Int64) throws {
        try writer.write { db in try db.execute(sql: "DELETE FROM outbox WHERE id = ? AND type = 'activity'", arguments: [id]) }
    }

    /// Activities waiting, for `/peers`.
    public func pendingDeliveryCount() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE \(OutboxRecipient.fediverseInbox.condition)") ?? 0 }
    }

    /// Remembers a signature's nonce until it expires; false when it was seen before (a replay).
    public func rememberNonce(keyId: String, nonce: String, expiresAt: Date, now: Date = Date()) throws -> Bool {
        try writer.write { db in
            try InboxNonce.filter(InboxNonce.Columns.expiresAt < now).deleteAll(db)
            try InboxNonce(keyId: keyId, nonce: nonce, expiresAt: expiresAt).insert(db, onConflict: .ignore)
            return db.changesCount == 1
        }
    }

    /// Forgets a nonce remembered for a request that could not be acted on now (a 503): the
    /// sender's retry of the same request is not a replay.
    public func forgetNonce(keyId: String, nonce: String) throws {
        try writer.write { db in try db.execute(sql: "DELETE FROM inboxNonce WHERE keyId = ? AND nonce = ?", arguments: [keyId, nonce]) }
    }
}
