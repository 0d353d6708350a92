import Foundation
import GRDB

// MARK: - The change feed (the origin's side)

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
                let isHidden = isPost && (row["postStatus"] as String? != Post.Status.published.rawValue || (row["publishedAt"] as Date? ?? now) > now)
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

// MARK: - Peers

extension WikiDatabase {
    static let ownBaseURLKey = "federation.baseURL"

    /// The address `wikinode serve` last ran at, which `wikinode follow` signs with.
    public func recordOwnBaseURL(_ url: String) throws {
        try writer.write { db in try Setting.write(Self.ownBaseURLKey, url, in: db) }
    }

    public func ownBaseURL() throws -> String? {
        try writer.read { db in try Setting.value(of: Self.ownBaseURLKey, in: db) }
    }

    public func peer(url: String) throws -> Peer? {
        try writer.read { db in try Peer.filter(Peer.Columns.url == url).fetchOne(db) }
    }

    public func peer(id: Int64) throws -> Peer? {
        try writer.read { db in try Peer.fetchOne(db, id: id) }
    }

    /// Every peer with its mirrored page count and pending notices, followed ones first.
    public func peerStates() throws -> [PeerState] {
        try writer.read { db in
            let peers = try Peer.order(sql: "isFollowing DESC, name COLLATE NOCASE, url").fetchAll(db)
            return try peers.map { peer in
                PeerState(
                    peer: peer,
                    pagesMirrored: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM remotePage WHERE peerId = ?", arguments: [peer.id]) ?? 0,
                    pendingNotices: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE peerId = ?", arguments: [peer.id]) ?? 0)
            }
        }
    }

    /// Records a peer we now follow (or refreshes its name), keeping a pinned key: a different
    /// key for a known address is refused.
    @discardableResult
    public func recordFollowing(url: String, name: String, publicKey: String, now: Date = Date()) throws -> Peer {
        try writer.write { db in
            var peer = try Peer.filter(Peer.Columns.url == url).fetchOne(db) ?? Peer(url: url, name: name, publicKey: publicKey, now: now)
            if peer.id != nil, peer.publicKey != publicKey {
                // While followed, a new key is refused; following again (the owner's decision,
                // after unfollowing) pins the key the node shows now.
                guard !peer.isFollowing else {
                    throw WikiError.conflict(currentRevision: 0, message: "\(url) now shows another public key than the one pinned when it was first seen; unfollow it and follow it again if the change is expected.")
                }
                peer.publicKey = publicKey
            }
            // This follow replaces any follow or unfollow notice still waiting to be sent.
            if let id = peer.id { try db.execute(sql: "DELETE FROM outbox WHERE peerId = ? AND type IN ('follow', 'unfollow')", arguments: [id]) }
            if !peer.isFollowing {
                peer.cursor = 0
                peer.failures = 0
                peer.nextAttemptAt = Self.wholeMilliseconds(now)
            }
            peer.name = name
            peer.prefixKey = MarkdownOptions.interwikiKey(name)
            let wasFollowing = peer.isFollowing
            peer.isFollowing = true
            peer.lastContactAt = now
            try peer.save(db)
            if !wasFollowing { try refreshInterwikiLinks(to: peer, in: db) }
            return peer
        }
    }

    /// Pages written with `[[prefix:Title]]` for a peer followed or unfollowed just now are
    /// rendered again: the link now leads to the peer, or back to a page of that title here.
    func refreshInterwikiLinks(to peer: Peer, in db: Database) throws {
        guard !peer.prefixKey.isEmpty else { return }
        let settings = try NodeSettings.read(db)
        let pageIds = try Int64.fetchAll(
            db,
            sql: """
                SELECT pageId FROM pageLink WHERE substr(targetKey, 1, ?) = ?
                UNION SELECT pageId FROM externalLink WHERE substr(url, 1, ?) = ?
                """,
            arguments: [peer.prefixKey.count + 1, peer.prefixKey + ":", peer.url.count + 6, peer.url + "/wiki/"])
        for pageId in pageIds {
            try rerender(pageId: pageId, in: db, settings: settings, relink: true)
        }
    }

    /// Records a peer that follows us, with its key (pinned the first time).
    @discardableResult
    public func recordFollower(url: String, name: String, publicKey: String, now: Date = Date()) throws -> Peer {
        try writer.write { db in
            var peer = try Peer.filter(Peer.Columns.url == url).fetchOne(db) ?? Peer(url: url, name: name, publicKey: publicKey, now: now)
            if peer.id != nil, peer.publicKey != publicKey {
                throw WikiError.conflict(currentRevision: 0, message: "\(url) signs with another key than the one pinned for it.")
            }
            peer.isFollower = true
            peer.lastContactAt = now
            try peer.save(db)
            return peer
        }
    }

    /// Stops following a peer: its mirrored pages go. A peer that neither follows nor is
    /// followed is forgotten, key and all.
    public func recordUnfollowing(peerId: Int64) throws {
        try writer.write { db in
            guard var peer = try Peer.fetchOne(db, id: peerId) else { return }
            try db.execute(sql: "DELETE FROM remoteSearch WHERE rowid IN (SELECT id FROM remotePage WHERE peerId = ?)", arguments: [peerId])
            try db.execute(sql: "DELETE FROM remotePage WHERE peerId = ?", arguments: [peerId])
            peer.isFollowing = false
            peer.cursor = 0
            peer.pullRequested = false
            try peer.update(db)
            try refreshInterwikiLinks(to: peer, in: db)
        }
    }

    /// The most failed deliveries in a row before a follower is dropped (it follows again
    /// when it wants notices; until then it can still poll).
    public static let maximumFailedNotices = 20

    public func followerCount() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM peer WHERE isFollower") ?? 0 }
    }

