import Foundation
import HTTPTypes
import Testing
import WikinodeCore
import WikinodeNetwork
import WikinodeTesting
import _CryptoExtras

/// The inbox with a real (small) fediverse server on loopback: an account follows the node,
/// gets a signed `Accept`, unfollows; and every bad request is refused with nothing stored.
@Suite(.serialized) struct FediverseInboxTests {
    static func follow(_ server: FediverseTestServer, _ name: String, of node: NodeCluster.Node, id: String? = nil) -> [String: Any] {
        [
            "@context": "https://www.w3.org/ns/activitystreams", "id": id ?? server.actorURL(name) + "/follows/1", "type": "Follow",
            "actor": server.actorURL(name), "object": node.url + "/actor",
        ]
    }

    /// Runs `body` with a node that has an owner, a started fediverse server, and the node's inbox.
    static func withServer(_ body: (NodeCluster.Node, FediverseTestServer, String) async throws -> Void) async throws {
        try await FediverseTestServer.withNode { node, _, server in try await body(node, server, node.url + "/actor/inbox") }
    }

    static func followerCount(_ node: NodeCluster.Node) async throws -> Int? {
        let reply = try await NodeCluster.request(node.url + "/actor/followers", headers: [("Accept", "application/activity+json")])
        return reply.json["totalItems"] as? Int
    }

