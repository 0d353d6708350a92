import Crypto
import Foundation
import HTTPTypes
import Logging
import ServiceLifecycle
import Synchronization
import WikinodeCore

/// A feed of this node as the hub pushes it.
public struct WebSubTopicContent: Sendable {
    public let contentType: String
    public let body: Data

    public init(contentType: String, body: Data) {
        self.contentType = contentType
        self.body = body
    }
}

/// The node's own WebSub hub (W3C WebSub, the hub's side) for its feeds: it verifies the
/// intent of subscribers at their callbacks, and when a feed they subscribed to changes, pushes
/// it to them (signed with their secret, when they gave one), retried with backoff through the
/// outbox. Leases end; a subscriber that answers 410, or fails ten pushes in a row, is dropped.
public final class WebSubHub: Sendable {
    public let database: WikiDatabase
    let client: RemoteClient
    let nodeURL: NodeBaseURL
    let timing: PeeringTiming
    let logger: Logger
    /// A feed's content by its path on this node, nil when the path is no feed.
    let topicContent: @Sendable (String) throws -> WebSubTopicContent?
    private let wakeup: AsyncStream<Void>.Continuation
    let wakeups: AsyncStream<Void>
    /// The change log's position the feeds were last compared at: a newer one (a change made
    /// here or by another process) means they may have changed.
    private let comparedAt = Mutex<Int64>(-1)

