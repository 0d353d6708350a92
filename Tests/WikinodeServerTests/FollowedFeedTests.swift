import Foundation
import Testing
import WikinodeCore
import WikinodeNetwork
import WikinodeTesting

/// Following weblogs that are not wikinodes: a node and a loopback site that serves Atom, RSS and
/// JSON feeds, valid, broken, huge, endless and changing.
@Suite("Following weblogs' feeds")
struct FollowedFeedTests {
    static func atom(entries: [String], etagNote: String = "") -> String {
        """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom">
          <title>Bob's weblog</title>
          <link rel="alternate" href="/blog/"/>
          <id>tag:bob.example,2026:feed</id>
          <updated>2026-12-01T10:00:00Z</updated>
          \(entries.joined(separator: "\n"))
        </feed>
        """
    }

    static func entry(id: String, title: String, updated: String, html: String) -> String {
        """
        <entry><id>\(id)</id><title>\(title)</title><link href="/blog/\(id)"/><updated>\(updated)</updated>
        <author><name>Bob</name></author><content type="html">\(html.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;"))</content></entry>
        """
    }

    @Test func aFeedGivenDirectlyIsMirroredSanitisedAndShownWithTheNeighbourhood() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            try await SiteTestServer.run { site in
                // Given a node with two pages, and a weblog whose posts link to one and share the other's title
                let node = cluster[0]
                let token = try node.makeToken()
                _ = try await NodeCluster.putPage(node, title: "Garden Notes", markdown: "Our notes on the garden.", token: token)
                _ = try await NodeCluster.putPage(node, title: "Compost", markdown: "How we compost.", token: token)
                let feed = Self.atom(entries: [
                    Self.entry(
                        id: "tag:bob.example,2026:1", title: "Garden Notes", updated: "2026-12-01T10:00:00Z",
                        html:
                            "<p>My <b>own</b> notes on gardens.<script>alert('x')</script></p><p onclick=\"steal()\">Read <a href=\"javascript:alert(1)\">this</a>.</p>"
                    ),
                    Self.entry(
                        id: "tag:bob.example,2026:2", title: "On rotting", updated: "2026-11-30T10:00:00Z",
                        html: "<p>See <a href=\"\(node.url)/wiki/Compost\">their compost page</a> about thermophilic bacteria.</p>"),
                ])
                site.serve("/feed.atom", contentType: "application/atom+xml", body: feed, etag: "\"v1\"")
                // When the node follows the feed's address
                // The node's own background pulls would race the test's: it is stopped.
                await node.stop()
                let peer = try await node.peering().follow(site.url + "/feed.atom")
                // Then it is a followed feed named by its title, at its home page
                #expect(peer.kind == .feed)
                #expect(peer.name == "Bob's weblog")
                #expect(peer.url == site.url + "/blog")
                #expect(peer.sourceURL == site.url + "/feed.atom")
                let database = try node.database()
                // and the post titled as a page here is its twin, sanitised
                let twin = try #require(try database.twins(of: PageTitle("Garden Notes").key).first)
                #expect(twin.peerName == "Bob's weblog")
                #expect(twin.url == site.url + "/blog/tag:bob.example,2026:1")
                #expect(twin.author == "Bob")
                #expect(twin.html.contains("<strong>own</strong>"))
                for forbidden in ["<script", "alert", "onclick", "javascript:"] {
                    #expect(!twin.html.contains(forbidden), "no \(forbidden) in the mirrored HTML")
                }
                // and the post that links to a page here is its backlink
                guard case .found(let compost) = try database.lookup(PageTitle("Compost")) else {
                    Issue.record("no Compost page")
                    return
                }
                #expect(try database.remoteBacklinks(of: compost).map(\.title) == ["On rotting"])
                // and both are found by the neighbourhood's search and listed in its recent changes
                #expect(try database.searchNeighbourhood("thermophilic").map(\.title) == ["On rotting"])
                let recent = try database.neighbourhoodChanges(limit: 10).compactMap { change -> String? in
                    if case .remote(let twin) = change { twin.title } else { nil }
                }
                #expect(recent == ["Garden Notes", "On rotting"])
                // And readers see it all on the node's pages
                try await node.start()
                let page = try await NodeCluster.request(node.url + "/wiki/Garden_Notes")
                #expect(page.body.contains("Bob&#39;s weblog") || page.body.contains("Bob's weblog"))
                let changes = try await NodeCluster.request(node.url + "/recent?peers=1")
                #expect(changes.body.contains("On rotting"))
                let graph = try await NodeCluster.request(node.url + "/wiki/Compost/graph.json")
                #expect(graph.body.contains("On rotting"))
                let peers = try await NodeCluster.request(node.url + "/peers")
                #expect(peers.body.contains("weblog feed"))
                #expect(peers.body.contains("reads <a href=\"\(site.url)/feed.atom\""))
            }
        }
    }

    @Test func aPageNamesItsFeedAndTheFeedIsReadAgainOnlyWhenItChanged() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            try await SiteTestServer.run { site in
                // Given a weblog whose home page names its RSS feed
                site.serve(
                    "/", contentType: "text/html",
                    body: "<!doctype html><title>Carol</title><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/rss.xml\">")
                func rss(_ items: [String]) -> String {
                    "<rss version=\"2.0\"><channel><title>Carol</title><link>\(site.url)/</link>\(items.joined())</channel></rss>"
                }
                let first =
                    "<item><title>Tea</title><link>\(site.url)/tea</link><guid>tea</guid><pubDate>Sat, 05 Dec 2026 10:00:00 GMT</pubDate><description>About tea.</description></item>"
                site.serve("/rss.xml", contentType: "application/rss+xml", body: rss([first]), lastModified: "Sat, 05 Dec 2026 10:00:00 GMT")
                // When the node follows the home page
                let node = cluster[0]
                // The node's own background pulls would race the test's: it is stopped.
                await node.stop()
                let peering = try node.peering()
                let peer = try await peering.follow(site.url + "/")
                #expect(peer.kind == .feed)
                #expect(peer.sourceURL == site.url + "/rss.xml")
                #expect(try node.database().peerStates().first?.pagesMirrored == 1)
                // Then a second pull sends the validator and changes nothing on a 304
                try await peering.pull(peerId: peer.id!)
                let conditional = try #require(site.requests(to: "/rss.xml").last)
                #expect(conditional.ifModifiedSince == "Sat, 05 Dec 2026 10:00:00 GMT")
                #expect(conditional.wasNotModified)
                // And when the feed gets a new item, the next pull adds it and keeps the old one
                let second =
                    "<item><title>Cake</title><link>\(site.url)/cake</link><guid>cake</guid><pubDate>Sun, 06 Dec 2026 10:00:00 GMT</pubDate><description>About cake.</description></item>"
                site.serve("/rss.xml", contentType: "application/rss+xml", body: rss([second]), lastModified: "Sun, 06 Dec 2026 10:00:00 GMT")
                try await peering.pull(peerId: peer.id!)
                let titles = try node.database().neighbourhoodChanges(limit: 10).compactMap { change -> String? in
                    if case .remote(let twin) = change { twin.title } else { nil }
                }
                #expect(titles == ["Cake", "Tea"])
                #expect(try node.database().peer(id: peer.id!)?.lastModified == "Sun, 06 Dec 2026 10:00:00 GMT")
            }
        }
    }

    @Test func aJSONFeedWithAChangedEntryReplacesItsCopyWhateverItsDate() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            try await SiteTestServer.run { site in
                func feed(_ text: String, modified: String) -> String {
                    """
                    {"version": "https://jsonfeed.org/version/1.1", "title": "Erin", "home_page_url": "\(site.url)/",
                     "items": [{"id": "1", "url": "\(site.url)/1", "content_text": "\(text)", "date_modified": "\(modified)"}]}
                    """
                }
                site.serve("/feed.json", contentType: "application/feed+json", body: feed("First words of a note", modified: "2026-12-01T00:00:00Z"))
                let node = cluster[0]
                // The node's own background pulls would race the test's: it is stopped.
                await node.stop()
                let peering = try node.peering()
                let peer = try await peering.follow(site.url + "/feed.json")
                // An entry without a title is named by its first words
                let key = try PageTitle("First words of a note").key
                #expect(try node.database().twin(of: key, peerId: peer.id!)?.markdown == "First words of a note")
                site.serve("/feed.json", contentType: "application/feed+json", body: feed("Second take", modified: "2026-12-02T00:00:00Z"))
                try await peering.pull(peerId: peer.id!)
                #expect(try node.database().twin(of: key, peerId: peer.id!) == nil)
                #expect(try node.database().twin(of: PageTitle("Second take").key, peerId: peer.id!) != nil)
                #expect(try node.database().peerStates().first?.pagesMirrored == 1)
                // An entry changed again with an earlier date (a corrected one) is still read
                site.serve("/feed.json", contentType: "application/feed+json", body: feed("Third take", modified: "2026-11-30T00:00:00Z"))
                try await peering.pull(peerId: peer.id!)
                #expect(try node.database().twin(of: PageTitle("Third take").key, peerId: peer.id!) != nil)
                #expect(try node.database().twin(of: PageTitle("Second take").key, peerId: peer.id!) == nil)
            }
        }
    }

    @Test func aBrokenFeedIsRecordedBackedOffAndLosesNothing() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            try await SiteTestServer.run { site in
                site.serve(
                    "/feed.atom", contentType: "application/atom+xml",
                    body: Self.atom(entries: [Self.entry(id: "a", title: "Kept", updated: "2026-12-01T10:00:00Z", html: "<p>kept</p>")]))
                let node = cluster[0]
                // The node's own background pulls would race the test's: it is stopped.
                await node.stop()
                let peering = try node.peering()
                let peer = try await peering.follow(site.url + "/feed.atom")
                // When the feed turns malformed
                site.serve("/feed.atom", contentType: "application/atom+xml", body: "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>b</id>")
                await #expect(throws: RemoteError.self) { try await peering.pull(peerId: peer.id!) }
                // Then the error is recorded with a backoff, and what was mirrored stays
                let state = try #require(try node.database().peerStates().first)
                #expect(state.peer.failures == 1)
                #expect(state.peer.lastError?.contains("not a readable feed") == true)
                #expect(state.peer.nextAttemptAt.map { $0 > Date() } == true)
                #expect(state.pagesMirrored == 1)
                // And a feed that declares entities is refused as such
                site.serve(
                    "/feed.atom", contentType: "application/atom+xml",
                    body: "<!DOCTYPE feed [<!ENTITY a \"aaaaaaaaaa\">]><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>&a;</title></feed>")
                await #expect(throws: RemoteError.self) { try await peering.pull(peerId: peer.id!) }
                #expect(try node.database().peer(id: peer.id!)?.lastError?.contains("entities") == true)
            }
        }
    }

    @Test func aFeedNamingAnotherFeedsHomePageDoesNotTakeItOver() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            try await SiteTestServer.run { site in
                // Two feeds that both say their home page is /blog/
                site.serve(
                    "/a.atom", contentType: "application/atom+xml",
                    body: Self.atom(entries: [Self.entry(id: "a", title: "From A", updated: "2026-12-01T10:00:00Z", html: "<p>a</p>")]))
                site.serve(
                    "/b.atom", contentType: "application/atom+xml",
                    body: Self.atom(entries: [Self.entry(id: "b", title: "From B", updated: "2026-12-01T10:00:00Z", html: "<p>b</p>")]))
                let node = cluster[0]
                await node.stop()
                let peering = try node.peering()
                let first = try await peering.follow(site.url + "/a.atom")
                let second = try await peering.follow(site.url + "/b.atom")
                // Each is its own followed site, read from its own address
                #expect(first.id != second.id)
                #expect(try node.database().peer(id: first.id!)?.sourceURL == site.url + "/a.atom")
                #expect(second.url == site.url + "/b.atom")
                let states = try node.database().peerStates()
                #expect(states.map(\.pagesMirrored) == [1, 1])
            }
        }
    }

    @Test(arguments: ["/huge", "/endless", "/plain", "/missing", "/slow"])
    func whatIsNotAReadableFeedIsNotFollowed(path: String) async throws {
        try await NodeCluster.run(count: 1) { cluster in
            try await SiteTestServer.run { site in
                site.serve("/plain", contentType: "text/html", body: "<!doctype html><title>No feeds</title><p>Nothing here.")
                let node = cluster[0]
                await node.stop()
                let started = ContinuousClock.now
                await #expect(throws: RemoteError.self) { try await node.peering().follow(site.url + path) }
                // The test timing allows 2 s a request.
                #expect(ContinuousClock.now - started < .seconds(10))
                let states = try node.database().peerStates()
                #expect(states.isEmpty)
            }
        }
    }

    @Test func aFeedIsUnfollowedWithItsEntriesAndAWikinodesFeedIsNotFollowedAsAFeed() async throws {
        try await NodeCluster.run(count: 2) { cluster in
            try await SiteTestServer.run { site in
                site.serve(
                    "/feed.atom", contentType: "application/atom+xml",
                    body: Self.atom(entries: [Self.entry(id: "a", title: "Gone soon", updated: "2026-12-01T10:00:00Z", html: "<p>x</p>")]))
                let node = cluster[0]
                // The node's own background pulls would race the test's: it is stopped.
                await node.stop()
                let peering = try node.peering()
                _ = try await peering.follow(site.url + "/feed.atom")
                try await peering.unfollow(site.url + "/feed.atom")
                let states = try node.database().peerStates()
                #expect(states.isEmpty)
                #expect(try node.database().twins(of: PageTitle("Gone soon").key).isEmpty)
                // Another wikinode's Atom feed is that node's: it is followed as a node.
                await #expect {
                    try await peering.follow(cluster[1].url + "/feed.atom")
                } throws: { error in
                    "\(error)".contains("follow it at \(cluster[1].url)")
                }
            }
        }
    }
}
