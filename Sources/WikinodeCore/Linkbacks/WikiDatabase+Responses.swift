import Foundation
import GRDB

// MARK: - What checking a mention found, and telling upstream (Salmention)

extension WikiDatabase {
    /// The source links here: the mention is shown (or waits for the owner, when mentions are
    /// moderated and the source is not a followed peer).
    /// Nothing is written when the mention was received again after the check began at
    /// `startedAt` (the newer one is checked next).
    public func recordMentionVerified(id: Int64, startedAt: Date = .distantFuture, content: MentionContent, now: Date = Date()) throws {
        try writer.write { db in
            guard let before = try Mention.fetchOne(db, id: id), before.receivedAt <= startedAt else { return }
            try self.storeVerified(before, content: content, recheckAt: now + Self.mentionRecheckInterval, now: now, in: db)
        }
    }

    /// `before` as its source shows it now: shown (or waiting for the owner, when mentions are
    /// moderated and it is not from a followed peer), checked again at `recheckAt` (never when
    /// nil), and the pages it replies to told again when what is shown changed.
    func storeVerified(_ before: Mention, content: MentionContent, recheckAt: Date?, now: Date, in db: Database) throws {
        var mention = before
        let settings = try NodeSettings.read(db)
        mention.status = .verified
        mention.authorName = content.authorName
        mention.authorURL = content.authorURL
        mention.authorPhoto = content.authorPhoto
        mention.title = content.title.isEmpty ? mention.claimedTitle : content.title
        mention.excerpt = content.excerpt.isEmpty ? mention.claimedExcerpt : content.excerpt
        if mention.authorName.isEmpty { mention.authorName = mention.claimedSite }
        mention.published = content.published
        mention.kind = content.kind
        mention.comments = content.comments
        mention.verifiedAt = now
        mention.lastError = nil
        mention.attempts = 0
        mention.nextAttemptAt = recheckAt.map(Self.wholeMilliseconds)
        if mention.moderation != .refused {
            let fromPeer =
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM peer WHERE isFollowing AND substr(?, 1, length(url) + 1) = url || '/')",
                    arguments: [mention.sourceURL]) ?? false
            if mention.moderation == .pending {
                mention.moderation = !settings.moderateMentions || fromPeer ? .approved : .pending
            }
        }
        try mention.update(db)
        if !mention.showsTheSame(as: before) { try queueResponsesChanged(pageId: mention.pageId, now: now, in: db) }
    }

    /// The source does not (or no longer) link here, or is gone: nothing of it is shown.
    public func recordMentionRejected(id: Int64, startedAt: Date = .distantFuture, reason: String, now: Date = Date()) throws {
        try writer.write { db in
            guard let before = try Mention.fetchOne(db, id: id), before.receivedAt <= startedAt else { return }
            try db.execute(
                sql:
                    "UPDATE mention SET status = 'rejected', lastError = ?, nextAttemptAt = NULL, attempts = attempts + 1, verifiedAt = ? WHERE id = ?",
                arguments: [String(reason.prefix(500)), now, id])
            if before.isShown { try queueResponsesChanged(pageId: before.pageId, now: now, in: db) }
        }
    }

    /// Verifying failed for a reason that may pass (a timeout); try again at `retryAt`.
    public func recordMentionRetry(id: Int64, reason: String, retryAt: Date, startedAt: Date = .distantFuture) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE mention SET lastError = ?, nextAttemptAt = ?, attempts = attempts + 1 WHERE id = ? AND receivedAt <= ?",
                arguments: [String(reason.prefix(500)), Self.wholeMilliseconds(retryAt), id, startedAt])
        }
    }

    /// The owner shows or refuses a mention.
    public func moderateMention(id: Int64, approve: Bool, now: Date = Date()) throws {
        try writer.write { db in
            guard let before = try Mention.fetchOne(db, id: id) else { throw WikiError.notFound("There is no mention \(id).") }
            var mention = before
            mention.moderation = approve ? .approved : .refused
            try mention.update(db)
            if !mention.showsTheSame(as: before) { try queueResponsesChanged(pageId: mention.pageId, now: now, in: db) }
        }
    }

    /// The responses a page shows changed (one came, went, or says something else now): tell
    /// every address the page replies to again, so that the top of a thread learns of replies to
    /// replies (Salmention). Telling each is one pending job per page and address, so a burst
    /// of changes sends once; the receiving side reads at most `HTMLDocument.maximumCommentDepth`
    /// levels, so a loop of pages replying to each other settles.
    func queueResponsesChanged(pageId: Int64, now: Date, in db: Database) throws {
        let targets = try replyTargets(ofPageId: pageId, in: db)
        guard !targets.isEmpty else { return }
        try queueSentMentions(pageId: pageId, urls: targets, now: now, in: db)
    }
}