    /// A follower said it stops following.
    public func recordFollowerLeft(peerId: Int64) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE peer SET isFollower = 0 WHERE id = ?", arguments: [peerId])
            try db.execute(sql: "DELETE FROM outbox WHERE peerId = ? AND type = 'changed'", arguments: [peerId])
        }
    }

    /// Forgets a peer that is neither followed nor following, once its notices are sent.
    public func forgetPeerIfUnused(peerId: Int64) throws {
        try writer.write { db in
            try db.execute(
                sql: "DELETE FROM peer WHERE id = ? AND NOT isFollowing AND NOT isFollower AND NOT EXISTS (SELECT 1 FROM outbox WHERE peerId = peer.id)",
                arguments: [peerId])
        }
    }

    /// A `changed` notice came: pull this peer now.
    public func requestPull(peerId: Int64, now: Date = Date()) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE peer SET pullRequested = 1, lastContactAt = ?, nextAttemptAt = MIN(COALESCE(nextAttemptAt, ?), ?) WHERE id = ? AND isFollowing",
                arguments: [now, Self.wholeMilliseconds(now), Self.wholeMilliseconds(now), peerId])
        }
    }

    /// Every followed peer is due now (at start, after being down).
    public func makeFollowedPeersDue(now: Date = Date()) throws {
        try writer.write { db in try db.execute(sql: "UPDATE peer SET nextAttemptAt = ? WHERE isFollowing", arguments: [Self.wholeMilliseconds(now)]) }
    }

    /// Followed peers due for a pull: asked for by a notice, or their time has come.
    public func peersDueForPull(now: Date = Date()) throws -> [Peer] {
        try writer.read { db in
            try Peer.filter(sql: "isFollowing AND (pullRequested OR nextAttemptAt IS NULL OR nextAttemptAt <= ?)", arguments: [now])
                .order(sql: "pullRequested DESC, nextAttemptAt").fetchAll(db)
        }
    }

    /// The earliest time a followed peer is due, for the background loop's sleep.
    public func nextPullDate() throws -> Date? {
        try writer.read { db in try Date.fetchOne(db, sql: "SELECT MIN(nextAttemptAt) FROM peer WHERE isFollowing") }
    }

    /// A pull starts: a notice that arrives from now on asks for another one.
    public func recordPullStarted(peerId: Int64) throws {
        try writer.write { db in try db.execute(sql: "UPDATE peer SET pullRequested = 0 WHERE id = ?", arguments: [peerId]) }
    }

    /// A pull reached the end of the peer's feed.
    public func recordPullSuccess(peerId: Int64, nextAttemptAt: Date, now: Date = Date()) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE peer SET failures = 0, lastError = NULL, lastSyncAt = ?, lastContactAt = ?, nextAttemptAt = ? WHERE id = ?",
                arguments: [now, now, nextAttemptAt, peerId])
        }
    }

    /// A pull failed; the next attempt waits longer each time.
    public func recordPullFailure(peerId: Int64, error: String, nextAttemptAt: Date, now: Date = Date()) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE peer SET failures = failures + 1, lastError = ?, lastErrorAt = ?, nextAttemptAt = ? WHERE id = ?",
                arguments: [String(error.prefix(500)), now, nextAttemptAt, peerId])
        }
    }

    /// Records an error about a peer without touching its schedule (a notice that failed).
    public func recordPeerError(peerId: Int64, error: String, now: Date = Date()) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE peer SET lastError = ?, lastErrorAt = ? WHERE id = ?", arguments: [String(error.prefix(500)), now, peerId])
        }
    }
}

