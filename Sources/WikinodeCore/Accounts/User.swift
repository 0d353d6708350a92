import Foundation
import GRDB

/// An account that can sign in.
public struct User: Codable, Sendable, Equatable, Identifiable {
    public enum Role: String, Codable, Sendable, DatabaseValueConvertible {
        /// The node's owner: may always edit.
        case owner
        case member
    }

    public var id: Int64?
    public var name: String
    public var nameKey: String
    public var passwordHash: String
    public var role: Role
    public var createdAt: Date
}

extension User: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "user"

    public enum Columns {
        static let nameKey = Column(CodingKeys.nameKey)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// A browser session. The cookie holds a secret; only its SHA-256 is stored.
public struct Session: Codable, Sendable, Equatable {
    public var idHash: String
    /// Nil for a visitor who has not signed in.
    public var userId: Int64?
    public var createdAt: Date
    public var expiresAt: Date
}

extension Session: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "session"

    public enum Columns {
        static let idHash = Column(CodingKeys.idHash)
        static let expiresAt = Column(CodingKeys.expiresAt)
    }
}

/// Text someone was saving when their session had expired, kept until they sign in again.
public struct Draft: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    public var markdown: String
    public var summary: String
    public var baseRevision: Int64?
    public var createdAt: Date
    /// The browser it was kept for (a hash of the form token that proved it), and that
    /// browser's network: what the store's bounds count by.
    public var client: String
    public var network: String
    /// The UTF-8 bytes of its text and summary.
    public var byteCount: Int
}

extension Draft: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "draft"

    public enum Columns {
        static let createdAt = Column(CodingKeys.createdAt)
    }
}

/// How much text the node keeps for people whose session ended: drafts are written by anyone
/// who holds a form of ours, so the store is bounded per browser, per network and in all.
public struct DraftLimits: Sendable {
    public var perClient = 5
    public var perNetwork = 20
    public var bytesPerNetwork = 4_000_000
    public var total = 1_000
    public var totalBytes = 32_000_000
    /// How long a draft is kept.
    public var lifetime: TimeInterval = 7 * 24 * 3600

    public init() {}
}
