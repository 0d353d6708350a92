import Foundation
import GRDB

/// What an address a page replies to is, fetched in the background from the address itself
/// (its microformats when it has them, else its title and text): the reply context a page
/// shows above its text, and the upper half of a thread. Contexts are kept per address, so
/// pages replying to one share it; a context's own replies are fetched in turn, a few levels up.
public struct ReplyContext: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public enum Status: String, Codable, Sendable, DatabaseValueConvertible {
        case pending, fetched, failed
    }

    public var url: String
    public var status: Status
    /// How many replies away from a page of this node: 1 for what a page replies to.
    public var depth: Int
    public var title: String
    public var authorName: String
    public var authorURL: String
    public var authorPhoto: String
    /// The site's name, or its host.
    public var site: String
    public var excerpt: String
    public var published: Date?
    /// What the address itself replies to, one address a line.
    public var inReplyTo: String
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var fetchedAt: Date?
    public var lastError: String?

    public static let databaseTableName = "replyContext"

    /// Levels of replies fetched above a page: what it replies to, and three more.
    public static let maximumDepth = 4
    /// How long a fetched context is shown before its address is fetched again.
    public static let refreshInterval: TimeInterval = 7 * 86_400
    /// The same for this node's own pages, read from the database.
    public static let localRefreshInterval: TimeInterval = 600

    /// The addresses this one replies to.
    public var replyTargets: [String] { inReplyTo.split(separator: "\n").map(String.init) }
}

/// What fetching a reply context found, already cut to size.
public struct ReplyContextContent: Sendable, Equatable {
    public var title: String
    public var authorName: String
    public var authorURL: String
    public var authorPhoto: String
    public var site: String
    public var excerpt: String
    public var published: Date?
    public var inReplyTo: [String]

    public init(
        title: String = "", authorName: String = "", authorURL: String = "", authorPhoto: String = "", site: String = "", excerpt: String = "",
        published: Date? = nil, inReplyTo: [String] = []
    ) {
        self.title = title
        self.authorName = authorName
        self.authorURL = authorURL
        self.authorPhoto = authorPhoto
        self.site = site
        self.excerpt = excerpt
        self.published = published
        self.inReplyTo = inReplyTo
    }
}
