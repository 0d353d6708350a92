import Foundation
import GRDB

/// Whom an item of the outbox is owed to.
///
/// The outbox holds everything the node owes another server, retried with backoff until it is
/// delivered: a notice to a followed wikinode (at most one of each kind per peer; it says
/// only that something happened, and the peer pulls), an activity to a fediverse inbox (its
/// JSON, as it is to be posted), or a push to a subscriber of the node's WebSub hub (at most one
/// each; it carries the feed as it is when sent).
public enum OutboxRecipient: Sendable {
    case peer, fediverseInbox, webSubSubscriber

    /// The rows owed to such a recipient, as an SQL condition on the outbox.
    var condition: String {
        switch self {
        case .peer: "peerId IS NOT NULL"
        case .fediverseInbox: "inbox IS NOT NULL"
        case .webSubSubscriber: "webSubHubSubscriberId IS NOT NULL"
        }
    }
}

/// A row of the outbox owed to a peer: a notice, at most one of each kind per peer.
struct OutboxNotice: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "outbox"

    var id: Int64?
    var peerId: Int64
    var type: Notice.Kind
    /// Failed deliveries in a row.
    var attempts: Int
    var nextAttemptAt: Date
    var lastError: String?
    /// When the notice was last queued: a delivery that began before that leaves it queued.
    var createdAt: Date

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let peerId = Column(CodingKeys.peerId)
        static let type = Column(CodingKeys.type)
        static let attempts = Column(CodingKeys.attempts)
        static let nextAttemptAt = Column(CodingKeys.nextAttemptAt)
        static let lastError = Column(CodingKeys.lastError)
        static let createdAt = Column(CodingKeys.createdAt)
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// A row of the outbox owed to a fediverse inbox: an activity.
public struct ActivityDelivery: Codable, Sendable, Equatable, Identifiable, FetchableRecord {
    public var id: Int64?
    public var inbox: String
    /// The activity, as JSON.
    public var activity: String
    /// Failed deliveries in a row.
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    public var createdAt: Date
}
