import Foundation
import Testing
import WikinodeCore
import WikinodeTesting

/// Replies, likes and boosts from the fediverse join a page's conversation, as verified
/// Webmentions do: the post is read from its origin, never from the activity's body.
@Suite(.serialized) struct FediverseRepliesTests {
    /// A node with an owner and a post, a fediverse server, the post's address and the inbox.
    static func withPost(_ body: (NodeCluster.Node, FediverseTestServer, String, String) async throws -> Void) async throws {
        try await FediverseTestServer.withNode { node, database, server in
            let title = try PageTitle("A Question")
            try await database.savePage(
                PageEdit(title: title, markdown: "What do you think?", author: "owner"), post: PostSettings(publishedAt: Date() - 60))
            guard case .found(let page) = try database.lookup(title), let permalink = try database.post(of: page)?.post.permalinkPath else {
                Issue.record("no post")
                return
            }
            try await body(node, server, node.url + permalink, node.url + "/actor/inbox")
        }
    }

    static func note(_ server: FediverseTestServer, _ number: Int, by name: String = "ann", inReplyTo: String?, content: String) -> [String: Any] {
        var note: [String: Any] = [
            "id": server.actorURL(name) + "/statuses/\(number)", "type": "Note", "attributedTo": server.actorURL(name), "content": content,
            "published": "2026-12-07T01:00:00.123Z", "to": ["https://www.w3.org/ns/activitystreams#Public"],
        ]
        note["inReplyTo"] = inReplyTo
        return note
    }

    static func activity(_ type: String, _ object: Any, by server: FediverseTestServer, _ name: String = "ann", number: Int = 1) -> [String: Any] {
        ["id": server.actorURL(name) + "/activities/\(type.lowercased())/\(number)", "type": type, "actor": server.actorURL(name), "object": object]
    }

    static func responses(_ node: NodeCluster.Node) throws -> [Mention] {
        try node.database().allReceivedMentions().map(\.mention).filter { $0.protocol == .activitypub }
    }

    @Test func aReplyIsReadFromItsOriginShownEditedAndDeleted() async throws {
        try await Self.withPost { node, server, post, inbox in
            let note = Self.note(server, 1, inReplyTo: post, content: "<p>Great <b>post</b>!</p><p>Second <script>alert(1)</script>thought.</p>")
            server.setObject(note["id"] as! String, note)
            // The body claims other words: what is kept is what the origin says.
            var claimed = note
            claimed["content"] = "<p>Forged words</p>"
            let created = try await server.post(Self.activity("Create", claimed, by: server), to: inbox, as: "ann")
            #expect(created.status == 202, "\(created.body)")
            let reply = try #require(try Self.responses(node).first)
            #expect(reply.kind == .reply && reply.isShown)
            #expect(reply.sourceURL == note["id"] as? String)
            #expect(reply.excerpt == "Great post! Second thought.")
            #expect(reply.authorName == "Test ann (@ann@127.0.0.1)" && reply.authorURL == server.url + "/@ann")
            #expect(reply.authorPhoto == server.url + "/avatars/ann.png")
            #expect(reply.published != nil)
            // The post shows it, escaped, and its thread has it.
            let page = try await NodeCluster.request(post)
            #expect(page.body.contains("Great post! Second thought."))
            #expect(!page.body.contains("Forged") && !page.body.contains("<script>alert"))
            let thread = try await NodeCluster.request(node.url + "/wiki/A_Question/thread.json")
            #expect(thread.body.contains(note["id"] as! String))

            // A Webmention naming the same source cannot take it over.
            let webmention = try await NodeCluster.request(
                node.url + "/webmention", method: .POST, headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: Data("source=\(URLEncoding.component(note["id"] as! String))&target=\(URLEncoding.component(post))".utf8))
            #expect(webmention.status == 400 && webmention.body.contains("another account"))
            #expect(try Self.responses(node).first?.isShown == true)

            // Edited at its origin, then told by Update.
            var edited = note
            edited["content"] = "<p>Edited reply</p>"
            server.setObject(note["id"] as! String, edited)
            #expect(try await server.post(Self.activity("Update", edited, by: server), to: inbox, as: "ann").status == 202)
            #expect(try Self.responses(node).first?.excerpt == "Edited reply")

            // Moved to reply to another page: shown there, and no longer on the post.
            var moved = edited
            moved["inReplyTo"] = node.url + "/wiki/Welcome"
            server.setObject(note["id"] as! String, moved)
            #expect(try await server.post(Self.activity("Update", moved, by: server, number: 2), to: inbox, as: "ann").status == 202)
            let shown = try Self.responses(node).filter(\.isShown)
            #expect(shown.count == 1 && shown.first?.targetURL == node.url + "/wiki/Welcome")
            server.setObject(note["id"] as! String, edited)
            #expect(try await server.post(Self.activity("Update", edited, by: server, number: 3), to: inbox, as: "ann").status == 202)
            #expect(try Self.responses(node).filter(\.isShown).map(\.targetURL) == [post])

            // Liked and boosted, by two accounts; one like undone.
            let like = Self.activity("Like", post, by: server)
            #expect(try await server.post(like, to: inbox, as: "ann").status == 202)
            #expect(try await server.post(Self.activity("Like", post, by: server, "bob"), to: inbox, as: "bob").status == 202)
            #expect(try await server.post(Self.activity("Announce", post, by: server), to: inbox, as: "ann").status == 202)
            let kinds = try Self.responses(node).filter(\.isShown).map(\.kind)
            #expect(kinds.filter { $0 == .like }.count == 2 && kinds.filter { $0 == .repost }.count == 1)
            let undo = Self.activity("Undo", like, by: server, number: 2)
            #expect(try await server.post(undo, to: inbox, as: "ann").status == 202)
            #expect(try Self.responses(node).filter { $0.isShown && $0.kind == .like }.count == 1)
            // Nobody but its author can undo it.
            let stolen = Self.activity("Undo", Self.activity("Like", post, by: server, "bob"), by: server, "ann", number: 3)
            #expect(try await server.post(stolen, to: inbox, as: "ann").body.contains("ignored"))
            #expect(try Self.responses(node).filter { $0.isShown && $0.kind == .like }.count == 1)

            // Deleted at its origin: the reply goes.
            server.setObject(note["id"] as! String, nil)
            let tombstone: [String: Any] = ["id": note["id"] as! String, "type": "Tombstone"]
            #expect(try await server.post(Self.activity("Delete", tombstone, by: server), to: inbox, as: "ann").status == 202)
            #expect(try Self.responses(node).first { $0.kind == .reply }?.isShown == false)
            #expect(!(try await NodeCluster.request(post)).body.contains("Edited reply"))
        }
    }