// MARK: - Mirroring a peer's pages (the follower's side)

/// What applying one batch of a peer's feed did.
public struct MirrorResult: Sendable, Equatable {
    public var applied = 0
    public var removed = 0
    public var skippedInvalid = 0
    public var cursor: Int64 = 0
    public var invalidReasons: [String] = []
}

extension WikiDatabase {
    /// The most a mirrored field may hold; longer values are refused with their entry.
    static let maximumRemoteUidLength = 100
    static let maximumRemoteLinks = 5_000

    /// Applies one batch of a peer's change feed in one transaction and moves the peer's cursor
    /// after it, never backwards. An entry older than what is mirrored is skipped, so a batch
    /// applied twice changes nothing. Invalid entries are counted and skipped.
    public func applyPeerChanges(peerId: Int64, feed: ChangeFeedDocument, ownBaseURL: String) throws -> MirrorResult {
        // Checked and rendered before the write transaction, so that local saves never wait
        // for a peer's batch to be rendered; the transaction only stores.
        let (peer, options, known) = try writer.read { db in
            guard let peer = try Peer.fetchOne(db, id: peerId), peer.isFollowing else {
                throw WikiError.notFound("That peer is not followed any more.")
            }
            let settings = try NodeSettings.read(db)
            var options = settings.markdownOptions
            options.interwiki[MarkdownOptions.interwikiKey(settings.name)] = ownBaseURL
            let known = try Dictionary(
                Row.fetchAll(
                    db, sql: "SELECT uid, seq FROM remotePage WHERE peerId = ? AND uid IN (SELECT value FROM json_each(?))",
                    arguments: [peerId, Self.jsonList(feed.changes.map(\.uid))]
                ).map { ($0["uid"] as String, $0["seq"] as Int64) }, uniquingKeysWith: max)
            return (peer, options, known)
        }
        var result = MirrorResult()
        var prepared: [(entry: ChangeFeedEntry, page: RenderedRemotePage?)] = []
        let ownWikiPrefix = ownBaseURL + "/wiki/"
        for entry in feed.changes where known[entry.uid].map({ $0 < entry.seq }) ?? true {
            if entry.deleted {
                prepared.append((entry, nil))
                continue
            }
            do {
                let page = try ValidRemotePage(entry, peerURL: peer.url)
                let document = MarkdownDocument(markdown: page.markdown, options: options)
                let targets = page.links.filter { $0.hasPrefix(ownWikiPrefix) }.compactMap {
                    MarkdownDocument.title(fromWikiPath: String($0.dropFirst(ownBaseURL.count)))?.key
                }
                prepared.append((entry, RenderedRemotePage(page: page, html: document.renderHTML(absoluteBase: peer.url) { $0 }, text: document.plainText, targets: targets)))
            } catch {
                result.skippedInvalid += 1
                if result.invalidReasons.count < 3 { result.invalidReasons.append("\(error)") }
            }
        }
        return try writer.write { db in
            guard let current = try Peer.fetchOne(db, id: peerId), current.isFollowing else {
                throw WikiError.notFound("That peer is not followed any more.")
            }
            for (entry, rendered) in prepared {
                let existing = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT id, seq FROM remotePage WHERE peerId = ? AND uid = ?"), arguments: [peerId, entry.uid])
                // Another pull (another process) may have stored it meanwhile.
                if let existing, (existing["seq"] as Int64) >= entry.seq { continue }
                guard let rendered else {
                    if let existing {
                        try db.cachedStatement(sql: "DELETE FROM remoteSearch WHERE rowid = ?").execute(arguments: [existing["id"] as Int64])
                        try db.cachedStatement(sql: "DELETE FROM remotePage WHERE id = ?").execute(arguments: [existing["id"] as Int64])
                        result.removed += 1
                    }
                    continue
                }
                let page = rendered.page
                let statement = try db.cachedStatement(
                    sql: """
                        INSERT INTO remotePage(peerId, uid, type, title, titleKey, url, revision, seq, contentHash, markdown, html, author, summary, updatedAt)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(peerId, uid) DO UPDATE SET type = excluded.type, title = excluded.title, titleKey = excluded.titleKey,
                            url = excluded.url, revision = excluded.revision, seq = excluded.seq, contentHash = excluded.contentHash,
                            markdown = excluded.markdown, html = excluded.html, author = excluded.author, summary = excluded.summary,
                            updatedAt = excluded.updatedAt
                        RETURNING id
                        """)
                let id = try Int64.fetchOne(
                    statement,
                    arguments: [
                        peerId, entry.uid, page.type, page.title.text, page.title.key, page.url, page.revision, entry.seq, page.contentHash,
                        page.markdown, rendered.html, page.author, page.summary, page.updated,
                    ])!
                try db.cachedStatement(sql: "DELETE FROM remoteSearch WHERE rowid = ?").execute(arguments: [id])
                try db.cachedStatement(sql: "INSERT INTO remoteSearch(rowid, title, body) VALUES (?, ?, ?)")
                    .execute(arguments: [id, page.title.text, rendered.text])
                try db.cachedStatement(sql: "DELETE FROM remoteLink WHERE remotePageId = ?").execute(arguments: [id])
                // Links to this node, by address or as an interwiki link the origin resolved.
                let insertLink = try db.cachedStatement(sql: "INSERT OR IGNORE INTO remoteLink(remotePageId, targetKey) VALUES (?, ?)")
                for key in rendered.targets {
                    try insertLink.execute(arguments: [id, key])
                }
                result.applied += 1
            }
            result.cursor = max(current.cursor, feed.cursor)
            try db.execute(sql: "UPDATE peer SET cursor = ?, lastContactAt = ? WHERE id = ?", arguments: [result.cursor, Date(), peerId])
            return result
        }
    }
}

