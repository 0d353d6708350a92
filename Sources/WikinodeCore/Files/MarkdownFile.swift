import Foundation
import Yams

/// A Markdown file as `import` reads and `export` writes it: optional YAML front matter between
/// `---` lines (as Jekyll and Hugo use it), then the page's Markdown.
public struct MarkdownFile: Sendable, Equatable {
    public var title: PageTitle
    public var markdown: String
    public var date: Date?
    public var kind: String?
    public var tags: [String]
    public var status: String?
    public var slug: String?
    public var summary: String?
    /// When the page last changed, if it differs from `date` (a post's publication date).
    public var updated: Date?
    /// Who wrote it.
    public var author: String?
    /// `in-reply-to`: the addresses the page replies to (one, or a list); nil when not given.
    public var inReplyTo: [String]?

    public init(
        title: PageTitle, markdown: String, date: Date? = nil, kind: String? = nil, tags: [String] = [], status: String? = nil, slug: String? = nil,
        summary: String? = nil, updated: Date? = nil, author: String? = nil, inReplyTo: [String]? = nil
    ) {
        self.inReplyTo = inReplyTo
        self.title = title
        self.markdown = markdown
        self.date = date
        self.kind = kind
        self.tags = tags
        self.status = status
        self.slug = slug
        self.summary = summary
        self.updated = updated
        self.author = author
    }

    /// Reads a file's text; `fileName` (without extension) is the title unless the front
    /// matter gives one.
    public init(parsing text: String, fileName: String) throws {
        var markdown = text
        var fields: [String: Any] = [:]
        if let (yaml, rest) = Self.splitFrontMatter(text) {
            let loaded: Any?
            do {
                loaded = try Yams.load(yaml: yaml)
            } catch {
                throw WikiError.invalidInput("\(fileName): the front matter is not valid YAML: \(error)")
            }
            if let loaded {
                guard let mapping = loaded as? [String: Any] else {
                    throw WikiError.invalidInput("\(fileName): the front matter must be a mapping of names to values.")
                }
                fields = mapping
            }
            markdown = rest
        }
        let titleText = (fields["title"].map { "\($0)" }) ?? fileName
        do {
            title = try PageTitle(titleText)
        } catch {
            throw WikiError.invalidInput("\(fileName): \(error.description)")
        }
        self.markdown = markdown
        date = try fields["date"].map { try Self.date(from: $0, fileName: fileName) }
        kind = try fields["kind"].map { try Self.oneOf(["page", "post"], $0, field: "kind", fileName: fileName) }
        status = try fields["status"].map { try Self.oneOf(["published", "draft"], $0, field: "status", fileName: fileName) }
        slug = fields["slug"].map { "\($0)" }
        summary = fields["summary"].map { "\($0)" }
        updated = try fields["updated"].map { try Self.date(from: $0, fileName: fileName) }
        author = fields["author"].map { "\($0)" }
        switch fields["in-reply-to"] {
        case nil: inReplyTo = nil
        case let list as [Any]: inReplyTo = try Self.replyTargets(list.map { "\($0)" }.joined(separator: "\n"), fileName: fileName)
        case let single as String: inReplyTo = try Self.replyTargets(single, fileName: fileName)
        default: throw WikiError.invalidInput("\(fileName): in-reply-to must be an address or a list of addresses.")
        }
        switch fields["tags"] {
        case nil: tags = []
        case let list as [Any]: tags = list.map { "\($0)" }
        case let single as String: tags = single.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        default: throw WikiError.invalidInput("\(fileName): tags must be a list.")
        }
    }

