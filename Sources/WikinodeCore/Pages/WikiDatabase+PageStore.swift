import Crypto
import Foundation
import GRDB

extension WikiDatabase {
    /// Gives a page a new title inside a transaction; the old title keeps answering with a
    /// redirect. Returns the result.
    func storeRename(_ title: PageTitle, to newTitle: PageTitle, author: String, summary: String, in db: Database) throws -> SaveResult {
        let settings = try NodeSettings.read(db)
        guard var page = try livePage(title, in: db) else {
            throw WikiError.notFound("There is no page \(title.text) to rename.")
        }
        if newTitle.key != page.titleKey, let occupant = try Page.filter(Page.Columns.titleKey == newTitle.key).fetchOne(db) {
            let state = occupant.isDeleted ? "a deleted page with history" : "a page"
            throw WikiError.conflict(currentRevision: page.revisionId, message: "There is already \(state) titled \(occupant.title).")
        }
        if newTitle.text == page.title {
            throw WikiError.invalidInput("The page is already titled \(newTitle.text).")
        }
        let current = try Revision.fetchOne(db, id: page.revisionId)!
        let now = Date()
        var revision = Revision(
            pageId: page.id!, parentId: page.revisionId, kind: .rename, title: newTitle.text,
            markdown: current.markdown, html: current.html,
            summary: summary.isEmpty ? "Renamed from \(page.title)" : summary, author: author, createdAt: now,
            contentHash: current.contentHash, byteCount: current.byteCount, inReplyTo: current.inReplyTo)
        try revision.insert(db)
        let oldTitle = page.title
        let oldKey = page.titleKey
        try TitleAlias.deleteOne(db, key: newTitle.key)
        if oldKey != newTitle.key {
            try TitleAlias(titleKey: oldKey, title: oldTitle, pageId: page.id!).save(db)
        }
        page.title = newTitle.text
        page.titleKey = newTitle.key
        page.revisionId = revision.id!
        page.updatedAt = now
        try page.update(db)
        try db.execute(sql: "UPDATE pageSearch SET title = ? WHERE rowid = ?", arguments: [page.title, page.id])
        try logChange(of: page, revision: revision, previousTitle: oldTitle, in: db)
        // Links to the old title now lead to the new one; links to the new title now exist.
        try refreshPagesLinking(to: [oldKey, newTitle.key], in: db, settings: settings)
        return SaveResult(page: page, revision: revision, isChanged: true, isCreated: false)
    }

    /// Deletes a page inside a transaction: it answers 410 afterwards, its history stays.
    /// Returns the result and the sites it linked to.
    func storeDeletion(
        _ title: PageTitle, author: String, summary: String, expectation: PageEdit.Expectation, in db: Database
    ) throws -> (result: SaveResult, linkedSites: [String]) {
        let settings = try NodeSettings.read(db)
        guard var page = try livePage(title, in: db) else {
            throw WikiError.notFound("There is no page \(title.text) to delete.")
        }
        if case .revision(let expected) = expectation, expected != page.revisionId {
            throw WikiError.conflict(
                currentRevision: page.revisionId, message: "The page changed since revision \(expected); it is now at revision \(page.revisionId).")
        }
        let now = Date()
        var revision = Revision(
            pageId: page.id!, parentId: page.revisionId, kind: .delete, title: page.title, markdown: "", html: "",
            summary: summary.isEmpty ? "Deleted" : summary, author: author, createdAt: now,
            contentHash: Self.contentHash(""), byteCount: 0)
        try revision.insert(db)
        page.revisionId = revision.id!
        page.html = ""
        page.updatedAt = now
        page.deletedAt = now
        try page.update(db)
        try PageLink.filter(PageLink.Columns.pageId == page.id!).deleteAll(db)
        let linkedSites = try externalLinks(ofPageId: page.id!, in: db)
        try ExternalLink.filter(ExternalLink.Columns.pageId == page.id!).deleteAll(db)
        try db.cachedStatement(sql: "DELETE FROM pageReply WHERE pageId = ?").execute(arguments: [page.id])
        try db.execute(sql: "DELETE FROM pageSearch WHERE rowid = ?", arguments: [page.id])
        try logChange(of: page, revision: revision, previousTitle: nil, in: db)
        let aliasKeys = try String.fetchAll(db, TitleAlias.filter(TitleAlias.Columns.pageId == page.id!).select(TitleAlias.Columns.titleKey))
        try refreshPagesLinking(to: Set([page.titleKey] + aliasKeys), in: db, settings: settings)
        return (SaveResult(page: page, revision: revision, isChanged: true, isCreated: false), linkedSites)
    }

