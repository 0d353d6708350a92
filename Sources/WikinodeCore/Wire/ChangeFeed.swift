import Foundation

/// The change feed, `GET /api/changes?since=N&limit=M`, as followers read it.
///
/// The feed is compacted: a page appears once, at its latest change, with its current text, so
/// that a follower that was away for a month catches up in a few requests and never applies a
/// change twice. A page that was deleted, or is a post that is not (or no longer) public,
/// appears as `deleted` without its text.
public struct ChangeFeedDocument: Codable, Sendable {
    public var changes: [ChangeFeedEntry]
    /// Ask with this next.
    public var cursor: Int64
    /// The newest change on the node; when `cursor` reaches it, the follower is current.
    public var latest: Int64

    public init(changes: [ChangeFeedEntry], cursor: Int64, latest: Int64) {
        self.changes = changes
        self.cursor = cursor
        self.latest = latest
    }
}

extension ChangeFeedDocument {
    /// Dates in RFC 3339 with milliseconds, so that followers compare "newer" and "older" as the
    /// origin would.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
        return encoder
    }

    /// Reads RFC 3339 dates with or without fractional seconds.
    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
            if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(text.prefix(40)) is not an RFC 3339 date")
        }
        return decoder
    }
}

public struct ChangeFeedEntry: Codable, Sendable, Equatable {
    public var seq: Int64
    /// The page's id on its node, stable across renames.
    public var uid: String
    public var deleted: Bool
    /// What the latest change did: create, edit, rename, delete.
    public var kind: String?
    /// `page` or `post`.
    public var type: String?
    public var title: String?
    public var previousTitle: String?
    public var revision: Int64?
    public var contentHash: String?
    public var author: String?
    public var summary: String?
    public var updated: Date?
    public var url: String?
    public var markdown: String?
    /// Every address the page links to, absolute: its wiki links as the origin's own URLs.
    public var links: [String]?

    public init(seq: Int64, uid: String, deleted: Bool) {
        self.seq = seq
        self.uid = uid
        self.deleted = deleted
    }
}
