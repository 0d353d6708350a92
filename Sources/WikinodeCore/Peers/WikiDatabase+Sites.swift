import Foundation
import GRDB

/// A page or post of a followed site that is not a wikinode, as read from it (a feed's entry,
/// a Federated Wiki page), its content already sanitised into Markdown.
public struct SiteEntry: Sendable, Equatable {
    /// What identifies it on its site for good: a feed entry's id, a fedwiki slug.
    public var uid: String
    /// Orders its versions: its modification time in milliseconds.
    public var seq: Int64
    /// `post` (a feed's entry) or `page` (a wiki's).
    public var type: String
    /// Its title as the site gives it, if any; the text's beginning otherwise.
    public var title: String?
    public var url: String
    public var markdown: String
    public var author: String
    public var summary: String
    public var updated: Date
    /// Titles of pages it links to by name that this node may have (fedwiki's `[[links]]`
    /// that its own site does not answer).
    public var linkedTitles: [String]

    public init(
        uid: String, seq: Int64, type: String, title: String?, url: String, markdown: String, author: String = "", summary: String = "",
        updated: Date, linkedTitles: [String] = []
    ) {
        self.uid = uid
        self.seq = seq
        self.type = type
        self.title = title
        self.url = url
        self.markdown = markdown
        self.author = author
        self.summary = summary
        self.updated = updated
        self.linkedTitles = linkedTitles
    }
}

extension WikiDatabase {
    /// The most entries of one followed feed kept; older ones go as new ones come.
    public static let maximumFeedEntries = 1_000

    /// Records a site that is not a wikinode as followed (or refreshes its name and address).
    /// A wikinode's own row is never taken over: a node is followed as a node.
    @discardableResult
    public func recordFollowingSite(kind: Peer.Kind, url: String, sourceURL: String, name: String, now: Date = Date()) throws -> Peer {
        precondition(kind != .wikinode, "a wikinode is followed with recordFollowing")
        return try writer.write { db in
            // A site is known by what is read of it. The address it gives for itself is only
            // its name here while no other row has it: a feed cannot take over another's row.
            let isAddressTaken = try Peer.filter(Peer.Columns.url == url).fetchCount(db) > 0
            var peer =
                try Peer.filter(Peer.Columns.sourceURL == sourceURL).fetchOne(db)
                ?? Peer(url: isAddressTaken ? sourceURL : url, name: name, publicKey: "", kind: kind, now: now)
            guard peer.kind == kind else {
                throw WikiError.conflict(currentRevision: 0, message: "\(url) is known here as a \(peer.kind.rawValue), not a \(kind.rawValue).")
            }
            if !peer.isFollowing {
                peer.failures = 0
                peer.etag = nil
                peer.lastModified = nil
                peer.nextAttemptAt = Self.wholeMilliseconds(now)
            }
            peer.name = name
            // Interwiki prefixes lead to wikinodes' /wiki/ addresses, which other sites lack.
            peer.prefixKey = ""
            peer.sourceURL = sourceURL
            peer.isFollowing = true
            peer.lastContactAt = now
            try peer.save(db)
            return peer
        }
    }

    /// A followed site by the address it was followed at, its own address, or its source's.
    public func followedPeer(address: String) throws -> Peer? {
        try writer.read { db in
            try Peer.filter(sql: "isFollowing AND (url = ? OR sourceURL = ?)", arguments: [address, address]).fetchOne(db)
        }
    }

