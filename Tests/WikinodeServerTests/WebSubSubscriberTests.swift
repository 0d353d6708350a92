import Foundation
import GRDB
import Testing
import WikinodeCore
import WikinodeNetwork
import WikinodeTesting

/// A node subscribes at the WebSub hub a followed feed names, and the hub double, which plays
/// the hub's side of the W3C specification, verifies it and pushes to it.
@Suite("WebSub: pushes from the hubs of followed feeds")
struct WebSubSubscriberTests {
    static func feed(site: SiteTestServer, hub: WebSubHubDouble, entries: [(id: String, title: String)]) -> String {
        let items = entries.map { entry in
            "<entry><id>\(entry.id)</id><title>\(entry.title)</title><link href=\"/\(entry.id)\"/><updated>2026-12-0\(entries.count)T10:00:00Z</updated><content type=\"html\">&lt;p&gt;\(entry.title) text&lt;/p&gt;</content></entry>"
        }
        return """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>Pushed weblog</title>
            <link rel="hub" href="\(hub.url)"/><link rel="self" href="\(site.url)/feed.atom"/><link rel="alternate" href="\(site.url)/"/>
            \(items.joined())</feed>
            """
    }

    /// Follows the site's feed from a running node and waits until the hub has verified the
    /// subscription the node's background service asks for.
    static func subscribe(
        _ node: NodeCluster.Node, site: SiteTestServer, hub: WebSubHubDouble
    ) async throws -> (Peering, Peer, WebSubHubDouble.Request) {
        site.serve("/feed.atom", contentType: "application/atom+xml", body: feed(site: site, hub: hub, entries: [("1", "First post")]))
        let peering = try node.peering()
        let peer = try await peering.follow(site.url + "/feed.atom")
        let verified = try await NodeCluster.waitUntil(timeout: .seconds(10)) {
            try node.database().webSubSubscription(peerId: peer.id!)?.state == .active && hub.activeSubscriptions.count == 1
        }
        try #require(verified != nil, "the subscription is verified")
        return (peering, peer, hub.activeSubscriptions[0])
    }

    static func mirroredTitles(_ node: NodeCluster.Node, _ peer: Peer) throws -> Set<String> {
        Set(
            try node.database().neighbourhoodChanges(limit: 50).compactMap { change -> String? in
                if case .remote(let twin) = change, twin.peerId == peer.id { twin.title } else { nil }
            })
    }

