import Foundation
import GRDB

/// An entry of the change log, numbered in the order changes were committed.
///
/// Followers read this log with a cursor (`seq`), so every create, edit, rename and delete
/// writes exactly one entry, in the same transaction as the change itself.
public struct PageChange: Codable, Sendable, Equatable {
    public var seq: Int64?
    public var pageId: Int64
    public var pageUid: String
    public var revisionId: Int64
    public var kind: Revision.Kind
    public var title: String
    public var previousTitle: String?
    public var author: String
    public var summary: String
    public var contentHash: String
    public var createdAt: Date
}

extension PageChange: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "pageChange"

    public enum Columns {
        static let seq = Column(CodingKeys.seq)
        static let pageId = Column(CodingKeys.pageId)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        seq = inserted.rowID
    }
}
