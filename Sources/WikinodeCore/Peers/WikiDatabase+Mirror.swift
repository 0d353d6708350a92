import Foundation
import GRDB

/// What applying one batch of a peer's feed did.
public struct MirrorResult: Sendable, Equatable {
    public var applied = 0
    public var removed = 0
    public var skippedInvalid = 0
    public var cursor: Int64 = 0
    public var invalidReasons: [String] = []
}

extension WikiDatabase {
    /// The most a mirrored field may hold; longer values are refused with their entry.
    static let maximumRemoteUidLength = 100
    static let maximumRemoteLinks = 5_000

    /// Applies one batch of a peer's change feed in one transaction and moves the peer's cursor
    /// after it, never backwards. An entry older than what is mirrored is skipped, so a batch
    /// applied twice changes nothing. Invalid entries are counted and skipped.
    public func applyPeerChanges(peerId: Int64, feed: ChangeFeedDocument, ownBaseURL: String) async throws -> MirrorResult {
        // Checked and rendered before the write transaction, so that local saves never wait
        // for a peer's batch to be rendered; the transaction only stores.
        let context = try await mirrorContext(peerId: peerId, uids: feed.changes.map(\.uid), ownBaseURL: ownBaseURL)
        var result = MirrorResult()
        var prepared: [MirroredPage] = []
        for entry in feed.changes where context.known[entry.uid].map({ $0.version.seq < entry.seq }) ?? true {
            if entry.deleted {
                prepared.append(MirroredPage(uid: entry.uid, seq: entry.seq, content: nil))
                continue
            }
            do {
                let page = try ValidRemotePage(entry, peerURL: context.peer.url)
                let document = MarkdownDocument(markdown: page.markdown, options: context.options)
                prepared.append(
                    MirroredPage(
                        uid: entry.uid, seq: entry.seq,
                        content: MirroredPage.Content(
                            type: page.type, title: page.title, url: page.url, revision: page.revision, contentHash: page.contentHash,
                            markdown: page.markdown, html: document.renderHTML(absoluteBase: context.peer.url) { $0 }, text: document.plainText,
                            author: page.author, summary: page.summary, updated: page.updated,
                            targets: context.ownTitleKeys(in: page.links))))
            } catch {
                result.skippedInvalid += 1
                if result.invalidReasons.count < 3 { result.invalidReasons.append("\(error)") }
            }
        }
        return try await storeMirroredPages(prepared, peerId: peerId, result: result, cursor: feed.cursor)
    }

    /// What preparing a batch for the mirror reads first: the peer, the node's Markdown options
    /// and what is mirrored already of the batch's pages.
    struct MirrorContext {
        let peer: Peer
        let options: MarkdownOptions
        let known: [String: (version: MirroredPage.Version, contentHash: String)]
        let ownBaseURL: String

        /// The title keys of this node's pages among `links` (absolute addresses).
        func ownTitleKeys(in links: [String]) -> [String] {
            let ownWikiPrefix = ownBaseURL + NodeAddress.wikiPrefix
            return links.filter { $0.hasPrefix(ownWikiPrefix) }.compactMap {
                MarkdownDocument.title(fromWikiPath: String($0.dropFirst(ownBaseURL.count)))?.key
            }
        }
    }

