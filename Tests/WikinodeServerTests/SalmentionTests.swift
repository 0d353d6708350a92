import Foundation
import Testing
import WikinodeCore
import WikinodeTesting

/// Three real nodes on loopback: B replies to A's page, C replies to B's reply. A never hears of
/// C, yet shows C's reply under B's, because B tells A again when its responses change.
@Suite struct SalmentionTests {
    static func put(_ node: NodeCluster.Node, _ title: String, token: String, markdown: String) async throws {
        let saved = try await NodeCluster.putPage(node, title: title, markdown: markdown, token: token)
        #expect((200..<300).contains(saved.status), "\(saved.body)")
    }

    /// The comments A keeps for B's reply, once some condition on them holds.
    static func aWaits(_ a: NodeCluster.Node, until holds: ([Mention]) -> Bool) async throws -> [Mention]? {
        var found: [Mention]?
        _ = try await NodeCluster.waitUntil(timeout: .seconds(20)) {
            let mentions = try a.database().allReceivedMentions().map(\.mention)
            if holds(mentions) { found = mentions }
            return found != nil
        }
        return found
    }

    @Test func repliesToRepliesTravelUpAndDisappearWhenRemoved() async throws {
        try await NodeCluster.run(count: 3) { cluster in
            let (a, b, c) = (cluster[0], cluster[1], cluster[2])
            let top = a.url + "/wiki/Welcome"
            try await Self.put(b, "Answer", token: try b.makeToken(), markdown: "---\nin-reply-to: \(top)\n---\nB answers A.\n")
            let answer = b.url + "/wiki/Answer"
            let first = try await Self.aWaits(a) { $0.contains { $0.sourceURL == answer && $0.isShown } }
            #expect(first?.first?.kind == .reply)

            let cToken = try c.makeToken()
            let hostile = #"C <b onmouseover="alert(1)">disagrees</b> ]]> "quoted" & more."#
            try await Self.put(c, "Counter", token: cToken, markdown: "---\nin-reply-to: \(answer)\n---\n\(hostile)\n")
            let counter = c.url + "/wiki/Counter"
            // B files C's reply, shows it as a p-comment h-cite, and tells A again; A reads it there.
            let second = try await Self.aWaits(a) { mentions in
                mentions.contains { $0.sourceURL == answer && $0.comments.contains { $0.url == counter } }
            }
            let nested = try #require(second?.first { $0.sourceURL == answer }?.comments.first)
            #expect(nested.excerpt.contains("C disagrees"))
            #expect(nested.title == "Counter")
            #expect(try a.database().allReceivedMentions().allSatisfy { $0.mention.sourceURL != counter }, "A was never told by C")

            // A's page shows C's reply inside B's, both as comments of A's entry.
            let page = try await NodeCluster.request(top)
            let bAt = try #require(page.body.range(of: #"href="\#(answer)""#))
            let cAt = try #require(page.body.range(of: #"href="\#(counter)""#))
            #expect(bAt.lowerBound < cAt.lowerBound)
            let between = page.body[bAt.upperBound..<cAt.lowerBound]
            #expect(between.contains(#"<ol class="reply-list">"#) && !between.contains("</li>"), "C's reply is nested in B's")
            #expect(!page.body.contains("onmouseover"))
            #expect(page.body.contains("&lt;b") || !page.body.contains("<b "))

            // A's thread has both, nested, newest marked; C's thread knows the chain above it.
            let thread = try JSONSerialization.jsonObject(with: Data(try await NodeCluster.request(top + "/thread.json").body.utf8)) as? [String: Any]
            let replies = (thread?["page"] as? [String: Any])?["replies"] as? [[String: Any]]
            #expect(replies?.first?["url"] as? String == answer)
            #expect(((replies?.first?["replies"] as? [[String: Any]])?.first?["url"] as? String) == counter)
            let threadPage = try await NodeCluster.request(top + "/thread")
            #expect(threadPage.status == 200)
            #expect(threadPage.body.contains(#"<li class="thread-entry reply newest">"#))
            #expect(!threadPage.body.contains("onmouseover"))
            let chain = try await NodeCluster.waitUntil(timeout: .seconds(15)) {
                let json = try JSONSerialization.jsonObject(with: Data(try await NodeCluster.request(counter + "/thread.json").body.utf8))
                let above = (json as? [String: Any])?["inReplyTo"] as? [[[String: Any]]]
                return above?.first?.compactMap { $0["url"] as? String } == [top, answer]
                    && above?.first?.last?["title"] as? String == "Answer"
            }
            #expect(chain != nil, "C's thread shows A, then B, above it")

            // C deletes its reply: C tells B, B no longer shows it and tells A, and A drops it.
            let deleted = try await NodeCluster.request(
                counter.replacingOccurrences(of: "/wiki/", with: "/api/pages/"), method: .DELETE, headers: [("Authorization", "Bearer \(cToken)")])
            #expect((200..<300).contains(deleted.status), "\(deleted.body)")
            let third = try await Self.aWaits(a) { mentions in
                mentions.contains { $0.sourceURL == answer && $0.isShown && $0.comments.isEmpty }
            }
            #expect(third != nil)
            let after = try await NodeCluster.request(top)
            #expect(!after.body.contains(counter))
            #expect(after.body.contains(answer))
        }
    }
}
