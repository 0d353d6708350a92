import Foundation
import GRDB

/// How a page is published as a post.
public struct PostSettings: Sendable, Equatable {
    public var status: Post.Status
    /// When to publish; nil keeps the post's date, or means now for a new post.
    public var publishedAt: Date?
    public var tags: [String]
    /// The address's last part, used only when the page first becomes a post.
    public var slug: String?

    public init(status: Post.Status = .published, publishedAt: Date? = nil, tags: [String] = [], slug: String? = nil) {
        self.status = status
        self.publishedAt = publishedAt
        self.tags = tags
        self.slug = slug
    }

    /// The most tags a post can have.
    public static let maximumTags = 20
}

/// A post as lists and feeds show it.
public struct PostEntry: Sendable, Equatable {
    public let post: Post
    public let title: String
    public let html: String
    public let tags: [String]
    /// Who wrote the page's first revision.
    public let author: String
    public let updatedAt: Date

    public init(post: Post, title: String, html: String, tags: [String], author: String, updatedAt: Date) {
        self.post = post
        self.title = title
        self.html = html
        self.tags = tags
        self.author = author
        self.updatedAt = updatedAt
    }
}

extension WikiDatabase {
    /// Publishes a page as a post, or changes its post settings (status, date, tags). The page
    /// keeps its history; its permanent address is fixed when it first becomes a post.
    @discardableResult
    public func publish(_ title: PageTitle, as settings: PostSettings, now: Date = Date()) throws -> Post {
        let tags = try Self.validTags(settings.tags)
        return try writer.write { db in
            guard let page = try livePage(title, in: db) else {
                throw WikiError.notFound("There is no page \(title.text) to publish.")
            }
            return try publish(page, as: settings, tags: tags, now: now, in: db)
        }
    }

    func publish(_ page: Page, as settings: PostSettings, tags: [String], now: Date, in db: Database) throws -> Post {
        do {
            var post: Post
            if var existing = try Post.fetchOne(db, key: page.id!) {
                existing.status = settings.status
                if let date = settings.publishedAt { existing.publishedAt = date }
                post = existing
                try post.update(db)
            } else {
                let date = settings.publishedAt ?? now
                let parts = Calendar.utc.dateComponents([.year, .month], from: date)
                let year = parts.year!
                let month = parts.month!
                let base = Self.slug(for: settings.slug.flatMap { $0.isEmpty ? nil : $0 } ?? page.title)
                var slug = base
                var counter = 2
                while try Post.filter(Column("year") == year && Column("month") == month && Column("slug") == slug).fetchCount(db) > 0 {
                    slug = "\(base)-\(counter)"
                    counter += 1
                }
                post = Post(pageId: page.id!, slug: slug, year: year, month: month, publishedAt: date, status: settings.status)
                try post.insert(db)
            }
            try db.execute(sql: "DELETE FROM postTag WHERE pageId = ?", arguments: [page.id])
            for tag in tags {
                try PostTag(pageId: page.id!, tag: tag, tagKey: tag.lowercased()).insert(db)
            }
            return post
        }
    }

    /// Turns a post back into a plain page (its address then answers 404).
    public func unpublish(_ title: PageTitle) throws {
        try writer.write { db in
            guard let page = try livePage(title, in: db) else { return }
            try Self.unpublish(page, in: db)
        }
    }

    static func unpublish(_ page: Page, in db: Database) throws {
        try Post.deleteOne(db, key: page.id!)
        try db.execute(sql: "DELETE FROM postTag WHERE pageId = ?", arguments: [page.id])
    }

    /// The post settings of a page, if it is a post.
    public func post(of page: Page) throws -> (post: Post, tags: [String])? {
        // Asked each time the editor opens: cached statements, and the tags only for posts.
        try writer.unsafeRead { db in
            guard let post = try Post.fetchOne(db.cachedStatement(sql: "SELECT * FROM post WHERE pageId = ?"), arguments: [page.id]) else {
                return nil
            }
            let tags = try String.fetchAll(
                db.cachedStatement(sql: "SELECT tag FROM postTag WHERE pageId = ? ORDER BY tagKey"), arguments: [page.id])
            return (post, tags)
        }
    }

