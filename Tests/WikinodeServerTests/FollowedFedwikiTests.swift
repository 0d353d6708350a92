import Foundation
import Testing
import WikinodeCore
import WikinodeNetwork
import WikinodeTesting

/// Following a Federated Wiki site: a loopback site that serves fedwiki's own default pages (as
/// `fedwiki/wiki-server` ships them) the way a fedwiki server does.
@Suite("Following Federated Wiki sites")
struct FollowedFedwikiTests {
    static let pages = TestNode.repositoryRoot.appending(path: "Tests/Fixtures/fedwiki-default-pages")

    @Test func aFedwikiSiteIsMirroredPageByPageWithTwinsAndBacklinks() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            try await SiteTestServer.run { site in
                // Given a node with a page of the same name as one of the site's, and one that a
                // page of the site links to without having it
                let node = cluster[0]
                let token = try node.makeToken()
                _ = try await NodeCluster.putPage(node, title: "Federated Wiki", markdown: "Our own words on it.", token: token)
                _ = try await NodeCluster.putPage(node, title: "Add Links", markdown: "How links are added here.", token: token)
                try site.serveFedwikiPages(from: Self.pages)
                // When it follows the site's root
                // The node's own background pulls would race the test's: it is stopped.
                await node.stop()
                let peer = try await node.peering().follow(site.url + "/")
                // Then the site is followed as fedwiki, and its four pages are mirrored
                #expect(peer.kind == .fedwiki)
                #expect(peer.url == site.url)
                #expect(peer.sourceURL == site.url + "/system/sitemap.json")
                let database = try node.database()
                #expect(try database.peerStates().first?.pagesMirrored == 4)
                // The same title is a twin; paragraphs' [[links]] lead to the site's pages
                let twin = try #require(try database.twin(of: PageTitle("Federated Wiki").key, peerId: peer.id!))
                #expect(twin.url == site.url + "/view/federated-wiki")
                let welcome = try #require(try database.twin(of: PageTitle("Welcome Visitors").key, peerId: peer.id!))
                #expect(welcome.html.contains("<a href=\"\(site.url)/view/federated-wiki\">Federated Wiki</a>"))
                // html items keep their structure
                let howTo = try #require(try database.twin(of: PageTitle("How To Wiki").key, peerId: peer.id!))
                #expect(howTo.html.contains("<h3>How To Read Content</h3>"))
                // A link to a page the site does not have is a backlink of this node's page
                guard case .found(let addLinks) = try database.lookup(PageTitle("Add Links")) else {
                    Issue.record("no Add Links page")
                    return
                }
                #expect(try database.remoteBacklinks(of: addLinks).map(\.title) == ["How To Wiki"])
                #expect(try database.searchNeighbourhood("Smallest").map(\.title).contains("Smallest Federated Wiki"))
            }
        }
    }

    @Test func onlyChangedPagesAreReadAgainAndRemovedOnesGo() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            try await SiteTestServer.run { site in
                try site.serveFedwikiPages(from: Self.pages)
                let node = cluster[0]
                // The node's own background pulls would race the test's: it is stopped.
                await node.stop()
                let peering = try node.peering()
                let peer = try await peering.follow(site.url)
                // A pull with nothing changed asks with the sitemap's date and reads no page
                let before = site.requests.count
                try await peering.pull(peerId: peer.id!)
                let again = site.requests.dropFirst(before)
                #expect(again.map(\.path) == ["/system/sitemap.json"])
                #expect(again.first?.wasNotModified == true)
                // When one page changes and one is removed
                let dates = try node.database().mirroredVersions(peerId: peer.id!)
                let federatedWiki = try #require(dates["federated-wiki"])
                let howToWiki = try #require(dates["how-to-wiki"])
                func sitemap(howToWiki: Int64) -> String {
                    """
                    [{"slug": "welcome-visitors", "title": "Welcome Visitors", "date": 1900000000000},
                     {"slug": "federated-wiki", "title": "Federated Wiki", "date": \(federatedWiki)},
                     {"slug": "how-to-wiki", "title": "How To Wiki", "date": \(howToWiki)}]
                    """
                }
                let changed = """
                    {"title": "Welcome Visitors", "story": [
                      {"type": "paragraph", "id": "1", "text": "Changed words with [http://example.org/x an external link]."},
                      {"type": "html", "id": "2", "text": "<p>Safe <script>alert(1)</script><img src=x onerror=alert(2)></p>"},
                      {"type": "markdown", "id": "3", "text": "Some *emphasis* and [[Federated Wiki]]"},
                      {"type": "image", "id": "4", "url": "data:image/png;base64,AAAA", "text": "A caption"},
                      {"type": "video", "id": "5", "text": "YOUTUBE abc"}
                    ], "journal": []}
                    """
                site.serve(
                    "/system/sitemap.json", contentType: "application/json", body: sitemap(howToWiki: howToWiki),
                    lastModified: "Fri, 17 Mar 2030 17:46:40 GMT")
                site.serve("/welcome-visitors.json", contentType: "application/json", body: changed)
                let start = site.requests.count
                try await peering.pull(peerId: peer.id!)
                // Then only the changed page is read, and the removed one is gone
                #expect(site.requests.dropFirst(start).map(\.path) == ["/system/sitemap.json", "/welcome-visitors.json"])
                let database = try node.database()
                #expect(try database.peerStates().first?.pagesMirrored == 3)
                let welcome = try #require(try database.twin(of: PageTitle("Welcome Visitors").key, peerId: peer.id!))
                #expect(welcome.html.contains("<a href=\"http://example.org/x\">an external link</a>"))
                #expect(welcome.html.contains("<em>emphasis</em>"))
                #expect(welcome.html.contains("<a href=\"\(site.url)/view/federated-wiki\">Federated Wiki</a>"))
                #expect(welcome.html.contains("A caption"))
                #expect(welcome.html.contains("YOUTUBE abc"))
                for forbidden in ["<script", "alert", "onerror", "data:"] {
                    #expect(!welcome.html.contains(forbidden), "no \(forbidden) in the mirrored HTML")
                }
                // A page whose date goes back (restored from an older copy) is read again too
                site.serve(
                    "/system/sitemap.json", contentType: "application/json", body: sitemap(howToWiki: howToWiki - 86_400_000),
                    lastModified: "Sat, 18 Mar 2030 17:46:40 GMT")
                let third = site.requests.count
                try await peering.pull(peerId: peer.id!)
                #expect(site.requests.dropFirst(third).map(\.path) == ["/system/sitemap.json", "/how-to-wiki.json"])
                #expect(try database.mirroredVersions(peerId: peer.id!)["how-to-wiki"] == howToWiki - 86_400_000)
            }
        }
    }

    @Test func brokenSitemapsAndPagesAreRecordedAndSkipped() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            try await SiteTestServer.run { site in
                site.serve(
                    "/system/sitemap.json", contentType: "application/json",
                    body: """
                        [{"slug": "good", "title": "Good", "date": 5}, {"slug": "broken", "title": "Broken", "date": 5},
                         {"slug": "../etc/passwd", "title": "Hostile", "date": 5}, {"slug": "missing", "date": 5}, 42, "x"]
                        """)
                site.serve(
                    "/good.json", contentType: "application/json",
                    body: "{\"title\": \"Good\", \"story\": [{\"type\": \"paragraph\", \"text\": \"fine\"}]}")
                site.serve("/broken.json", contentType: "application/json", body: "{\"title\": \"Broken\", \"story\": [")
                let node = cluster[0]
                // The node's own background pulls would race the test's: it is stopped.
                await node.stop()
                let peering = try node.peering()
                let peer = try await peering.follow(site.url)
                let state = try #require(try node.database().peerStates().first)
                #expect(state.pagesMirrored == 1)
                #expect(state.peer.lastError?.contains("2 pages could not be read") == true)
                #expect(!site.requests.contains { $0.path.contains("passwd") })
                // A page listed twice, with two dates, is one page read once at its latest date
                site.serve(
                    "/system/sitemap.json", contentType: "application/json",
                    body: "[{\"slug\": \"good\", \"title\": \"Good\", \"date\": 9}, {\"slug\": \"good\", \"title\": \"Good\", \"date\": 7}]")
                for _ in 0..<2 { try await peering.pull(peerId: peer.id!) }
                #expect(site.requests.filter { $0.path == "/good.json" }.count == 2, "read when first followed and once for date 9")
                #expect(try node.database().mirroredVersions(peerId: peer.id!) == ["good": 9])
                // A sitemap that stops being a list is an error of the pull; the mirror stays
                site.serve("/system/sitemap.json", contentType: "application/json", body: "{\"not\": \"a list\"}")
                await #expect(throws: RemoteError.self) { try await peering.pull(peerId: peer.id!) }
                let after = try #require(try node.database().peerStates().first)
                #expect(after.pagesMirrored == 1)
                #expect(after.peer.failures == 1)
            }
        }
    }
}