    /// The file's text: front matter with the title (and any other fields set), then the Markdown.
    public func serialized() -> String {
        var lines = ["---", "title: \(Self.quoted(title.text))"]
        if let kind { lines.append("kind: \(kind)") }
        if let date { lines.append("date: \(Self.rfc3339(date))") }
        if let updated { lines.append("updated: \(Self.rfc3339(updated))") }
        if let author { lines.append("author: \(Self.quoted(author))") }
        if let inReplyTo, !inReplyTo.isEmpty { lines.append("in-reply-to: [\(inReplyTo.map(Self.quoted).joined(separator: ", "))]") }
        if !tags.isEmpty { lines.append("tags: [\(tags.map(Self.quoted).joined(separator: ", "))]") }
        if let status { lines.append("status: \(status)") }
        if let slug { lines.append("slug: \(Self.quoted(slug))") }
        if let summary { lines.append("summary: \(Self.quoted(summary))") }
        lines.append("---")
        return lines.joined(separator: "\n") + "\n" + markdown
    }

    /// When the page's text was last changed, as the file says.
    public var changedAt: Date? { updated ?? date }

    /// The post settings the front matter asks for, when `kind` is `post`.
    public var postSettings: PostSettings? {
        guard kind == "post" else { return nil }
        return PostSettings(status: status == "draft" ? .draft : .published, publishedAt: date, tags: tags, slug: slug)
    }

    /// A file name for the title: the title itself, shortened with a hash if it is too long
    /// for a file system (the front matter keeps the full title).
    public var fileName: String {
        let name = title.text.hasPrefix(".") ? "_" + title.text : title.text
        if name.utf8.count <= 240 { return name + ".md" }
        var short = ""
        for character in name {
            if short.utf8.count + character.utf8.count > 200 { break }
            short.append(character)
        }
        let hash = WikiDatabase.contentHash(title.key).prefix(12)
        return "\(short)-\(hash).md"
    }

    private static func replyTargets(_ text: String, fileName: String) throws -> [String] {
        do {
            return try PageEdit.replyTargets(from: text)
        } catch WikiError.invalidInput(let message) {
            throw WikiError.invalidInput("\(fileName): \(message)")
        }
    }

    static func splitFrontMatter(_ text: String) -> (yaml: String, rest: String)? {
        guard text.hasPrefix("---\n") || text.hasPrefix("---\r\n") else { return nil }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeFirst()
        var yamlLines: [Substring] = []
        while !lines.isEmpty {
            let line = lines.removeFirst()
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            if trimmed == "---" || trimmed == "..." {
                return (yamlLines.joined(separator: "\n"), lines.joined(separator: "\n"))
            }
            yamlLines.append(line)
        }
        return nil
    }

    static func quoted(_ text: String) -> String {
        // A JSON string is a valid YAML double-quoted scalar.
        let data = try! JSONEncoder().encode(text)
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
    }

    static func oneOf(_ allowed: [String], _ value: Any, field: String, fileName: String) throws -> String {
        let text = "\(value)"
        guard allowed.contains(text) else {
            throw WikiError.invalidInput("\(fileName): \(field) is one of \(allowed.joined(separator: ", ")), not \(text).")
        }
        return text
    }

    static func date(from value: Any, fileName: String) throws -> Date {
        if let date = value as? Date { return insideItsMillisecond(date) }
        let text = "\(value)".trimmingCharacters(in: .whitespaces)
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return insideItsMillisecond(date) }
        let dayOnly = Date.ISO8601FormatStyle().year().month().day()
        if let date = try? Date(text, strategy: dayOnly) { return date }
        throw WikiError.invalidInput("\(fileName): date must be RFC 3339 or YYYY-MM-DD, not \(text).")
    }

    /// `date` (read to the millisecond) moved half a microsecond into its millisecond: as a
    /// binary fraction, `.300` may fall just below it, and the database and the formatter both
    /// cut to whole milliseconds, so an export read back and written again would lose one.
    static func insideItsMillisecond(_ date: Date) -> Date {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        return Date(timeIntervalSince1970: milliseconds / 1000 + 0.000_000_5)
    }

    /// RFC 3339 in UTC to the nearest millisecond (Foundation's formatter cuts instead, and a
    /// date read back from the database may lie just below its millisecond).
    static func rfc3339(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, fraction) = (milliseconds.floorDivided(by: 1000), milliseconds - milliseconds.floorDivided(by: 1000) * 1000)
        let whole = Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(Date.ISO8601FormatStyle())
        let digits = String(fraction)
        return whole.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
