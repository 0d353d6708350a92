import Crypto
import Foundation
import Testing
import WikinodeCore
import WikinodeNetwork
import WikinodeTesting

/// `mention` notices: a node tells a peer it follows (or that follows it) of a link or a reply
/// by a signed notice; the peer queues it like a Webmention and verifies it by fetching the
/// source. Anyone else is told by Webmention, and so is a peer that refuses the notice.
@Suite(.serialized) struct MentionNoticeTests {
    static func put(_ node: NodeCluster.Node, _ title: String, token: String, markdown: String) async throws {
        let saved = try await NodeCluster.putPage(node, title: title, markdown: markdown, token: token)
        #expect((200..<300).contains(saved.status), "\(saved.body)")
    }

    /// A notice with the given JSON body, signed by `key` as `sender` for `receiver`'s inbox.
    static func signed(_ body: Data, from sender: String, to receiver: String, key: Curve25519.Signing.PrivateKey) throws -> [(String, String)] {
        let headers = try MessageSignature.sign(
            method: "POST", targetURI: receiver + "/api/inbox", contentType: "application/json", body: body, keyId: sender, key: key)
        return headers.map { ($0.name.rawName, $0.value) }
    }

    static func mention(from sender: String, source: Any?, target: Any?) throws -> Data {
        var object: [String: Any] = ["type": "mention", "actor": sender]
        object["source"] = source
        object["target"] = target
        return try JSONSerialization.data(withJSONObject: object)
    }

    @Test func aFollowedPeerIsToldByNoticeAndOthersByWebmention() async throws {
        try await NodeCluster.run(count: 3) { cluster in
            let (a, b, c) = (cluster[0], cluster[1], cluster[2])
            try await b.peering().follow(a.url)
            let top = a.url + "/wiki/Welcome"
            try await Self.put(b, "Answer", token: try b.makeToken(), markdown: "---\nin-reply-to: \(top)\n---\nB answers A.\n")
            try await Self.put(c, "Aside", token: try c.makeToken(), markdown: "---\nin-reply-to: \(top)\n---\nC, who follows nobody.\n")
            let answer = b.url + "/wiki/Answer"
            let aside = c.url + "/wiki/Aside"

            // A shows both as replies: B's came by the peer protocol, C's by Webmention.
            var received: [Mention] = []
            let arrived = try await NodeCluster.waitUntil(timeout: .seconds(20)) {
                received = try a.database().allReceivedMentions().map(\.mention)
                return [answer, aside].allSatisfy { source in received.contains { $0.sourceURL == source && $0.isShown } }
            }
            #expect(arrived != nil, "\(received.map { ($0.sourceURL, $0.status, $0.lastError ?? "") })")
            #expect(received.first { $0.sourceURL == answer }?.protocol == .wikinode)
            #expect(received.first { $0.sourceURL == answer }?.kind == .reply)
            #expect(received.first { $0.sourceURL == aside }?.protocol == .webmention)

            // Each sender recorded how it told A.
            func told(_ node: NodeCluster.Node, _ title: String) throws -> SentMention? {
                guard case .found(let page) = try node.database().lookup(try PageTitle(title)) else { return nil }
                return try node.database().sentMentions(ofPageId: page.id!).first { $0.targetURL == top }
            }
            let byNotice = try #require(try told(b, "Answer"))
            #expect(byNotice.status == .sent)
            #expect(byNotice.protocol == "wikinode")
            #expect(byNotice.endpoint == a.url + "/api/inbox")
            #expect(byNotice.responseStatus == 202)
            #expect(try told(c, "Aside")?.protocol == "webmention")

            // The thread of A's page has both replies.
            let thread = try await NodeCluster.request(top + "/thread.json")
            #expect(thread.body.contains(answer) && thread.body.contains(aside))
        }
    }

    @Test func aPeerThatRefusesTheNoticeIsToldByWebmention() async throws {
        try await NodeCluster.run(count: 2) { cluster in
            let (a, b) = (cluster[0], cluster[1])
            try await b.peering().follow(a.url)
            // A forgets B (as after a restore from backup): B's notices are refused with 401.
            let aDatabase = try a.database()
            let bAtA = try #require(try aDatabase.peer(url: b.url))
            try aDatabase.recordFollowerLeft(peerId: bAtA.id!)
            try aDatabase.forgetPeerIfUnused(peerId: bAtA.id!)
            #expect(try aDatabase.peer(url: b.url) == nil)

            try await Self.put(b, "Answer", token: try b.makeToken(), markdown: "B links to [A](\(a.url)/wiki/Welcome).\n")
            let answer = b.url + "/wiki/Answer"
            let arrived = try await NodeCluster.waitUntil(timeout: .seconds(20)) {
                try aDatabase.allReceivedMentions().contains { $0.mention.sourceURL == answer && $0.mention.isShown }
            }
            #expect(arrived != nil)
            #expect(try aDatabase.allReceivedMentions().first { $0.mention.sourceURL == answer }?.mention.protocol == .webmention)
        }
    }

