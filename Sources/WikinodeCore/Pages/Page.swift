import Foundation
import GRDB

/// A page: its current title, current revision and current rendering.
///
/// `id` is stable across renames; `uid` is the same, in a form that is unique across nodes.
public struct Page: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var uid: String
    public var title: String
    public var titleKey: String
    public var revisionId: Int64
    /// The current revision rendered, with links to missing pages marked as of now.
    public var html: String
    public var createdAt: Date
    public var updatedAt: Date
    public var deletedAt: Date?

    public var pageTitle: PageTitle { (try? PageTitle(title)) ?? Self.fallbackTitle }
    public var isDeleted: Bool { deletedAt != nil }

    static let fallbackTitle = try! PageTitle("Untitled")
}

extension Page: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "page"

    public enum Columns {
        static let id = Column(CodingKeys.id)
        static let titleKey = Column(CodingKeys.titleKey)
        static let updatedAt = Column(CodingKeys.updatedAt)
        static let deletedAt = Column(CodingKeys.deletedAt)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
