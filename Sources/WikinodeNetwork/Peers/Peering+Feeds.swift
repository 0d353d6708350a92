import Crypto
import Foundation
import HTTPTypes
import WikinodeCore
import WikinodeHTMLReader

extension Peering {
    /// The most Markdown kept of one feed entry once sanitised.
    static let maximumEntryMarkdownBytes = 256 << 10

    /// Reads a followed feed with a conditional GET: nothing changed (304), or its entries are
    /// sanitised and mirrored, and the validators kept for the next time.
    func pullFeed(of peer: Peer) async throws {
        guard let source = peer.sourceURL.flatMap(URL.init(string:)) else { throw RemoteError.invalidURL("\(peer.url) has no feed address") }
        var headers: HTTPFields = [.accept: Self.feedAccept]
        if let etag = peer.etag { headers[.ifNoneMatch] = etag }
        if let lastModified = peer.lastModified { headers[.ifModifiedSince] = lastModified }
        let readAt = Date()
        let response = try await client.get(source, headers: headers, limits: timing.siteLimits, sameOriginOnly: false)
        if response.status == 304 {
            try database.recordPullSuccess(peerId: peer.id!, nextAttemptAt: try nextFeedPoll(of: peer))
            return
        }
        guard response.status == 200 else { throw RemoteError.badResponse("\(source.absoluteString) answers \(response.status)") }
        let feed: FeedDocument
        do {
            feed = try FeedDocument.parse(response.body, url: response.url)
        } catch {
            throw RemoteError.badResponse("\(response.url.absoluteString) is not a readable feed (\(error))")
        }
        let now = Date()
        let entries = feed.entries.map { Self.siteEntry($0, of: feed, feedURL: response.url, firstSeen: now) }
        let result = try await database.applySiteEntries(
            peerId: peer.id!, entries: entries, ownBaseURL: ownURL, readAt: readAt, keepNewest: WikiDatabase.maximumFeedEntries)
        try database.recordSourceValidators(peerId: peer.id!, etag: response.headers[.eTag], lastModified: response.headers[.lastModified])
        try noticeWebSubHub(of: peer, feed: feed, response: response)
        try database.recordPullSuccess(peerId: peer.id!, nextAttemptAt: try nextFeedPoll(of: peer))
        if result.skippedInvalid > 0 {
            try database.recordPeerError(
                peerId: peer.id!,
                error: "\(result.skippedInvalid) entries of its feed were invalid and skipped: \(result.invalidReasons.joined(separator: "; "))")
        }
    }

    /// When a feed is read next: after the poll interval, or much later while its hub pushes.
    func nextFeedPoll(of peer: Peer) throws -> Date {
        let subscription = try database.webSubSubscription(peerId: peer.id!)
        let isPushed = subscription?.state == .active && (subscription?.leaseExpiresAt ?? .distantPast) > Date()
        return Date() + jittered(timing.pollInterval) * (isPushed ? Self.pushedFeedPollFactor : 1)
    }

    /// A feed's entry as the mirror takes it: its content sanitised into Markdown, identified by
    /// its id (hashed when longer than a mirrored uid may be), ordered by its modification time.
    static func siteEntry(_ entry: FeedEntry, of feed: FeedDocument, feedURL: URL, firstSeen: Date) -> SiteEntry {
        let base = entry.url ?? feedURL
        let markdown: String
        if let html = entry.contentHTML ?? (entry.contentText == nil ? entry.summary : nil) {
            markdown = HTMLDocument(html: html, url: base).markdown(limit: maximumEntryMarkdownBytes)
        } else if let text = entry.contentText {
            markdown = HTMLDocument(html: Self.paragraphs(ofText: text), url: base).markdown(limit: maximumEntryMarkdownBytes)
        } else {
            markdown = ""
        }
        let uid = entry.id.count <= 100 ? entry.id : "sha256:" + SHA256.hash(data: Data(entry.id.utf8)).map { String(format: "%02x", $0) }.joined()
        let date = entry.updated ?? entry.published
        return SiteEntry(
            uid: uid,
            // An entry without a date keeps version 0: it changes only when its text does.
            seq: date.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } ?? 0,
            type: "post", title: entry.title, url: (entry.url ?? feedURL).absoluteString, markdown: markdown,
            author: entry.authorName ?? feed.title ?? "", updated: date ?? firstSeen)
    }

    /// Plain text as HTML paragraphs (escaped), split at blank lines, lines kept.
    static func paragraphs(ofText text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n").map { paragraph in
            "<p>" + paragraph.components(separatedBy: "\n").map { HTMLEscaping.escape($0) }.joined(separator: "<br>") + "</p>"
        }.joined()
    }
}
