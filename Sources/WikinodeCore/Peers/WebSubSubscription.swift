import Foundation
import GRDB

/// This node's subscription at a WebSub hub to a followed feed, so that the hub pushes the
/// feed's changes instead of the node polling for them (W3C WebSub, the subscriber's side).
public struct WebSubSubscription: Codable, Sendable, Equatable, Identifiable {
    public enum State: String, Codable, Sendable {
        /// Asked for (or to be asked for); the hub has not verified it yet.
        case subscribing
        /// Verified: the hub pushes until `leaseExpiresAt`; renewed before.
        case active
        /// The feed was unfollowed: the hub is asked to stop.
        case unsubscribing
        /// The hub refused; the feed is polled as before.
        case denied
    }

    public var id: Int64?
    /// The followed feed; nil once it is unfollowed and the hub is being told.
    public var peerId: Int64?
    public var hubURL: String
    public var topicURL: String
    public var token: String
    public var secret: String
    public var state: State
    public var leaseExpiresAt: Date?
    public var requestedAt: Date?
    public var nextAttemptAt: Date
    public var failures: Int
    public var lastError: String?
    public var lastDeliveryAt: Date?
}

extension WebSubSubscription: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "webSubSubscription"

    public enum Columns {
        static let peerId = Column(CodingKeys.peerId)
        static let token = Column(CodingKeys.token)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
