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
        let (peer, options, known) = try await writer.read { db in
            guard let peer = try Peer.fetchOne(db, id: peerId), peer.isFollowing else {
                throw WikiError.notFound("That peer is not followed any more.")
            }
            let settings = try NodeSettings.read(db)
            var options = settings.markdownOptions
            options.interwiki[MarkdownOptions.interwikiKey(settings.name)] = ownBaseURL
            let known = try Dictionary(
                Row.fetchAll(
                    db, sql: "SELECT uid, seq FROM remotePage WHERE peerId = ? AND uid IN (SELECT value FROM json_each(?))",
                    arguments: [peerId, Self.jsonList(feed.changes.map(\.uid))]
                ).map { ($0["uid"] as String, $0["seq"] as Int64) }, uniquingKeysWith: max)
            return (peer, options, known)
        }
        var result = MirrorResult()
        var prepared: [(entry: ChangeFeedEntry, page: RenderedRemotePage?)] = []
        let ownWikiPrefix = ownBaseURL + NodeAddress.wikiPrefix
        for entry in feed.changes where known[entry.uid].map({ $0 < entry.seq }) ?? true {
            if entry.deleted {
                prepared.append((entry, nil))
                continue
            }
            do {
                let page = try ValidRemotePage(entry, peerURL: peer.url)
                let document = MarkdownDocument(markdown: page.markdown, options: options)
                let targets = page.links.filter { $0.hasPrefix(ownWikiPrefix) }.compactMap {
                    MarkdownDocument.title(fromWikiPath: String($0.dropFirst(ownBaseURL.count)))?.key
                }
                prepared.append(
                    (
                        entry,
                        RenderedRemotePage(
                            page: page, html: document.renderHTML(absoluteBase: peer.url) { $0 }, text: document.plainText, targets: targets)
                    ))
            } catch {
                result.skippedInvalid += 1
                if result.invalidReasons.count < 3 { result.invalidReasons.append("\(error)") }
            }
        }
        return try await writer.write { [result, prepared] db in
            var result = result
            guard let current = try Peer.fetchOne(db, id: peerId), current.isFollowing else {
                throw WikiError.notFound("That peer is not followed any more.")
            }
            // A large batch (a backfill) logs each title touched once, not each row.
            let isBulk = prepared.count >= Self.bulkWriteRows
            try Self.loggingViewChanges(in: db, bulk: isBulk) { changed in
                for (entry, rendered) in prepared {
                    let existing = try Row.fetchOne(
                        db.cachedStatement(sql: "SELECT id, seq, titleKey FROM remotePage WHERE peerId = ? AND uid = ?"),
                        arguments: [peerId, entry.uid])
                    // Another pull (another process) may have stored it meanwhile.
                    if let existing, (existing["seq"] as Int64) >= entry.seq { continue }
                    changed.insert(ViewDependency.neighbourhood)
                    // Only a bulk write logs its own keys; otherwise the triggers do.
                    if isBulk, let existing {
                        // Its title and the pages it linked to show it (as a twin, as a backlink).
                        changed.insert(ViewDependency.title(existing["titleKey"]))
                        let linked = try String.fetchAll(
                            db.cachedStatement(sql: "SELECT targetKey FROM remoteLink WHERE remotePageId = ?"), arguments: [existing["id"] as Int64])
                        changed.formUnion(linked.map(ViewDependency.title))
                    }
                    guard let rendered else {
                        if let existing {
                            try db.cachedStatement(sql: "DELETE FROM remoteSearch WHERE rowid = ?").execute(arguments: [existing["id"] as Int64])
                            _ = try RemotePage.deleteOne(db, id: existing["id"] as Int64)
                            result.removed += 1
                        }
                        continue
                    }
                    let page = rendered.page
                    changed.insert(ViewDependency.title(page.title.key))
                    changed.formUnion(rendered.targets.map(ViewDependency.title))
                    var record = RemotePage(
                        id: existing?["id"], peerId: peerId, uid: entry.uid, type: page.type, title: page.title.text, titleKey: page.title.key,
                        url: page.url, revision: page.revision, seq: entry.seq, contentHash: page.contentHash, markdown: page.markdown,
                        html: rendered.html, author: page.author, summary: page.summary, updatedAt: page.updated)
                    try record.upsert(db)
                    let id = record.id!
                    try db.cachedStatement(sql: "DELETE FROM remoteSearch WHERE rowid = ?").execute(arguments: [id])
                    try db.cachedStatement(sql: "INSERT INTO remoteSearch(rowid, title, body) VALUES (?, ?, ?)")
                        .execute(arguments: [id, page.title.text, rendered.text])
                    try RemoteLink.filter(RemoteLink.Columns.remotePageId == id).deleteAll(db)
                    // Links to this node, by address or as an interwiki link the origin resolved.
                    for key in rendered.targets {
                        try RemoteLink(remotePageId: id, targetKey: key).insert(db, onConflict: .ignore)
                    }
                    result.applied += 1
                }
            }
            result.cursor = max(current.cursor, feed.cursor)
            try db.execute(sql: "UPDATE peer SET cursor = ?, lastContactAt = ? WHERE id = ?", arguments: [result.cursor, Date(), peerId])
            return result
        }
    }
}

/// A mirrored page made ready outside the write transaction.
struct RenderedRemotePage {
    let page: ValidRemotePage
    let html: String
    let text: String
    /// Title keys of this node's pages it links to.
    let targets: [String]
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
