import Foundation
import GRDB

/// A followed peer's page as mirrored here: its latest Markdown and the HTML rendered from it
/// on this node (so its links resolve here), one row per page and peer.
struct RemotePage: Sendable, Equatable, Identifiable {
    var id: Int64?
    var peerId: Int64
    /// The page's id on its origin, stable across renames.
    var uid: String
    /// `page` or `post`.
    var type: String
    var title: String
    var titleKey: String
    var url: String
    var revision: Int64
    /// The origin's change-feed position of the change mirrored.
    var seq: Int64
    var contentHash: String
    var markdown: String
    var html: String
    var author: String
    var summary: String
    var updatedAt: Date
    /// For a followed site's page (a feed entry, a fedwiki page), when the read that brought
    /// this copy began, in milliseconds since 1970: the later read wins.
    var readAt: Int64?
}

extension RemotePage: FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "remotePage"

    enum Columns {
        static let id = Column("id")
        static let peerId = Column("peerId")
        static let uid = Column("uid")
        static let seq = Column("seq")
    }

    init(row: Row) throws {
        id = row["id"]
        peerId = row["peerId"]
        uid = row["uid"]
        type = row["type"]
        title = row["title"]
        titleKey = row["titleKey"]
        url = row["url"]
        revision = row["revision"]
        seq = row["seq"]
        contentHash = row["contentHash"]
        markdown = row["markdown"]
        html = row["html"]
        author = row["author"]
        summary = row["summary"]
        updatedAt = row["updatedAt"]
        readAt = row["readAt"]
    }

    // Written by hand rather than derived from Codable: a backfill stores thousands in a row.
    func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["peerId"] = peerId
        container["uid"] = uid
        container["type"] = type
        container["title"] = title
        container["titleKey"] = titleKey
        container["url"] = url
        container["revision"] = revision
        container["seq"] = seq
        container["contentHash"] = contentHash
        container["markdown"] = markdown
        container["html"] = html
        container["author"] = author
        container["summary"] = summary
        container["updatedAt"] = updatedAt
        container["readAt"] = readAt
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// A link from a mirrored page to a page of this node: what remote backlinks are read from.
struct RemoteLink: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "remoteLink"

    var remotePageId: Int64
    /// The title key of this node's page it links to.
    var targetKey: String

    enum Columns {
        static let remotePageId = Column(CodingKeys.remotePageId)
    }
}
