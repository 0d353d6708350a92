import Crypto
import Foundation
import Synchronization
import Testing
import WikinodeCore
import WikinodeNetwork
import WikinodeTesting

/// Several real nodes on 127.0.0.1 following each other.
@Suite(.serialized) struct PeeringTests {
    static func pages(_ count: Int, prefix: String = "Page", body: (Int) -> String = { "Text of page \($0), see [[Page \($0 + 1)]]." }) -> [PageEdit]
    {
        (0..<count).map { PageEdit(title: try! PageTitle("\(prefix) \($0)"), markdown: body($0), author: "alice") }
    }

    static func mirrored(_ node: NodeCluster.Node, from peer: NodeCluster.Node, title: String) throws -> Twin? {
        let database = try node.database()
        guard let peerId = try database.peer(url: peer.url)?.id else { return nil }
        return try database.twin(of: try PageTitle(title).key, peerId: peerId)
    }

    @Test func aNodeWhosePortIsTakenSaysSoInsteadOfWaitingForEver() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            // Given a node that was stopped, and something else listening on its port
            let node = cluster[0]
            await node.stop()
            let squatter = try RawConnection.listen(onPort: node.port)
            // When it starts again, it fails at once
            let start = ContinuousClock.now
            await #expect(throws: (any Error).self) { try await node.start() }
            #expect(ContinuousClock.now - start < .seconds(10))
            close(squatter)
            // And a node cannot be started twice
            try await node.start()
            await #expect(throws: NodeClusterError.self) { try await node.start() }
        }
    }

    @Test func followBackfillsEveryPageAndSubscribes() async throws {
        try await NodeCluster.run(count: 2) { cluster in
            let (a, b) = (cluster[0], cluster[1])
            _ = try a.database().importPages(Self.pages(500))
            let shares = Mutex<[Double]>([])
            let peer = try await b.peering().follow(a.url + "/") { share, _ in shares.withLock { $0.append(share) } }
            #expect(peer.url == a.url)
            #expect(shares.withLock { $0.last } == 1)
            let state = try #require(try b.database().peerStates().first)
            // 500 pages and the welcome pages A made on first run.
            let expected = try a.database().pageCount()
            #expect(state.pagesMirrored == expected)
            #expect(state.peer.lastSyncAt != nil && state.peer.lastError == nil)
            let follower = try #require(try a.database().peer(url: b.url))
            #expect(follower.isFollower && !follower.isFollowing)
            let twin = try #require(try Self.mirrored(b, from: a, title: "Page 7"))
            #expect(twin.markdown == "Text of page 7, see [[Page 8]].")
            // Wiki links in a peer's page lead to the peer, rendered safely here.
            #expect(twin.html.contains("href=\"\(a.url)/wiki/Page_8\""))
            // Following again changes nothing and pulls nothing twice.
            try await b.peering().follow(a.url)
            #expect(try b.database().peerStates().first?.pagesMirrored == expected)
        }
    }

    @Test func anEditArrivesByNoticeWithinTwoSeconds() async throws {
        try await NodeCluster.run(count: 2) { cluster in
            let (a, b) = (cluster[0], cluster[1])
            let token = try a.makeToken()
            try await b.peering().follow(a.url)
            let reply = try await NodeCluster.putPage(a, title: "Fresh News", markdown: "Hot off the press.", token: token)
            #expect(reply.status == 201)
            let waited = try await NodeCluster.waitUntil(timeout: .seconds(2)) {
                try Self.mirrored(b, from: a, title: "Fresh News")?.markdown == "Hot off the press."
            }
            #expect(waited != nil)
        }
    }

    @Test func aNodeThatWasDownCatchesUpExactly() async throws {
        try await NodeCluster.run(count: 2) { cluster in
            let (a, b) = (cluster[0], cluster[1])
            _ = try a.database().importPages(Self.pages(60))
            try await b.peering().follow(a.url)
            await b.stop()
            let token = try a.makeToken()
            for index in 0..<50 {
                guard case .found(let page) = try a.database().lookup(try PageTitle("Page \(index)")) else {
                    Issue.record("no page")
                    return
                }
                let revision = page.revisionId
                let reply = try await NodeCluster.putPage(
                    a, title: "Page \(index)", markdown: "Changed while B slept: \(index).", token: token, baseRevision: revision)
                #expect(reply.status == 200)
            }
            try await b.start()
            let caughtUp = try await NodeCluster.waitUntil(timeout: .seconds(10)) {
                try (0..<50).allSatisfy { try Self.mirrored(b, from: a, title: "Page \($0)")?.markdown == "Changed while B slept: \($0)." }
            }
            #expect(caughtUp != nil)
            #expect(try Self.mirrored(b, from: a, title: "Page 55")?.markdown == "Text of page 55, see [[Page 56]].")
            let peer = try #require(try b.database().peer(url: a.url))
            #expect(peer.cursor == (try a.database().latestChangeSeq()))
            #expect(try b.database().peerStates().first?.pagesMirrored == (try a.database().pageCount()))
        }
    }

    @Test func renamesAndDeletesReachFollowers() async throws {
        try await NodeCluster.run(count: 2) { cluster in
            let (a, b) = (cluster[0], cluster[1])
            _ = try a.database().importPages(Self.pages(3))
            try await b.peering().follow(a.url)
            try a.database().renamePage(try PageTitle("Page 1"), to: try PageTitle("Page One"), author: "alice")
            try a.database().deletePage(try PageTitle("Page 2"), author: "alice")
            let done = try await NodeCluster.waitUntil(timeout: .seconds(5)) {
                try Self.mirrored(b, from: a, title: "Page One") != nil && Self.mirrored(b, from: a, title: "Page 1") == nil
                    && Self.mirrored(b, from: a, title: "Page 2") == nil
            }
            #expect(done != nil)
            #expect(try Self.mirrored(b, from: a, title: "Page 0") != nil)
        }
    }

    @Test func aRingOfThreeNodesSeesEveryChange() async throws {
        try await NodeCluster.run(count: 3) { cluster in
            for index in 0..<3 {
                try await cluster[index].peering().follow(cluster[(index + 1) % 3].url)
            }
            for index in 0..<3 {
                let token = try cluster[index].makeToken()
                try await NodeCluster.putPage(cluster[index], title: "Ring Page", markdown: "Written on node \(index).", token: token)
            }
            for index in 0..<3 {
                let (node, peer) = (cluster[index], cluster[(index + 1) % 3])
                let seen = try await NodeCluster.waitUntil(timeout: .seconds(3)) {
                    try Self.mirrored(node, from: peer, title: "Ring Page")?.markdown == "Written on node \((index + 1) % 3)."
                }
                #expect(seen != nil, "node \(index) sees its peer's page")
                #expect(try node.database().peer(url: cluster[(index + 2) % 3].url)?.isFollower == true)
            }
        }
    }

    @Test func aNodeNeverFollowsItselfAndRefusesImpostors() async throws {
        try await NodeCluster.run(count: 2) { cluster in
            let (a, b) = (cluster[0], cluster[1])
            await #expect(throws: RemoteError.self) { try await a.peering().follow(a.url) }
            // The same node under another name of its address: its key gives it away, or its
            // node info names another address.
            await #expect(throws: RemoteError.self) { try await a.peering().follow("http://127.0.0.1:\(a.port)/") }
            await #expect(throws: RemoteError.self) { try await a.peering().follow("ftp://127.0.0.1:\(b.port)") }
            await #expect(throws: RemoteError.self) { try await a.peering().follow("http://127.0.0.1:\(b.port)/?x=1") }
            let states = try a.database().peerStates()
            #expect(states.isEmpty)
        }
    }
}

extension PeeringTests {
    @Test func aScheduledPostReachesFollowersWhenItsTimeComes() async throws {
        try await NodeCluster.run(count: 2) { cluster in
            let (a, b) = (cluster[0], cluster[1])
            try await b.peering().follow(a.url)
            let token = try a.makeToken()
            let soon = Date() + 1.5
            let markdown = "---\nkind: post\ndate: \(soon.formatted(Date.ISO8601FormatStyle()))\n---\nNot yet."
            #expect(try await NodeCluster.putPage(a, title: "Scheduled Post", markdown: markdown, token: token).status == 201)
            try await Task.sleep(for: .milliseconds(500))
            #expect(try Self.mirrored(b, from: a, title: "Scheduled Post") == nil)
            let arrived = try await NodeCluster.waitUntil(timeout: .seconds(5)) { try Self.mirrored(b, from: a, title: "Scheduled Post") != nil }
            #expect(arrived != nil)
        }
    }
}
