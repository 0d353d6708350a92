import Foundation
import GRDB

/// A link to one of this node's pages from elsewhere on the web, received as a Webmention,
/// Pingback, Trackback or a peer's signed notice, and shown only once the source was fetched
/// and found to link here; or a reply, like or boost from the fediverse, checked at its origin.
public struct Mention: Codable, Sendable, Equatable, Identifiable, FetchableRecord, PersistableRecord {
    public enum Status: String, Codable, Sendable, DatabaseValueConvertible {
        case queued, verified, rejected
    }

    public enum Moderation: String, Codable, Sendable, DatabaseValueConvertible {
        case approved, pending, refused
    }

    public enum Dialect: String, Codable, Sendable, DatabaseValueConvertible, CaseIterable {
        case webmention, pingback, trackback
        /// A signed `mention` notice from a peer (see docs/federation.md).
        case wikinode
        /// A reply, like or boost from the fediverse (see docs/fediverse.md).
        case activitypub
    }

    /// What the source is to the page, as its microformats say (`in-reply-to`, `like-of`,
    /// `repost-of`, `bookmark-of`); a source that says nothing of the kind mentions it.
    public enum Kind: String, Codable, Sendable, DatabaseValueConvertible, CaseIterable {
        case reply, like, repost, bookmark, mention
    }

    public var id: Int64?
    public var pageId: Int64
    public var sourceURL: String
    public var targetURL: String
    public var sourceHost: String
    public var `protocol`: Dialect
    public var status: Status
    public var moderation: Moderation
    public var authorName: String
    public var authorURL: String
    public var authorPhoto: String
    public var title: String
    public var excerpt: String
    public var published: Date?
    public var claimedTitle: String
    public var claimedExcerpt: String
    public var claimedSite: String
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastError: String?
    public var receivedAt: Date
    public var verifiedAt: Date?
    public var kind: Kind = .mention
    /// The responses the source shows as its own (`p-comment h-cite`), as it nests them: how a
    /// reply to a reply on a site this node never heard of reaches the top of the thread.
    public var comments: [Comment] = []

    public static let databaseTableName = "mention"

    /// One response a source shows, with those it shows under it; text cut to size, addresses
    /// http(s) or empty.
    public struct Comment: Codable, Sendable, Equatable {
        public var url: String
        public var authorName: String
        public var authorURL: String
        public var authorPhoto: String
        public var title: String
        public var excerpt: String
        public var published: Date?
        public var comments: [Comment]

        public init(
            url: String, authorName: String = "", authorURL: String = "", authorPhoto: String = "", title: String = "", excerpt: String = "",
            published: Date? = nil, comments: [Comment] = []
        ) {
            self.url = url
            self.authorName = authorName
            self.authorURL = authorURL
            self.authorPhoto = authorPhoto
            self.title = title
            self.excerpt = excerpt
            self.published = published
            self.comments = comments
        }

        /// This comment and every one under it, depth first.
        public var flattened: [Comment] { [self] + comments.flatMap(\.flattened) }
    }

    /// Whether the page shows it.
    public var isShown: Bool { status == .verified && moderation == .approved }

    /// Whether a page showing `other` instead shows the same: if not, its responses changed.
    func showsTheSame(as other: Mention) -> Bool {
        isShown == other.isShown
            && (!isShown
                || (kind == other.kind && sourceURL == other.sourceURL && authorName == other.authorName && authorURL == other.authorURL
                    && authorPhoto == other.authorPhoto && title == other.title && excerpt == other.excerpt && published == other.published
                    && comments == other.comments))
    }
}

/// What a verified source says about itself, already cut to size.
public struct MentionContent: Sendable, Equatable {
    public var authorName: String
    public var authorURL: String
    public var authorPhoto: String
    public var title: String
    public var excerpt: String
    public var published: Date?
    public var kind: Mention.Kind
    public var comments: [Mention.Comment]

    public init(
        authorName: String = "", authorURL: String = "", authorPhoto: String = "", title: String = "", excerpt: String = "", published: Date? = nil,
        kind: Mention.Kind = .mention, comments: [Mention.Comment] = []
    ) {
        self.kind = kind
        self.comments = comments
        self.authorName = authorName
        self.authorURL = authorURL
        self.authorPhoto = authorPhoto
        self.title = title
        self.excerpt = excerpt
        self.published = published
    }
}

/// One target a page links to, and how telling it went.
public struct SentMention: Codable, Sendable, Equatable, Identifiable, FetchableRecord, PersistableRecord {
    public enum Status: String, Codable, Sendable, DatabaseValueConvertible {
        case pending, sent
        case noEndpoint = "no endpoint"
        case failed
    }

    public var id: Int64?
    public var pageId: Int64
    public var targetURL: String
    public var status: Status
    public var `protocol`: String?
    public var endpoint: String?
    public var responseStatus: Int?
    public var response: String?
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastAttemptAt: Date?

    public static let databaseTableName = "sentMention"
}

/// A sent mention due now, with what the sender needs to know about its page.
public struct SentMentionJob: Sendable {
    public let mention: SentMention
    public let title: PageTitle
    public let isDeleted: Bool
    /// The post's permanent address (path), when the page is a post.
    public let postPath: String?
    /// A post nobody may see yet: nothing is sent about it.
    public let isHidden: Bool
    public let summary: String
}
