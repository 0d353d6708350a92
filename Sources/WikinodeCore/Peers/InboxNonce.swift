import Foundation
import GRDB

/// A signature nonce seen in the inbox, kept until its signature would be stale anyway, so that
/// a replayed notice is refused.
struct InboxNonce: Codable, Sendable, Equatable {
    var keyId: String
    var nonce: String
    var expiresAt: Date
}

extension InboxNonce: FetchableRecord, PersistableRecord {
    static let databaseTableName = "inboxNonce"

    enum Columns {
        static let expiresAt = Column(CodingKeys.expiresAt)
    }
}
