import Foundation
import GRDB

/// A domain whose mentions (and its subdomains') the owner refuses.
struct BlockedDomain: Codable, Sendable, Equatable {
    var domain: String
    var createdAt: Date
}

extension BlockedDomain: FetchableRecord, PersistableRecord {
    static let databaseTableName = "blockedDomain"
}
