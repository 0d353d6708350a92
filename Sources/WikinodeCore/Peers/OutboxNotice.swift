import Foundation
import GRDB

/// One row of the outbox: a notice this node owes a peer, at most one of each kind per peer,
/// retried with backoff until it is delivered.
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
