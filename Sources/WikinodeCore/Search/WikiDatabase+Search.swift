import Foundation
import GRDB

/// A page that matches a search, with the matching text around the hits.
public struct SearchHit: Sendable, Equatable {
    public let title: String
    public let updatedAt: Date
    /// Snippet text; the parts between `SearchHit.highlightStart` and `highlightEnd` matched.
    public let snippet: String
    /// For a page mirrored from a followed peer: the peer's name and the page's address there.
    public var peerName: String? = nil
    public var url: String? = nil
    /// BM25 (lower is better), to merge this node's hits with its peers'.
    var rank: Double = 0

    public static let highlightStart: Unicode.Scalar = "\u{E000}"
    public static let highlightEnd: Unicode.Scalar = "\u{E001}"

    /// The snippet as HTML: text escaped, matches in `<mark>`.
    public var snippetHTML: String {
        HTMLEscaping.escape(snippet, markup: [Self.highlightStart: "<mark>", Self.highlightEnd: "</mark>"])
    }
}

extension WikiDatabase {
    /// The longest query accepted, in characters.
    public static let maximumQueryLength = 500

    /// Pages matching every word of `query`, best first (a hit in the title weighs more), the
    /// last word also as a prefix.
    public func search(_ query: String, limit: Int = 20, offset: Int = 0, visibleAt now: Date? = nil) throws -> [SearchHit] {
        guard let pattern = try Self.searchPattern(query) else { return [] }
        return try writer.read { db in try search(pattern, limit: limit, offset: offset, visibleAt: now, in: db) }
    }

    static func searchPattern(_ query: String) throws -> FTS5Pattern? {
        guard query.count <= Self.maximumQueryLength else {
            throw WikiError.invalidInput("A search can have at most \(Self.maximumQueryLength) characters.")
        }
        let cleaned = String(query.unicodeScalars.filter { $0.properties.generalCategory != .control && !(0xE000...0xF8FF).contains($0.value) })
        return FTS5Pattern(matchingAllPrefixesIn: cleaned)
    }

    /// This node's pages and those mirrored from followed peers, best first.
    public func searchNeighbourhood(_ query: String, limit: Int = 20, offset: Int = 0, visibleAt now: Date? = nil) throws -> [SearchHit] {
        guard let pattern = try Self.searchPattern(query) else { return [] }
        return try writer.read { db in
            // Each side's best `offset + limit`, merged by rank: enough for the page asked for.
            let local = try search(pattern, limit: offset + limit, offset: 0, visibleAt: now, in: db)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.title, r.updatedAt, r.url, p.name AS peerName, hit.snippet, hit.rank FROM (
                        SELECT rowid, rank, snippet(remoteSearch, 1, ?, ?, '…', 24) AS snippet
                        FROM remoteSearch WHERE remoteSearch MATCH ? ORDER BY rank LIMIT ?
                    ) AS hit JOIN remotePage r ON r.id = hit.rowid JOIN peer p ON p.id = r.peerId
                    WHERE p.isFollowing
                    ORDER BY hit.rank
                    """,
                arguments: [String(SearchHit.highlightStart), String(SearchHit.highlightEnd), pattern, offset + limit])
            let remote = rows.map {
                SearchHit(
                    title: $0["title"], updatedAt: $0["updatedAt"], snippet: $0["snippet"], peerName: $0["peerName"], url: $0["url"], rank: $0["rank"]
                )
            }
            return Array((local + remote).sorted { $0.rank < $1.rank }.dropFirst(offset).prefix(limit))
        }
    }

    func search(_ pattern: FTS5Pattern, limit: Int, offset: Int, visibleAt now: Date?, in db: Database) throws -> [SearchHit] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT p.title, p.updatedAt, hit.snippet, hit.rank FROM (
                    SELECT rowid, rank, snippet(pageSearch, 1, ?, ?, '…', 24) AS snippet
                    FROM pageSearch WHERE pageSearch MATCH ?
                      AND (? IS NULL OR rowid NOT IN (SELECT pageId FROM post WHERE status != 'published' OR publishedAt > ?))
                    ORDER BY rank LIMIT ? OFFSET ?
                ) AS hit JOIN page p ON p.id = hit.rowid
                ORDER BY hit.rank
                """,
            arguments: [String(SearchHit.highlightStart), String(SearchHit.highlightEnd), pattern, now, now, limit, offset])
        return rows.map { SearchHit(title: $0["title"], updatedAt: $0["updatedAt"], snippet: $0["snippet"], rank: $0["rank"]) }
    }
}
