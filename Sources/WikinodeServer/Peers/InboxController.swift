import Foundation
import Hummingbird
import WikinodeCore
import WikinodeNetwork

/// `POST /api/inbox`: signed notices from peers (follow, unfollow, changed, mention).
///
/// The notice is checked (signature against the pinned key, freshness, nonce) and acted on by
/// recording it; a pull it asks for, or the check of a mention, happens in the background
/// services, so the answer (202) comes at once.
struct InboxController {
    typealias Context = WikiRequestContext

    let peering: Peering
    let linkbacks: Linkbacks
    let site: SiteView

    static let maximumBodyBytes = 64 << 10

    func addRoutes(to router: Router<Context>) {
        router.post("\(NodeAddress.inbox)", use: receive)
    }

    @Sendable func receive(request: Request, context: Context) async throws -> Response {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("application/json") else {
            throw HTTPError(.unsupportedMediaType, message: "A notice is application/json.")
        }
        let buffer = try await request.body.collect(upTo: Self.maximumBodyBytes)
        var target = site.baseURL + request.uri.path
        if let query = request.uri.query { target += "?" + query }
        let signed = MessageSignature.SignedRequest(
            method: request.method.rawValue, targetURI: target,
            headers: request.headers, body: Data(buffer.readableBytesView))
        do {
            switch try await peering.receive(signed) {
            case .accepted(let message): return try InboxAnswer.accepted(message)
            case .mentionQueued(let message):
                linkbacks.wake()
                return try InboxAnswer.accepted(message)
            case .ignored(let message): return try InboxAnswer.ignored(message)
            }
        } catch let error as RemoteError {
            throw InboxAnswer.refusal(error)
        }
    }
}

/// How both inboxes (the peer protocol's and the fediverse's) answer: `202` with
/// `{"status": "accepted" | "ignored", "message": …}`, or the refusal's status and reason.
enum InboxAnswer {
    struct Body: Encodable {
        let status: String
        let message: String
    }

    static func accepted(_ message: String) throws -> Response {
        try Response.json(Body(status: "accepted", message: message), status: .accepted)
    }

    static func ignored(_ message: String) throws -> Response {
        try Response.json(Body(status: "ignored", message: message), status: .accepted)
    }

    /// `401` with `WWW-Authenticate: Signature` for what is not signed as it must be, `503`
    /// with `Retry-After` for what cannot be taken now, `400` for the rest.
    static func refusal(_ error: RemoteError) -> HTTPError {
        switch error {
        case .unauthorized(let message): HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Signature"], message: message)
        case .refused(let message): HTTPError(.serviceUnavailable, headers: [.retryAfter: "60"], message: message)
        default: HTTPError(.badRequest, message: error.description)
        }
    }
}
