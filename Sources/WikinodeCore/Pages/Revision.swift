import Foundation
import GRDB

/// One immutable version of a page.
public struct Revision: Codable, Sendable, Equatable, Identifiable {
    /// What a revision did to its page.
    public enum Kind: String, Codable, Sendable, DatabaseValueConvertible {
        case create, edit, rename, delete
    }

    public var id: Int64?
    public var pageId: Int64
    public var parentId: Int64?
    public var kind: Kind
    public var title: String
    public var markdown: String
    /// The rendering made when the revision was saved.
    public var html: String
    public var summary: String
    public var author: String
    public var createdAt: Date
    /// SHA-256 of the Markdown, hex.
    public var contentHash: String
    public var byteCount: Int
    /// Where a forked revision came from: the peer page's address, its revision there, and
    /// when that revision was made.
    public var forkedFrom: String? = nil
    public var forkedRevision: Int64? = nil
    public var forkedAt: Date? = nil
    /// The addresses this revision replies to, one per line; empty when it replies to nothing.
    public var inReplyTo: String = ""

    /// The addresses this revision replies to, in order.
    public var replyTargets: [String] { inReplyTo.split(separator: "\n").map(String.init) }
}

extension Revision: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "revision"

    public enum Columns {
        static let id = Column(CodingKeys.id)
        static let pageId = Column(CodingKeys.pageId)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
