import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A WebSub subscriber on 127.0.0.1, for tests of the node's own hub: its callbacks
/// (`/callback/{name}`) echo the hub's challenge (or refuse it, when told to) and record the
/// content the hub pushes, with its headers.
public final class WebSubSubscriberDouble: LoopbackServer {
    public struct Verification: Sendable, Equatable {
        public let callback: String
        public let mode: String
        public let topic: String
        public let leaseSeconds: Int?
    }

    public struct Delivery: Sendable, Equatable {
        public let callback: String
        public let contentType: String
        public let signature: String?
        public let link: String?
        public let body: Data
    }

    private let boundPort = Mutex(0)
    public var port: Int { boundPort.withLock { $0 } }
    private let verified = Mutex<[Verification]>([])
    private let delivered = Mutex<[Delivery]>([])
    /// Callbacks (by name) that refuse verifications, or answer pushes with this status.
    public let refusing = Mutex<Set<String>>([])
    public let pushStatus = Mutex<[String: Int]>([:])
    private let server = ServerTask()

    public required init() {}

    public func callback(_ name: String) -> String { "http://127.0.0.1:\(port)/callback/\(name)" }
    public var verifications: [Verification] { verified.withLock { $0 } }
    public var deliveries: [Delivery] { delivered.withLock { $0 } }

    public func start() async throws {
        let router = Router()
        router.get("/callback/:name") { request, context -> Response in
            let name = context.parameters.get("name") ?? ""
            let query = request.uri.queryParameters
            let verification = Verification(
                callback: self.callback(name), mode: query["hub.mode"].map(String.init) ?? "", topic: query["hub.topic"].map(String.init) ?? "",
                leaseSeconds: query["hub.lease_seconds"].flatMap { Int($0) })
            self.verified.withLock { $0.append(verification) }
            guard !self.refusing.withLock({ $0.contains(name) }), let challenge = query["hub.challenge"] else { return Response(status: .notFound) }
            return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: String(challenge))))
        }
        router.post("/callback/:name") { request, context -> Response in
            let name = context.parameters.get("name") ?? ""
            let body = try await request.body.collect(upTo: 8 << 20)
            let delivery = Delivery(
                callback: self.callback(name), contentType: request.headers[.contentType] ?? "",
                signature: request.headers[HTTPField.Name("X-Hub-Signature")!], link: request.headers[HTTPField.Name("Link")!],
                body: Data(body.readableBytesView))
            self.delivered.withLock { $0.append(delivery) }
            return Response(status: HTTPResponse.Status(code: self.pushStatus.withLock { $0[name] } ?? 202))
        }
        let port = try await server.launch(router, describing: "the WebSub subscriber double")
        boundPort.withLock { $0 = port }
    }

    public func stop() async {
        await server.stop()
    }
}
