import Foundation
import Testing
import WikinodeCore
import WikinodeNetwork
import WikinodeTesting

/// Linkbacks through real parts: a node on 127.0.0.1 and a small website of our own.
@Suite(.serialized) struct LinkbackTests {
    static func sent(_ node: NodeCluster.Node) throws -> [SentMention] {
        try node.database().allSentMentions().map(\.mention)
    }

    static func waitUntilSettled(_ node: NodeCluster.Node, timeout: Duration = .seconds(15)) async throws -> Bool {
        try await NodeCluster.waitUntil(timeout: timeout) { try Self.sent(node).allSatisfy { $0.status != .pending } } != nil
    }

    @Test func sendsToTheEndpointEachTargetAdvertises() async throws {
        try await LinkbackTestSite.run { site in
            try await NodeCluster.run(count: 1) { cluster in
                let node = cluster[0]
                let targets = LinkbackTestSite.webmentionTargets.map { site.url + $0.path }
                let others = ["/target/pingback-header", "/target/pingback-link", "/target/trackback", "/target/none"].map { site.url + $0 }
                let own = node.url + "/wiki/Welcome"
                let markdown = (targets + others + [own]).enumerated().map { "- [link \($0.offset)](\($0.element))" }.joined(separator: "\n")
                let token = try node.makeToken()
                #expect(try await NodeCluster.putPage(node, title: "Linking Page", markdown: markdown, token: token).status == 201)
                #expect(try await Self.waitUntilSettled(node))
                let source = node.url + "/wiki/Linking_Page"
                let requests = site.requests
                for (path, endpoint) in LinkbackTestSite.webmentionTargets {
                    let hits = requests.filter { $0.path == endpoint && $0.form["target"] == site.url + path }
                    #expect(hits.count == 1, "\(path) → \(endpoint)")
                    #expect(hits.first?.form["source"] == source)
                    #expect(hits.first?.contentType.hasPrefix("application/x-www-form-urlencoded") == true)
                }
                #expect(!requests.contains { $0.path == "/endpoint/wrong" }, "commented, escaped and later endpoints are not used")
                let pingbacks = requests.filter { $0.path == "/xmlrpc" }
                #expect(pingbacks.count == 2)
                #expect(pingbacks.allSatisfy { $0.body.contains("<methodName>pingback.ping</methodName>") && $0.body.contains(source) })
                let trackback = try #require(requests.first { $0.path == "/tb/target" })
                #expect(trackback.form["url"] == source && trackback.form["title"] == "Linking Page" && trackback.form["blog_name"] == "node0")
                let states = Dictionary(uniqueKeysWithValues: try Self.sent(node).map { ($0.targetURL, $0) })
                #expect(states[site.url + "/target/none"]?.status == .noEndpoint)
                #expect(states[site.url + "/target/trackback"]?.protocol == "trackback")
                #expect(states[site.url + "/target/pingback-link"]?.protocol == "pingback")
                #expect(states[site.url + "/target/link-element"]?.protocol == "webmention")
                // The node never pings itself.
                #expect(states[own]?.status == .noEndpoint)
                #expect(try node.database().allReceivedMentions().isEmpty)

                // An edit that drops a link tells that target again, and every other one.
                let before = site.requests.count
                let fewer = "[only one](\(site.url)/target/link-element)"
                let revision = try #require(try node.database().lookup(try PageTitle("Linking Page")).livePage?.revisionId)
                #expect(
                    try await NodeCluster.putPage(node, title: "Linking Page", markdown: fewer, token: token, baseRevision: revision).status == 200)
                #expect(try await Self.waitUntilSettled(node))
                let resent = site.requests.dropFirst(before)
                #expect(resent.contains { $0.path == "/endpoint/header-absolute" }, "a target linked before is told again")
                #expect(resent.contains { $0.path == "/endpoint/link-element" })

                // Deleting the page tells its last targets again; the page answers 410.
                let beforeDelete = site.requests.count
                try node.database().deletePage(try PageTitle("Linking Page"), author: "tester")
                #expect(try await Self.waitUntilSettled(node))
                #expect(site.requests.dropFirst(beforeDelete).contains { $0.path == "/endpoint/link-element" })
                #expect(try await NodeCluster.request(source).status == 410)
            }
        }
    }

    @Test func unreachableTargetsAreRetriedAndRecorded() async throws {
        try await LinkbackTestSite.run { site in
            try await NodeCluster.run(count: 1) { cluster in
                let node = cluster[0]
                let markdown = "[broken](\(site.url)/target/broken) and [gone](http://127.0.0.1:1/nothing)"
                try await node.database().savePage(PageEdit(title: try PageTitle("Retries"), markdown: markdown, author: "t"))
                let retried = try await NodeCluster.waitUntil(timeout: .seconds(10)) {
                    try Self.sent(node).allSatisfy { $0.attempts >= 1 }
                }
                #expect(retried != nil)
                let states = try Self.sent(node)
                #expect(states.first { $0.targetURL.hasSuffix("/target/broken") }?.responseStatus == 500)
                #expect(states.allSatisfy { $0.response?.isEmpty == false })
            }
        }
    }
}
