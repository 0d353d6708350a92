import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization
import WikinodeCore

/// A WebSub hub on 127.0.0.1 that follows the W3C specification's side of the hub towards a
/// subscriber: a subscription request is answered 202, then verified by a GET to the callback
/// with `hub.challenge` (and `hub.lease_seconds`), which must be echoed; `publish` sends a
/// topic's content to its verified subscribers, signed with each one's `hub.secret`
/// (`X-Hub-Signature: sha256=…`), or, for tests, signed wrongly or not at all.
public final class WebSubHubDouble: LoopbackServer {
    /// A subscription or unsubscription request the hub received.
    public struct Request: Sendable, Equatable {
        public let mode: String
        public let callback: String
        public let topic: String
        public let leaseSeconds: Int?
        public let secret: String?
    }

    /// A verification the hub made, and whether the subscriber confirmed it.
    public struct Verification: Sendable, Equatable {
        public let request: Request
        public let status: Int
        public let isConfirmed: Bool
    }

    public enum Signing: Sendable {
        case valid, wrong, none
    }

    private let boundPort = Mutex(0)
    public var port: Int { boundPort.withLock { $0 } }
    public var url: String { "http://127.0.0.1:\(port)/hub" }
    private let received = Mutex<[Request]>([])
    private let verified = Mutex<[Verification]>([])
    /// The lease the hub grants, whatever is asked.
    public let leaseSeconds = Mutex(3_600)
    private let server = ServerTask()

    public required init() {}

    public var requests: [Request] { received.withLock { $0 } }
    public var verifications: [Verification] { verified.withLock { $0 } }

    /// The subscriptions verified and not unsubscribed since, by callback.
    public var activeSubscriptions: [Request] {
        var active: [String: Request] = [:]
        for verification in verifications where verification.isConfirmed {
            if verification.request.mode == "subscribe" {
                active[verification.request.callback] = verification.request
            } else {
                active[verification.request.callback] = nil
            }
        }
        return Array(active.values)
    }

    public func start() async throws {
        let router = Router()
        router.post("/hub") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 64 << 10)
            let form = FormFields.parse(String(buffer: body))
            guard let mode = form["hub.mode"], ["subscribe", "unsubscribe"].contains(mode), let callback = form["hub.callback"],
                let topic = form["hub.topic"]
            else { return Response(status: .badRequest) }
            let received = Request(
                mode: mode, callback: callback, topic: topic, leaseSeconds: form["hub.lease_seconds"].flatMap { Int($0) },
                secret: form["hub.secret"])
            self.received.withLock { $0.append(received) }
            // The answer comes first; the verification follows, as the specification has it.
            Task { try? await self.verify(received) }
            return Response(status: .accepted)
        }
        let port = try await server.launch(router, describing: "the WebSub hub double")
        boundPort.withLock { $0 = port }
    }

    public func stop() async {
        await server.stop()
    }

    /// Verifies `request` at its callback (§5.3); returns whether the subscriber confirmed it.
    @discardableResult
    public func verify(_ request: Request, topic: String? = nil) async throws -> Bool {
        let challenge = WikiDatabase.makeRandomToken()
        var query = [
            "hub.mode=\(request.mode)", "hub.topic=\(URLEncoding.component(topic ?? request.topic))",
            "hub.challenge=\(URLEncoding.component(challenge))",
        ]
        if request.mode == "subscribe" { query.append("hub.lease_seconds=\(leaseSeconds.withLock { $0 })") }
        let separator = request.callback.contains("?") ? "&" : "?"
        let reply = try await NodeCluster.request(request.callback + separator + query.joined(separator: "&"))
        let isConfirmed = (200..<300).contains(reply.status) && reply.body == challenge
        if topic == nil {
            verified.withLock { $0.append(Verification(request: request, status: reply.status, isConfirmed: isConfirmed)) }
        }
        return isConfirmed
    }

    /// Tells the subscriber of `request` that the hub denies it (§5.2).
    public func deny(_ request: Request, reason: String) async throws -> Int {
        let query = "hub.mode=denied&hub.topic=\(URLEncoding.component(request.topic))&hub.reason=\(URLEncoding.component(reason))"
        return try await NodeCluster.request(request.callback + "?" + query).status
    }

    /// Sends `body` as the new content of `topic` to each of its subscribers (§7); returns the
    /// status each answered.
    @discardableResult
    public func publish(topic: String, body: String, contentType: String, signing: Signing = .valid) async throws -> [Int] {
        var statuses: [Int] = []
        for subscription in activeSubscriptions where subscription.topic == topic {
            var headers = [("Content-Type", contentType), ("Link", "<\(url)>; rel=\"hub\", <\(topic)>; rel=\"self\"")]
            let key = SymmetricKey(data: Data((subscription.secret ?? "").utf8))
            switch signing {
            case .valid:
                headers.append(("X-Hub-Signature", "sha256=" + Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: key))))
            case .wrong:
                headers.append(("X-Hub-Signature", "sha256=" + Hex.encode(HMAC<SHA256>.authenticationCode(for: Data((body + " ").utf8), using: key))))
            case .none:
                break
            }
            let reply = try await NodeCluster.request(subscription.callback, method: .POST, headers: headers, body: Data(body.utf8))
            statuses.append(reply.status)
        }
        return statuses
    }
}