    /// Posts, newest first. With `visibleAt`, only those readers see at that moment (published
    /// and not scheduled later); without it, drafts and scheduled posts too.
    public func posts(
        visibleAt now: Date?, tag: String? = nil, year: Int? = nil, month: Int? = nil, pageId: Int64? = nil, limit: Int = 20, offset: Int = 0
    ) throws -> [PostEntry] {
        var conditions = ["p.deletedAt IS NULL"]
        var arguments: [any DatabaseValueConvertible] = []
        if let pageId {
            conditions.append("s.pageId = ?")
            arguments.append(pageId)
        }
        if let now {
            conditions.append("s.status = 'published' AND s.publishedAt <= ?")
            arguments.append(now)
        }
        if let tag {
            conditions.append("s.pageId IN (SELECT pageId FROM postTag WHERE tagKey = ?)")
            arguments.append(tag.lowercased())
        }
        if let year {
            conditions.append("s.year = ?")
            arguments.append(year)
        }
        if let month {
            conditions.append("s.month = ?")
            arguments.append(month)
        }
        arguments.append(limit)
        arguments.append(offset)
        return try writer.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.*, p.title, p.html, p.updatedAt AS pageUpdatedAt,
                        (SELECT author FROM revision WHERE pageId = p.id ORDER BY id LIMIT 1) AS firstAuthor,
                        (SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM postTag WHERE pageId = p.id ORDER BY tagKey)) AS tagList
                    FROM post s JOIN page p ON p.id = s.pageId
                    WHERE \(conditions.joined(separator: " AND "))
                    ORDER BY s.publishedAt DESC, s.pageId DESC LIMIT ? OFFSET ?
                    """,
                arguments: StatementArguments(arguments))
            return try rows.map { row in
                PostEntry(
                    post: try Post(row: row), title: row["title"], html: row["html"],
                    tags: (row["tagList"] as String?)?.split(separator: "\u{1F}").map(String.init) ?? [],
                    author: row["firstAuthor"] ?? "", updatedAt: row["pageUpdatedAt"])
            }
        }
    }

    /// The post at a permanent address, visible or not (the caller decides who may see it).
    public func post(year: Int, month: Int, slug: String) throws -> (post: Post, page: Page)? {
        try writer.read { db in
            guard let post = try Post.filter(Column("year") == year && Column("month") == month && Column("slug") == slug).fetchOne(db),
                let page = try Page.fetchOne(db, id: post.pageId), !page.isDeleted
            else { return nil }
            return (post, page)
        }
    }

    /// How many posts readers see at `now`, and the newest date among them: what a cached blog
    /// page or feed depends on besides the data itself (scheduled posts appear by time alone).
    public func visiblePostsMark(at now: Date) throws -> String {
        try writer.unsafeRead { db in
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT COUNT(*) AS count, MAX(publishedAt) AS newest FROM post WHERE status = 'published' AND publishedAt <= ?"),
                arguments: [now])
            return "\(row?["count"] as Int? ?? 0)/\(row?["newest"] as String? ?? "")"
        }
    }

    /// Tags of visible posts with how many posts carry each, most used first.
    public func tagCounts(visibleAt now: Date) throws -> [(tag: String, count: Int)] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT MIN(t.tag) AS tag, COUNT(*) AS count FROM postTag t
                    JOIN post s ON s.pageId = t.pageId JOIN page p ON p.id = s.pageId
                    WHERE p.deletedAt IS NULL AND s.status = 'published' AND s.publishedAt <= ?
                    GROUP BY t.tagKey ORDER BY count DESC, t.tagKey
                    """,
                arguments: [now]
            ).map { ($0["tag"], $0["count"]) }
        }
    }

    /// A slug from a title: lowercase ASCII letters and digits joined by hyphens, accents
    /// dropped, at most 80 characters; "post" when nothing is left.
    public static func slug(for title: String) -> String {
        let folded = title.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        var slug = ""
        var pendingHyphen = false
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if pendingHyphen, !slug.isEmpty { slug.append("-") }
                pendingHyphen = false
                slug.unicodeScalars.append(scalar)
            } else {
                pendingHyphen = true
            }
            if slug.count >= 80 { break }
        }
        return slug.isEmpty ? "post" : slug.lowercased()
    }

    static func validTags(_ raw: [String]) throws -> [String] {
        var seen = Set<String>()
        var tags: [String] = []
        for candidate in raw {
            let tag = candidate.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            guard !tag.isEmpty else { continue }
            guard tag.count <= 50, !tag.contains("/"), !tag.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw WikiError.invalidInput("A tag has at most 50 characters, and no slash or control characters: \(tag.prefix(60))")
            }
            if seen.insert(tag.lowercased()).inserted { tags.append(tag) }
        }
        guard tags.count <= PostSettings.maximumTags else {
            throw WikiError.invalidInput("A post can have at most \(PostSettings.maximumTags) tags.")
        }
        return tags
    }
}

extension Calendar {
    /// The Gregorian calendar in UTC, for dates in addresses.
    public static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

extension WikiDatabase {
    /// Each post's current text rendered for feeds: addresses on this node written in full
    /// against `baseURL`, since feed readers show content away from the site.
    public func feedHTML(of entries: [PostEntry], baseURL: String) throws -> [Int64: String] {
        let options = try settings().markdownOptions
        return try writer.read { db in
            var result: [Int64: String] = [:]
            for entry in entries {
                guard let page = try Page.fetchOne(db, id: entry.post.pageId),
                    let markdown = try String.fetchOne(db, sql: "SELECT markdown FROM revision WHERE id = ?", arguments: [page.revisionId])
                else { continue }
                let document = MarkdownDocument(markdown: markdown, options: options)
                var titles = try existingTitles(document.wikiLinks.map(\.key), in: db)
                titles[page.titleKey] = page.pageTitle
                result[entry.post.pageId] = document.renderHTML(absoluteBase: baseURL) { titles[$0.key] }
            }
            return result
        }
    }
}
