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
    /// Nil for a visitor who has not signed in (the session still carries a CSRF token).
    public var userId: Int64?
    public var csrfToken: String
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
}

extension Draft: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "draft"

    public enum Columns {
        static let createdAt = Column(CodingKeys.createdAt)
    }
}
