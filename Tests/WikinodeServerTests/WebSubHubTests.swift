import Crypto
import Foundation
import Testing
import WikinodeCore
import WikinodeTesting

/// The node's own WebSub hub, tested with a subscriber double on loopback that plays the
/// subscriber's side of the W3C specification.
@Suite("WebSub: the node's own hub")
struct WebSubHubTests {
    static func ask(_ node: NodeCluster.Node, _ fields: [(String, String)]) async throws -> NodeCluster.Reply {
        let body = fields.map { "\($0.0)=\(URLEncoding.component($0.1))" }.joined(separator: "&")
        return try await NodeCluster.request(
            node.url + NodeAddress.webSubHub, method: .POST, headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Data(body.utf8))
    }

    /// Writes the page, as a new page or over its current revision.
    static func edit(_ node: NodeCluster.Node, _ title: String, _ markdown: String, token: String) async throws {
        let revision = try node.database().lookup(try PageTitle(title)).livePage?.revisionId
        let reply = try await NodeCluster.putPage(node, title: title, markdown: markdown, token: token, baseRevision: revision)
        try #require((200..<300).contains(reply.status), "\(reply.body)")
    }

    static func header(_ reply: NodeCluster.Reply, _ name: String) -> [String] {
        reply.headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1)
    }

    @Test func everyFeedAndPageNamesTheHubAndItsTopic() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            let node = cluster[0]
            _ = try await NodeCluster.putPage(node, title: "Notes", markdown: "Some notes.", token: try node.makeToken())
            let atom = try await NodeCluster.request(node.url + "/feed.atom")
            #expect(Self.header(atom, "Link").joined().contains("</websub/hub>; rel=\"hub\", </feed.atom>; rel=\"self\""))
            #expect(atom.body.contains("<link rel=\"hub\" href=\"\(node.url)/websub/hub\"/>"))
            let rss = try await NodeCluster.request(node.url + "/feed.rss")
            #expect(rss.body.contains("<atom:link href=\"\(node.url)/websub/hub\" rel=\"hub\"/>"))
            let json = try await NodeCluster.request(node.url + "/feed.json")
            #expect((json.json["hubs"] as? [[String: String]])?.first?["url"] == node.url + "/websub/hub")
            let page = try await NodeCluster.request(node.url + "/wiki/Notes")
            #expect(Self.header(page, "Link").joined().contains("</websub/hub>; rel=\"hub\", </wiki/Notes/history.atom>; rel=\"self\""))
            let history = try await NodeCluster.request(node.url + "/wiki/Notes/history.atom")
            #expect(Self.header(history, "Link").joined().contains("</wiki/Notes/history.atom>; rel=\"self\""))
            #expect(history.body.contains("rel=\"hub\""))
        }
    }

    @Test func aSubscriberIsVerifiedAndPushedEachChangeSigned() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            try await WebSubSubscriberDouble.run { subscriber in
                // Given a page, and a subscriber of its history feed with a secret
                let node = cluster[0]
                let token = try node.makeToken()
                _ = try await NodeCluster.putPage(node, title: "Notes", markdown: "First words.", token: token)
                let topic = node.url + "/wiki/Notes/history.atom"
                let asked = try await Self.ask(
                    node,
                    [
                        ("hub.mode", "subscribe"), ("hub.topic", topic), ("hub.callback", subscriber.callback("a")),
                        ("hub.secret", "a secret of the subscriber"), ("hub.lease_seconds", "7200"),
                    ])
                #expect(asked.status == 202)
                // Then the hub verifies the subscriber's intent with the lease it grants
                let verified = await NodeCluster.waitUntil(timeout: .seconds(10)) { !subscriber.verifications.isEmpty }
                #expect(verified != nil)
                let verification = try #require(subscriber.verifications.first)
                #expect(verification.callback == subscriber.callback("a") && verification.mode == "subscribe")
                #expect(verification.topic == topic && verification.leaseSeconds == 7200)
                _ = try await NodeCluster.waitUntil(timeout: .seconds(5)) { try node.database().hubSubscribers().count == 1 }
                // When the page changes
                try await Self.edit(node, "Notes", "Second words.", token: token)
                // Then the feed is pushed, signed with the secret, naming the hub and the topic
                let pushed = await NodeCluster.waitUntil(timeout: .seconds(10)) { !subscriber.deliveries.isEmpty }
                try #require(pushed != nil)
                let delivery = subscriber.deliveries[0]
                #expect(delivery.contentType.hasPrefix("application/atom+xml"))
                #expect(String(decoding: delivery.body, as: UTF8.self).contains("Second words."))
                let expected = HMAC<SHA256>.authenticationCode(for: delivery.body, using: SymmetricKey(data: Data("a secret of the subscriber".utf8)))
                #expect(delivery.signature == "sha256=" + Hex.encode(expected))
                #expect(delivery.link == "<\(node.url)/websub/hub>; rel=\"hub\", <\(topic)>; rel=\"self\"")
                // And an unsubscription, once verified, ends the pushes
                #expect(
                    try await Self.ask(node, [("hub.mode", "unsubscribe"), ("hub.topic", topic), ("hub.callback", subscriber.callback("a"))]).status
                        == 202)
                let ended = try await NodeCluster.waitUntil(timeout: .seconds(10)) { try node.database().hubSubscribers().isEmpty }
                #expect(ended != nil)
                #expect(subscriber.verifications.last?.mode == "unsubscribe")
                // (with no subscriber left, a later change queues nothing)
                try await Self.edit(node, "Notes", "Third words.", token: token)
                let owed = try node.database().nextOutboxDate(for: .webSubSubscriber)
                #expect(owed == nil)
            }
        }
    }

    @Test func refusedCallbacksAreNotSubscribedAndFailingOnesAreRetriedThenDropped() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            try await WebSubSubscriberDouble.run { subscriber in
                let node = cluster[0]
                let token = try node.makeToken()
                _ = try await NodeCluster.putPage(node, title: "Notes", markdown: "First words.", token: token)
                subscriber.refusing.withLock { $0 = ["no"] }
                subscriber.pushStatus.withLock { $0 = ["flaky": 500, "gone": 410] }
                for name in ["no", "flaky", "gone"] {
                    let reply = try await Self.ask(
                        node, [("hub.mode", "subscribe"), ("hub.topic", node.url + "/recent.atom"), ("hub.callback", subscriber.callback(name))])
                    #expect(reply.status == 202)
                }
                let settled = try await NodeCluster.waitUntil(timeout: .seconds(10)) {
                    try subscriber.verifications.count == 3 && node.database().pendingHubRequests().isEmpty
                }
                #expect(settled != nil)
                // The callback that refused is no subscriber; the others are
                #expect(Set(try node.database().hubSubscribers().map(\.callbackURL)) == [subscriber.callback("flaky"), subscriber.callback("gone")])
                try await Self.edit(node, "Notes", "Second words.", token: token)
                // A push answered 410 drops its subscriber; one answered 500 is tried again
                let retried = await NodeCluster.waitUntil(timeout: .seconds(10)) {
                    subscriber.deliveries.filter { $0.callback == subscriber.callback("flaky") }.count >= 2
                }
                #expect(retried != nil)
                #expect(subscriber.deliveries.filter { $0.callback == subscriber.callback("gone") }.count == 1)
                #expect(try node.database().hubSubscribers().map(\.callbackURL) == [subscriber.callback("flaky")])
                // Not signed: that subscriber gave no secret
                #expect(subscriber.deliveries.allSatisfy { $0.signature == nil })
            }
        }
    }

    @Test func oneCallbackHostGetsOnlyItsShareOfTheHub() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            try await WebSubSubscriberDouble.run { subscriber in
                // Given a host whose callbacks hold as many subscriptions as one host may have
                let node = cluster[0]
                let share = WikiDatabase.maximumHubSubscribersPerHost
                for batch in stride(from: 0, to: share, by: WikiDatabase.maximumHubRequestsPerHost) {
                    for index in batch..<min(share, batch + WikiDatabase.maximumHubRequestsPerHost) {
                        let reply = try await Self.ask(
                            node,
                            [("hub.mode", "subscribe"), ("hub.topic", node.url + "/recent.atom"), ("hub.callback", subscriber.callback("c\(index)"))])
                        try #require(reply.status == 202, "\(reply.body)")
                    }
                    _ = try await NodeCluster.waitUntil(timeout: .seconds(10)) { try node.database().pendingHubRequests().isEmpty }
                }
                #expect(try node.database().hubSubscribers().count == share)
                // When it asks for one more, for another feed
                let refused = try await Self.ask(
                    node, [("hub.mode", "subscribe"), ("hub.topic", node.url + "/feed.atom"), ("hub.callback", subscriber.callback("more"))])
                // Then it is refused with the reason, and renewing one it has is still taken
                #expect(refused.status == 429)
                #expect(refused.body.contains("127.0.0.1 has as many subscriptions"), "\(refused.body)")
                let renewal = try await Self.ask(
                    node, [("hub.mode", "subscribe"), ("hub.topic", node.url + "/recent.atom"), ("hub.callback", subscriber.callback("c7"))])
                #expect(renewal.status == 202)
            }
        }
    }

    @Test func badRequestsAreRefusedWithAReason() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            let node = cluster[0]
            let callback = "http://127.0.0.1:9/callback"
            let cases: [([(String, String)], Int, String)] = [
                ([("hub.topic", node.url + "/feed.atom"), ("hub.callback", callback)], 400, "hub.mode"),
                ([("hub.mode", "publish"), ("hub.topic", node.url + "/feed.atom"), ("hub.callback", callback)], 400, "hub.mode"),
                ([("hub.mode", "subscribe"), ("hub.topic", node.url + "/wiki/Missing/history.atom"), ("hub.callback", callback)], 400, "hub.topic"),
                ([("hub.mode", "subscribe"), ("hub.topic", "http://127.0.0.1:1/feed.atom"), ("hub.callback", callback)], 400, "hub.topic"),
                ([("hub.mode", "subscribe"), ("hub.topic", node.url + "/peers"), ("hub.callback", callback)], 400, "hub.topic"),
                ([("hub.mode", "subscribe"), ("hub.topic", node.url + "/feed.atom"), ("hub.callback", "ftp://127.0.0.1/x")], 400, "hub.callback"),
                ([("hub.mode", "subscribe"), ("hub.topic", node.url + "/feed.atom"), ("hub.callback", "javascript:alert(1)")], 400, "hub.callback"),
                (
                    [
                        ("hub.mode", "subscribe"), ("hub.topic", node.url + "/feed.atom"), ("hub.callback", callback),
                        ("hub.secret", String(repeating: "s", count: 200)),
                    ], 400, "hub.secret"
                ),
                (
                    [("hub.mode", "subscribe"), ("hub.topic", node.url + "/feed.atom"), ("hub.callback", callback), ("hub.lease_seconds", "-5")], 400,
                    "lease"
                ),
                ([("hub.mode", "unsubscribe"), ("hub.topic", node.url + "/feed.atom"), ("hub.callback", callback)], 400, "nothing to end"),
            ]
            for (fields, status, word) in cases {
                let reply = try await Self.ask(node, fields)
                #expect(reply.status == status, "\(fields)")
                #expect(reply.body.contains(word), "\(fields): \(reply.body.prefix(200))")
            }
            let wrongType = try await NodeCluster.request(
                node.url + NodeAddress.webSubHub, method: .POST, headers: [("Content-Type", "application/json")], body: Data("{}".utf8))
            #expect(wrongType.status == 415)
            let oversized = try await NodeCluster.request(
                node.url + NodeAddress.webSubHub, method: .POST, headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: Data(count: 64 << 10))
            #expect(oversized.status == 413)
            let requests = try node.database().pendingHubRequests()
            #expect(requests.isEmpty)
        }
    }
}
