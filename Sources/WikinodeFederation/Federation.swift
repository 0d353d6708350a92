import Crypto
import Foundation
import Synchronization
import Logging
import WikinodeCore

/// How often and how hard a node talks to its peers.
public struct FederationTiming: Sendable {
    /// Time between pulls of a peer that is doing well, with a fifth of jitter either way.
    public var pollInterval: Duration
    /// The first wait after a failure; it doubles with each failure in a row, up to `maximumBackoff`.
    public var firstBackoff: Duration
    public var maximumBackoff: Duration
    /// How old a notice's signature may be, and how far in the future.
    public var signatureWindow: Duration
    /// Entries asked for per request of a peer's change feed.
    public var batchSize: Int
    /// How a request to a peer is limited.
    public var limits: PeerClient.Limits
    /// How fetching a linkback's source or target on the web is limited.
    public var webLimits: PeerClient.Limits

    public init(
        pollInterval: Duration = .seconds(300), firstBackoff: Duration = .seconds(5), maximumBackoff: Duration = .seconds(3600),
        signatureWindow: Duration = .seconds(300), batchSize: Int = 500, limits: PeerClient.Limits = PeerClient.Limits(),
        webLimits: PeerClient.Limits = PeerClient.Limits(timeout: .seconds(10), maximumBodyBytes: 2 << 20, maximumRedirects: 5)
    ) {
        self.webLimits = webLimits
        self.pollInterval = pollInterval
        self.firstBackoff = firstBackoff
        self.maximumBackoff = maximumBackoff
        self.signatureWindow = signatureWindow
        self.batchSize = batchSize
        self.limits = limits
    }
}

/// This node's side of the protocol: following, pulling, sending and receiving notices.
///
/// Used by the background service of `wikinode serve`, by the inbox route, and by
/// `wikinode follow` (which works whether or not `serve` runs: both write the same database).
public final class Federation: Sendable {
    public let database: WikiDatabase
    public let identity: NodeIdentity
    /// This node's base URL, the key id of its signatures.
    public let ownURL: String
    public let client: PeerClient
    public let timing: FederationTiming
    let logger: Logger
    private let wakeup: AsyncStream<Void>.Continuation
    let wakeups: AsyncStream<Void>
    /// Up to when posts that became public on schedule were logged (see `runDueWork`). A
    /// restart looks back to the beginning once: the log is not written twice for a post.
    let scheduledPostsChecked = Mutex(Date.distantPast)
    /// Key fetches for new followers under way.
    let keyFetches = Mutex(0)
    static let maximumKeyFetches = 4
    public static let maximumFollowers = 1_000