    // MARK: - Inside a transaction

    /// The page with this title, if it exists and is not deleted (an old title finds it too).
    func livePage(_ title: PageTitle, in db: Database) throws -> Page? {
        if let page = try page(key: title.key, in: db) {
            return page.isDeleted ? nil : page
        }
        if let alias = try TitleAlias.fetchOne(db, key: title.key), let page = try Page.fetchOne(db, id: alias.pageId),
            !page.isDeleted
        {
            return page
        }
        return nil
    }

    /// Stores a new revision of a page, its links, search text and change, inside a
    /// transaction. Returns, with the result, every site the page links to now or linked to
    /// before: those a published save tells again.
    func storeRevision(
        _ edit: PageEdit, in db: Database, settings: NodeSettings, createdKeys: inout Set<String>, presumedTitles: [String: PageTitle] = [:]
    ) throws -> (result: SaveResult, linkedSites: [String]) {
        let existing = try page(key: edit.title.key, in: db)
        let isLive = existing.map { !$0.isDeleted } ?? false
        switch edit.expectation {
        case .any:
            break
        case .newPage:
            if let existing, isLive {
                throw WikiError.conflict(
                    currentRevision: existing.revisionId,
                    message: "The page \(existing.title) already exists (revision \(existing.revisionId)); send its revision to change it.")
            }
        case .revision(let expected):
            guard let existing else {
                throw WikiError.conflict(
                    currentRevision: 0, message: "The page \(edit.title.text) does not exist, so it cannot be at revision \(expected).")
            }
            if existing.revisionId != expected {
                throw WikiError.conflict(
                    currentRevision: existing.revisionId,
                    message: "The page changed since revision \(expected); it is now at revision \(existing.revisionId).")
            }
        }
        let now = edit.date ?? Date()
        let hash = Self.contentHash(edit.markdown)
        // An edit that does not say what the page replies to keeps what it replied to.
        let currentReplies =
            try existing.flatMap { page in
                isLive
                    ? try String.fetchOne(db.cachedStatement(sql: "SELECT inReplyTo FROM revision WHERE id = ?"), arguments: [page.revisionId]) : nil
            } ?? ""
        let inReplyTo = edit.inReplyTo.map { $0.joined(separator: "\n") } ?? currentReplies
        if let existing, isLive, inReplyTo == currentReplies,
            try String.fetchOne(db.cachedStatement(sql: "SELECT contentHash FROM revision WHERE id = ?"), arguments: [existing.revisionId]) == hash,
            let current = try Revision.fetchOne(db, id: existing.revisionId), current.markdown == edit.markdown
        {
            return (SaveResult(page: existing, revision: current, isChanged: false, isCreated: false), [])
        }

        let document = MarkdownDocument(markdown: edit.markdown, options: settings.markdownOptions)
        var linkedTitles = try existingTitles(document.wikiLinks.map(\.key), in: db)
        for link in document.wikiLinks where linkedTitles[link.key] == nil {
            linkedTitles[link.key] = presumedTitles[link.key]
        }
        linkedTitles[edit.title.key] = existing.map(\.pageTitle) ?? edit.title
        let html = document.renderHTML { linkedTitles[$0.key] }

        var page =
            existing
            ?? Page(
                id: nil, uid: UUID().uuidString.lowercased(), title: edit.title.text, titleKey: edit.title.key,
                revisionId: 0, html: "", createdAt: now, updatedAt: now, deletedAt: nil)
        if page.id == nil {
            try page.insert(db)
        }
        var revision = Revision(
            pageId: page.id!, parentId: existing?.revisionId, kind: isLive ? .edit : .create, title: page.title,
            markdown: edit.markdown, html: html, summary: edit.summary, author: edit.author, createdAt: now,
            contentHash: hash, byteCount: edit.markdown.utf8.count,
            forkedFrom: edit.fork?.url, forkedRevision: edit.fork?.revision, forkedAt: edit.fork?.date, inReplyTo: inReplyTo)
        try revision.insert(db)
        page.revisionId = revision.id!
        page.html = html
        page.updatedAt = now
        page.deletedAt = nil
        try page.update(db)

        let linkedBefore = try externalLinks(ofPageId: page.id!, in: db)
        try replaceLinks(of: page.id!, with: document, in: db)
        try replaceReplies(of: page.id!, with: revision.replyTargets, in: db)
        try db.cachedStatement(sql: "DELETE FROM pageSearch WHERE rowid = ?").execute(arguments: [page.id])
        try db.cachedStatement(sql: "INSERT INTO pageSearch(rowid, title, body) VALUES (?, ?, ?)")
            .execute(arguments: [page.id, page.title, document.plainText])
        try logChange(of: page, revision: revision, previousTitle: nil, in: db)
        if !isLive {
            // A new page takes its title over from any renamed page that still answered to it.
            try TitleAlias.deleteOne(db, key: page.titleKey)
            createdKeys.insert(page.titleKey)
        }
        return (
            SaveResult(page: page, revision: revision, isChanged: true, isCreated: !isLive),
            linkedBefore + document.externalLinks + revision.replyTargets
        )
    }

