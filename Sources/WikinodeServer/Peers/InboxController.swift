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

    struct Answer: Encodable {
        let status: String
        let message: String
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
            case .accepted(let message):
                return try Response.json(Answer(status: "accepted", message: message), status: .accepted)
            case .mentionQueued(let message):
                linkbacks.wake()
                return try Response.json(Answer(status: "accepted", message: message), status: .accepted)
            case .ignored(let message):
                return try Response.json(Answer(status: "ignored", message: message), status: .accepted)
            }
        } catch let error as RemoteError {
            switch error {
            case .unauthorized(let message):
                throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Signature"], message: message)
            case .refused(let message):
                throw HTTPError(.serviceUnavailable, headers: [.retryAfter: "60"], message: message)
            default:
                throw HTTPError(.badRequest, message: error.description)
            }
        }
    }
}
