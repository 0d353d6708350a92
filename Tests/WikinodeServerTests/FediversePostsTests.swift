import Foundation
import HTTPTypes
import Testing
import WikinodeCore
import WikinodeNetwork
import WikinodeTesting
import _CryptoExtras

/// Posts go out to fediverse followers: `Create` when a post becomes public, `Update` when it
/// changes, `Delete` when it is no longer public; once per server (its shared inbox), signed,
/// retried when the server is down.
@Suite(.serialized) struct FediversePostsTests {
    static func follow(_ server: FediverseTestServer, _ name: String, _ node: NodeCluster.Node) async throws {
        let follow: [String: Any] = [
            "id": server.actorURL(name) + "/follows/1", "type": "Follow", "actor": server.actorURL(name), "object": node.url + "/actor",
        ]
        let reply = try await server.post(follow, to: node.url + "/actor/inbox", as: name)
        #expect(reply.status == 202, "\(reply.body)")
    }

    /// The activities of `type` the server's shared inbox received so far.
    static func received(_ server: FediverseTestServer, _ type: String) -> [FediverseTestServer.Received] {
        server.requests.filter { $0.path == "/inbox" && $0.json["type"] as? String == type }
    }

    static func waitFor(_ server: FediverseTestServer, _ type: String, count: Int = 1) async throws -> [FediverseTestServer.Received] {
        _ = await NodeCluster.waitUntil(timeout: .seconds(15)) { received(server, type).count >= count }
        return received(server, type)
    }

    @Test func postsAreCreatedUpdatedAndDeletedOncePerServer() async throws {
        try await FediverseTestServer.withNode { node, database, server in
            // Two accounts of one server follow: one delivery reaches both.
            try await Self.follow(server, "ann", node)
            try await Self.follow(server, "bob", node)
            #expect(try database.fediverseDeliveryInboxes() == [server.url + "/inbox"])
            // A page that is not a post is not told.
            try await database.savePage(PageEdit(title: try PageTitle("Just a page"), markdown: "Nothing to post.", author: "owner"))

            let title = try PageTitle("First Post")
            try await database.savePage(
                PageEdit(title: title, markdown: "Hello, fediverse. See [[Welcome]].", author: "owner"),
                post: PostSettings(publishedAt: Date() - 60, tags: ["Hello"]))
            guard case .found(let page) = try database.lookup(title), let permalink = try database.post(of: page)?.post.permalinkPath else {
                Issue.record("no post")
                return
            }
            let objectId = node.url + permalink
            let created = try await Self.waitFor(server, "Create")
            #expect(created.count == 1)
            let create = try #require(created.first)
            let article = try #require(create.json["object"] as? [String: Any])
            #expect(article["id"] as? String == objectId && article["type"] as? String == "Article")
            #expect(article["name"] as? String == "First Post")
            #expect((article["content"] as? String)?.contains(#"href="\#(node.url)/wiki/Welcome""#) == true)
            #expect(create.json["actor"] as? String == node.url + "/actor")
            #expect(create.json["to"] as? [String] == ["https://www.w3.org/ns/activitystreams#Public"])
            #expect(create.json["cc"] as? [String] == [node.url + "/actor/followers"])
            // Signed with the node's key, as its actor publishes it.
            let actor = try await NodeCluster.request(node.url + "/actor", headers: [("Accept", "application/activity+json")])
            let pem = try #require((actor.json["publicKey"] as? [String: Any])?["publicKeyPem"] as? String)
            let signed = FediverseSignature.SignedRequest(
                method: "POST", path: create.path, targetURI: server.url + create.path, headers: create.headers, body: create.body)
            #expect(throws: Never.self) { try FediverseSignature.verify(signed, publicKey: try _RSA.Signing.PublicKey(pemRepresentation: pem)) }

            // An edit of the post is an Update of the same object.
            guard case .found(let current) = try database.lookup(title) else { return }
            try await database.savePage(
                PageEdit(title: title, markdown: "Hello, fediverse, edited.", author: "owner", expectation: .revision(current.revisionId)))
            let updated = try await Self.waitFor(server, "Update")
            #expect(updated.count == 1)
            #expect(((updated.first?.json["object"] as? [String: Any])?["content"] as? String)?.contains("edited") == true)
            #expect((updated.first?.json["object"] as? [String: Any])?["id"] as? String == objectId)

            // Unpublished: a Delete of it, as a Tombstone. Nothing more is sent for the plain page.
            try database.unpublish(title)
            let deleted = try await Self.waitFor(server, "Delete")
            #expect(deleted.count == 1)
            #expect((deleted.first?.json["object"] as? [String: Any])?["id"] as? String == objectId)
            #expect((deleted.first?.json["object"] as? [String: Any])?["type"] as? String == "Tombstone")
            try await Task.sleep(for: .seconds(1.5))
            #expect(Self.received(server, "Create").count == 1 && Self.received(server, "Update").count == 1)

            // Published again: a new object (servers keep a tombstone for the first), at the same address.
            try database.publish(title, as: PostSettings(publishedAt: Date() - 30))
            let again = try await Self.waitFor(server, "Create", count: 2)
            let republished = try #require(again.last?.json["object"] as? [String: Any])
            #expect(republished["id"] as? String == objectId + "?v=1")
            #expect(republished["url"] as? String == objectId)
            let fetched = try await NodeCluster.request(objectId, headers: [("Accept", "application/activity+json")])
            #expect(fetched.json["id"] as? String == objectId + "?v=1")
        }
    }