    @Test func badMentionNoticesAreRefusedAndRecordNothing() async throws {
        try await NodeCluster.run(count: 2) { cluster in
            let (a, b) = (cluster[0], cluster[1])
            try await b.peering().follow(a.url)
            try await Self.put(b, "Answer", token: try b.makeToken(), markdown: "B links to [A](\(a.url)/wiki/Welcome).\n")
            let bKey = try b.configuration.dataDirectory.open().identity.privateKey
            let aDatabase = try a.database()
            let welcome = a.url + "/wiki/Welcome"
            func send(_ body: Data, key: Curve25519.Signing.PrivateKey? = nil, sender: String? = nil) async throws -> NodeCluster.Reply {
                let headers = try Self.signed(body, from: sender ?? b.url, to: a.url, key: key ?? bKey)
                return try await NodeCluster.request(a.url + "/api/inbox", method: .POST, headers: headers, body: body)
            }
            func fromB() throws -> [Mention] {
                try aDatabase.allReceivedMentions().map(\.mention).filter { $0.protocol == .wikinode }
            }
            // B tells A of its own page first.
            let told = try await NodeCluster.waitUntil(timeout: .seconds(15)) {
                try fromB().contains { $0.sourceURL == b.url + "/wiki/Answer" && $0.isShown }
            }
            #expect(told != nil)
            let before = try aDatabase.allReceivedMentions().map(\.mention)
            #expect(before.count == 1)

            let long = b.url + "/wiki/" + String(repeating: "x", count: 2100)
            let refused: [(String, Any?, Any?)] = [
                ("no source", nil, welcome),
                ("no target", b.url + "/wiki/Answer", nil),
                ("a source on another site", "http://127.0.0.1:1/wiki/Answer", welcome),
                ("a script source", "javascript:alert(1)", welcome),
                ("a source that climbs", b.url + "/wiki/../../etc/passwd", welcome),
                ("an oversized source", long, welcome),
                ("a source that is not text", 42, welcome),
                ("a target that is not here", b.url + "/wiki/Answer", "http://127.0.0.1:1/wiki/Welcome"),
                ("a missing page", b.url + "/wiki/Answer", a.url + "/wiki/Nothing_here"),
                ("a target off the wiki", b.url + "/wiki/Answer", a.url + "/api/inbox"),
                ("a script target", b.url + "/wiki/Answer", "javascript:alert(1)"),
                ("a target that is a list", b.url + "/wiki/Answer", [welcome]),
            ]
            for (name, source, target) in refused {
                let reply = try await send(try Self.mention(from: b.url, source: source, target: target))
                #expect(reply.status == 400, "\(name): \(reply.status) \(reply.body)")
                #expect(!reply.body.isEmpty, "\(name) says why")
            }
            #expect(try aDatabase.allReceivedMentions().map(\.mention) == before, "nothing recorded for a refused notice")

            // Forged, or from a node A does not know: 401.
            let genuine = try Self.mention(from: b.url, source: b.url + "/wiki/Answer", target: welcome)
            #expect(try await send(genuine, key: Curve25519.Signing.PrivateKey()).status == 401)
            let stranger = try Self.mention(from: "http://127.0.0.1:3", source: "http://127.0.0.1:3/wiki/X", target: welcome)
            #expect(try await send(stranger, key: Curve25519.Signing.PrivateKey(), sender: "http://127.0.0.1:3").status == 401)
            // Oversized: 413.
            let huge = try Self.mention(from: b.url, source: b.url + "/wiki/Answer", target: welcome + "?" + String(repeating: "y", count: 70_000))
            #expect(try await send(huge).status == 413)
            #expect(try aDatabase.allReceivedMentions().map(\.mention) == before)

            // The genuine notice, sent again, is the same mention, checked again.
            for _ in 0..<3 {
                let reply = try await send(genuine)
                #expect(reply.status == 202, "\(reply.body)")
                #expect(reply.body.contains("accepted"))
            }
            let verified = try await NodeCluster.waitUntil(timeout: .seconds(15)) {
                try fromB().contains { $0.sourceURL == b.url + "/wiki/Answer" && $0.isShown }
            }
            #expect(verified != nil)
            #expect(try fromB().count == 1)

            // A claimed link the source does not have is refused when checked.
            try await Self.put(a, "Other", token: try a.makeToken(), markdown: "Nobody links here.\n")
            #expect(try await send(try Self.mention(from: b.url, source: b.url + "/wiki/Answer", target: a.url + "/wiki/Other")).status == 202)
            let checked = try await NodeCluster.waitUntil(timeout: .seconds(15)) {
                try fromB().contains { $0.targetURL == a.url + "/wiki/Other" && $0.status == .rejected }
            }
            #expect(checked != nil, "the source was fetched and has no link to Other")

            // A blocked domain is refused at once.
            try aDatabase.blockDomain("127.0.0.1")
            let blocked = try await send(try Self.mention(from: b.url, source: b.url + "/wiki/Answer", target: welcome))
            #expect(blocked.status == 400)
            #expect(blocked.body.contains("not accepted"))
        }
    }
}