    /// The addresses a page links to or replies to: the sites its saves tell.
    func externalLinks(ofPageId pageId: Int64, in db: Database) throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(sql: "SELECT url FROM externalLink WHERE pageId = ? UNION SELECT url FROM pageReply WHERE pageId = ?"),
            arguments: [pageId, pageId])
    }

    func replaceReplies(of pageId: Int64, with urls: [String], in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM pageReply WHERE pageId = ?").execute(arguments: [pageId])
        let insert = try db.cachedStatement(sql: "INSERT INTO pageReply(pageId, position, url) VALUES (?, ?, ?)")
        for (position, url) in urls.enumerated() {
            try insert.execute(arguments: [pageId, position, url])
        }
    }

    func replaceLinks(of pageId: Int64, with document: MarkdownDocument, in db: Database) throws {
        // Statements prepared once per connection: a save runs these every time. Only the links
        // that went or came are deleted or inserted: each logs a change to the backlinks of its
        // target (a trigger), and an edit that keeps its links changes no other page's view.
        let keys = String(decoding: try JSONEncoder().encode(document.wikiLinks.map(\.key)), as: UTF8.self)
        try db.cachedStatement(sql: "DELETE FROM pageLink WHERE pageId = ? AND targetKey NOT IN (SELECT value FROM json_each(?))")
            .execute(arguments: [pageId, keys])
        let insertLink = try db.cachedStatement(
            sql: """
                INSERT INTO pageLink(pageId, targetKey, targetTitle) VALUES (?, ?, ?)
                ON CONFLICT(pageId, targetKey) DO UPDATE SET targetTitle = excluded.targetTitle WHERE targetTitle != excluded.targetTitle
                """)
        for title in document.wikiLinks {
            try insertLink.execute(arguments: [pageId, title.key, title.text])
        }
        try db.cachedStatement(sql: "DELETE FROM externalLink WHERE pageId = ?").execute(arguments: [pageId])
        let insertURL = try db.cachedStatement(sql: "INSERT INTO externalLink(pageId, url) VALUES (?, ?)")
        for url in document.externalLinks {
            try insertURL.execute(arguments: [pageId, url])
        }
    }

    func logChange(of page: Page, revision: Revision, previousTitle: String?, in db: Database) throws {
        var change = PageChange(
            seq: nil, pageId: page.id!, pageUid: page.uid, revisionId: revision.id!, kind: revision.kind,
            title: page.title, previousTitle: previousTitle, author: revision.author, summary: revision.summary,
            contentHash: revision.contentHash, createdAt: revision.createdAt)
        try change.insert(db)
    }

    /// Which of `keys` name a live page, directly or as an old title, with that page's title now.
    /// The keys travel as one JSON array, so the statement is the same every time and cached.
    func existingTitles(_ keys: [String], in db: Database) throws -> [String: PageTitle] {
        guard !keys.isEmpty else { return [:] }
        let list = Self.jsonList(keys)
        let statement = try db.cachedStatement(
            sql: """
                SELECT titleKey AS key, title FROM page WHERE deletedAt IS NULL AND titleKey IN (SELECT value FROM json_each(?1))
                UNION ALL SELECT a.titleKey AS key, p.title FROM titleAlias a JOIN page p ON p.id = a.pageId
                WHERE p.deletedAt IS NULL AND a.titleKey IN (SELECT value FROM json_each(?1))
                """)
        var found: [String: PageTitle] = [:]
        for row in try Row.fetchAll(statement, arguments: [list]) {
            if let title = try? PageTitle(row["title"] as String) { found[row["key"]] = title }
        }
        return found
    }

    /// Keys as one JSON array, for `json_each(?)`: one statement, cached, however many keys.
    static func jsonList(_ keys: some Collection<String>) -> String {
        String(decoding: (try? JSONEncoder().encode(Array(Set(keys)))) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// Re-renders the live pages that link to any of `keys`, whose links changed from missing to
    /// present or back. Their stored revisions are not touched.
    func refreshPagesLinking(to keys: Set<String>, in db: Database, settings: NodeSettings, excluding excluded: Set<Int64> = []) throws {
        guard !keys.isEmpty else { return }
        let pageIds = try Int64.fetchAll(
            db.cachedStatement(sql: "SELECT DISTINCT pageId FROM pageLink WHERE targetKey IN (SELECT value FROM json_each(?)) ORDER BY pageId"),
            arguments: [Self.jsonList(keys)])
        for pageId in pageIds where !excluded.contains(pageId) {
            try rerender(pageId: pageId, in: db, settings: settings)
        }
    }

    func rerenderAllPages(_ db: Database, settings: NodeSettings) throws {
        for pageId in try Int64.fetchAll(db, sql: "SELECT id FROM page WHERE deletedAt IS NULL") {
            try rerender(pageId: pageId, in: db, settings: settings, relink: true)
        }
    }

    func rerender(pageId: Int64, in db: Database, settings: NodeSettings, relink: Bool = false) throws {
        guard var page = try Page.fetchOne(db, id: pageId), !page.isDeleted,
            let markdown = try String.fetchOne(db.cachedStatement(sql: "SELECT markdown FROM revision WHERE id = ?"), arguments: [page.revisionId])
        else { return }
        let document = MarkdownDocument(markdown: markdown, options: settings.markdownOptions)
        var existing = try existingTitles(document.wikiLinks.map(\.key), in: db)
        existing[page.titleKey] = page.pageTitle
        let html = document.renderHTML { existing[$0.key] }
        if relink {
            try replaceLinks(of: pageId, with: document, in: db)
        }
        if html != page.html {
            page.html = html
            try page.update(db, columns: ["html"])
        }
    }

    /// SHA-256 of the Markdown, hex: how revisions (here and on peers) compare their text.
    public static func contentHash(_ markdown: String) -> String {
        Hex.encode(SHA256.hash(data: Data(markdown.utf8)))
    }
}
