import Foundation
import GRDB

// MARK: - Sending: which targets to tell

extension WikiDatabase {
    /// Queues telling each of `urls` about the page (again): called in the transaction of every
    /// save, rename and delete, with the links the page has now and had before.
    func queueSentMentions(pageId: Int64, urls: some Sequence<String>, now: Date, in db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO sentMention(pageId, targetURL, status, attempts, nextAttemptAt) VALUES (?, ?, 'pending', 0, ?)
                ON CONFLICT(pageId, targetURL) DO UPDATE SET status = 'pending', attempts = 0, nextAttemptAt = excluded.nextAttemptAt
                """)
        let when = Self.wholeMilliseconds(now)
        for url in Set(urls) {
            try statement.execute(arguments: [pageId, url, when])
        }
    }

    /// Sent mentions whose time has come, oldest first.
    public func dueSentMentions(now: Date = Date(), limit: Int = 20) throws -> [SentMentionJob] {
        try writer.read { db in
            let mentions = try SentMention.filter(sql: "status = 'pending' AND nextAttemptAt <= ?", arguments: [now])
                .order(sql: "nextAttemptAt").limit(limit).fetchAll(db)
            return try mentions.compactMap { mention in
                guard let page = try Page.fetchOne(db, id: mention.pageId) else { return nil }
                let post = try Post.fetchOne(db, key: page.id!)
                let summary = try String.fetchOne(db, sql: "SELECT markdown FROM revision WHERE id = ?", arguments: [page.revisionId]) ?? ""
                return SentMentionJob(
                    mention: mention, title: page.pageTitle, isDeleted: page.isDeleted, postPath: post?.permalinkPath,
                    isHidden: post.map { $0.status != .published || $0.publishedAt > now } ?? false,
                    summary: String(MarkdownDocument(markdown: summary).firstParagraph.prefix(250)))
            }
        }
    }

    public func nextSentMentionDate() throws -> Date? {
        try writer.read { db in try Date.fetchOne(db, sql: "SELECT MIN(nextAttemptAt) FROM sentMention WHERE status = 'pending'") }
    }

    /// Records how telling a target went; with `retryAt` it stays pending until then.
    public func recordSentMention(
        id: Int64, status: SentMention.Status, protocol: String?, endpoint: String?, responseStatus: Int?, response: String?, retryAt: Date?,
        startedAt: Date, countsAsAttempt: Bool = true, now: Date = Date()
    ) throws {
        try writer.write { db in
            // A save after the attempt began queued it again: leave that for the next round.
            guard let current = try SentMention.fetchOne(db, id: id), current.nextAttemptAt.map({ $0 <= Self.wholeMilliseconds(startedAt) }) ?? true
            else { return }
            try db.execute(
                sql: """
                    UPDATE sentMention SET status = ?, protocol = ?, endpoint = ?, responseStatus = ?, response = ?, attempts = attempts + ?,
                        nextAttemptAt = ?, lastAttemptAt = ? WHERE id = ?
                    """,
                arguments: [
                    retryAt == nil ? status : .pending, `protocol`, endpoint.map { String($0.prefix(2000)) }, responseStatus,
                    response.map { String($0.prefix(500)) }, countsAsAttempt ? 1 : 0, retryAt.map(Self.wholeMilliseconds), now, id,
                ])
        }
    }

    /// What telling the targets of a page did, for its links view.
    public func sentMentions(ofPageId pageId: Int64) throws -> [SentMention] {
        try writer.read { db in try SentMention.filter(sql: "pageId = ?", arguments: [pageId]).order(sql: "targetURL").fetchAll(db) }
    }

    /// Every sent mention with its page's title, newest attempt first, for `wikinode mentions`.
    public func allSentMentions(limit: Int = 500) throws -> [(title: String, mention: SentMention)] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT s.*, p.title AS pageTitle FROM sentMention s JOIN page p ON p.id = s.pageId ORDER BY COALESCE(s.lastAttemptAt, s.nextAttemptAt) DESC LIMIT ?",
                arguments: [limit]
            ).map { (title: $0["pageTitle"], mention: try SentMention(row: $0)) }
        }
    }
}

// MARK: - Receiving

/// Why a mention is refused before it is queued.
public enum MentionRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case blocked(String)
    case tooMany(Int)
    case busy(String)
    /// A fediverse response that another account sent.
    case anotherAccount(String)

    public var description: String {
        switch self {
        case .blocked(let domain): "Mentions from \(domain) are not accepted here."
        case .tooMany(let limit): "A source may mention at most \(limit) pages of this node."
        case .busy(let host): "Too many mentions from \(host) wait to be checked; send again later."
        case .anotherAccount(let source): "\(source) is another account's."
        }
    }
}

extension WikiDatabase {
    /// The most pages of this node one source may mention.
    public static let maximumMentionsPerSource = 100
    /// The most mentions from one host waiting to be checked at a time.
    public static let maximumQueuedPerHost = 50
    /// How long a verified mention is shown before its source is checked again, so that a
    /// source that disappears or drops the link loses its mention even if nobody says so.
    public static let mentionRecheckInterval: TimeInterval = 7 * 86_400

    /// Queues a mention for verification: a new one, or a repeat (which verifies the source
    /// again and updates or removes what is shown). Returns its id.
    @discardableResult
    public func receiveMention(
        pageId: Int64, source: URL, target: String, protocol: Mention.Dialect, claimedTitle: String = "", claimedExcerpt: String = "",
        claimedSite: String = "", now: Date = Date()
    ) throws -> Int64 {
        let host = source.host?.lowercased() ?? ""
        return try writer.write { db in
            if try Self.isBlocked(host: host, in: db) { throw MentionRefusal.blocked(host) }
            let sourceURL = source.absoluteString
            if var existing = try Mention.filter(sql: "pageId = ? AND sourceURL = ?", arguments: [pageId, sourceURL]).fetchOne(db) {
                // A response from the fediverse changes only by the account that sent it.
                if existing.protocol == .activitypub { throw MentionRefusal.anotherAccount(sourceURL) }
                // Shown as it was until the source is checked again (which updates or removes it).
                existing.status = existing.status == .rejected ? .queued : existing.status
                existing.targetURL = target
                existing.protocol = `protocol`
                if !claimedTitle.isEmpty { existing.claimedTitle = claimedTitle }
                if !claimedExcerpt.isEmpty { existing.claimedExcerpt = claimedExcerpt }
                if !claimedSite.isEmpty { existing.claimedSite = claimedSite }
                existing.attempts = 0
                existing.nextAttemptAt = Self.wholeMilliseconds(now)
                existing.receivedAt = now
                try existing.update(db)
                return existing.id!
            }
            let fromSource = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM mention WHERE sourceURL = ?", arguments: [sourceURL]) ?? 0
            if fromSource >= Self.maximumMentionsPerSource { throw MentionRefusal.tooMany(Self.maximumMentionsPerSource) }
            // One host cannot fill the queue with many addresses (`?n=1`, `?n=2`…) either.
            let queuedFromHost =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM mention WHERE sourceHost = ? AND status = 'queued'", arguments: [host]) ?? 0
            if queuedFromHost >= Self.maximumQueuedPerHost { throw MentionRefusal.busy(host) }
            let mention = Mention(
                id: nil, pageId: pageId, sourceURL: sourceURL, targetURL: target, sourceHost: host, protocol: `protocol`, status: .queued,
                moderation: .pending, authorName: "", authorURL: "", authorPhoto: "", title: "", excerpt: "", published: nil,
                claimedTitle: claimedTitle, claimedExcerpt: claimedExcerpt, claimedSite: claimedSite, attempts: 0,
                nextAttemptAt: Self.wholeMilliseconds(now), lastError: nil, receivedAt: now, verifiedAt: nil)
            try mention.insert(db)
            return db.lastInsertedRowID
        }
    }

    /// Whether this source already has a verified mention of the page (Pingback's fault 48).
    public func hasVerifiedMention(pageId: Int64, source: URL) throws -> Bool {
        try writer.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM mention WHERE pageId = ? AND sourceURL = ? AND status = 'verified')",
                arguments: [pageId, source.absoluteString]) ?? false
        }
    }

    static func isBlocked(host: String, in db: Database) throws -> Bool {
        // The domain itself or any domain it is under.
        var candidates: [String] = []
        var parts = host.split(separator: ".")
        while !parts.isEmpty {
            candidates.append(parts.joined(separator: "."))
            parts.removeFirst()
        }
        return try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM blockedDomain WHERE domain IN (SELECT value FROM json_each(?)))",
            arguments: [Self.jsonList(candidates)]) ?? false
    }

    /// Mentions waiting for verification: new ones, and repeats of known ones (`nextAttemptAt`
    /// is set while a check is due).
    public func dueMentions(now: Date = Date(), limit: Int = 20) throws -> [Mention] {
        try writer.read { db in
            try Mention.filter(sql: "nextAttemptAt <= ?", arguments: [now]).order(sql: "nextAttemptAt").limit(limit).fetchAll(db)
        }
    }

    public func nextMentionDate() throws -> Date? {
        try writer.read { db in try Date.fetchOne(db, sql: "SELECT MIN(nextAttemptAt) FROM mention") }
    }

    /// Verified, approved mentions of a page, newest first.
    public func shownMentions(ofPageId pageId: Int64) throws -> [Mention] {
        try writer.read { db in try shownMentions(ofPageId: pageId, in: db) }
    }

    func shownMentions(ofPageId pageId: Int64, in db: Database) throws -> [Mention] {
        // A prepared statement: every first view of every page asks, and most find none.
        try Mention.fetchAll(
            db.cachedStatement(
                sql:
                    "SELECT * FROM mention WHERE pageId = ? AND status = 'verified' AND moderation = 'approved' ORDER BY COALESCE(published, verifiedAt) DESC"
            ), arguments: [pageId])
    }

    /// Every mention of a page, any state, for its owner.
    public func allMentions(ofPageId pageId: Int64) throws -> [Mention] {
        try writer.read { db in try Mention.filter(sql: "pageId = ?", arguments: [pageId]).order(sql: "receivedAt DESC").fetchAll(db) }
    }

    /// Mentions waiting for the owner, with their page titles.
    public func mentionsAwaitingApproval() throws -> [(title: String, mention: Mention)] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT m.*, p.title AS pageTitle FROM mention m JOIN page p ON p.id = m.pageId WHERE m.status = 'verified' AND m.moderation = 'pending' ORDER BY m.receivedAt DESC"
            ).map { (title: $0["pageTitle"], mention: try Mention(row: $0)) }
        }
    }

    /// Every received mention with its page's title, newest first, for `wikinode mentions`.
    public func allReceivedMentions(limit: Int = 500) throws -> [(title: String, mention: Mention)] {
        try writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT m.*, p.title AS pageTitle FROM mention m JOIN page p ON p.id = m.pageId ORDER BY m.receivedAt DESC LIMIT ?",
                arguments: [limit]
            ).map { (title: $0["pageTitle"], mention: try Mention(row: $0)) }
        }
    }

    /// Blocks a domain (and its subdomains): its mentions are refused, now and later.
    public func blockDomain(_ domain: String, now: Date = Date()) throws {
        let domain = domain.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        guard !domain.isEmpty, domain.count <= 253 else { throw WikiError.invalidInput("That is not a domain name.") }
        try writer.write { db in
            try BlockedDomain(domain: domain, createdAt: now).insert(db, onConflict: .ignore)
            let matching = "(sourceHost = ?1 OR substr(sourceHost, -length(?1) - 1) = '.' || ?1)"
            let pagesShowingIt = try Int64.fetchAll(
                db, sql: "SELECT DISTINCT pageId FROM mention WHERE \(matching) AND status = 'verified' AND moderation = 'approved'",
                arguments: [domain])
            try db.execute(sql: "UPDATE mention SET moderation = 'refused' WHERE \(matching)", arguments: [domain])
            for pageId in pagesShowingIt { try queueResponsesChanged(pageId: pageId, now: now, in: db) }
        }
    }
}