    public init(database: WikiDatabase, identity: NodeIdentity, ownURL: String, policy: AddressPolicy, timing: FederationTiming = FederationTiming(), logger: Logger) {
        self.database = database
        self.identity = identity
        self.ownURL = Self.normalized(ownURL) ?? ownURL
        self.timing = timing
        self.logger = logger
        client = PeerClient(policy: policy)
        (wakeups, wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks the background service to look at its work now (a notice came, a page changed).
    public func wake() {
        wakeup.yield()
    }

    /// A base URL as nodes compare them: scheme and host lowercased, no trailing slash, no
    /// query or fragment. Nil when it is not an http(s) URL.
    public static func normalized(_ text: String) -> String? {
        guard var components = URLComponents(string: text.trimmingCharacters(in: .whitespaces)),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty, components.query == nil, components.fragment == nil,
            components.user == nil, components.password == nil
        else { return nil }
        components.scheme = scheme
        components.host = host.lowercased()
        if (scheme == "http" && components.port == 80) || (scheme == "https" && components.port == 443) { components.port = nil }
        while components.path.hasSuffix("/") { components.path.removeLast() }
        return components.string
    }

    // MARK: - Following

    /// Follows the node at `address`: discovers it, pins its key, subscribes, pulls everything
    /// (or, without `pullNow`, leaves the pull to the background service).
    /// `progress` gets the share of the peer's feed read so far (0...1) and pages mirrored.
    @discardableResult
    public func follow(_ address: String, pullNow: Bool = true, progress: @Sendable (Double, Int) -> Void = { _, _ in }) async throws -> Peer {
        guard let url = Self.normalized(address) else {
            throw FederationError.invalidURL("\(address) is not an http or https address of a node (no query, no fragment)")
        }
        guard url != ownURL else { throw FederationError.refused("\(url) is this node; a node never follows itself") }
        let info = try await nodeInfo(of: url)
        guard info.publicKey != identity.publicKeyBase64 else {
            throw FederationError.refused("\(url) is this node (it has this node's key); a node never follows itself")
        }
        var peer = try database.recordFollowing(url: url, name: info.name, publicKey: info.publicKey)
        do {
            try await send(.follow, to: peer)
        } catch {
            // The follow is kept; the outbox tells the peer when it is back.
            try database.enqueueNotice(.follow, peerId: peer.id!)
            try database.recordPeerError(peerId: peer.id!, error: "The follow notice was not delivered yet: \(error)")
            logger.warning("follow notice to \(url) failed, queued", metadata: ["error": "\(error)"])
        }
        if pullNow {
            try await pull(peerId: peer.id!, progress: progress)
        }
        peer = try database.peer(id: peer.id!) ?? peer
        wake()
        return peer
    }

    /// Stops following `address`: its mirrored pages go and it is told (through the outbox).
    public func unfollow(_ address: String, deliverNow: Bool = false) async throws {
        guard let url = Self.normalized(address), let peer = try database.peer(url: url), peer.isFollowing else {
            throw FederationError.invalidURL("This node does not follow \(address).")
        }
        try database.recordUnfollowing(peerId: peer.id!)
        try database.enqueueNotice(.unfollow, peerId: peer.id!)
        if deliverNow {
            // Without a running node (the command line), the notice goes now, or waits in the
            // outbox for `serve`.
            try await deliverDueNotices(toPeer: peer.id!)
        }
        wake()
    }

    /// Reads and checks a node's `/.well-known/wikinode`.
    func nodeInfo(of url: String, timeout: Duration? = nil) async throws -> NodeInfo {
        var limits = timing.limits
        limits.maximumBodyBytes = 64 << 10
        if let timeout { limits.timeout = timeout }
        let response = try await client.get(URL(string: url + "/.well-known/wikinode")!, limits: limits)
        guard response.status == 200 else {
            throw FederationError.badResponse("\(url)/.well-known/wikinode answers \(response.status); is it a wikinode?")
        }
        guard response.isJSON else { throw FederationError.badResponse("\(url)/.well-known/wikinode is not JSON; is it a wikinode?") }
        let info: NodeInfo
        do {
            info = try JSONDecoder().decode(NodeInfo.self, from: response.body)
        } catch {
            throw FederationError.badResponse("\(url)/.well-known/wikinode is not a wikinode's node info")
        }
        guard info.protocolVersion == NodeInfo.protocolVersion else {
            throw FederationError.badResponse("\(url) speaks protocol version \(info.protocolVersion); this node speaks \(NodeInfo.protocolVersion)")
        }
        guard Self.normalized(info.baseURL) == url else {
            throw FederationError.refused("The node at \(url) says its address is \(info.baseURL); follow it at the address it gives")
        }
        guard let key = Data(base64Encoded: info.publicKey), (try? Curve25519.Signing.PublicKey(rawRepresentation: key)) != nil else {
            throw FederationError.badResponse("\(url) publishes no valid Ed25519 public key")
        }
        let name = ValidName.clean(info.name)
        var checked = info
        checked.name = name.isEmpty ? URL(string: url)?.host ?? url : name
        checked.baseURL = url
        return checked
    }

    // MARK: - Pulling

    /// Reads a followed peer's change feed from its cursor to the end, one transaction per
    /// batch, and records the outcome on the peer (with backoff after a failure).
    public func pull(peerId: Int64, progress: @Sendable (Double, Int) -> Void = { _, _ in }) async throws {
        guard let peer = try database.peer(id: peerId), peer.isFollowing else { return }
        try database.recordPullStarted(peerId: peerId)
        do {
            var mirrored = 0
            var invalid = 0
            var reasons: [String] = []
            var feed = try await changes(of: peer, since: peer.cursor)
            while true {
                let hasMore = !feed.changes.isEmpty && feed.cursor < feed.latest
                // The next batch is on its way while this one is rendered and stored.
                let next: Task<ChangeFeedDocument, Error>? = hasMore ? Task { [feed] in try await self.changes(of: peer, since: feed.cursor) } : nil
                let result: MirrorResult
                do {
                    result = try database.applyPeerChanges(peerId: peerId, feed: feed, ownBaseURL: ownURL)
                } catch {
                    next?.cancel()
                    throw error
                }
                mirrored += result.applied
                invalid += result.skippedInvalid
                reasons += result.invalidReasons
                progress(feed.latest > 0 ? min(1, Double(result.cursor) / Double(feed.latest)) : 1, mirrored)
                guard let next else { break }
                let following = try await next.value
                if !following.changes.isEmpty, following.cursor <= feed.cursor {
                    throw FederationError.badResponse("\(peer.url) sent a change feed that does not move forward")
                }
                feed = following
            }
            try database.recordPullSuccess(peerId: peerId, nextAttemptAt: Date() + jittered(timing.pollInterval))
            if invalid > 0 {
                try database.recordPeerError(peerId: peerId, error: "\(invalid) entries of its feed were invalid and skipped: \(reasons.prefix(3).joined(separator: "; "))")
            }
        } catch {
            let failures = (try? database.peer(id: peerId)?.failures) ?? 0
            try? database.recordPullFailure(peerId: peerId, error: "\(error)", nextAttemptAt: Date() + backoff(failures: failures + 1))
            throw error
        }
    }

    func changes(of peer: Peer, since cursor: Int64) async throws -> ChangeFeedDocument {
        let url = URL(string: "\(peer.url)/api/changes?since=\(cursor)&limit=\(timing.batchSize)")!
        let response = try await client.get(url, limits: timing.limits)
        guard response.status == 200 else { throw FederationError.badResponse("\(url.absoluteString) answers \(response.status)") }
        guard response.isJSON else { throw FederationError.badResponse("\(url.absoluteString) is not JSON") }
        do {
            return try ChangeFeedDocument.decoder.decode(ChangeFeedDocument.self, from: response.body)
        } catch {
            throw FederationError.badResponse("\(url.absoluteString) is not a change feed")
        }
    }

    /// Pulls every followed peer that is due, four at a time; errors are recorded on the peers.
    public func pullDuePeers() async {
        let due = (try? database.peersDueForPull()) ?? []
        await withTaskGroup(of: Void.self) { group in
            for (index, peer) in due.enumerated() {
                if index >= 4 { await group.next() }
                group.addTask {
                    do {
                        try await self.pull(peerId: peer.id!)
                    } catch {
                        self.logger.info("pull of \(peer.url) failed", metadata: ["error": "\(error)"])
                    }
                }
            }
        }
    }

    // MARK: - Notices out

    /// Sends every notice that is due (to one peer, or all), a few at a time; a failure waits
    /// longer each time, and a follower that fails too often is dropped.
    public func deliverDueNotices(toPeer peerId: Int64? = nil) async throws {
        let startedAt = Date()
        let due = try database.dueNotices(now: startedAt).filter { peerId == nil || $0.peer.id == peerId }
        await withTaskGroup(of: Void.self) { group in
            for (index, item) in due.enumerated() {
                if index >= 8 { await group.next() }
                group.addTask { await self.deliver(item, startedAt: startedAt) }
            }
        }
    }

    private func deliver(_ item: OutboxItem, startedAt: Date) async {
        let type = item.type
        guard let peerId = item.peer.id else { return }
        do {
            try await send(type, to: item.peer)
            try database.noticeDelivered(item, queuedBefore: startedAt)
            if type == .unfollow { try database.forgetPeerIfUnused(peerId: peerId) }
        } catch {
            try? database.noticeFailed(item, error: "\(error)", retryAt: Date() + backoff(failures: item.attempts + 1))
            try? database.recordPeerError(peerId: peerId, error: "The \(type.rawValue) notice failed: \(error)")
            if type == .changed, item.attempts + 1 >= WikiDatabase.maximumFailedNotices {
                try? database.recordFollowerLeft(peerId: peerId)
                try? database.recordPeerError(peerId: peerId, error: "Dropped as a follower after \(item.attempts + 1) failed notices: \(error)")
            }
            logger.info("\(type.rawValue) notice to \(item.peer.url) failed", metadata: ["error": "\(error)"])
        }
    }

    /// Signs and posts one notice to a peer's inbox.
    func send(_ type: Notice.Kind, to peer: Peer) async throws {
        let name = (try? database.settings().name) ?? "wikinode"
        let body = try JSONEncoder().encode(Notice(type: type, actor: ownURL, name: name))
        let target = peer.url + "/api/inbox"
        let headers = try MessageSignature.sign(
            method: "POST", targetURI: target, contentType: "application/json", body: body, keyId: ownURL, key: identity.privateKey)
        var limits = timing.limits
        limits.maximumBodyBytes = 64 << 10
        let response = try await client.post(URL(string: target)!, headers: headers, body: body, limits: limits)
        guard (200..<300).contains(response.status) else {
            let reason = String(decoding: response.body.prefix(300), as: UTF8.self)
            throw FederationError.refused("\(target) answers \(response.status): \(reason)")
        }
    }

    // MARK: - Notices in

    /// What the inbox did with a notice.
    public enum InboxOutcome: Sendable, Equatable {
        case accepted(String)
        case ignored(String)
    }

    /// Verifies and acts on a notice. Throws `FederationError.unauthorized` for an unsigned,
    /// forged, stale or replayed notice, `.badResponse`/`.invalidURL` for a malformed one.
    public func receive(_ request: MessageSignature.SignedRequest, now: Date = Date()) async throws -> InboxOutcome {
        let keyId = try MessageSignature.keyId(of: request)
        guard let sender = Self.normalized(keyId) else { throw FederationError.unauthorized("The keyid must be the sender's base URL.") }
        guard sender != ownURL else { throw FederationError.unauthorized("A node does not send notices to itself.") }
        let notice: Notice
        do {
            notice = try JSONDecoder().decode(Notice.self, from: request.body)
        } catch {
            throw FederationError.badResponse("The body is not a notice: {\"type\": \"follow\"|\"unfollow\"|\"changed\", \"actor\": base URL}.")
        }
        guard Self.normalized(notice.actor) == sender else {
            throw FederationError.unauthorized("The notice's actor is not the key id that signed it.")
        }
        let known = try database.peer(url: sender)
        let publicKey: String
        if let known {
            publicKey = known.publicKey
        } else if notice.type == .follow {
            // A new follower: its key comes from its own address, and is pinned from now on. A
            // few such fetches at a time, and a bounded number of followers, so that strangers
            // cannot tie the node up.
            guard try database.followerCount() < Self.maximumFollowers else {
                throw FederationError.refused("This node has as many followers as it serves (\(Self.maximumFollowers)).")
            }
            guard keyFetches.withLock({ count in
                guard count < Self.maximumKeyFetches else { return false }
                count += 1
                return true
            }) else { throw FederationError.refused("Too many new followers at once; try again in a minute.") }
            defer { keyFetches.withLock { $0 -= 1 } }
            let info: NodeInfo
            do {
                info = try await nodeInfo(of: sender, timeout: .seconds(5))
            } catch {
                throw FederationError.unauthorized("The sender's key cannot be fetched from \(sender)/.well-known/wikinode: \(error)")
            }
            publicKey = info.publicKey
        } else {
            throw FederationError.unauthorized("\(sender) is not a peer of this node; it must follow first.")
        }
        guard let keyData = Data(base64Encoded: publicKey), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyData) else {
            throw FederationError.unauthorized("No usable key is pinned for \(sender).")
        }
        let verified = try MessageSignature.verify(request, publicKey: key)
        let window = TimeInterval(timing.signatureWindow.components.seconds)
        guard abs(verified.created.timeIntervalSince(now)) <= window else {
            throw FederationError.unauthorized("The signature was made at \(verified.created), too far from now.")
        }
        guard try database.rememberNonce(keyId: sender, nonce: verified.nonce, expiresAt: now + 2 * window, now: now) else {
            throw FederationError.unauthorized("This notice was received before (its nonce is used).")
        }
        switch notice.type {
        case .follow:
            let name = ValidName.clean(notice.name ?? "")
            do {
                try database.recordFollower(url: sender, name: name.isEmpty ? (URL(string: sender)?.host ?? sender) : name, publicKey: publicKey)
            } catch let error as WikiError {
                throw FederationError.unauthorized(error.description)
            }
            return .accepted("\(sender) now follows this node.")
        case .unfollow:
            guard let known else { return .ignored("\(sender) did not follow this node.") }
            try database.recordFollowerLeft(peerId: known.id!)
            try database.forgetPeerIfUnused(peerId: known.id!)
            return .accepted("\(sender) no longer follows this node.")
        case .changed:
            guard let known, known.isFollowing else { return .ignored("This node does not follow \(sender).") }
            try database.requestPull(peerId: known.id!, now: now)
            wake()
            return .accepted("A pull of \(sender) is on its way.")
        }
    }

    // MARK: - Timing

    func jittered(_ duration: Duration) -> TimeInterval {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds * Double.random(in: 0.8...1.2)
    }

    /// Exponential backoff with jitter: first, twice that, … up to the maximum.
    func backoff(failures: Int) -> TimeInterval {
        let first = jittered(timing.firstBackoff)
        let maximum = Double(timing.maximumBackoff.components.seconds)
        return min(maximum, first * pow(2, Double(min(max(failures - 1, 0), 20))))
    }
}

/// Names from other nodes: one line, no control characters, at most 100 characters.
enum ValidName {
    static func clean(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.properties.generalCategory != .control }).prefix(100))
            .trimmingCharacters(in: .whitespaces)
    }
}
