import Foundation
import GRDB

/// What the hub's verification request asks of this node.
public enum WebSubVerification: Sendable, Equatable {
    /// The hub may go on: answer with its challenge.
    case confirmed
    /// Not a subscription this node wants (or knows): answer 404.
    case refused
}

extension WikiDatabase {
    /// The longest lease asked for; hubs choose their own.
    public static let webSubLeaseRequested = 10 * 24 * 3600
    /// How long a subscription request waits for the hub's verification before it is asked again.
    public static let webSubVerificationWait: TimeInterval = 600

    /// A feed just read names `hubURL` and `topicURL`: subscribe there, unless already
    /// subscribed (or subscribing) to that same topic at that hub. A hub that denied is not asked
    /// again until the feed names another. A feed that names no hub any more ends its
    /// subscription.
    public func recordWebSubHub(peerId: Int64, hubURL: String?, topicURL: String?, now: Date = Date()) throws {
        try writer.write { db in
            // The feed may have been unfollowed while it was read.
            guard try Peer.fetchOne(db, id: peerId)?.isFollowing == true else { return }
            let existing = try WebSubSubscription.filter(WebSubSubscription.Columns.peerId == peerId).fetchOne(db)
            guard let hubURL, let topicURL else {
                if var existing { try Self.endSubscription(&existing, now: now, in: db) }
                return
            }
            if let existing, existing.hubURL == hubURL, existing.topicURL == topicURL { return }
            if var existing { try Self.endSubscription(&existing, now: now, in: db) }
            var subscription = WebSubSubscription(
                peerId: peerId, hubURL: hubURL, topicURL: topicURL, token: Self.makeRandomToken(), secret: Self.makeRandomToken(),
                state: .subscribing, nextAttemptAt: Self.wholeMilliseconds(now), failures: 0)
            try subscription.insert(db)
        }
    }

    /// Turns a subscription into one being ended: it loses its feed, and the hub is told.
    static func endSubscription(_ subscription: inout WebSubSubscription, now: Date, in db: Database) throws {
        guard subscription.state != .denied else {
            try subscription.delete(db)
            return
        }
        subscription.peerId = nil
        subscription.state = .unsubscribing
        subscription.failures = 0
        subscription.nextAttemptAt = wholeMilliseconds(now)
        try subscription.update(db)
    }

    /// Ends the subscription to a feed being unfollowed.
    func endWebSubSubscription(peerId: Int64, now: Date = Date(), in db: Database) throws {
        if var existing = try WebSubSubscription.filter(WebSubSubscription.Columns.peerId == peerId).fetchOne(db) {
            try Self.endSubscription(&existing, now: now, in: db)
        }
    }

    /// Subscriptions whose request (subscribe, renewal or unsubscribe) is due.
    public func dueWebSubRequests(now: Date = Date()) throws -> [WebSubSubscription] {
        try writer.read { db in
            try WebSubSubscription.filter(sql: "state != 'denied' AND nextAttemptAt <= ?", arguments: [now]).order(sql: "nextAttemptAt")
                .limit(20).fetchAll(db)
        }
    }

    public func nextWebSubRequestDate() throws -> Date? {
        try writer.read { db in try Date.fetchOne(db, sql: "SELECT MIN(nextAttemptAt) FROM webSubSubscription WHERE state != 'denied'") }
    }

    /// A request goes to the hub now: it is sent again if the hub's verification does not come
    /// in time. Recorded before the request is sent, since the verification may come before
    /// the hub's answer does, and then sets the next time itself.
    public func recordWebSubRequestSending(id: Int64, now: Date = Date()) throws {
        try writer.write { db in
            // A request sent again because no verification came counts as a failure: the wait
            // doubles, so a hub that accepts but never verifies is asked less and less.
            guard var subscription = try WebSubSubscription.fetchOne(db, id: id) else { return }
            if subscription.requestedAt != nil, subscription.state != .active {
                subscription.failures += 1
                subscription.lastError = "The hub accepted the request but did not verify it."
            }
            subscription.requestedAt = now
            subscription.nextAttemptAt = now + Self.webSubVerificationWait * pow(2, Double(min(subscription.failures, 8)))
            try subscription.update(db)
        }
    }

