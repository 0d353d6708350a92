import Foundation
import GRDB

/// A page published as a weblog post. The page and the post are one thing: the post adds a
/// date, a permanent address and tags to a page, which keeps its history, links and search.
public struct Post: Codable, Sendable, Equatable {
    /// Whether readers see the post.
    public enum Status: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case published
        case draft
    }

    public var pageId: Int64
    /// The last part of the permanent address `/blog/{year}/{month}/{slug}`; set once.
    public var slug: String
    public var year: Int
    public var month: Int
    /// When it is (or was, or will be) published, UTC. A published post dated in the future is
    /// scheduled: hidden until then.
    public var publishedAt: Date
    public var status: Status

    /// The permanent address, relative to the node's root.
    public var permalinkPath: String {
        let encoded = slug.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? slug
        return NodeAddress.blogPrefix + String(format: "%04d/%02d/", year, month) + encoded
    }

    /// Whether anonymous readers see it at `now`.
    public func isVisible(at now: Date = Date()) -> Bool {
        status == .published && publishedAt <= now
    }
}

extension Post: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "post"

    public enum Columns {
        static let pageId = Column(CodingKeys.pageId)
        static let publishedAt = Column(CodingKeys.publishedAt)
        static let status = Column(CodingKeys.status)
    }
}

/// A tag on a post.
public struct PostTag: Codable, Sendable, Equatable {
    public var pageId: Int64
    /// The tag as written.
    public var tag: String
    /// The tag for lookups and addresses: lowercased.
    public var tagKey: String
}

extension PostTag: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "postTag"
}
