import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import WikinodeCore
import WikinodeNetwork
import _CryptoExtras

/// A small fediverse server on 127.0.0.1 for ActivityPub tests, following what Mastodon's
/// documentation asks of one: accounts with actor documents and RSA keys (`/users/{name}`,
/// whose key is `…#main-key`), personal inboxes and a shared inbox that record what they
/// receive, and requests signed as Mastodon signs them.
public final class FediverseTestServer: LoopbackServer {
    public struct Received: Sendable {
        public let path: String
        public let headers: HTTPFields
        public let body: Data

        /// The body as a JSON object.
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        }
    }

    /// The accounts' key (one for all; a test that rotates it calls `rotateKey()`).
    let key = Mutex(try! _RSA.Signing.PrivateKey(keySize: .bits2048))
    private let boundPort = Mutex(0)
    public var port: Int { boundPort.withLock { $0 } }
    public var url: String { "http://127.0.0.1:\(port)" }
    let received = Mutex<[Received]>([])
    private let server = ServerTask()
    /// Answers the inboxes give, by path, instead of 202 (a server that is down, say).
    let inboxStatus = Mutex<[String: Int]>([:])
    /// Display names changed from the default `Test {name}`.
    let displayNames = Mutex<[String: String]>([:])
    /// Posts the accounts published, by path (`/users/{name}/statuses/{id}`).
    let objects = Mutex<[String: Data]>([:])

    public required init() {}

    public func actorURL(_ name: String) -> String { url + "/users/" + name }
    public func keyId(_ name: String) -> String { actorURL(name) + "#main-key" }

    /// What the inboxes received so far.
    public var requests: [Received] { received.withLock { $0 } }

    /// Makes the inbox at `path` answer `status` from now on.
    public func setInboxStatus(_ path: String, _ status: Int) {
        inboxStatus.withLock { $0[path] = status }
    }

    /// Publishes `object` at its `id` (which must be on this server), or removes it (nil).
    public func setObject(_ id: String, _ object: [String: Any]?) {
        let path = String(id.dropFirst(url.count))
        let body = object.flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys, .withoutEscapingSlashes]) }
        objects.withLock { $0[path] = body }
    }

    /// Changes the display name of account `name`, as an edit of its profile does.
    public func setDisplayName(_ name: String, _ display: String) {
        displayNames.withLock { $0[name] = display }
    }

    /// A new key for every account, as after a rotation.
    public func rotateKey() throws {
        let made = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        key.withLock { $0 = made }
    }

    public var publicKeyPEM: String { key.withLock { $0.publicKey.pemRepresentation } }

    /// The accounts' private key, for tests that sign requests by hand.
    public var privateKey: _RSA.Signing.PrivateKey { key.withLock { $0 } }

    /// The actor document of account `name`.
    public func actorDocument(_ name: String) -> [String: Any] {
        [
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": actorURL(name), "type": "Person", "preferredUsername": name, "name": displayNames.withLock { $0[name] } ?? "Test \(name)",
            "url": url + "/@" + name,
            "inbox": actorURL(name) + "/inbox", "outbox": actorURL(name) + "/outbox", "endpoints": ["sharedInbox": url + "/inbox"],
            "icon": ["type": "Image", "url": url + "/avatars/\(name).png"],
            "publicKey": ["id": keyId(name), "owner": actorURL(name), "publicKeyPem": publicKeyPEM],
        ]
    }

    /// POSTs `activity` to `inbox`, signed by account `name` as Mastodon signs (draft-cavage),
    /// `edit` changing the headers before it goes.
    public func post(
        _ activity: [String: Any], to inbox: String, as name: String, date: Date = Date(), key override: _RSA.Signing.PrivateKey? = nil,
        edit: (inout HTTPFields) -> Void = { _ in }
    ) async throws -> NodeCluster.Reply {
        let body = try JSONSerialization.data(withJSONObject: activity)
        return try await post(body: body, to: inbox, as: name, date: date, key: override, edit: edit)
    }

    public func post(
        body: Data, to inbox: String, as name: String, date: Date = Date(), key override: _RSA.Signing.PrivateKey? = nil,
        edit: (inout HTTPFields) -> Void = { _ in }
    ) async throws -> NodeCluster.Reply {
        let signingKey = override ?? key.withLock { $0 }
        var headers = try FediverseSignature.sign(
            method: "POST", url: URL(string: inbox)!, body: body, keyId: keyId(name), key: signingKey, date: date)
        edit(&headers)
        return try await NodeCluster.request(inbox, method: .POST, headers: Self.pairs(headers), body: body)
    }

    /// Starts the server and waits until it answers.
    public func start() async throws {
        let router = Router()
        router.get("/users/:name") { _, context -> Response in
            let name = context.parameters.get("name") ?? ""
            let body = try JSONSerialization.data(withJSONObject: self.actorDocument(name), options: [.sortedKeys, .withoutEscapingSlashes])
            return Response(
                status: .ok, headers: [.contentType: "application/activity+json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.get("/users/:name/statuses/:id") { request, _ -> Response in
            guard let body = self.objects.withLock({ $0[request.uri.path] }) else { return Response(status: .notFound) }
            return Response(
                status: .ok, headers: [.contentType: "application/activity+json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.post("/users/:name/inbox") { request, _ in try await self.record(request) }
        router.post("/inbox") { request, _ in try await self.record(request) }
        let port = try await server.launch(describing: "the fediverse test server") { listening in
            return Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: self.port)),
                onServerRunning: { await listening($0.localAddress?.port ?? 0) }, logger: LinkbackTestSite.quietLogger)
        }
        boundPort.withLock { $0 = port }
    }

    public func stop() async {
        await server.stop()
    }

    private func record(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        var headers = request.headers
        if let authority = request.head.authority { headers[HTTPField.Name("Host")!] = authority }
        received.withLock { $0.append(Received(path: request.uri.description, headers: headers, body: Data(body.readableBytesView))) }
        let status = inboxStatus.withLock { $0[request.uri.path] } ?? 202
        return Response(status: HTTPResponse.Status(code: status))
    }
}

extension FediverseTestServer {
    /// Runs `body` with a node whose owner (`owner`) is its fediverse account, its database,
    /// and a started fediverse server; stops both afterwards.
    public static func withNode(_ body: (NodeCluster.Node, WikiDatabase, FediverseTestServer) async throws -> Void) async throws {
        try await NodeCluster.run(count: 1) { cluster in
            let node = cluster[0]
            let database = try node.database()
            try database.addUser(named: "owner", password: "the owner's long secret", hasher: PasswordHasher(costLog2: 10))
            try await run { server in try await body(node, database, server) }
        }
    }

    /// Header fields as `NodeCluster.request` takes them; `Host` left to the client (it sends
    /// the same value) unless `keepingHost`.
    public static func pairs(_ fields: HTTPFields, keepingHost: Bool = false) -> [(String, String)] {
        fields.filter { keepingHost || $0.name.canonicalName != "host" }.map { ($0.name.rawName, $0.value) }
    }
}
