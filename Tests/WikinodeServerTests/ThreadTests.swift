import Foundation
import Testing
import WikinodeCore
import WikinodeTesting

/// The thread of a page on one node: its pages that reply to each other, hidden posts left out,
/// and the view following new replies.
@Suite struct ThreadTests {
    @Test func localRepliesFormTheThreadAndTheViewFollowsThem() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            let node = cluster[0]
            let database = try node.database()
            let top = node.url + "/wiki/Welcome"
            try await database.savePage(PageEdit(title: try PageTitle("First Answer"), markdown: "One.", author: "ann", inReplyTo: [top]))
            let before = try await NodeCluster.request(top + "/thread")
            #expect(before.status == 200)
            #expect(before.body.contains(#"href="\#(node.url)/wiki/First_Answer""#))
            #expect(before.body.contains("reply on this node"))
            // A reply to the reply comes: the cached thread follows.
            try await database.savePage(
                PageEdit(title: try PageTitle("Second <Answer>"), markdown: "Two.", author: "bob", inReplyTo: [node.url + "/wiki/First_Answer"]))
            let after = try await NodeCluster.request(top + "/thread")
            let first = try #require(after.body.range(of: "First Answer</a>"))
            let second = try #require(after.body.range(of: "Second &lt;Answer&gt;</a>"))
            #expect(first.upperBound < second.lowerBound)
            #expect(after.body[first.upperBound..<second.lowerBound].contains(#"<ol class="thread-replies">"#))
            // The reply's own thread shows what it replies to, read from this node.
            let found = try await NodeCluster.waitUntil(timeout: .seconds(10)) {
                let json = try await NodeCluster.request(node.url + "/wiki/Second_%3CAnswer%3E/thread.json").body
                return json.contains(#""title":"Welcome""#) && json.contains(#""title":"First Answer""#)
            }
            #expect(found != nil)
            // Pages of the thread link to it.
            #expect(try await NodeCluster.request(top).body.contains(#"href="/wiki/Welcome/thread""#))
            #expect(try await NodeCluster.request(node.url + "/wiki/Nowhere/thread").status == 404)
        }
    }
}