    @Test func theNodeSubscribesIsPushedToAndDropsForgedPushes() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            try await SiteTestServer.run { site in
                try await WebSubHubDouble.run { hub in
                    let node = cluster[0]
                    // Given a followed feed whose hub verified the node's subscription
                    let (_, peer, request) = try await Self.subscribe(node, site: site, hub: hub)
                    #expect(request.topic == site.url + "/feed.atom")
                    #expect(request.callback.hasPrefix(node.url + NodeAddress.webSubCallbackPrefix))
                    #expect(request.leaseSeconds == WikiDatabase.webSubLeaseRequested)
                    let secret = try #require(request.secret)
                    #expect(secret.utf8.count >= 32 && secret.utf8.count < 200)
                    // and the feed is polled far less while its hub pushes
                    try await node.peering().pull(peerId: peer.id!)
                    let next = try #require(try node.database().peer(id: peer.id!)?.nextAttemptAt)
                    #expect(next > Date() + 60 * 5)
                    // When the hub pushes a signed new version of the feed
                    let pushed = Self.feed(site: site, hub: hub, entries: [("1", "First post"), ("2", "Pushed post")])
                    #expect(try await hub.publish(topic: request.topic, body: pushed, contentType: "application/atom+xml") == [202])
                    // Then its entry is mirrored at once
                    #expect(try Self.mirroredTitles(node, peer) == ["First post", "Pushed post"])
                    // And pushes that are signed wrongly or not at all are acknowledged and dropped
                    let forged = Self.feed(site: site, hub: hub, entries: [("3", "Forged post")])
                    #expect(try await hub.publish(topic: request.topic, body: forged, contentType: "application/atom+xml", signing: .wrong) == [202])
                    #expect(try await hub.publish(topic: request.topic, body: forged, contentType: "application/atom+xml", signing: .none) == [202])
                    #expect(try Self.mirroredTitles(node, peer) == ["First post", "Pushed post"])
                    #expect(try node.database().webSubSubscription(peerId: peer.id!)?.lastError?.contains("signature") == true)
                    // And a verification of another topic at the same callback is refused
                    #expect(try await hub.verify(request, topic: site.url + "/other.atom") == false)
                }
            }
        }
    }

    @Test func unfollowingUnsubscribesAndTheCallbackIsGone() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            try await SiteTestServer.run { site in
                try await WebSubHubDouble.run { hub in
                    let node = cluster[0]
                    let (peering, peer, request) = try await Self.subscribe(node, site: site, hub: hub)
                    // When the feed is unfollowed
                    try await peering.unfollow(site.url + "/feed.atom")
                    // Then the hub is asked to stop, its verification is confirmed, and the
                    // subscription is gone
                    let unsubscribed = await NodeCluster.waitUntil(timeout: .seconds(10)) {
                        hub.activeSubscriptions.isEmpty && hub.verifications.last?.request.mode == "unsubscribe"
                    }
                    #expect(unsubscribed != nil)
                    #expect(try node.database().webSubSubscription(peerId: peer.id!) == nil)
                    let late = try await NodeCluster.request(
                        request.callback, method: .POST, headers: [("Content-Type", "application/atom+xml")], body: Data("<feed/>".utf8))
                    #expect(late.status == 410)
                }
            }
        }
    }

    @Test func aLeaseIsRenewedBeforeItEndsAndADenialIsTakenNoteOf() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            try await SiteTestServer.run { site in
                try await WebSubHubDouble.run { hub in
                    hub.leaseSeconds.withLock { $0 = 600 }
                    let node = cluster[0]
                    let (_, peer, request) = try await Self.subscribe(node, site: site, hub: hub)
                    // The lease the hub gave is kept, and renewal is due at four fifths of it
                    let subscription = try #require(try node.database().webSubSubscription(peerId: peer.id!))
                    let lease = try #require(subscription.leaseExpiresAt)
                    #expect(abs(lease.timeIntervalSinceNow - 600) < 30)
                    #expect(abs(subscription.nextAttemptAt.timeIntervalSinceNow - 480) < 30)
                    // When four fifths of it have passed (the schedule is moved, not the clock)
                    let queue = try DatabaseQueue(path: node.configuration.dataDirectory.databasePath)
                    try await queue.write { db in
                        try db.execute(sql: "UPDATE webSubSubscription SET nextAttemptAt = ? WHERE id = ?", arguments: [Date(), subscription.id])
                    }
                    // Then the node asks again, and the hub verifies again
                    let renewed = await NodeCluster.waitUntil(timeout: .seconds(10)) {
                        hub.verifications.filter { $0.isConfirmed && $0.request.mode == "subscribe" }.count == 2
                    }
                    #expect(renewed != nil)
                    #expect(try node.database().webSubSubscription(peerId: peer.id!)?.state == .active)
                    // And when the hub denies the subscription, the feed is polled as before
                    #expect(try await hub.deny(request, reason: "Closed for subscribers") == 200)
                    let denied = try #require(try node.database().webSubSubscription(peerId: peer.id!))
                    #expect(denied.state == .denied)
                    #expect(denied.lastError?.contains("Closed for subscribers") == true)
                }
            }
        }
    }

    @Test func hostileCallbackRequestsAreRefused() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            let node = cluster[0]
            let callback = node.url + NodeAddress.webSubCallbackPrefix
            let unknown = try await NodeCluster.request(callback + "nope?hub.mode=subscribe&hub.topic=x&hub.challenge=c&hub.lease_seconds=9")
            #expect(unknown.status == 404)
            let incomplete = try await NodeCluster.request(callback + "nope?hub.challenge=c")
            #expect(incomplete.status == 400)
            let huge = try await NodeCluster.request(
                callback + "nope?hub.mode=subscribe&hub.topic=x&hub.challenge=" + String(repeating: "c", count: 2_000))
            #expect(huge.status == 400)
            let stranger = try await NodeCluster.request(callback + "nope", method: .POST, body: Data("<feed/>".utf8))
            #expect(stranger.status == 410)
            let oversized = try await NodeCluster.request(callback + "nope", method: .POST, body: Data(count: 5 << 20))
            #expect(oversized.status == 413)
        }
    }
}
