import Foundation
import Hummingbird
import WikinodeCore
import WikinodeNetwork

/// `POST /websub/hub`: the node's own WebSub hub takes subscription and unsubscription
/// requests for its feeds (W3C WebSub §5.1) and answers 202; the callback is verified by the
/// hub's background work, never on this request's path.
struct WebSubHubController {
    typealias Context = WikiRequestContext

    let hub: WebSubHub
    let topics: WebSubTopics

    static let maximumBodyBytes = 16 << 10
    static let maximumCallbackLength = 2_000

    func addRoutes(to router: Router<Context>) {
        router.post("\(NodeAddress.webSubHub)", use: request)
    }

    @Sendable func request(request: Request, context: Context) async throws -> Response {
        let form = try await FormBody(request, maximumBytes: Self.maximumBodyBytes)
        guard let mode = form["hub.mode"], mode == "subscribe" || mode == "unsubscribe" else {
            throw HTTPError(.badRequest, message: "hub.mode is subscribe or unsubscribe; this hub takes no publish requests (it is the node's own).")
        }
        guard let topic = form["hub.topic"], let path = hub.topicPath(of: topic), try topics.feed(at: path) != nil else {
            throw HTTPError(.badRequest, message: "hub.topic is one of this node's feeds, such as \(hub.feedExample).")
        }
        guard let callback = form["hub.callback"], callback.utf8.count <= Self.maximumCallbackLength, let url = URL(string: callback),
            let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host?.isEmpty == false, url.user == nil,
            url.fragment == nil
        else {
            throw HTTPError(.badRequest, message: "hub.callback is an http or https address (at most \(Self.maximumCallbackLength) bytes).")
        }
        let secret = form["hub.secret"]
        if let secret, secret.utf8.count >= 200 || secret.isEmpty {
            throw HTTPError(.badRequest, message: "hub.secret has 1 to 199 bytes.")
        }
        var lease: Int?
        if let text = form["hub.lease_seconds"] {
            guard let seconds = Int(text), seconds > 0 else { throw HTTPError(.badRequest, message: "hub.lease_seconds is a positive whole number.") }
            lease = seconds
        }
        do {
            try hub.database.recordHubRequest(
                mode: mode, topicPath: path, callbackURL: callback, secret: mode == "subscribe" ? secret : nil, leaseSeconds: lease)
        } catch WikiError.notFound(let message) {
            throw HTTPError(.badRequest, message: message)
        } catch let error as WikiError {
            throw HTTPError(.tooManyRequests, message: error.description)
        }
        hub.wake()
        return Response(
            status: .accepted, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: "Accepted: the callback is verified next.")))
    }
}
