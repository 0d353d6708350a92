import Foundation
import GRDB

/// A subscription or unsubscription the node's hub was asked for, to be verified.
public struct WebSubHubRequest: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "webSubHubRequest"

    public var id: Int64?
    /// `subscribe` or `unsubscribe`.
    public var mode: String
    /// The feed's path on this node (`/feed.atom`, `/wiki/Home/history.atom`).
    public var topicPath: String
    public var callbackURL: String
    public var secret: String?
    public var leaseSeconds: Int
    public var receivedAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// A verified subscriber of one of the node's feeds.
public struct WebSubHubSubscriber: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "webSubHubSubscriber"

    public var id: Int64?
    public var topicPath: String
    public var callbackURL: String
    public var secret: String?
    public var leaseExpiresAt: Date
    public var contentHash: String
    public var createdAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// A push owed to a subscriber, from the outbox.
public struct WebSubPush: Sendable, Equatable {
    public let outboxId: Int64
    public let subscriber: WebSubHubSubscriber
    public let attempts: Int
}

extension WikiDatabase {
    /// The most subscribers the hub keeps, and the most requests waiting for verification.
    public static let maximumHubSubscribers = 1_000
    public static let maximumHubRequests = 100
    /// The most of them whose callbacks are on one host, so that one party cannot take every
    /// slot (and make each change render a thousand feeds for it): a reader subscribes to a
    /// node's few feeds, not to hundreds of them.
    public static let maximumHubSubscribersPerHost = 100
    public static let maximumHubRequestsPerHost = 20
    /// Leases the hub grants: what is asked, within these bounds, ten days when nothing is.
    public static let hubLeaseRange = 3_600...(30 * 24 * 3_600)
    public static let hubDefaultLease = 10 * 24 * 3_600
    /// Pushes that fail in a row before a subscriber is dropped.
    public static let maximumFailedPushes = 10

