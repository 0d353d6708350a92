import Foundation

/// A weblog's feed as fetched from its site: Atom 1.0, RSS 2.0 (and RSS 1.0) or JSON Feed 1.x,
/// read into one shape. Every field is bounded and cleaned of control characters; content stays
/// the site's HTML (or text), which the caller sanitises (`HTMLDocument.markdown(limit:)`).
public struct FeedDocument: Sendable, Equatable {
    public enum Format: String, Sendable {
        case atom, rss, jsonFeed
    }

    public var format: Format
    public var title: String?
    /// The site the feed is of (Atom `link rel=alternate`, RSS `link`, JSON `home_page_url`).
    public var homePageURL: URL?
    /// The feed's own address as it gives it (`rel=self`, `feed_url`): the WebSub topic.
    public var selfURL: URL?
    /// WebSub hubs it advertises (`rel=hub`, JSON `hubs`).
    public var hubURLs: [URL] = []
    /// Entries in the feed's order, at most `maximumEntries`.
    public var entries: [FeedEntry] = []

    public init(format: Format) {
        self.format = format
    }

    public static let maximumEntries = 500
    static let titleLimit = 300
    static let nameLimit = 100
    static let idLimit = 2_000
    /// The most content kept of one entry, in UTF-8 bytes, before it is sanitised.
    public static let contentLimit = 1 << 20

    /// Reads `data`, fetched from `url` (after redirects), as whichever of the three formats it
    /// is, from its first bytes: `{` is JSON Feed, anything else must be XML.
    public static func parse(_ data: Data, url: URL) throws(FeedError) -> FeedDocument {
        let start = data.prefix(1024).drop { [0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
        if start.first == UInt8(ascii: "{") {
            return try JSONFeedReader.read(data, url: url)
        }
        return try XMLFeedReader.read(data, url: url)
    }
}

/// One entry of a feed.
public struct FeedEntry: Sendable, Equatable {
    /// What identifies the entry for good: Atom `id`, RSS `guid` (or its link), JSON `id`.
    public var id: String
    public var title: String?
    /// The entry's own page.
    public var url: URL?
    /// Its content as HTML, if the feed gives HTML (or XHTML, serialised).
    public var contentHTML: String?
    /// Its content as plain text, when the feed gives only text.
    public var contentText: String?
    /// A short summary (Atom `summary`, JSON `summary`), HTML or text as `contentHTML`.
    public var summary: String?
    public var published: Date?
    public var updated: Date?
    public var authorName: String?

    public init(id: String) {
        self.id = id
    }
}

/// Why a feed could not be read.
public enum FeedError: Error, Equatable, CustomStringConvertible {
    case notAFeed(String)
    case malformed(String)
    case refused(String)

    public var description: String {
        switch self {
        case .notAFeed(let reason): "not a feed: \(reason)"
        case .malformed(let reason): "malformed feed: \(reason)"
        case .refused(let reason): "feed refused: \(reason)"
        }
    }
}

/// Cleaning of the text fields of feeds.
enum FeedText {
    /// One line: whitespace collapsed, control characters dropped, at most `limit` characters.
    static func line(_ text: String?, limit: Int) -> String? {
        guard let text else { return nil }
        var collapsed = String.UnicodeScalarView()
        var lastWasSpace = true
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                if !lastWasSpace { collapsed.append(" ") }
                lastWasSpace = true
            } else if scalar.properties.generalCategory != .control {
                collapsed.append(scalar)
                lastWasSpace = false
            }
        }
        let line = String(String(collapsed).prefix(limit)).trimmingCharacters(in: .whitespaces)
        return line.isEmpty ? nil : line
    }

    /// Content cut to `FeedDocument.contentLimit` bytes on a character boundary.
    static func content(_ text: String?) -> String? {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        guard text.utf8.count > FeedDocument.contentLimit else { return text }
        var end = text.utf8.index(text.utf8.startIndex, offsetBy: FeedDocument.contentLimit)
        while end.samePosition(in: text) == nil { end = text.utf8.index(before: end) }
        return String(text[..<end])
    }

    /// An http(s) address, resolved against `base`.
    static func url(_ text: String?, base: URL) -> URL? {
        guard let text = line(text, limit: 2_000), let url = URLReference.resolve(text, against: base), url.isHTTP else { return nil }
        return url
    }
}
