import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import Testing
import WikinodeCore
import WikinodeNetwork
import WikinodeServer
import WikinodeTesting

/// Notices that must be refused, and peers that misbehave.
@Suite(.serialized) struct PeeringHostileTests {
    /// A notice from `sender` to `receiver`'s inbox, signed with `key`.
    static func notice(
        _ type: String, from sender: String, to receiver: String, key: Curve25519.Signing.PrivateKey, created: Date = Date(),
        nonce: String = MessageSignature.randomNonce(), actor: String? = nil
    ) throws -> (headers: [(String, String)], body: Data) {
        let body = Data(#"{"type": "\#(type)", "actor": "\#(actor ?? sender)", "name": "Sender"}"#.utf8)
        let headers = try MessageSignature.sign(
            method: "POST", targetURI: receiver + "/api/inbox", contentType: "application/json", body: body, keyId: sender, key: key,
            created: created, nonce: nonce)
        return (pairs(headers), body)
    }

    static func pairs(_ fields: HTTPFields) -> [(String, String)] {
        fields.map { ($0.name.rawName, $0.value) }
    }

    static func post(_ notice: (headers: [(String, String)], body: Data), to node: NodeCluster.Node) async throws -> NodeCluster.Reply {
        try await NodeCluster.request(node.url + "/api/inbox", method: .POST, headers: notice.headers, body: notice.body)
    }

    @Test func forgedUnsignedStaleAndReplayedNoticesAreRefused() async throws {
        try await NodeCluster.run(count: 2) { cluster in
            let (a, b) = (cluster[0], cluster[1])
            try await a.peering().follow(b.url)
            let bKey = try b.configuration.dataDirectory.open().identity.privateKey
            let peersBefore = try a.database().peerStates().map(\.peer)

            // A genuine notice is accepted, once.
            let genuine = try Self.notice("changed", from: b.url, to: a.url, key: bKey)
            #expect(try await Self.post(genuine, to: a).status == 202)
            let replay = try await Self.post(genuine, to: a)
            #expect(replay.status == 401)
            #expect(replay.body.contains("received before"))

            // Unsigned: the same body without the signature headers.
            let unsigned = try await NodeCluster.request(
                a.url + "/api/inbox", method: .POST, headers: [("Content-Type", "application/json")], body: genuine.body)
            #expect(unsigned.status == 401)

            // Forged: B's address, another key.
            let forged = try Self.notice("changed", from: b.url, to: a.url, key: Curve25519.Signing.PrivateKey())
            #expect(try await Self.post(forged, to: a).status == 401)

            // Stale and from the future.
            let stale = try Self.notice("changed", from: b.url, to: a.url, key: bKey, created: Date() - 3600)
            #expect(try await Self.post(stale, to: a).status == 401)
            let future = try Self.notice("changed", from: b.url, to: a.url, key: bKey, created: Date() + 3600)
            #expect(try await Self.post(future, to: a).status == 401)

            // The body changed after signing: the digest gives it away.
            var tampered = try Self.notice("changed", from: b.url, to: a.url, key: bKey)
            tampered.body = Data(#"{"type": "unfollow", "actor": "\#(b.url)"}"#.utf8)
            #expect(try await Self.post(tampered, to: a).status == 401)

            // Signed for another node's inbox.
            let elsewhere = try Self.notice("changed", from: b.url, to: "http://127.0.0.1:1", key: bKey)
            #expect(try await Self.post(elsewhere, to: a).status == 401)

            // Signed by B, claiming to act for another node.
            let impostor = try Self.notice("follow", from: b.url, to: a.url, key: bKey, actor: "http://127.0.0.1:2")
            #expect(try await Self.post(impostor, to: a).status == 401)

            // An unknown sender may only follow, and its key must be the one it publishes.
            let stranger = try Self.notice("changed", from: "http://127.0.0.1:3", to: a.url, key: Curve25519.Signing.PrivateKey())
            #expect(try await Self.post(stranger, to: a).status == 401)
            let wrongKeyFollow = try Self.notice("follow", from: b.url, to: a.url, key: Curve25519.Signing.PrivateKey())
            #expect(try await Self.post(wrongKeyFollow, to: a).status == 401)

            // Malformed and oversized.
            #expect(
                try await NodeCluster.request(a.url + "/api/inbox", method: .POST, headers: [("Content-Type", "text/plain")], body: Data("x".utf8))
                    .status
                    == 415)
            let huge = Data(repeating: UInt8(ascii: "a"), count: 200_000)
            #expect(
                try await NodeCluster.request(a.url + "/api/inbox", method: .POST, headers: [("Content-Type", "application/json")], body: huge).status
                    == 413)
            var garbage = genuine
            garbage.body = Data("{not json".utf8)
            garbage.headers = Self.pairs(
                try MessageSignature.sign(
                    method: "POST", targetURI: a.url + "/api/inbox", contentType: "application/json", body: garbage.body, keyId: b.url, key: bKey))
            #expect(try await Self.post(garbage, to: a).status == 400)
            var badHeader = genuine
            badHeader.headers = badHeader.headers.map { $0.0 == "Signature-Input" ? ($0.0, "wikinode=(\"@method\";x);created=abc") : $0 }
            #expect(try await Self.post(badHeader, to: a).status == 401)

            #expect(try a.database().peerStates().map(\.peer.url) == peersBefore.map(\.url))
            #expect(try a.database().peer(url: b.url)?.publicKey == peersBefore.first?.publicKey)
            #expect(try a.database().peer(url: "http://127.0.0.1:2") == nil)
        }
    }

