import Foundation
import GRDB

/// Another node this one follows, or that follows this one, or both.
///
/// Its public key is pinned the first time it is seen: a peer that later shows another key is
/// refused until someone unfollows it and follows it again.
public struct Peer: Codable, Sendable, Equatable, Identifiable {
    /// What kind of site it is, which decides how it is read; everything it gives is mirrored
    /// in the same store and shown the same way.
    public enum Kind: String, Codable, Sendable {
        /// Another wikinode: its signed change feed, its notices.
        case wikinode
        /// A weblog's Atom, RSS or JSON feed.
        case feed
        /// A Federated Wiki site: its sitemap and its pages' JSON.
        case fedwiki
    }

    public var id: Int64?
    public var kind: Kind
    /// The peer's base URL, as its `/.well-known/wikinode` gives it, without a trailing slash.
    public var url: String
    public var name: String
    /// The name as an interwiki prefix (see `MarkdownOptions.interwikiKey`).
    public var prefixKey: String
    /// The Ed25519 public key, base64 of the 32 raw bytes.
    public var publicKey: String
    /// We pull its changes.
    public var isFollowing: Bool
    /// It pulls ours: we send it `changed` notices.
    public var isFollower: Bool
    /// The peer's change-feed cursor we have applied up to.
    public var cursor: Int64
    /// A `changed` notice arrived: pull as soon as possible.
    public var pullRequested: Bool
    /// Failed pulls in a row, for the backoff.
    public var failures: Int
    public var lastSyncAt: Date?
    public var lastContactAt: Date?
    public var lastError: String?
    public var lastErrorAt: Date?
    /// When the next pull is due.
    public var nextAttemptAt: Date?
    public var createdAt: Date
    /// What is fetched from a site that is not a wikinode: its feed, or its sitemap.
    public var sourceURL: String?
    /// The validators of the last fetch of `sourceURL`, for a conditional GET.
    public var etag: String?
    public var lastModified: String?

    public init(url: String, name: String, publicKey: String, kind: Kind = .wikinode, now: Date = Date()) {
        self.kind = kind
        self.url = url
        self.name = name
        prefixKey = MarkdownOptions.interwikiKey(name)
        self.publicKey = publicKey
        isFollowing = false
        isFollower = false
        cursor = 0
        pullRequested = false
        failures = 0
        createdAt = now
    }
}

extension Peer: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "peer"

    public enum Columns {
        static let url = Column(CodingKeys.url)
        static let sourceURL = Column(CodingKeys.sourceURL)
        static let isFollowing = Column(CodingKeys.isFollowing)
        static let isFollower = Column(CodingKeys.isFollower)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// A peer with how many of its pages are mirrored here, for `/peers` and `wikinode peers`.
public struct PeerState: Sendable {
    public let peer: Peer
    public let pagesMirrored: Int
    public let pendingNotices: Int
}

/// A notice waiting in the outbox for a peer.
public struct OutboxItem: Sendable, Equatable {
    public let id: Int64
    public let peer: Peer
    public let type: Notice.Kind
    public let attempts: Int
}
