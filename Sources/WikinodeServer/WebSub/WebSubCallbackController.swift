import Foundation
import HTTPTypes
import Hummingbird
import WikinodeCore
import WikinodeNetwork

/// `/websub/callback/{token}`: where the hubs of followed feeds verify this node's subscriptions
/// (`GET`, W3C WebSub §5.3) and push the feeds' new content (`POST`, §7).
///
/// The token is the subscription's own, random: nothing else reaches a subscription. A push is
/// checked against the subscription's secret before anything is read from it.
struct WebSubCallbackController {
    typealias Context = WikiRequestContext

    let peering: Peering

    /// A delivery is a whole feed; as large as a feed that is pulled may be.
    static let maximumBodyBytes = 4 << 20
    static let maximumChallengeBytes = 1_000

    func addRoutes(to router: Router<Context>) {
        router.get("\(NodeAddress.webSubCallbackPrefix){token}", use: verify)
        router.post("\(NodeAddress.webSubCallbackPrefix){token}", use: deliver)
    }

    /// `GET` with `hub.mode`, `hub.topic`, `hub.challenge` and `hub.lease_seconds`: the
    /// challenge back when this node asked for that, else 404 (§5.3.1); `hub.mode=denied` with
    /// `hub.reason` is taken note of (§5.2).
    @Sendable func verify(request: Request, context: Context) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        let query = request.uri.queryParameters
        guard let mode = query["hub.mode"].map(String.init), let topic = query["hub.topic"].map(String.init) else {
            throw HTTPError(.badRequest, message: "A verification names hub.mode and hub.topic.")
        }
        if mode == "denied" {
            try peering.recordWebSubDenial(token: token, topic: topic, reason: query["hub.reason"].map(String.init))
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "Noted.")))
        }
        guard let challenge = query["hub.challenge"].map(String.init), !challenge.isEmpty, challenge.utf8.count <= Self.maximumChallengeBytes
        else {
            throw HTTPError(.badRequest, message: "A verification carries a hub.challenge of at most \(Self.maximumChallengeBytes) bytes.")
        }
        let lease = query["hub.lease_seconds"].flatMap { Int($0) }
        switch try peering.verifyWebSubIntent(token: token, mode: mode, topic: topic, leaseSeconds: lease) {
        case .confirmed:
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: challenge)))
        case .refused:
            throw HTTPError(.notFound, message: "This node asked for no such subscription.")
        }
    }

    /// `POST` of a feed's content, signed with `X-Hub-Signature`: 202 once read (or, when its
    /// signature does not match, once dropped: §7.1.2 allows hubs no wiser), 410 for a callback
    /// that is no subscription (any more).
    @Sendable func deliver(request: Request, context: Context) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        let buffer = try await request.body.collect(upTo: Self.maximumBodyBytes)
        let signature = request.headers[.xHubSignature]
        switch try await peering.receiveWebSubDelivery(token: token, body: Data(buffer.readableBytesView), signature: signature) {
        case .accepted(let entries):
            return try InboxAnswer.accepted("\(entries) entries mirrored.")
        case .ignored(let reason):
            return try InboxAnswer.ignored(reason)
        case .unknown:
            throw HTTPError(.gone, message: "No subscription has this callback.")
        }
    }
}