/// A mirrored page made ready outside the write transaction.
struct RenderedRemotePage {
    let page: ValidRemotePage
    let html: String
    let text: String
    /// Title keys of this node's pages it links to.
    let targets: [String]
}

/// A feed entry checked field by field before it is stored.
struct ValidRemotePage {
    let type: String
    let title: PageTitle
    let url: String
    let revision: Int64
    let contentHash: String
    let markdown: String
    let author: String
    let summary: String
    let updated: Date
    let links: [String]

    init(_ entry: ChangeFeedEntry, peerURL: String) throws(WikiError) {
        guard !entry.uid.isEmpty, entry.uid.count <= WikiDatabase.maximumRemoteUidLength else {
            throw WikiError.invalidInput("an entry has no usable uid")
        }
        guard let rawTitle = entry.title, let title = try? PageTitle(rawTitle) else {
            throw WikiError.invalidInput("entry \(entry.seq) has no valid title")
        }
        guard let markdown = entry.markdown, markdown.utf8.count <= PageEdit.maximumMarkdownBytes,
            !markdown.unicodeScalars.contains(where: PageEdit.isForbiddenInText)
        else {
            throw WikiError.invalidInput("entry \(entry.seq) (\(title.text)) has no valid Markdown")
        }
        self.title = title
        self.markdown = markdown
        type = entry.type == "post" ? "post" : "page"
        // The page lives on its origin: an address elsewhere is not believed.
        if let url = entry.url, url.hasPrefix(peerURL + "/") {
            self.url = url
        } else {
            url = peerURL + title.path
        }
        revision = entry.revision ?? 0
        contentHash = String((entry.contentHash ?? "").prefix(128))
        author = Self.line(entry.author ?? "", limit: 100)
        summary = Self.line(entry.summary ?? "", limit: PageEdit.maximumSummaryLength)
        updated = entry.updated ?? Date()
        links = Array((entry.links ?? []).prefix(WikiDatabase.maximumRemoteLinks))
    }

