import Foundation
import GRDB

/// What a title finds.
public enum PageLookup: Sendable, Equatable {
    /// A live page under this title.
    case found(Page)
    /// An old title of a page that was renamed; the page is under its new title.
    case renamed(Page)
    /// A page that was deleted; its history remains.
    case deleted(Page)
    case missing
}

/// A page as a link list shows it.
public struct PageReference: Sendable, Equatable, Codable {
    public let title: String
    public let updatedAt: Date

    public var pageTitle: PageTitle? { try? PageTitle(title) }
}

/// A link from a page, and whether its target exists.
public struct OutgoingLink: Sendable, Equatable {
    public let title: String
    public let exists: Bool
}

/// A revision without its text, for history lists.
public struct RevisionSummary: Sendable, Equatable, Codable, FetchableRecord {
    public let id: Int64
    public let parentId: Int64?
    public let kind: Revision.Kind
    public let title: String
    public let summary: String
    public let author: String
    public let createdAt: Date
    public let byteCount: Int
    public let contentHash: String
    /// Set on a fork: the peer's page it copies, and its revision there.
    public let forkedFrom: String?
    public let forkedRevision: Int64?
}

extension WikiDatabase {
    /// Finds what a title names: a page, an old title of one, a deleted one, or nothing.
    public func lookup(_ title: PageTitle) throws -> PageLookup {
        // Asked on every request for a page; a snapshot transaction around it buys nothing.
        try writer.unsafeRead { db in try lookup(title, in: db) }
    }

    /// What a title names for a reader at `now`: a post hidden then (a draft, or scheduled
    /// later) is `.missing`, found or under an old title. One read for both questions, since a
    /// page view asks them together.
    public func lookup(_ title: PageTitle, visibleAt now: Date) throws -> PageLookup {
        try writer.unsafeRead { db in
            let lookup = try lookup(title, in: db)
            switch lookup {
            case .found(let page), .renamed(let page):
                return try isHiddenPost(page, at: now, in: db) ? .missing : lookup
            case .deleted, .missing:
                return lookup
            }
        }
    }

    func lookup(_ title: PageTitle, in db: Database) throws -> PageLookup {
        if let page = try page(key: title.key, in: db) {
            return page.isDeleted ? .deleted(page) : .found(page)
        }
        if let alias = try TitleAlias.fetchOne(db, key: title.key), let page = try Page.fetchOne(db, id: alias.pageId) {
            return page.isDeleted ? .deleted(page) : .renamed(page)
        }
        return .missing
    }

    /// The page row with this title key, deleted or not.
    func page(key: String, in db: Database) throws -> Page? {
        try Page.fetchOne(db.cachedStatement(sql: "SELECT * FROM page WHERE titleKey = ?"), arguments: [key])
    }

    /// Whether `page` is a post that readers may not see at `now` (a draft, or scheduled later).
    public func isHiddenPost(_ page: Page, at now: Date) throws -> Bool {
        try writer.unsafeRead { db in try isHiddenPost(page, at: now, in: db) }
    }