    public init(
        database: WikiDatabase, client: RemoteClient, nodeURL: NodeBaseURL, timing: PeeringTiming, logger: Logger,
        topicContent: @escaping @Sendable (String) throws -> WebSubTopicContent?
    ) {
        self.database = database
        self.client = client
        self.nodeURL = nodeURL
        self.timing = timing
        self.logger = logger
        self.topicContent = topicContent
        (wakeups, wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func wake() {
        wakeup.yield()
    }

    var hubURL: String { nodeURL.string + NodeAddress.webSubHub }

    /// A topic of this hub, for messages.
    public var feedExample: String { nodeURL.string + NodeAddress.feed + ".atom" }

    /// The path of `topic` on this node, if it is an address of this node.
    public func topicPath(of topic: String) -> String? {
        let base = nodeURL.string
        guard topic.hasPrefix(base + "/"), let url = URL(string: topic), url.query == nil, url.fragment == nil else { return nil }
        return String(topic.dropFirst(base.count))
    }

    /// Whether there is work: a request to verify, a push due, or a change since the feeds
    /// were last compared.
    func hasDueWork(now: Date = Date()) -> Bool {
        if (try? database.pendingHubRequests(limit: 1).isEmpty) == false { return true }
        if let next = try? database.nextOutboxDate(for: .webSubSubscriber), next <= now { return true }
        let latest = (try? database.latestChangeSeq()) ?? 0
        return comparedAt.withLock { $0 } != latest
    }

    /// One round: verify what was asked, compare the subscribed feeds with what was last
    /// pushed, push what is due.
    func runDueWork() async {
        guard nodeURL.isSettled else { return }
        await verifyPendingRequests()
        compareTopics()
        await pushDue()
    }

    // MARK: - Verification of intent (§5.3)

    func verifyPendingRequests() async {
        let requests = (try? database.pendingHubRequests()) ?? []
        await withTaskGroup(of: Void.self) { group in
            for (index, request) in requests.enumerated() {
                if index >= 4 { await group.next() }
                group.addTask { await self.verify(request) }
            }
        }
    }

    private func verify(_ request: WebSubHubRequest) async {
        let challenge = WikiDatabase.makeRandomToken()
        var query = [
            "hub.mode=\(request.mode)", "hub.topic=\(URLEncoding.component(nodeURL.string + request.topicPath))",
            "hub.challenge=\(URLEncoding.component(challenge))",
        ]
        if request.mode == "subscribe" { query.append("hub.lease_seconds=\(request.leaseSeconds)") }
        let separator = request.callbackURL.contains("?") ? "&" : "?"
        var confirmed = false
        if let url = URL(string: request.callbackURL + separator + query.joined(separator: "&")) {
            var limits = timing.webLimits
            limits.maximumBodyBytes = 4 << 10
            do {
                let answer = try await client.get(url, headers: [:], limits: limits)
                confirmed = (200..<300).contains(answer.status) && answer.body == Data(challenge.utf8)
            } catch {
                logger.info("WebSub verification at \(request.callbackURL) failed", metadata: ["error": "\(error)"])
            }
        }
        let hash = (try? topicContent(request.topicPath)).flatMap { $0 }.map { Self.hash($0.body) } ?? ""
        try? database.recordHubVerification(of: request, confirmed: confirmed, contentHash: hash)
    }

    // MARK: - Content distribution (§7)

    /// Compares each subscribed feed with what its subscribers last got; queues pushes.
    func compareTopics() {
        let latest = (try? database.latestChangeSeq()) ?? 0
        do {
            for path in try database.hubTopics() {
                guard let content = try topicContent(path) else { continue }
                try database.recordHubTopicContent(topicPath: path, contentHash: Self.hash(content.body))
            }
            comparedAt.withLock { $0 = latest }
        } catch {
            logger.warning("WebSub: comparing feeds failed", metadata: ["error": "\(error)"])
        }
    }

    func pushDue() async {
        let pushes = (try? database.dueHubPushes()) ?? []
        await withTaskGroup(of: Void.self) { group in
            for (index, push) in pushes.enumerated() {
                if index >= 4 { await group.next() }
                group.addTask { await self.deliver(push) }
            }
        }
    }

    private func deliver(_ push: WebSubPush) async {
        let subscriber = push.subscriber
        do {
            guard let url = URL(string: subscriber.callbackURL), let content = try topicContent(subscriber.topicPath) else {
                try database.dropHubSubscriber(id: subscriber.id!)
                return
            }
            var headers: HTTPFields = [.contentType: content.contentType]
            headers[.link] = "<\(hubURL)>; rel=\"hub\", <\(nodeURL.string + subscriber.topicPath)>; rel=\"self\""
            if let secret = subscriber.secret {
                let signature = HMAC<SHA256>.authenticationCode(for: content.body, using: SymmetricKey(data: Data(secret.utf8)))
                headers[.xHubSignature] = "sha256=" + Hex.encode(signature)
            }
            var limits = timing.webLimits
            limits.maximumBodyBytes = 64 << 10
            let answer = try await client.post(url, headers: headers, body: content.body, limits: limits)
            if (200..<300).contains(answer.status) {
                try database.hubPushDelivered(outboxId: push.outboxId)
            } else if answer.status == 410 {
                try database.dropHubSubscriber(id: subscriber.id!)
            } else {
                throw RemoteError.badResponse("\(subscriber.callbackURL) answers \(answer.status)")
            }
        } catch {
            if push.attempts + 1 >= WikiDatabase.maximumFailedPushes {
                try? database.dropHubSubscriber(id: subscriber.id!)
            } else {
                try? database.outboxAttemptFailed(id: push.outboxId, error: "\(error)", retryAt: Date() + timing.backoff(failures: push.attempts + 1))
            }
        }
    }

    static func hash(_ body: Data) -> String {
        Hex.encode(SHA256.hash(data: body))
    }

}

/// The hub's background work under `wikinode serve`: it wakes when a page changes here, and once
/// a second when there is work (a request, a push due, a change made by another process).
public struct WebSubHubService: Service {
    let hub: WebSubHub
    let tick: Duration

    public init(hub: WebSubHub, tick: Duration = .seconds(1)) {
        self.hub = hub
        self.tick = tick
    }

    public func run() async throws {
        let hub = hub
        let cancellable = hub.database.observeCommits(to: ["pageChange", "webSubHubRequest"]) { hub.wake() }
        defer { cancellable.cancel() }
        await runWakeLoop(
            wakeups: hub.wakeups, tick: tick, onTick: { if hub.hasDueWork() { hub.wake() } }, work: { await hub.runDueWork() })
    }
}