    @Test func aKeyChangeIsRefusedAndRecorded() async throws {
        try await NodeCluster.run(count: 2) { cluster in
            let (a, b) = (cluster[0], cluster[1])
            try await a.peering().follow(b.url)
            // B's key is replaced (a reinstall, or someone else at its address).
            await b.stop()
            try FileManager.default.removeItem(at: b.configuration.dataDirectory.keyFile)
            try await b.start()
            await #expect(throws: (any Error).self) { try await a.peering().follow(b.url) }
            let peer = try #require(try a.database().peer(url: b.url))
            let newKey = try b.configuration.dataDirectory.open().identity.publicKeyBase64
            #expect(peer.publicKey != newKey)
            // The owner accepts the change by unfollowing and following again: the new key is pinned.
            try await a.peering().unfollow(b.url)
            try await a.peering().follow(b.url)
            #expect(try a.database().peer(url: b.url)?.publicKey == newKey)
        }
    }

    @Test func followingAgainCancelsAnUnfollowStillWaiting() async throws {
        try await NodeCluster.run(count: 2) { cluster in
            let (a, b) = (cluster[0], cluster[1])
            try await a.peering().follow(b.url)
            await b.stop()
            // B is down: the unfollow waits in A's outbox.
            try await a.peering().unfollow(b.url, deliverNow: true)
            #expect(try a.database().peerStates().first?.pendingNotices == 1)
            try await b.start()
            try await a.peering().follow(b.url)
            #expect(try a.database().peerStates().first { $0.peer.url == b.url }?.pendingNotices == 0)
            let followed = await NodeCluster.waitUntil(timeout: .seconds(5)) { (try? b.database().peer(url: a.url)?.isFollower) == true }
            #expect(followed != nil)
        }
    }

    /// A site that misbehaves in every way a peer can, one way per path prefix.
    /// Whether the slow path has been asked, and the server is up: what the test waits for.
    final class HostileEvents: Sendable {
        let slowAsked = Synchronization.Atomic<Bool>(false)
        /// 0 until the server listens, then its port.
        let port = Synchronization.Atomic<Int>(0)
        var base: String { "http://127.0.0.1:\(port.load(ordering: .relaxed))" }
    }

