import Foundation
import GRDB

extension WikiDatabase {
    /// Saves new Markdown for a page, creating the page if needed.
    @discardableResult
    public func savePage(_ edit: PageEdit) throws -> SaveResult {
        try edit.validate()
        return try writer.write(saveTransaction(edit))
    }

    /// Saves new Markdown for a page without blocking the calling thread while the writer is
    /// busy: requests wait their turn suspended, not holding one of the few threads.
    /// Saves, and with `post` publishes the page as a weblog post (or changes how), in the
    /// same transaction; with `unpublishing`, the page stops being a post in it instead.
    @discardableResult
    public func savePage(_ edit: PageEdit, post: PostSettings? = nil, unpublishing: Bool = false) async throws -> SaveResult {
        try edit.validate()
        let tags = try post.map { try Self.validTags($0.tags) } ?? []
        return try await writer.write(saveTransaction(edit, post: post, tags: tags, unpublishing: unpublishing && post == nil))
    }

    /// The one transaction of a save: the page, its post settings, and the pages whose links to
    /// it changed.
    private func saveTransaction(
        _ edit: PageEdit, post: PostSettings? = nil, tags: [String] = [], unpublishing: Bool = false
    ) -> @Sendable (Database) throws -> SaveResult {
        { db in
            let settings = try NodeSettings.read(db)
            var createdKeys = Set<String>()
            let result = try self.save(edit, in: db, settings: settings, createdKeys: &createdKeys)
            try self.refreshPagesLinking(to: createdKeys, in: db, settings: settings)
            if let post {
                _ = try self.publish(result.page, as: post, tags: tags, now: Date(), in: db)
            } else if unpublishing {
                try Self.unpublish(result.page, in: db)
            }
            return result
        }
    }

    /// Saves many pages in one transaction, re-rendering pages that link to new ones once at the
    /// end. `progress` is called after each page with the number done.
    public func importPages(_ edits: [PageEdit], posts: [PostSettings?] = [], progress: (Int) -> Void = { _ in }) throws -> [SaveResult] {
        for edit in edits { try edit.validate() }
        let postTags = try posts.map { try $0.map { try Self.validTags($0.tags) } }
        // Every page of the batch is rendered once, knowing that the others will exist; only
        // pages outside the batch that link to new ones are rendered again at the end.
        var presumed: [String: PageTitle] = [:]
        for edit in edits { presumed[edit.title.key] = edit.title }
        return try writer.write { db in
            // Many pages at once: cached views all start afresh, logged once.
            try Self.loggingViewChanges(in: db) { changed in
                changed.insert(ViewDependency.all)
                let settings = try NodeSettings.read(db)
                var createdKeys = Set<String>()
                var results: [SaveResult] = []
                for (index, edit) in edits.enumerated() {
                    // An import brings pages in; it does not publish them to the web: no mentions.
                    let result = try storeRevision(edit, in: db, settings: settings, createdKeys: &createdKeys, presumedTitles: presumed).result
                    if index < posts.count, let post = posts[index] {
                        _ = try publish(result.page, as: post, tags: postTags[index] ?? [], now: edit.date ?? Date(), in: db)
                    }
                    results.append(result)
                    progress(index + 1)
                }
                try refreshPagesLinking(to: createdKeys, in: db, settings: settings, excluding: Set(results.compactMap(\.page.id)))
                return results
            }
        }
    }

    /// Gives a page a new title. The old title keeps answering with a redirect, and the sites it
    /// links to hear of the new address.
    @discardableResult
    public func renamePage(_ title: PageTitle, to newTitle: PageTitle, author: String, summary: String = "") throws -> SaveResult {
        try PageEdit(title: newTitle, markdown: "", summary: summary, author: author).validate()
        return try writer.write { db in
            let result = try storeRename(title, to: newTitle, author: author, summary: summary, in: db)
            let pageId = result.page.id!
            try queueSentMentions(pageId: pageId, urls: try externalLinks(ofPageId: pageId, in: db), now: result.revision.createdAt, in: db)
            return result
        }
    }

    /// Deletes a page: it answers 410 afterwards, its history stays, and the sites it linked to
    /// are told, so that they remove it.
    @discardableResult
    public func deletePage(_ title: PageTitle, author: String, summary: String = "", expectation: PageEdit.Expectation = .any) throws -> SaveResult {
        try PageEdit(title: title, markdown: "", summary: summary, author: author).validate()
        return try writer.write { db in
            let (result, linkedSites) = try storeDeletion(title, author: author, summary: summary, expectation: expectation, in: db)
            try queueSentMentions(pageId: result.page.id!, urls: linkedSites, now: result.revision.createdAt, in: db)
            return result
        }
    }

    /// A save inside a transaction: the revision, and every site the page links to now or
    /// linked to before told again.
    func save(_ edit: PageEdit, in db: Database, settings: NodeSettings, createdKeys: inout Set<String>) throws -> SaveResult {
        let (result, linkedSites) = try storeRevision(edit, in: db, settings: settings, createdKeys: &createdKeys)
        if result.isChanged {
            try queueSentMentions(pageId: result.page.id!, urls: linkedSites, now: result.revision.createdAt, in: db)
        }
        return result
    }
}