    func mirrorContext(peerId: Int64, uids: [String], ownBaseURL: String) async throws -> MirrorContext {
        try await writer.read { db in
            guard let peer = try Peer.fetchOne(db, id: peerId), peer.isFollowing else {
                throw WikiError.notFound("That peer is not followed any more.")
            }
            let settings = try NodeSettings.read(db)
            var options = settings.markdownOptions
            options.interwiki[MarkdownOptions.interwikiKey(settings.name)] = ownBaseURL
            var known: [String: (version: MirroredPage.Version, contentHash: String)] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT uid, seq, readAt, contentHash FROM remotePage WHERE peerId = ? AND uid IN (SELECT value FROM json_each(?))",
                arguments: [peerId, Self.jsonList(uids)])
            {
                known[row["uid"]] = (MirroredPage.Version(seq: row["seq"], readAt: row["readAt"]), row["contentHash"])
            }
            return MirrorContext(peer: peer, options: options, known: known, ownBaseURL: ownBaseURL)
        }
    }

    /// Stores prepared pages of a followed site in one transaction: each one replaces its older
    /// copy with its search text and its links to this node, or, without content, removes it.
    /// A page older than its copy, or the same, is passed over (another pull stored it; see
    /// `MirroredPage.Version`). With a `cursor` (a wikinode's feed), the peer's cursor moves to
    /// it, never backwards. With `keepNewest` (a feed, which only ever adds), older pages
    /// beyond that many go.
    func storeMirroredPages(
        _ pages: [MirroredPage], peerId: Int64, result: MirrorResult, cursor: Int64?, keepNewest: Int? = nil
    ) async throws -> MirrorResult {
        try await writer.write { [result] db in
            var result = result
            guard let current = try Peer.fetchOne(db, id: peerId), current.isFollowing else {
                throw WikiError.notFound("That peer is not followed any more.")
            }
            // A large batch (a backfill) logs each title touched once, not each row.
            let isBulk = pages.count >= Self.bulkWriteRows
            try Self.loggingViewChanges(in: db, bulk: isBulk) { changed in
                for mirrored in pages {
                    let existing = try Row.fetchOne(
                        db.cachedStatement(sql: "SELECT id, seq, readAt, contentHash, titleKey FROM remotePage WHERE peerId = ? AND uid = ?"),
                        arguments: [peerId, mirrored.uid])
                    if let existing,
                        !mirrored.version.isNewer(
                            than: MirroredPage.Version(seq: existing["seq"], readAt: existing["readAt"]), contentHash: existing["contentHash"],
                            thisContentHash: mirrored.content?.contentHash)
                    {
                        continue
                    }
                    changed.insert(ViewDependency.neighbourhood)
                    // Only a bulk write logs its own keys; otherwise the triggers do.
                    if isBulk, let existing {
                        // Its title and the pages it linked to show it (as a twin, as a backlink).
                        changed.insert(ViewDependency.title(existing["titleKey"]))
                        let linked = try String.fetchAll(
                            db.cachedStatement(sql: "SELECT targetKey FROM remoteLink WHERE remotePageId = ?"), arguments: [existing["id"] as Int64])
                        changed.formUnion(linked.map(ViewDependency.title))
                    }
                    guard let page = mirrored.content else {
                        if let existing {
                            try Self.removeMirroredPage(id: existing["id"], in: db)
                            result.removed += 1
                        }
                        continue
                    }
                    changed.insert(ViewDependency.title(page.title.key))
                    changed.formUnion(page.targets.map(ViewDependency.title))
                    var record = RemotePage(
                        id: existing?["id"], peerId: peerId, uid: mirrored.uid, type: page.type, title: page.title.text, titleKey: page.title.key,
                        url: page.url, revision: page.revision, seq: mirrored.seq, contentHash: page.contentHash, markdown: page.markdown,
                        html: page.html, author: page.author, summary: page.summary, updatedAt: page.updated, readAt: mirrored.version.readAt)
                    try record.upsert(db)
                    let id = record.id!
                    try db.cachedStatement(sql: "DELETE FROM remoteSearch WHERE rowid = ?").execute(arguments: [id])
                    try db.cachedStatement(sql: "INSERT INTO remoteSearch(rowid, title, body) VALUES (?, ?, ?)")
                        .execute(arguments: [id, page.title.text, page.text])
                    try RemoteLink.filter(RemoteLink.Columns.remotePageId == id).deleteAll(db)
                    // Links to this node, by address or as an interwiki link the origin resolved.
                    for key in page.targets {
                        try RemoteLink(remotePageId: id, targetKey: key).insert(db, onConflict: .ignore)
                    }
                    result.applied += 1
                }
            }
            if let keepNewest {
                for id in try Int64.fetchAll(
                    db, sql: "SELECT id FROM remotePage WHERE peerId = ? ORDER BY updatedAt DESC, id DESC LIMIT -1 OFFSET ?",
                    arguments: [peerId, keepNewest])
                {
                    try Self.removeMirroredPage(id: id, in: db)
                    result.removed += 1
                }
            }
            result.cursor = max(current.cursor, cursor ?? current.cursor)
            try db.execute(sql: "UPDATE peer SET cursor = ?, lastContactAt = ? WHERE id = ?", arguments: [result.cursor, Date(), peerId])
            return result
        }
    }

    /// Removes one mirrored page with its search text (its links go with it).
    static func removeMirroredPage(id: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM remoteSearch WHERE rowid = ?").execute(arguments: [id])
        _ = try RemotePage.deleteOne(db, id: id)
    }
}