    /// Records a request to verify. One per topic and callback: a newer request replaces an
    /// older one not yet verified. A new subscription is refused when the hub has too many
    /// subscribers or requests, or its callback's host has its share of them; renewing or
    /// ending a subscription is always taken (one request each, bounded by the subscriptions);
    /// ending one that does not exist is refused (`notFound`), as it would only take a place.
    public func recordHubRequest(
        mode: String, topicPath: String, callbackURL: String, secret: String?, leaseSeconds: Int?, now: Date = Date()
    ) throws {
        try writer.write { db in
            let lease = min(max(leaseSeconds ?? Self.hubDefaultLease, Self.hubLeaseRange.lowerBound), Self.hubLeaseRange.upperBound)
            let key: StatementArguments = [topicPath, callbackURL]
            let waitingMode = try String.fetchOne(
                db, sql: "SELECT mode FROM webSubHubRequest WHERE topicPath = ? AND callbackURL = ?", arguments: key)
            let isSubscribed =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webSubHubSubscriber WHERE topicPath = ? AND callbackURL = ?", arguments: key) ?? 0 > 0
            if mode == "unsubscribe", !isSubscribed, waitingMode != "subscribe" {
                throw WikiError.notFound("That callback has no subscription to that topic here; there is nothing to end.")
            }
            // Only a subscription that is neither active nor waiting takes a new place.
            if mode == "subscribe", !isSubscribed, waitingMode != "subscribe" {
                if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webSubHubRequest") ?? 0 >= Self.maximumHubRequests {
                    throw WikiError.invalidInput("The hub has too many requests waiting to be verified; try again in a minute.")
                }
                if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webSubHubSubscriber") ?? 0 >= Self.maximumHubSubscribers {
                    throw WikiError.invalidInput("The hub has as many subscribers as it serves (\(Self.maximumHubSubscribers)).")
                }
                try Self.checkHostShare(db, callbackURL: callbackURL)
            }
            try db.execute(sql: "DELETE FROM webSubHubRequest WHERE topicPath = ? AND callbackURL = ?", arguments: key)
            var request = WebSubHubRequest(
                mode: mode, topicPath: topicPath, callbackURL: callbackURL, secret: secret, leaseSeconds: lease, receivedAt: now)
            try request.insert(db)
        }
    }

    /// Refuses a new subscription from a callback host that already has its share of the hub:
    /// `maximumHubRequestsPerHost` requests waiting, or `maximumHubSubscribersPerHost` waiting
    /// and verified together.
    private static func checkHostShare(_ db: Database, callbackURL: String) throws {
        guard let host = callbackHost(callbackURL) else { return }
        let waiting = try String.fetchAll(db, sql: "SELECT callbackURL FROM webSubHubRequest").filter { callbackHost($0) == host }.count
        if waiting >= maximumHubRequestsPerHost {
            throw WikiError.invalidInput("\(host) has \(maximumHubRequestsPerHost) requests waiting to be verified; try again when they are.")
        }
        let subscribed = try String.fetchAll(db, sql: "SELECT callbackURL FROM webSubHubSubscriber").filter { callbackHost($0) == host }.count
        if waiting + subscribed >= maximumHubSubscribersPerHost {
            throw WikiError.invalidInput("\(host) has as many subscriptions at this hub as one host may have (\(maximumHubSubscribersPerHost)).")
        }
    }

    /// A callback's host, as the share of the hub is counted (lower case, without a final dot;
    /// other names of one machine count apart, see `docs/following.md`).
    static func callbackHost(_ callbackURL: String) -> String? {
        guard var host = URLComponents(string: callbackURL)?.host?.lowercased() else { return nil }
        while host.hasSuffix(".") { host.removeLast() }
        return host
    }

    /// Requests waiting for their verification, oldest first.
    public func pendingHubRequests(limit: Int = 20) throws -> [WebSubHubRequest] {
        try writer.read { db in try WebSubHubRequest.order(sql: "receivedAt, id").limit(limit).fetchAll(db) }
    }

    /// A request's callback confirmed it (or not). A confirmed subscription is active for its
    /// lease, with `contentHash` what the feed is now; a confirmed unsubscription ends it.
    public func recordHubVerification(of request: WebSubHubRequest, confirmed: Bool, contentHash: String, now: Date = Date()) throws {
        try writer.write { db in
            _ = try WebSubHubRequest.deleteOne(db, id: request.id)
            guard confirmed else { return }
            if request.mode == "unsubscribe" {
                try db.execute(
                    sql: "DELETE FROM webSubHubSubscriber WHERE topicPath = ? AND callbackURL = ?",
                    arguments: [request.topicPath, request.callbackURL])
                return
            }
            try db.execute(
                sql: """
                    INSERT INTO webSubHubSubscriber (topicPath, callbackURL, secret, leaseExpiresAt, contentHash, createdAt)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (topicPath, callbackURL) DO UPDATE SET secret = excluded.secret, leaseExpiresAt = excluded.leaseExpiresAt
                    """,
                arguments: [request.topicPath, request.callbackURL, request.secret, now + TimeInterval(request.leaseSeconds), contentHash, now])
        }
    }

    /// Drops subscribers whose lease ended; returns the topics that still have subscribers.
    public func hubTopics(now: Date = Date()) throws -> [String] {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM webSubHubSubscriber WHERE leaseExpiresAt <= ?", arguments: [now])
            return try String.fetchAll(db, sql: "SELECT DISTINCT topicPath FROM webSubHubSubscriber ORDER BY topicPath")
        }
    }

    /// What a feed is now: each of its subscribers that last got something else is owed a push.
    /// Returns how many pushes were queued.
    @discardableResult
    public func recordHubTopicContent(topicPath: String, contentHash: String, now: Date = Date()) throws -> Int {
        try writer.write { db in
            let owed = try Int64.fetchAll(
                db, sql: "SELECT id FROM webSubHubSubscriber WHERE topicPath = ? AND contentHash <> ?", arguments: [topicPath, contentHash])
            for id in owed {
                try db.execute(sql: "UPDATE webSubHubSubscriber SET contentHash = ? WHERE id = ?", arguments: [contentHash, id])
                // One push each: one already waiting will carry the newest content anyway.
                try db.execute(
                    sql: """
                        INSERT INTO outbox (webSubHubSubscriberId, type, attempts, nextAttemptAt, createdAt) VALUES (?, 'websub', 0, ?, ?)
                        ON CONFLICT (webSubHubSubscriberId) DO NOTHING
                        """,
                    arguments: [id, Self.wholeMilliseconds(now), now])
            }
            return owed.count
        }
    }

    /// Pushes due now, oldest first.
    public func dueHubPushes(now: Date = Date(), limit: Int = 50) throws -> [WebSubPush] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT o.id AS outboxId, o.attempts AS outboxAttempts, s.* FROM outbox o JOIN webSubHubSubscriber s ON s.id = o.webSubHubSubscriberId
                    WHERE o.nextAttemptAt <= ? ORDER BY o.nextAttemptAt, o.id LIMIT ?
                    """,
                arguments: [now, limit]
            ).map { row in WebSubPush(outboxId: row["outboxId"], subscriber: try WebSubHubSubscriber(row: row), attempts: row["outboxAttempts"]) }
        }
    }

    /// A push was delivered: it leaves the outbox.
    public func hubPushDelivered(outboxId: Int64) throws {
        try writer.write { db in try db.execute(sql: "DELETE FROM outbox WHERE id = ? AND type = 'websub'", arguments: [outboxId]) }
    }

    /// A subscriber that said it is gone (410), or failed too often, is dropped with its push.
    public func dropHubSubscriber(id: Int64) throws {
        try writer.write { db in _ = try WebSubHubSubscriber.deleteOne(db, id: id) }
    }

    /// The hub's subscribers, for `/peers`.
    public func hubSubscribers() throws -> [WebSubHubSubscriber] {
        try writer.read { db in try WebSubHubSubscriber.order(sql: "topicPath, callbackURL").fetchAll(db) }
    }
}
