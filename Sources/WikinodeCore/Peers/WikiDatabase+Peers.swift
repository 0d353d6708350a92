import Foundation
import GRDB

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
                    throw WikiError.conflict(
                        currentRevision: 0,
                        message:
                            "\(url) now shows another public key than the one pinned when it was first seen; unfollow it and follow it again if the change is expected."
                    )
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
            arguments: [peer.prefixKey.count + 1, peer.prefixKey + ":", peer.url.count + 6, peer.url + NodeAddress.wikiPrefix])
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
            try endWebSubSubscription(peerId: peerId, in: db)
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
                sql:
                    "DELETE FROM peer WHERE id = ? AND NOT isFollowing AND NOT isFollower AND NOT EXISTS (SELECT 1 FROM outbox WHERE peerId = peer.id)",
                arguments: [peerId])
        }
    }

    /// A `changed` notice came: pull this peer now.
    public func requestPull(peerId: Int64, now: Date = Date()) throws {
        try writer.write { db in
            try db.execute(
                sql:
                    "UPDATE peer SET pullRequested = 1, lastContactAt = ?, nextAttemptAt = MIN(COALESCE(nextAttemptAt, ?), ?) WHERE id = ? AND isFollowing",
                arguments: [now, Self.wholeMilliseconds(now), Self.wholeMilliseconds(now), peerId])
        }
    }

    /// Every followed peer is due now (at start, after being down).
    public func makeFollowedPeersDue(now: Date = Date()) throws {
        try writer.write { db in try db.execute(sql: "UPDATE peer SET nextAttemptAt = ? WHERE isFollowing", arguments: [Self.wholeMilliseconds(now)])
        }
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