    @Test func aNameCannotHideTheAccountsAddress() async throws {
        try await Self.withPost { node, server, post, inbox in
            // A name that claims another address, padded with invisible and reversing characters.
            server.setDisplayName("eve", "Gargron (@Gargron@mastodon.social)" + String(repeating: "\u{2800}", count: 90) + "\u{202E}\u{200B}")
            let note = Self.note(server, 7, by: "eve", inReplyTo: post, content: "<p>Trust me.</p>")
            server.setObject(note["id"] as! String, note)
            #expect(try await server.post(Self.activity("Create", note, by: server, "eve"), to: inbox, as: "eve").status == 202)
            let author = try #require(try Self.responses(node).first?.authorName)
            #expect(author.hasSuffix("(@eve@127.0.0.1)"), "\(author)")
            #expect(!author.unicodeScalars.contains { $0.value == 0x2800 || $0.value == 0x202E || $0.value == 0x200B })
        }
    }

    @Test func aNoteThatMentionsTheNodeIsAMentionOfItsFrontPage() async throws {
        try await Self.withPost { node, server, _, inbox in
            var note = Self.note(server, 5, inReplyTo: nil, content: "<p>Have you seen @owner? The ending surprised me.</p>")
            note["tag"] = [["type": "Mention", "href": node.url + "/actor", "name": "@owner@127.0.0.1"]]
            note["summary"] = "Spoilers"
            note["sensitive"] = true
            server.setObject(note["id"] as! String, note)
            #expect(try await server.post(Self.activity("Create", note, by: server), to: inbox, as: "ann").status == 202)
            let mention = try #require(try Self.responses(node).first)
            #expect(mention.kind == .mention && mention.isShown)
            #expect(mention.targetURL == node.url + "/")
            // Behind its content warning: the warning is shown, not what it warns of.
            #expect(mention.excerpt == "Content warning: Spoilers")
        }
    }

    @Test func postsThatSaySomethingElseAtTheirOriginAreNotShown() async throws {
        try await Self.withPost { node, server, post, inbox in
            // At its origin the note replies to something else: nothing is kept.
            let elsewhere = Self.note(server, 2, inReplyTo: "https://other.example/notes/9", content: "<p>Not about you</p>")
            server.setObject(elsewhere["id"] as! String, elsewhere)
            var claimed = elsewhere
            claimed["inReplyTo"] = post
            let answer = try await server.post(Self.activity("Create", claimed, by: server), to: inbox, as: "ann")
            #expect(answer.status == 202 && answer.body.contains("ignored"))
            // Not at its origin at all; attributed to another account; on another origin than its actor.
            let missing = Self.note(server, 3, inReplyTo: post, content: "<p>Gone</p>")
            #expect(try await server.post(Self.activity("Create", missing, by: server), to: inbox, as: "ann").status == 400)
            let bobs = Self.note(server, 4, by: "bob", inReplyTo: post, content: "<p>Bob's</p>")
            server.setObject(bobs["id"] as! String, bobs)
            var asAnn = Self.activity("Create", bobs, by: server)
            asAnn["object"] = bobs["id"]
            #expect(try await server.post(asAnn, to: inbox, as: "ann").status == 401)
            let foreign = Self.activity("Create", ["id": "http://127.0.0.2:9/notes/1", "type": "Note"], by: server)
            #expect(try await server.post(foreign, to: inbox, as: "ann").status == 401)
            // A like of something that is not here; a Create without an object.
            #expect(
                try await server.post(Self.activity("Like", "https://other.example/x", by: server), to: inbox, as: "ann").body.contains("ignored"))
            #expect(
                try await server.post(
                    ["id": server.actorURL("ann") + "/c/1", "type": "Create", "actor": server.actorURL("ann")], to: inbox, as: "ann"
                ).status == 400)
            #expect(try Self.responses(node).isEmpty, "nothing was kept")
            // A blocked domain: nothing from it is taken.
            try node.database().blockDomain("127.0.0.1")
            let reply = Self.note(server, 6, inReplyTo: post, content: "<p>From a blocked domain</p>")
            server.setObject(reply["id"] as! String, reply)
            let blocked = try await server.post(Self.activity("Create", reply, by: server), to: inbox, as: "ann")
            #expect(blocked.status == 400 && blocked.body.contains("not accepted"))
            #expect(try Self.responses(node).isEmpty)
        }
    }
}