/// A page of a followed site made ready for the mirror outside the write transaction: checked,
/// rendered, its links to this node found. Without content, the page is gone from its site.
struct MirroredPage: Sendable {
    struct Content: Sendable {
        let type: String
        let title: PageTitle
        let url: String
        let revision: Int64
        let contentHash: String
        let markdown: String
        let html: String
        /// Its text, for the search index.
        let text: String
        let author: String
        let summary: String
        let updated: Date
        /// Title keys of this node's pages it links to.
        let targets: [String]
    }

    /// What orders the copies of a page.
    ///
    /// A wikinode's page by its position in the change feed: two pulls may overlap, and the
    /// later position wins. A followed site's page by when the read that brought it began: a
    /// feed entry or fedwiki page says when it changed, but that date may move backwards (a
    /// corrected date, a restored page); what the site serves at the later read is what it
    /// has, so the later read wins, and a poll that began before a push arrived cannot undo
    /// the push. (A cache that serves a site's older copy is believed too, until it is fresh.)
    struct Version: Sendable {
        /// The wikinode's feed position, or the date the site gives (ms since 1970; kept to
        /// tell what changed).
        let seq: Int64
        /// For a site's page, when the read began (ms since 1970).
        let readAt: Int64?

        /// A copy read more than this after a read that began now was read by a clock that
        /// was ahead: it orders nothing (or every read would lose until time caught up).
        static let clockSlack: Int64 = 10 * 60 * 1000

        func isNewer(than copy: Version, contentHash: String, thisContentHash: String?) -> Bool {
            if seq == copy.seq, contentHash == thisContentHash { return false }
            guard let readAt else { return seq >= copy.seq }
            guard let copyReadAt = copy.readAt, copyReadAt - readAt <= Self.clockSlack else { return true }
            return readAt > copyReadAt || (readAt == copyReadAt && seq >= copy.seq)
        }
    }

    let uid: String
    let version: Version
    var seq: Int64 { version.seq }
    let content: Content?

    init(uid: String, seq: Int64, readAt: Int64? = nil, content: Content?) {
        self.uid = uid
        version = Version(seq: seq, readAt: readAt)
        self.content = content
    }
}

/// A feed entry checked field by field before it is stored.
struct ValidRemotePage {
    let type: String
    let title: PageTitle
    let url: String
    let revision: Int64
    let contentHash: String
    let markdown: String
    let author: String
    let summary: String
    let updated: Date
    let links: [String]

    init(_ entry: ChangeFeedEntry, peerURL: String) throws(WikiError) {
        guard !entry.uid.isEmpty, entry.uid.count <= WikiDatabase.maximumRemoteUidLength else {
            throw WikiError.invalidInput("an entry has no usable uid")
        }
        guard let rawTitle = entry.title, let title = try? PageTitle(rawTitle) else {
            throw WikiError.invalidInput("entry \(entry.seq) has no valid title")
        }
        guard let markdown = entry.markdown, markdown.utf8.count <= PageEdit.maximumMarkdownBytes,
            !markdown.unicodeScalars.contains(where: PageEdit.isForbiddenInText)
        else {
            throw WikiError.invalidInput("entry \(entry.seq) (\(title.text)) has no valid Markdown")
        }
        self.title = title
        self.markdown = markdown
        type = entry.type == "post" ? "post" : "page"
        // The page lives on its origin: an address elsewhere is not believed.
        if let url = entry.url, url.hasPrefix(peerURL + "/") {
            self.url = url
        } else {
            url = peerURL + title.path
        }
        revision = entry.revision ?? 0
        contentHash = String((entry.contentHash ?? "").prefix(128))
        author = Self.line(entry.author ?? "", limit: 100)
        summary = Self.line(entry.summary ?? "", limit: PageEdit.maximumSummaryLength)
        updated = entry.updated ?? Date()
        links = Array((entry.links ?? []).prefix(WikiDatabase.maximumRemoteLinks))
    }

    /// One line of at most `limit` characters without control characters.
    static func line(_ text: String, limit: Int) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.properties.generalCategory != .control }).prefix(limit))
    }
}