    @Test func anAccountFollowsIsAcceptedAndUnfollows() async throws {
        try await Self.withServer { node, server, inbox in
            let follow = Self.follow(server, "ann", of: node)
            let answer = try await server.post(follow, to: inbox, as: "ann")
            #expect(answer.status == 202, "\(answer.body)")
            #expect(try await Self.followerCount(node) == 1)
            let follower = try #require(try node.database().fediverseFollowers().first)
            #expect(follower.actor.handle == "@ann@127.0.0.1")
            #expect(follower.actor.inbox == server.actorURL("ann") + "/inbox")
            #expect(follower.actor.sharedInbox == server.url + "/inbox")
            let peers = try await NodeCluster.request(node.url + "/peers")
            #expect(peers.body.contains("@ann@127.0.0.1") && peers.body.contains("Followers on the fediverse"))

            // The Accept arrives at the account's inbox, signed with the actor's key.
            var accept: FediverseTestServer.Received?
            _ = await NodeCluster.waitUntil(timeout: .seconds(10)) {
                accept = server.requests.first { $0.json["type"] as? String == "Accept" }
                return accept != nil
            }
            let received = try #require(accept)
            #expect(received.path == "/users/ann/inbox")
            #expect((received.json["object"] as? [String: Any])?["id"] as? String == follow["id"] as? String)
            #expect(received.json["actor"] as? String == node.url + "/actor")
            let signature = try #require(received.headers[.signature])
            #expect(signature.contains(#"keyId="\#(node.url)/actor#main-key""#))
            #expect(signature.contains(#"algorithm="rsa-sha256""#) && signature.contains(#"headers="(request-target) host date digest""#))
            let actor = try await NodeCluster.request(node.url + "/actor", headers: [("Accept", "application/activity+json")])
            let pem = try #require((actor.json["publicKey"] as? [String: Any])?["publicKeyPem"] as? String)
            let signed = FediverseSignature.SignedRequest(
                method: "POST", path: received.path, targetURI: server.url + received.path, headers: received.headers, body: received.body)
            #expect(throws: Never.self) { try FediverseSignature.verify(signed, publicKey: try _RSA.Signing.PublicKey(pemRepresentation: pem)) }

            // Undo of an older Follow changes nothing; Undo of this one ends it.
            let undoOther: [String: Any] = [
                "id": server.actorURL("ann") + "/undo/0", "type": "Undo", "actor": server.actorURL("ann"),
                "object": Self.follow(server, "ann", of: node, id: server.actorURL("ann") + "/follows/0"),
            ]
            #expect(try await server.post(undoOther, to: inbox, as: "ann").body.contains("ignored"))
            #expect(try await Self.followerCount(node) == 1)
            let undo: [String: Any] = [
                "id": server.actorURL("ann") + "/undo/1", "type": "Undo", "actor": server.actorURL("ann"), "object": follow,
            ]
            #expect(try await server.post(undo, to: inbox, as: "ann").status == 202)
            #expect(try await Self.followerCount(node) == 0)

            // A profile edit, told by Update of the actor: read again.
            server.setDisplayName("ann", "Ann Renamed")
            let profile: [String: Any] = [
                "id": server.actorURL("ann") + "#updates/1", "type": "Update", "actor": server.actorURL("ann"), "object": server.actorDocument("ann"),
            ]
            #expect(try await server.post(profile, to: inbox, as: "ann").status == 202)
            #expect(try node.database().fediverseActor(url: server.actorURL("ann"))?.name == "Ann Renamed")
            // An account this node never knew is deleted: nothing to check or do.
            let unknown: [String: Any] = [
                "id": server.actorURL("zed") + "#delete", "type": "Delete", "actor": server.actorURL("zed"), "object": server.actorURL("zed"),
            ]
            let ignored = try await server.post(unknown, to: inbox, as: "zed")
            #expect(ignored.status == 202 && ignored.body.contains("not known"))
            #expect(try node.database().fediverseActor(url: server.actorURL("zed")) == nil)

            // After a key rotation, the node fetches the new key once and accepts.
            try server.rotateKey()
            #expect(
                try await server.post(Self.follow(server, "ann", of: node, id: server.actorURL("ann") + "/follows/2"), to: inbox, as: "ann")
                    .status == 202)
            #expect(try await Self.followerCount(node) == 1)
            // The account deleted: it follows no more.
            let gone: [String: Any] = [
                "id": server.actorURL("ann") + "#delete", "type": "Delete", "actor": server.actorURL("ann"), "object": server.actorURL("ann"),
            ]
            #expect(try await server.post(gone, to: inbox, as: "ann").status == 202)
            #expect(try await Self.followerCount(node) == 0)
        }
    }

    @Test func badActivitiesAreRefusedWithNothingStored() async throws {
        try await Self.withServer { node, server, inbox in
            let follow = Self.follow(server, "ann", of: node)
            let body = try JSONSerialization.data(withJSONObject: follow)

            // Unsigned; signed by another key; dated 13 hours ago or ahead.
            let unsigned = try await NodeCluster.request(
                inbox, method: .POST, headers: [("Content-Type", "application/activity+json")], body: body)
            #expect(unsigned.status == 401)
            #expect(unsigned.headers.contains { $0.0.lowercased() == "www-authenticate" })
            let stranger = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            #expect(try await server.post(follow, to: inbox, as: "ann", key: stranger).status == 401)
            #expect(try await server.post(follow, to: inbox, as: "ann", date: Date() - 13 * 3600).status == 401)
            #expect(try await server.post(follow, to: inbox, as: "ann", date: Date() + 13 * 3600).status == 401)
            // Signed by ann for bob; a key on another host than the actor.
            var forBob = follow
            forBob["actor"] = server.actorURL("bob")
            #expect(try await server.post(forBob, to: inbox, as: "ann").status == 401)
            var elsewhere = follow
            elsewhere["actor"] = "http://127.0.0.2:1/users/ann"
            #expect(try await server.post(elsewhere, to: inbox, as: "ann").status == 401)
            // The body changed after signing.
            let tampered = try await server.post(body: body, to: inbox, as: "ann") { headers in
                headers[.digest] = FediverseSignature.digest(Data("{}".utf8))
            }
            #expect(tampered.status == 401)
            // Not JSON, not an object, no actor, an actor that is a number, no type: 400.
            for bad in [
                "not json", "[1, 2]", #"{"type": "Follow"}"#, #"{"type": "Follow", "actor": 42}"#, #"{"actor": "\#(server.actorURL("ann"))"}"#,
            ] {
                let reply = try await server.post(body: Data(bad.utf8), to: inbox, as: "ann")
                #expect(reply.status == 400, "\(bad): \(reply.status) \(reply.body)")
            }
            // A Follow of someone else, or without an id.
            var other = follow
            other["object"] = server.actorURL("carol")
            #expect(try await server.post(other, to: inbox, as: "ann").status == 400)
            var noID = follow
            noID["id"] = nil
            #expect(try await server.post(noID, to: inbox, as: "ann").status == 400)
            // Over 256 KiB: 413; not JSON by its type: 415.
            var huge = follow
            huge["padding"] = String(repeating: "x", count: 300_000)
            #expect(try await server.post(huge, to: inbox, as: "ann").status == 413)
            let html = try await server.post(body: body, to: inbox, as: "ann") { $0[.contentType] = "text/html" }
            #expect(html.status == 415)
            // A `created` no date can be (it once could have stopped the process): 401, and the node goes on.
            let absurd = try await server.post(body: body, to: inbox, as: "ann") { headers in
                headers[.signature] =
                    #"keyId="\#(server.keyId("ann"))",headers="(request-target) host (created) digest",created="1e300",signature="\#(Data(count: 256).base64EncodedString())""#
            }
            #expect(absurd.status == 401)
            // Signed over one body, sent with another and a Content-Digest the signature does not cover.
            let swapped = try JSONSerialization.data(withJSONObject: ["type": "Undo", "actor": server.actorURL("ann"), "object": follow])
            var headers = try FediverseSignature.sign(
                method: "POST", url: URL(string: inbox)!, body: body, keyId: server.keyId("ann"), key: server.privateKey)
            headers[.contentDigest] = MessageSignature.contentDigest(swapped)
            let swap = try await NodeCluster.request(
                inbox, method: .POST, headers: FediverseTestServer.pairs(headers), body: swapped)
            #expect(swap.status == 401)
            // Signed for another server's inbox (its host), sent here.
            let forOtherHost = try FediverseSignature.sign(
                method: "POST", url: URL(string: "http://127.0.0.2:1/actor/inbox")!, body: body, keyId: server.keyId("ann"), key: server.privateKey)
            // (`Host` says that other server, as a replay by that server would.)
            let misdirected = try await NodeCluster.request(
                inbox, method: .POST, headers: FediverseTestServer.pairs(forOtherHost, keepingHost: true), body: body)
            #expect(misdirected.status == 401)
            #expect(try await Self.followerCount(node) == 0, "nothing was stored")
            #expect(server.requests.isEmpty, "nothing was sent")

            // A genuine Follow is accepted once; the same request again is a replay.
            var replayed: (headers: [(String, String)], body: Data)?
            let first = try await server.post(body: body, to: inbox, as: "ann") { headers in
                replayed = (FediverseTestServer.pairs(headers), body)
            }
            #expect(first.status == 202)
            let again = try await NodeCluster.request(inbox, method: .POST, headers: replayed!.headers, body: replayed!.body)
            #expect(again.status == 401)
            #expect(again.body.contains("received before"))
            #expect(try await Self.followerCount(node) == 1)
        }
    }

    @Test func aNodeWithoutAnOwnerTakesNoFollowers() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            let node = cluster[0]
            try await FediverseTestServer.run { server in
                let reply = try await server.post(Self.follow(server, "ann", of: node), to: node.url + "/actor/inbox", as: "ann")
                #expect(reply.status == 404)
                #expect(reply.body.contains("no owner"))
                #expect(try node.database().fediverseFollowers().isEmpty)
            }
        }
    }
}
