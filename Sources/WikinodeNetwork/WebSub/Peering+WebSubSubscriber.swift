import Crypto
import Foundation
import HTTPTypes
import WikinodeCore
import WikinodeHTMLReader

/// What became of a content distribution request from a hub.
public enum WebSubDeliveryOutcome: Sendable, Equatable {
    /// Its entries are mirrored.
    case accepted(entries: Int)
    /// Acknowledged but ignored (WebSub §7.1.2): a signature that does not match, content for
    /// a feed no longer followed, or content that is no feed. The reason is recorded.
    case ignored(String)
    /// No subscription has this callback: the hub should stop.
    case unknown
}

extension Peering {
    /// How much longer a feed whose hub pushes is left between polls: the polls only catch what
    /// a hub failed to deliver.
    static let pushedFeedPollFactor = 12.0

    /// After a pull of a feed: subscribes at the hub it names, if any. HTTP `Link` headers come
    /// before the feed's own links (WebSub §4); the topic is the feed's `rel=self`, else its
    /// address.
    func noticeWebSubHub(of peer: Peer, feed: FeedDocument, response: RemoteClient.Response) throws {
        let links = LinkHeader.parse(response.headers[values: .link])
        func header(_ rel: String) -> URL? {
            links.first { $0.rels.contains(rel) }.flatMap { URL(string: $0.url, relativeTo: response.url)?.absoluteURL }
        }
        let hub = (header("hub") ?? feed.hubURLs.first).flatMap { $0.scheme == "http" || $0.scheme == "https" ? $0 : nil }
        let topic = header("self") ?? feed.selfURL ?? response.url
        try database.recordWebSubHub(peerId: peer.id!, hubURL: hub?.absoluteString, topicURL: hub == nil ? nil : topic.absoluteString)
    }

    /// Sends the subscription requests that are due: new ones, renewals before the lease ends,
    /// and unsubscriptions of feeds no longer followed. Each failure backs off.
    func sendDueWebSubRequests() async {
        let due = (try? database.dueWebSubRequests()) ?? []
        for subscription in due {
            do {
                try database.recordWebSubRequestSending(id: subscription.id!)
                try await sendWebSubRequest(subscription)
            } catch {
                logger.info("WebSub request to \(subscription.hubURL) failed", metadata: ["error": "\(error)"])
                try? database.recordWebSubRequestFailed(
                    id: subscription.id!, error: "\(error)", retryAt: Date() + timing.backoff(failures: subscription.failures + 1))
            }
        }
    }

    /// The callback address of a subscription.
    func webSubCallback(_ subscription: WebSubSubscription) -> String {
        ownURL + NodeAddress.webSubCallbackPrefix + subscription.token
    }

    /// POSTs the subscription request (§5.1) to the hub; the hub answers 202 and verifies later.
    private func sendWebSubRequest(_ subscription: WebSubSubscription) async throws {
        guard let hub = URL(string: subscription.hubURL) else { throw RemoteError.invalidURL("\(subscription.hubURL) is not a hub address") }
        let isSubscribe = subscription.state != .unsubscribing
        var fields = [
            ("hub.callback", webSubCallback(subscription)), ("hub.mode", isSubscribe ? "subscribe" : "unsubscribe"),
            ("hub.topic", subscription.topicURL),
        ]
        if isSubscribe {
            fields.append(("hub.lease_seconds", String(WikiDatabase.webSubLeaseRequested)))
            // Sent over plain HTTP too: the feed it protects came that way, and the secret still
            // keeps anyone who is not on the path from forging deliveries.
            fields.append(("hub.secret", subscription.secret))
        }
        let body = fields.map { "\($0.0)=\(URLEncoding.component($0.1))" }.joined(separator: "&")
        var limits = timing.webLimits
        limits.maximumBodyBytes = 64 << 10
        let response = try await client.post(
            hub, headers: [.contentType: "application/x-www-form-urlencoded"], body: Data(body.utf8), limits: limits)
        guard (200..<300).contains(response.status) else {
            let detail = String(decoding: response.body.prefix(200), as: UTF8.self)
            throw RemoteError.badResponse("the hub \(hub.absoluteString) answers \(response.status): \(detail)")
        }
    }

    /// The hub's verification of intent at the callback `token` (§5.3).
    public func verifyWebSubIntent(token: String, mode: String, topic: String, leaseSeconds: Int?) throws -> WebSubVerification {
        try database.verifyWebSubIntent(token: token, mode: mode, topic: topic, leaseSeconds: leaseSeconds)
    }

    /// The hub says it will not deliver (§5.2).
    public func recordWebSubDenial(token: String, topic: String, reason: String?) throws {
        try database.recordWebSubDenied(token: token, topic: topic, reason: reason)
    }

    /// A content distribution request (§7) at the callback `token`: its signature checked with
    /// the subscription's secret (§7.1), then its entries mirrored as a pull's would be.
    public func receiveWebSubDelivery(token: String, body: Data, signature: String?) async throws -> WebSubDeliveryOutcome {
        guard let subscription = try database.webSubSubscription(token: token) else { return .unknown }
        guard let peerId = subscription.peerId, let peer = try database.peer(id: peerId), peer.isFollowing else {
            return .ignored("the feed is no longer followed")
        }
        guard Self.isValidWebSubSignature(signature, of: body, secret: subscription.secret) else {
            let reason = signature == nil ? "a delivery without a signature was dropped" : "a delivery with a wrong signature was dropped"
            try database.recordWebSubDelivery(id: subscription.id!, error: reason)
            return .ignored(reason)
        }
        // Read against the address pulls read it at, so that relative links and the ids made
        // from them come out the same either way.
        guard let topic = peer.sourceURL.flatMap(URL.init(string:)) ?? URL(string: subscription.topicURL) else {
            return .ignored("the feed has no address")
        }
        let feed: FeedDocument
        do {
            feed = try FeedDocument.parse(body, url: topic)
        } catch {
            try database.recordWebSubDelivery(id: subscription.id!, error: "a delivery was not a readable feed (\(error))")
            return .ignored("not a readable feed")
        }
        let now = Date()
        let entries = feed.entries.map { Self.siteEntry($0, of: feed, feedURL: topic, firstSeen: now) }
        let result = try await database.applySiteEntries(
            peerId: peerId, entries: entries, ownBaseURL: ownURL, readAt: now, keepNewest: WikiDatabase.maximumFeedEntries)
        try database.recordWebSubDelivery(id: subscription.id!)
        return .accepted(entries: result.applied)
    }

    /// Whether `header` (`method=hex`) is the HMAC of `body` with `secret`, by one of the
    /// algorithms WebSub names (§7.1.1), compared in constant time.
    static func isValidWebSubSignature(_ header: String?, of body: Data, secret: String) -> Bool {
        guard let header, let equals = header.firstIndex(of: "=") else { return false }
        let method = header[..<equals].lowercased()
        let given = header[header.index(after: equals)...].lowercased()
        let key = SymmetricKey(data: Data(secret.utf8))
        let expected: String
        switch method {
        case "sha1": expected = Hex.encode(HMAC<Insecure.SHA1>.authenticationCode(for: body, using: key))
        case "sha256": expected = Hex.encode(HMAC<SHA256>.authenticationCode(for: body, using: key))
        case "sha384": expected = Hex.encode(HMAC<SHA384>.authenticationCode(for: body, using: key))
        case "sha512": expected = Hex.encode(HMAC<SHA512>.authenticationCode(for: body, using: key))
        default: return false
        }
        guard given.utf8.count == expected.utf8.count else { return false }
        return zip(given.utf8, expected.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