    /// One line of at most `limit` characters without control characters.
    static func line(_ text: String, limit: Int) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.properties.generalCategory != .control }).prefix(limit))
    }
}

// MARK: - Reading mirrored pages

/// A page with the same title on a followed peer.
public struct Twin: Sendable, Equatable {
    public let peerId: Int64
    public let peerName: String
    public let peerURL: String
    public let title: String
    public let url: String
    public let revision: Int64
    public let author: String
    public let summary: String
    public let updatedAt: Date
    public let markdown: String
    public let html: String
}

/// One line of the neighbourhood's recent changes.
public enum NeighbourhoodChange: Sendable {
    case local(PageChange)
    case remote(Twin)

    public var date: Date {
        switch self {
        case .local(let change): change.createdAt
        case .remote(let twin): twin.updatedAt
        }
    }
}

/// A page on a followed peer that links here.
public struct RemoteReference: Sendable, Equatable {
    public let peerName: String
    public let peerURL: String
    public let title: String
    public let url: String
    public let updatedAt: Date
}

extension WikiDatabase {
    static let twinSQL = """
        SELECT r.peerId, p.name AS peerName, p.url AS peerURL, r.title, r.url, r.revision, r.author, r.summary, r.updatedAt, r.markdown, r.html
        FROM remotePage r JOIN peer p ON p.id = r.peerId
        """

    /// The same title on followed peers, newest first.
    public func twins(of titleKey: String) throws -> [Twin] {
        try writer.read { db in try twins(of: titleKey, in: db) }
    }

    func twins(of titleKey: String, in db: Database) throws -> [Twin] {
        try Row.fetchAll(
            db.cachedStatement(sql: Self.twinSQL + " WHERE r.titleKey = ? AND p.isFollowing ORDER BY r.updatedAt DESC"),
            arguments: [titleKey]
        ).map(Self.twin)
    }

