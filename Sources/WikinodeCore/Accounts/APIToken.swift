import Foundation
import GRDB

/// A token for scripts. Only the SHA-256 of the secret is stored.
public struct APIToken: Codable, Sendable, Equatable {
    public var id: Int64?
    public var name: String
    public var tokenHash: String
    public var createdAt: Date
    public var lastUsedAt: Date?
}

extension APIToken: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "apiToken"

    public enum Columns {
        static let tokenHash = Column(CodingKeys.tokenHash)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
