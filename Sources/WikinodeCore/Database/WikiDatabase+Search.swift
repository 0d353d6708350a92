import Foundation
import GRDB

/// A page that matches a search, with the matching text around the hits.
public struct SearchHit: Sendable, Equatable {
    public let title: String
    public let updatedAt: Date
    /// Snippet text; the parts between `SearchHit.highlightStart` and `highlightEnd` matched.
    public let snippet: String

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
        guard query.count <= Self.maximumQueryLength else {
            throw WikiError.invalidInput("A search can have at most \(Self.maximumQueryLength) characters.")
        }
        let cleaned = String(query.unicodeScalars.filter { $0.properties.generalCategory != .control && !(0xE000...0xF8FF).contains($0.value) })
        guard let pattern = FTS5Pattern(matchingAllPrefixesIn: cleaned) else { return [] }
        return try writer.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT p.title, p.updatedAt, hit.snippet FROM (
                        SELECT rowid, rank, snippet(pageSearch, 1, ?, ?, '…', 24) AS snippet
                        FROM pageSearch WHERE pageSearch MATCH ?
                          AND (? IS NULL OR rowid NOT IN (SELECT pageId FROM post WHERE status != 'published' OR publishedAt > ?))
                        ORDER BY rank LIMIT ? OFFSET ?
                    ) AS hit JOIN page p ON p.id = hit.rowid
                    ORDER BY hit.rank
                    """,
                arguments: [String(SearchHit.highlightStart), String(SearchHit.highlightEnd), pattern, now, now, limit, offset])
            return rows.map { SearchHit(title: $0["title"], updatedAt: $0["updatedAt"], snippet: $0["snippet"]) }
        }
    }
}