    @Test func aServerThatIsDownGetsThePostLaterAndAGoneOneIsGivenUp() async throws {
        try await FediverseTestServer.withNode { node, database, server in
            try await Self.follow(server, "ann", node)
            server.setInboxStatus("/inbox", 503)
            try await database.savePage(
                PageEdit(title: try PageTitle("While Down"), markdown: "Posted while the server is down.", author: "owner"),
                post: PostSettings(publishedAt: Date() - 60))
            // Tried, refused with 503, kept and tried again.
            let tried = await NodeCluster.waitUntil(timeout: .seconds(10)) { Self.received(server, "Create").count >= 2 }
            #expect(tried != nil)
            #expect(try database.pendingDeliveryCount() == 1)
            server.setInboxStatus("/inbox", 202)
            let delivered = try await NodeCluster.waitUntil(timeout: .seconds(10)) { try database.pendingDeliveryCount() == 0 }
            #expect(delivered != nil)

            // A 4xx other than 408 and 429 is final: given up at once.
            server.setInboxStatus("/inbox", 410)
            try await database.savePage(
                PageEdit(title: try PageTitle("To a Gone Server"), markdown: "Nobody there.", author: "owner"),
                post: PostSettings(publishedAt: Date() - 60))
            let givenUp = try await NodeCluster.waitUntil(timeout: .seconds(10)) {
                try Self.received(server, "Create").count >= 4 && database.pendingDeliveryCount() == 0
            }
            #expect(givenUp != nil)
        }
    }
}

/// The whole exchange with one fediverse server, as the issue tells it: it follows the node,
/// receives a post, replies to it, likes it, edits and deletes its reply, and unfollows; every
/// request the node sent it carries a signature that verifies with the node's published key.
@Suite(.serialized) struct FediverseConversationTests {
    @Test func aFediverseServerFollowsRepliesLikesEditsDeletesAndUnfollows() async throws {
        try await FediverseTestServer.withNode { node, database, server in
            let inbox = node.url + "/actor/inbox"
            let ann = server.actorURL("ann")
            let follow: [String: Any] = ["id": ann + "/follows/1", "type": "Follow", "actor": ann, "object": node.url + "/actor"]
            #expect(try await server.post(follow, to: inbox, as: "ann").status == 202)

            // The node publishes; the server receives the Create.
            try await database.savePage(
                PageEdit(title: try PageTitle("Conversation Starter"), markdown: "Shall we talk?", author: "owner"),
                post: PostSettings(publishedAt: Date() - 30))
            let creates = try await FediversePostsTests.waitFor(server, "Create")
            let article = try #require(creates.first?.json["object"] as? [String: Any])
            let postURL = try #require(article["id"] as? String)

            // It replies, likes, edits the reply, deletes it.
            var note: [String: Any] = [
                "id": ann + "/statuses/1", "type": "Note", "attributedTo": ann, "inReplyTo": postURL, "content": "<p>Yes, let's.</p>",
                "published": "2026-12-07T02:00:00Z",
            ]
            server.setObject(ann + "/statuses/1", note)
            #expect(
                try await server.post(["id": ann + "/c/1", "type": "Create", "actor": ann, "object": note], to: inbox, as: "ann").status == 202)
            #expect(
                try await server.post(["id": ann + "/likes/1", "type": "Like", "actor": ann, "object": postURL], to: inbox, as: "ann").status
                    == 202)
            let page = try await NodeCluster.request(postURL)
            #expect(page.body.contains("Yes, let&#39;s.") || page.body.contains("Yes, let's."))
            note["content"] = "<p>Yes, let's talk.</p>"
            server.setObject(ann + "/statuses/1", note)
            #expect(
                try await server.post(["id": ann + "/u/1", "type": "Update", "actor": ann, "object": note], to: inbox, as: "ann").status == 202)
            let responses = try database.allReceivedMentions().map(\.mention).filter { $0.protocol == .activitypub && $0.isShown }
            #expect(responses.contains { $0.kind == .reply && $0.excerpt == "Yes, let's talk." })
            #expect(responses.contains { $0.kind == .like })
            server.setObject(ann + "/statuses/1", nil)
            let delete: [String: Any] = [
                "id": ann + "/d/1", "type": "Delete", "actor": ann, "object": ["id": ann + "/statuses/1", "type": "Tombstone"],
            ]
            #expect(try await server.post(delete, to: inbox, as: "ann").status == 202)
            #expect(try database.allReceivedMentions().map(\.mention).contains { $0.kind == .reply && $0.isShown } == false)

            // It unfollows: the next post does not reach it.
            #expect(
                try await server.post(["id": ann + "/undo/1", "type": "Undo", "actor": ann, "object": follow], to: inbox, as: "ann").status == 202
            )
            try await database.savePage(
                PageEdit(title: try PageTitle("After Unfollowing"), markdown: "Nobody hears this.", author: "owner"),
                post: PostSettings(publishedAt: Date() - 30))
            try await Task.sleep(for: .seconds(1.5))
            #expect(FediversePostsTests.received(server, "Create").count == 1)

            // Every request the node sent verifies with the key its actor publishes.
            let actor = try await NodeCluster.request(node.url + "/actor", headers: [("Accept", "application/activity+json")])
            let pem = try #require((actor.json["publicKey"] as? [String: Any])?["publicKeyPem"] as? String)
            let key = try _RSA.Signing.PublicKey(pemRepresentation: pem)
            #expect(server.requests.count >= 2)
            for received in server.requests {
                let signed = FediverseSignature.SignedRequest(
                    method: "POST", path: received.path, targetURI: server.url + received.path, headers: received.headers, body: received.body)
                #expect(throws: Never.self, "\(received.path)") { try FediverseSignature.verify(signed, publicKey: key) }
            }
        }
    }
}