    public func twin(of titleKey: String, peerId: Int64) throws -> Twin? {
        try writer.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: Self.twinSQL + " WHERE r.titleKey = ? AND r.peerId = ? AND p.isFollowing"),
                arguments: [titleKey, peerId]
            ).map(Self.twin)
        }
    }

    private static func twin(_ row: Row) -> Twin {
        Twin(
            peerId: row["peerId"], peerName: row["peerName"], peerURL: row["peerURL"], title: row["title"], url: row["url"],
            revision: row["revision"], author: row["author"], summary: row["summary"], updatedAt: row["updatedAt"],
            markdown: row["markdown"], html: row["html"])
    }

    /// Pages on followed peers that link to this title (or an old title of the page).
    public func remoteBacklinks(of page: Page) throws -> [RemoteReference] {
        try writer.read { db in try remoteBacklinks(of: page, in: db) }
    }

    func remoteBacklinks(of page: Page, in db: Database) throws -> [RemoteReference] {
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT DISTINCT p.name AS peerName, p.url AS peerURL, r.title, r.url, r.updatedAt
                        FROM remoteLink l JOIN remotePage r ON r.id = l.remotePageId JOIN peer p ON p.id = r.peerId
                        WHERE p.isFollowing AND (l.targetKey = ? OR l.targetKey IN (SELECT titleKey FROM titleAlias WHERE pageId = ?))
                        ORDER BY p.name, r.titleKey
                        """),
                arguments: [page.titleKey, page.id]
            ).map { RemoteReference(peerName: $0["peerName"], peerURL: $0["peerURL"], title: $0["title"], url: $0["url"], updatedAt: $0["updatedAt"]) }
    }

    /// Recent changes of the neighbourhood, newest first, before `until`: this node's changes
    /// and the latest change of each page mirrored from followed peers.
    public func neighbourhoodChanges(limit: Int, until: Date? = nil, visibleAt now: Date? = nil) throws -> [NeighbourhoodChange] {
        try writer.read { db in
            let local = try PageChange.filter(sql: "createdAt < ?", arguments: [until ?? .distantFuture])
                .filter(sql: now == nil ? "1" : Self.changeOfVisiblePage, arguments: now.map { [$0] } ?? [])
                .order(sql: "createdAt DESC, seq DESC").limit(limit).fetchAll(db)
                .map { NeighbourhoodChange.local($0) }
            let remote = try Row.fetchAll(
                db.cachedStatement(sql: Self.twinSQL + " WHERE p.isFollowing AND r.updatedAt < ? ORDER BY r.updatedAt DESC LIMIT ?"),
                arguments: [until ?? .distantFuture, limit]
            ).map { NeighbourhoodChange.remote(Self.twin($0)) }
            return Array((local + remote).sorted { $0.date > $1.date }.prefix(limit))
        }
    }
}

// MARK: - Notices: the outbox and the inbox's memory of nonces

extension WikiDatabase {
    static let notifiedSeqKey = "federation.notifiedSeq"

    /// Queues a notice for a peer, replacing a pending one of the same type; `follow` and
    /// `unfollow` cancel each other.
    public func enqueueNotice(_ type: Notice.Kind, peerId: Int64, now: Date = Date()) throws {
        try writer.write { db in try Self.enqueue(type, peerId: peerId, now: now, in: db) }
    }

    /// A date as the database keeps it, to the millisecond, rounded down: stored and compared
    /// without a rounding that would put a notice a fraction of a millisecond in the future.
    static func wholeMilliseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }

    private static func enqueue(_ type: Notice.Kind, peerId: Int64, now: Date, in db: Database) throws {
        let now = wholeMilliseconds(now)
        // A follow and an unfollow undo each other: only the latest is told.
        if type == .follow || type == .unfollow {
            try db.execute(sql: "DELETE FROM outbox WHERE peerId = ? AND type IN ('follow', 'unfollow')", arguments: [peerId])
        }
        try db.execute(
            sql: """
                INSERT INTO outbox(peerId, type, attempts, nextAttemptAt, createdAt) VALUES (?, ?, 0, ?, ?)
                ON CONFLICT(peerId, type) DO UPDATE SET createdAt = excluded.createdAt,
                    nextAttemptAt = CASE WHEN attempts = 0 THEN MIN(nextAttemptAt, excluded.nextAttemptAt) ELSE nextAttemptAt END
                """,
            arguments: [peerId, type, now, now])
    }

    /// Whether the change log moved past what followers were told (one read, no lock).
    public func hasUnannouncedChanges() throws -> Bool {
        try writer.unsafeRead { db in
            let latest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(seq) FROM pageChange")) ?? 0
            let notified = try Int64.fetchOne(
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
            let notified = try Int64.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM setting WHERE key = ?", arguments: [Self.notifiedSeqKey]) ?? 0
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
                guard let page = try Page.fetchOne(db, id: pageId), !page.isDeleted, let revision = try Revision.fetchOne(db, id: page.revisionId) else { continue }
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
                db, sql: "SELECT o.id AS outboxId, o.type AS outboxType, o.attempts, p.* FROM outbox o JOIN peer p ON p.id = o.peerId WHERE o.nextAttemptAt <= ? ORDER BY o.nextAttemptAt LIMIT ?",
                arguments: [now, limit]
            ).compactMap { row in
                // A kind this version does not know (written by a newer one) waits for it.
                guard let type = Notice.Kind(rawValue: row["outboxType"]) else { return nil }
                return OutboxItem(id: row["outboxId"], peer: try Peer(row: row), type: type, attempts: row["attempts"])
            }
        }
    }

    public func nextNoticeDate() throws -> Date? {
        try writer.read { db in try Date.fetchOne(db, sql: "SELECT MIN(nextAttemptAt) FROM outbox") }
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

    public func noticeFailed(_ item: OutboxItem, error: String, retryAt: Date) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE outbox SET attempts = attempts + 1, lastError = ?, nextAttemptAt = ? WHERE id = ?",
                arguments: [String(error.prefix(500)), retryAt, item.id])
        }
    }

    /// Remembers a signature's nonce until it expires; false when it was seen before (a replay).
    public func rememberNonce(keyId: String, nonce: String, expiresAt: Date, now: Date = Date()) throws -> Bool {
        try writer.write { db in
            try InboxNonce.filter(InboxNonce.Columns.expiresAt < now).deleteAll(db)
            try InboxNonce(keyId: keyId, nonce: nonce, expiresAt: expiresAt).insert(db, onConflict: .ignore)
            return db.changesCount == 1
        }
    }
}