    func isHiddenPost(_ page: Page, at now: Date, in db: Database) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM post WHERE pageId = ? AND (status != 'published' OR publishedAt > ?))"),
            arguments: [page.id, now]) ?? false
    }

    /// The index (migration v8) from which link lists read a page's title and dates without its
    /// HTML; SQLite's planner prefers the primary key unless told.
    static let pageSummaryIndex = "INDEXED BY page_summary"

    /// SQL that is true when the page `p` is not a post hidden at the time bound to the next `?`.
    static let notHiddenPost = "NOT EXISTS (SELECT 1 FROM post h WHERE h.pageId = p.id AND (h.status != 'published' OR h.publishedAt > ?))"

    /// The titles of the live pages that link to `page`, under its title or any old one.
    public func backlinks(of page: Page, visibleAt now: Date? = nil) throws -> [String] {
        try writer.read { db in try backlinks(of: page, visibleAt: now, in: db) }
    }

    /// Live pages other than the page bound first that link to the key bound second or to an old
    /// title of the page bound third; with a time bound to the last two, none hidden then.
    static let backlinksSQL = """
        SELECT DISTINCT p.title FROM pageLink l JOIN page p \(pageSummaryIndex) ON p.id = l.pageId
        WHERE p.deletedAt IS NULL AND p.id != ?
          AND (l.targetKey = ? OR l.targetKey IN (SELECT titleKey FROM titleAlias WHERE pageId = ?))
          AND (? IS NULL OR \(notHiddenPost))
        ORDER BY p.titleKey
        """

    func backlinks(of page: Page, visibleAt now: Date?, in db: Database) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: Self.backlinksSQL), arguments: [page.id, page.titleKey, page.id, now, now])
    }

    /// The pages `page` links to, and whether each exists.
    public func outgoingLinks(of page: Page) throws -> [OutgoingLink] {
        try writer.read { db in
            let links = try PageLink.filter(PageLink.Columns.pageId == page.id!).order(PageLink.Columns.targetKey).fetchAll(db)
            let existing = try existingTitles(links.map(\.targetKey), in: db)
            return links.map { link in
                existing[link.targetKey].map { OutgoingLink(title: $0.text, exists: true) } ?? OutgoingLink(title: link.targetTitle, exists: false)
            }
        }
    }

    /// The addresses the page replies to now, in order.
    public func replyTargets(of page: Page) throws -> [String] {
        try writer.read { db in try replyTargets(ofPageId: page.id!, in: db) }
    }

    func replyTargets(ofPageId pageId: Int64, in db: Database) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: "SELECT url FROM pageReply WHERE pageId = ? ORDER BY position"), arguments: [pageId])
    }

    /// The URLs on the web that `page` links to.
    public func externalLinks(of page: Page) throws -> [String] {
        try writer.read { db in
            try String.fetchAll(db, sql: "SELECT url FROM externalLink WHERE pageId = ? ORDER BY url", arguments: [page.id])
        }
    }

    static let revisionSummarySQL =
        "SELECT id, parentId, kind, title, summary, author, createdAt, byteCount, contentHash, forkedFrom, forkedRevision FROM revision"

    /// A page's revisions, newest first.
    public func history(of page: Page, limit: Int = 500) throws -> [RevisionSummary] {
        try writer.read { db in
            try RevisionSummary.fetchAll(
                db, sql: Self.revisionSummarySQL + " WHERE pageId = ? ORDER BY id DESC LIMIT ?", arguments: [page.id, limit])
        }
    }

    /// One revision of `page`, or nil if there is none with that id on that page.
    public func revision(_ id: Int64, of page: Page) throws -> Revision? {
        try writer.read { db in
            try Revision.filter(Revision.Columns.id == id && Revision.Columns.pageId == page.id!).fetchOne(db)
        }
    }

    static let changeOfVisiblePage =
        "NOT EXISTS (SELECT 1 FROM post h WHERE h.pageId = pageChange.pageId AND (h.status != 'published' OR h.publishedAt > ?))"

    /// The text of each revision in `ids` and of the revision before it (nil for the first),
    /// to show what a change did.
    public func changeTexts(ofRevisions ids: [Int64]) throws -> [Int64: (old: String?, new: String)] {
        guard !ids.isEmpty else { return [:] }
        return try writer.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.id, r.markdown, parent.markdown AS parentMarkdown FROM revision r
                    LEFT JOIN revision parent ON parent.id = r.parentId
                    WHERE r.id IN (SELECT value FROM json_each(?))
                    """,
                arguments: [String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)])
            var texts: [Int64: (old: String?, new: String)] = [:]
            for row in rows { texts[row["id"]] = (row["parentMarkdown"], row["markdown"]) }
            return texts
        }
    }

    /// Changes, newest first, before `seq` when given; with `visibleAt`, none of hidden posts.
    public func recentChanges(limit: Int, before seq: Int64? = nil, visibleAt now: Date? = nil) throws -> [PageChange] {
        try writer.read { db in
            var request = PageChange.order(PageChange.Columns.seq.desc).limit(limit)
            if let seq { request = request.filter(PageChange.Columns.seq < seq) }
            if let now { request = request.filter(sql: Self.changeOfVisiblePage, arguments: [now]) }
            return try request.fetchAll(db)
        }
    }

    /// Changes after `seq`, oldest first: the feed followers read with a cursor.
    public func changes(since seq: Int64, limit: Int, visibleAt now: Date? = nil) throws -> [PageChange] {
        try writer.read { db in
            var request = PageChange.filter(PageChange.Columns.seq > seq).order(PageChange.Columns.seq).limit(limit)
            if let now { request = request.filter(sql: Self.changeOfVisiblePage, arguments: [now]) }
            return try request.fetchAll(db)
        }
    }

    /// The number of the newest change, 0 when there is none.
    public func latestChangeSeq() throws -> Int64 {
        try writer.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM pageChange") ?? 0 }
    }

    /// The number of live pages.
    public func pageCount() throws -> Int {
        try writer.read { db in try Page.filter(Page.Columns.deletedAt == nil).fetchCount(db) }
    }

    /// Live pages; with a time bound to both parameters, none hidden then.
    static let allTitlesSQL =
        "SELECT title, updatedAt FROM page p \(pageSummaryIndex) WHERE deletedAt IS NULL AND (? IS NULL OR \(notHiddenPost)) ORDER BY titleKey"

    /// All live page titles, in title order.
    public func allTitles(visibleAt now: Date? = nil) throws -> [PageReference] {
        try writer.read { db in
            try Row.fetchAll(
                db, sql: Self.allTitlesSQL, arguments: [now, now]
            )
            .map { PageReference(title: $0["title"], updatedAt: $0["updatedAt"]) }
        }
    }
}

extension WikiDatabase {
    /// Live pages that link to the key bound first; with a time bound to the other two, none hidden then.
    static let pagesLinkingSQL = """
        SELECT DISTINCT p.title FROM pageLink l JOIN page p \(pageSummaryIndex) ON p.id = l.pageId
        WHERE p.deletedAt IS NULL AND l.targetKey = ? AND (? IS NULL OR \(notHiddenPost)) ORDER BY p.titleKey
        """

    /// The titles of the live pages that link to a title, whether or not a page has it.
    public func pagesLinking(to title: PageTitle, visibleAt now: Date? = nil) throws -> [String] {
        try writer.read { db in
            try String.fetchAll(db.cachedStatement(sql: Self.pagesLinkingSQL), arguments: [title.key, now, now])
        }
    }

    /// A summary of one revision of `page`.
    public func revisionSummary(_ id: Int64, of page: Page) throws -> RevisionSummary? {
        try writer.read { db in
            try RevisionSummary.fetchOne(db.cachedStatement(sql: Self.revisionSummarySQL + " WHERE id = ? AND pageId = ?"), arguments: [id, page.id])
        }
    }
}

extension WikiDatabase {
    /// Markdown rendered exactly as a save would render it, without saving: for previews.
    public func preview(_ markdown: String, title: PageTitle) throws -> String {
        let settings = try settings()
        let document = MarkdownDocument(markdown: markdown, options: settings.markdownOptions)
        return try writer.read { db in
            var titles = try existingTitles(document.wikiLinks.map(\.key), in: db)
            titles[title.key] = titles[title.key] ?? title
            return document.renderHTML { titles[$0.key] }
        }
    }

    /// The current Markdown of a live page.
    public func currentMarkdown(of page: Page) throws -> String {
        try writer.unsafeRead { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT markdown FROM revision WHERE id = ?"), arguments: [page.revisionId]) ?? ""
        }
    }
}