    /// Keeps the validators of a site's last answer for the next conditional GET.
    public func recordSourceValidators(peerId: Int64, etag: String?, lastModified: String?) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE peer SET etag = ?, lastModified = ? WHERE id = ?",
                arguments: [etag.map { String($0.prefix(200)) }, lastModified.map { String($0.prefix(100)) }, peerId])
        }
    }

    /// Mirrors entries of a followed site in one transaction, as `applyPeerChanges` does a
    /// wikinode's: each is rendered here in safe mode (its Markdown is already escaped and holds
    /// no wiki links), its search text and its links to this node stored with it. An entry
    /// that is what its copy is, or that a read begun after `readAt` stored already, changes
    /// nothing; invalid ones are counted and skipped.
    public func applySiteEntries(
        peerId: Int64, entries: [SiteEntry], ownBaseURL: String, readAt: Date, keepNewest: Int? = nil
    ) async throws -> MirrorResult {
        let readAt = Int64((readAt.timeIntervalSince1970 * 1000).rounded(.down))
        let context = try await mirrorContext(peerId: peerId, uids: entries.map(\.uid), ownBaseURL: ownBaseURL)
        var result = MirrorResult()
        var prepared: [MirroredPage] = []
        // Another site's text is not ours: its words and brackets are not links to this node.
        let options = MarkdownOptions(camelCaseLinks: false, wikiLinks: false)
        for entry in entries.latestPerKey(\.uid, isLater: { $0.seq > $1.seq }) {
            guard !entry.uid.isEmpty, entry.uid.count <= Self.maximumRemoteUidLength,
                entry.markdown.utf8.count <= PageEdit.maximumMarkdownBytes,
                !entry.markdown.unicodeScalars.contains(where: PageEdit.isForbiddenInText)
            else {
                result.skippedInvalid += 1
                if result.invalidReasons.count < 3 { result.invalidReasons.append("\(entry.url) has no usable id or text") }
                continue
            }
            let contentHash = Self.contentHash(entry.markdown)
            let version = MirroredPage.Version(seq: entry.seq, readAt: readAt)
            if let known = context.known[entry.uid],
                !version.isNewer(than: known.version, contentHash: known.contentHash, thisContentHash: contentHash)
            {
                continue
            }
            let document = MarkdownDocument(markdown: entry.markdown, options: options)
            let title = SiteEntry.title(entry.title, orFirstWordsOf: document.firstParagraph)
            let linked = entry.linkedTitles.compactMap { try? PageTitle($0).key }
            prepared.append(
                MirroredPage(
                    uid: entry.uid, seq: entry.seq, readAt: readAt,
                    content: MirroredPage.Content(
                        type: entry.type == "post" ? "post" : "page", title: title, url: entry.url, revision: 0, contentHash: contentHash,
                        markdown: entry.markdown, html: document.renderHTML { $0 }, text: document.plainText,
                        author: ValidRemotePage.line(entry.author, limit: 100),
                        summary: ValidRemotePage.line(entry.summary, limit: PageEdit.maximumSummaryLength), updated: entry.updated,
                        targets: Array(Set(context.ownTitleKeys(in: document.externalLinks) + linked)))))
        }
        return try await storeMirroredPages(prepared, peerId: peerId, result: result, cursor: nil, keepNewest: keepNewest)
    }

    /// The uid and version of every page mirrored from a site.
    public func mirroredVersions(peerId: Int64) throws -> [String: Int64] {
        try writer.read { db in
            var versions: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT uid, seq FROM remotePage WHERE peerId = ?", arguments: [peerId]) {
                versions[row["uid"]] = row["seq"]
            }
            return versions
        }
    }

    /// Removes the pages mirrored from a site that it no longer has; returns how many.
    @discardableResult
    public func removeMirroredPages(peerId: Int64, except kept: Set<String>) throws -> Int {
        try writer.write { db in
            var removed = 0
            try Self.loggingViewChanges(in: db, bulk: false) { _ in
                for row in try Row.fetchAll(db, sql: "SELECT id, uid FROM remotePage WHERE peerId = ?", arguments: [peerId])
                where !kept.contains(row["uid"]) {
                    try Self.removeMirroredPage(id: row["id"], in: db)
                    removed += 1
                }
            }
            return removed
        }
    }
}

extension SiteEntry {
    /// A title this node can show for another site's entry: the site's, with the characters a
    /// title may not hold replaced by look-alikes, or else the text's first words.
    static func title(_ raw: String?, orFirstWordsOf text: String) -> PageTitle {
        let replacements: [Character: String] = ["/": "∕", "\\": "∖", "[": "(", "]": ")", "|": "¦"]
        func usable(_ candidate: String) -> PageTitle? {
            var cleaned = String(candidate.map { replacements[$0] ?? String($0) }.joined())
            if cleaned.count > PageTitle.maximumLength { cleaned = String(cleaned.prefix(PageTitle.maximumLength - 1)) + "…" }
            if cleaned.lowercased().hasSuffix(".md") { cleaned += " ·" }
            return try? PageTitle(cleaned)
        }
        if let raw, let title = usable(raw) { return title }
        let words = text.split(whereSeparator: \.isWhitespace).prefix(12).joined(separator: " ")
        if let title = usable(words.count > 80 ? String(words.prefix(79)) + "…" : words) { return title }
        return try! PageTitle("Untitled")
    }
}
