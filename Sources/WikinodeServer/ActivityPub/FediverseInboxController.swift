import Foundation
import HTTPTypes
import Hummingbird
import WikinodeCore
import WikinodeNetwork

/// `POST /actor/inbox` (the actor's inbox and the shared one): signed activities from the
/// fediverse. The signature is checked against the sender's key (fetched from its server with
/// limits when not known) before anything is stored; deliveries it causes (an `Accept`) go out
/// in the background.
struct FediverseInboxController {
    typealias Context = WikiRequestContext

    let fediverse: Fediverse
    let site: SiteView

    /// The largest activity accepted.
    static let maximumBodyBytes = 256 << 10
    static let mediaTypes = ["application/activity+json", "application/ld+json", "application/json"]

    func addRoutes(to router: Router<Context>) {
        router.post("\(NodeAddress.actorInbox)", use: receive)
    }

    @Sendable func receive(request: Request, context: Context) async throws -> Response {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard Self.mediaTypes.contains(where: type.hasPrefix) else {
            throw HTTPError(.unsupportedMediaType, message: "An activity is application/activity+json.")
        }
        guard try fediverse.database.ownerName() != nil else {
            throw HTTPError(.notFound, message: "This node has no owner account yet, so no fediverse account to follow.")
        }
        let buffer = try await request.body.collect(upTo: Self.maximumBodyBytes)
        // The request line's target, and `Host` as this node's own (its base URL's authority),
        // whatever the request said: a signature made for another server's inbox does not
        // verify here.
        let path = request.uri.string
        var headers = request.headers
        headers[HTTPField.Name("Host")!] = ActivityPubController.accountHost(of: site.baseURL)
        let signed = FediverseSignature.SignedRequest(
            method: request.method.rawValue, path: path, targetURI: site.baseURL + path, headers: headers, body: Data(buffer.readableBytesView))
        do {
            switch try await fediverse.receive(signed) {
            case .accepted(let message): return try InboxAnswer.accepted(message)
            case .ignored(let message): return try InboxAnswer.ignored(message)
            }
        } catch let error as RemoteError {
            throw InboxAnswer.refusal(error)
        }
    }
}