    static func hostileServer(key: Curve25519.Signing.PublicKey, events: HostileEvents) -> some ApplicationProtocol {
        let router = Router()
        let publicKey = key.rawRepresentation.base64EncodedString()
        @Sendable func info(_ prefix: String, baseURL: String? = nil) -> Response {
            let body =
                #"{"name": "Hostile \#(prefix)", "baseURL": "\#(baseURL ?? events.base + "/" + prefix)", "publicKey": "\#(publicKey)", "protocolVersion": 1}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.get("slow/.well-known/wikinode") { _, _ -> Response in
            events.slowAsked.store(true, ordering: .relaxed)
            try await Task.sleep(for: .seconds(30))
            return info("slow")
        }
        router.get("drip/.well-known/wikinode") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody { writer in
                    for _ in 0..<60 {
                        try await writer.write(ByteBuffer(string: " "))
                        try await Task.sleep(for: .milliseconds(500))
                    }
                    try await writer.finish(nil)
                })
        }
        router.get("endless/.well-known/wikinode") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody { writer in
                    let chunk = ByteBuffer(repeating: UInt8(ascii: "["), count: 64 << 10)
                    while true { try await writer.write(chunk) }
                })
        }
        router.get("garbage/.well-known/wikinode") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{\"name\": [1, 2")))
        }
        router.get("html/.well-known/wikinode") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: "<p>hello</p>")))
        }
        router.get("loop/.well-known/wikinode") { _, _ -> Response in
            Response(status: .found, headers: [.location: "/loop/.well-known/wikinode"])
        }
        router.get("away/.well-known/wikinode") { _, _ -> Response in
            Response(status: .found, headers: [.location: "http://127.0.0.2:\(events.port.load(ordering: .relaxed))/x"])
        }
        router.get("impostor/.well-known/wikinode") { _, _ in info("impostor", baseURL: "http://127.0.0.1:9") }
        // Valid node info, then a change feed that is garbage, endless, or not moving.
        for prefix in ["feedgarbage", "feedendless", "feedstuck"] {
            router.get("\(prefix)/.well-known/wikinode") { _, _ in info(prefix) }
            router.post("\(prefix)/api/inbox") { _, _ in Response(status: .accepted) }
        }
        router.get("feedgarbage/api/changes") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"changes": "no"}"#)))
        }
        router.get("feedendless/api/changes") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: #"{"changes": ["#))
                    let chunk = ByteBuffer(repeating: UInt8(ascii: " "), count: 64 << 10)
                    while true { try await writer.write(chunk) }
                })
        }
        router.get("feedstuck/api/changes") { _, _ -> Response in
            let body = #"{"changes": [{"seq": 0, "uid": "u", "deleted": true}], "cursor": 0, "latest": 99}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        return Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { events.port.store($0.localAddress?.port ?? 0, ordering: .relaxed) })
    }

    @Test func hostilePeersLeaveTheNodeResponsive() async throws {
        var timing = NodeCluster.testTiming
        timing.limits = RemoteClient.Limits(timeout: .seconds(2), maximumBodyBytes: 1 << 20, maximumRedirects: 3)
        try await NodeCluster.run(count: 1, timing: timing) { cluster in
            let a = cluster[0]
            let events = HostileEvents()
            let hostile = Self.hostileServer(key: Curve25519.Signing.PrivateKey().publicKey, events: events)
            let server = Task { try await hostile.runService(gracefulShutdownSignals: []) }
            defer { server.cancel() }
            #expect(await NodeCluster.waitUntil(timeout: .seconds(10)) { events.port.load(ordering: .relaxed) != 0 } != nil)
            let peering = try a.peering()
            let base = events.base

            // While a slow peer is being followed, the node answers at once.
            let slowFollow = Task { try await peering.follow(base + "/slow") }
            #expect(await NodeCluster.waitUntil(timeout: .seconds(5)) { events.slowAsked.load(ordering: .relaxed) } != nil)
            let clock = ContinuousClock()
            let started = clock.now
            #expect(try await NodeCluster.request(a.url + "/wiki/Welcome").status == 200)
            #expect(clock.now - started < .seconds(1))
            await #expect(throws: RemoteError.self) { try await slowFollow.value }

            for prefix in ["drip", "endless", "garbage", "html", "loop", "away", "impostor"] {
                let started = clock.now
                await #expect(throws: RemoteError.self, "\(prefix)") { try await peering.follow(base + "/" + prefix) }
                #expect(clock.now - started < .seconds(4), "\(prefix) is cut off in time")
            }
            #expect(try a.database().peerStates().isEmpty)

            // Peers whose feed is bad are followed, and the error is recorded on them.
            for prefix in ["feedgarbage", "feedendless", "feedstuck"] {
                await #expect(throws: RemoteError.self, "\(prefix)") { try await peering.follow(base + "/" + prefix) }
                let peer = try #require(try a.database().peer(url: base + "/" + prefix))
                #expect(peer.lastError != nil && peer.failures == 1, "\(prefix): \(peer.lastError ?? "")")
                #expect(peer.nextAttemptAt ?? .distantPast > Date())
            }
            #expect(try await NodeCluster.request(a.url + "/").status == 200)
        }
    }

    @Test func addressPolicyRefusesPrivateAddressesByDefault() throws {
        let policy = AddressPolicy()
        for address in [
            "http://127.0.0.1/", "http://10.1.2.3/", "http://172.16.0.1/", "http://192.168.1.1/", "http://169.254.169.254/latest",
            "http://[::1]/", "http://[fe80::1]/", "http://[fc00::1]/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://224.0.0.1/",
            "http://100.64.0.1/", "http://localhost/", "file:///etc/passwd", "gopher://example.org/",
        ] {
            #expect(throws: RemoteError.self, "\(address)") { try policy.check(URL(string: address)!) }
        }
        for address in ["http://93.184.216.34/", "https://[2606:4700::1111]/"] {
            #expect(throws: Never.self, "\(address)") { try policy.check(URL(string: address)!) }
        }
        #expect(throws: Never.self) { try AddressPolicy(allowPrivateAddresses: true).check(URL(string: "http://127.0.0.1:8080/")!) }
        // Test nodes: 127.0.0.1 and ::1, nothing else, not even a name.
        for address in ["http://127.0.0.1:8080/", "http://[::1]:8080/"] {
            #expect(throws: Never.self, "\(address)") { try AddressPolicy.testsOnLoopback.check(URL(string: address)!) }
        }
        for address in ["http://93.184.216.34/", "http://localhost/", "http://10.0.0.1/", "http://127.0.0.2/", "https://example.org/"] {
            #expect(throws: RemoteError.self, "\(address)") { try AddressPolicy.testsOnLoopback.check(URL(string: address)!) }
        }
    }
}