    /// A request failed: tried again after `retryAt`. An unsubscription that keeps failing is
    /// given up (the lease ends it anyway).
    public func recordWebSubRequestFailed(id: Int64, error: String, retryAt: Date) throws {
        try writer.write { db in
            guard var subscription = try WebSubSubscription.fetchOne(db, id: id) else { return }
            subscription.failures += 1
            subscription.lastError = String(error.prefix(500))
            subscription.nextAttemptAt = retryAt
            if subscription.state == .unsubscribing, subscription.failures >= 5 {
                try subscription.delete(db)
            } else {
                try subscription.update(db)
            }
        }
    }

    /// The hub's verification of intent for the callback `token` (WebSub §5.3): confirmed only
    /// for the mode and topic this node asked for. A confirmed subscription is active for the
    /// lease the hub gives (renewed at four fifths of it); a confirmed unsubscription is gone.
    public func verifyWebSubIntent(
        token: String, mode: String, topic: String, leaseSeconds: Int?, now: Date = Date()
    ) throws -> WebSubVerification {
        try writer.write { db in
            guard var subscription = try WebSubSubscription.filter(WebSubSubscription.Columns.token == token).fetchOne(db),
                subscription.topicURL == topic
            else { return .refused }
            switch (mode, subscription.state) {
            case ("subscribe", .subscribing), ("subscribe", .active):
                let lease = TimeInterval(min(max(leaseSeconds ?? Self.webSubLeaseRequested, 60), 366 * 24 * 3600))
                subscription.state = .active
                subscription.leaseExpiresAt = now + lease
                subscription.nextAttemptAt = Self.wholeMilliseconds(now + lease * 0.8)
                subscription.failures = 0
                subscription.lastError = nil
                try subscription.update(db)
                return .confirmed
            case ("unsubscribe", .unsubscribing):
                try subscription.delete(db)
                return .confirmed
            default:
                return .refused
            }
        }
    }

    /// The hub says it will not deliver (`hub.mode=denied`): the feed is polled as before.
    public func recordWebSubDenied(token: String, topic: String, reason: String?) throws {
        try writer.write { db in
            guard var subscription = try WebSubSubscription.filter(WebSubSubscription.Columns.token == token).fetchOne(db),
                subscription.topicURL == topic
            else { return }
            if subscription.state == .unsubscribing {
                try subscription.delete(db)
                return
            }
            subscription.state = .denied
            subscription.lastError = "The hub denied the subscription" + (reason.map { ": \(String($0.prefix(300)))" } ?? "")
            try subscription.update(db)
        }
    }

    /// The subscription a delivery to `token` is for.
    public func webSubSubscription(token: String) throws -> WebSubSubscription? {
        try writer.read { db in try WebSubSubscription.filter(WebSubSubscription.Columns.token == token).fetchOne(db) }
    }

    /// The subscription of a followed feed.
    public func webSubSubscription(peerId: Int64) throws -> WebSubSubscription? {
        try writer.read { db in try WebSubSubscription.filter(WebSubSubscription.Columns.peerId == peerId).fetchOne(db) }
    }

    /// A delivery was accepted, or dropped (a bad signature: `error` says so).
    public func recordWebSubDelivery(id: Int64, error: String? = nil, now: Date = Date()) throws {
        try writer.write { db in
            if let error {
                try db.execute(sql: "UPDATE webSubSubscription SET lastError = ? WHERE id = ?", arguments: [String(error.prefix(500)), id])
            } else {
                try db.execute(sql: "UPDATE webSubSubscription SET lastDeliveryAt = ?, lastError = NULL WHERE id = ?", arguments: [now, id])
            }
        }
    }
}
