import Foundation
import Testing
import WikinodeTesting

@testable import WikinodeCore

/// Whom a followed peer says it follows comes from the network: only http(s) base URLs of a
/// bounded size and number are kept, once each, and only they reach the neighbourhood's graph.
@Suite struct PeerFollowsTests {
    @Test func hostileFollowingListsAreCutToWhatIsValid() throws {
        let directory = try TemporaryDirectory()
        let database = try WikiDatabase.open(path: directory.path("wiki.sqlite").path)
        let peer = try database.recordFollowing(url: "http://127.0.0.1:9", name: "peer", publicKey: "a2V5").id!
        let hostile =
            [
                "javascript:alert(1)", "http://127.0.0.1:7", "http://127.0.0.1:7", "ftp://127.0.0.1:6", "http://", "not a url",
                "http://127.0.0.1:5/" + String(repeating: "x", count: 400), "http://127.0.0.1:4/\u{0}", "https://127.0.0.1:3",
            ] + (0..<500).map { "http://127.0.0.1:\(1000 + $0)" }
        try database.recordPeerFollows(peerId: peer, urls: hostile)
        let graph = try database.neighbourhoodGraph(ownURL: "http://127.0.0.1:8", ownName: "me")
        let second = graph.nodes.filter { $0.kind == "node" && $0.url != "http://127.0.0.1:9" }.map(\.url)
        #expect(Array(second.prefix(2)) == ["http://127.0.0.1:7", "https://127.0.0.1:3"])
        #expect(second.count == NodeInfo.maximumFollowing)
        #expect(!graph.nodes.contains { $0.url.hasPrefix("javascript:") || $0.url.hasPrefix("ftp:") })
        #expect(try !database.peerFollowsAreDue(peerId: peer))
        #expect(try database.peerFollowsAreDue(peerId: peer, now: Date() + WikiDatabase.peerFollowsRefreshInterval + 1))
    }
}
