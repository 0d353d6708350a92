import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import WikinodeCore
import WikinodeNetwork
import WikinodeTesting

/// What people see of followed peers: twins, forks, backlinks across nodes, `/peers`.
@Suite(.serialized) struct PeerPagesTests {
    static let password = "a federation test password"

    @Test func twinsForkAndBacklinksAcrossNodes() async throws {
        try await NodeCluster.run(count: 2) { cluster in
            let (a, b) = (cluster[0], cluster[1])
            let bDatabase = try b.database()
            try await bDatabase.savePage(PageEdit(title: try PageTitle("Shared Page"), markdown: "Bob's version.\n\nSecond line.", author: "bob"))
            _ = try bDatabase.addUser(named: "bob", password: Self.password, hasher: PasswordHasher(costLog2: 10))
            // A follows B, so that B's name is an interwiki prefix on A.
            try await a.peering().follow(b.url)
            let aDatabase = try a.database()
            try await aDatabase.savePage(
                PageEdit(title: try PageTitle("Shared Page"), markdown: "Alice's version, see [[Other Page]].\n\nSecond line.", author: "alice"))
            try await aDatabase.savePage(
                PageEdit(title: try PageTitle("Linker"), markdown: "By address: [Bob's page](\(b.url)/wiki/Shared_Page).", author: "alice"))
            try await aDatabase.savePage(PageEdit(title: try PageTitle("Interwiki"), markdown: "By prefix: [[node1:Shared Page]].", author: "alice"))
            let hostile = "<script>alert(1)</script> [click](javascript:alert(2)) ![x](data:image/png;base64,AAAA) <img src=x onerror=alert(3)>"
            try await aDatabase.savePage(PageEdit(title: try PageTitle("Hostile Twin"), markdown: hostile, author: "mallory"))
            try await bDatabase.savePage(PageEdit(title: try PageTitle("Hostile Twin"), markdown: "Ours.", author: "bob"))
            let interwiki = try #require(try aDatabase.lookup(try PageTitle("Interwiki")).livePage)
            #expect(interwiki.html.contains("href=\"\(b.url)/wiki/Shared_Page\""))

            try await b.peering().follow(a.url)
            let peerId = try #require(try bDatabase.peer(url: a.url)?.id)

            try await b.testNode.test(.router) { client in
                let page = try await client.execute(uri: "/wiki/Shared_Page", method: .get).text
                #expect(page.contains("Twins on followed nodes"))
                #expect(page.contains("Shared Page on node0"))
                #expect(page.contains("newer than this"))
                #expect(page.contains("/wiki/Shared_Page/twins/\(peerId)"))
                // Both of A's pages that link here, by address and by interwiki prefix.
                #expect(page.contains("\(a.url)/wiki/Linker"))
                #expect(page.contains("\(a.url)/wiki/Interwiki"))
                let links = try await client.execute(uri: "/wiki/Shared_Page/links", method: .get).text
                #expect(links.contains("\(a.url)/wiki/Linker"))

                let twin = try await client.execute(uri: "/wiki/Shared_Page/twins/\(peerId)", method: .get)
                #expect(twin.status == .ok)
                #expect(twin.text.contains("Alice&#39;s version") || twin.text.contains("Alice’s version") || twin.text.contains("Alice's version"))
                #expect(twin.text.contains("href=\"\(a.url)/wiki/Other_Page\""))
                #expect(!twin.text.contains("Fork into this wiki"), "a visitor who may not edit sees no fork button")
                let diff = try await client.execute(uri: "/wiki/Shared_Page/twins/\(peerId)/diff", method: .get)
                #expect(diff.status == .ok)
                #expect(diff.text.contains("+1"))
                // A peer's Markdown goes through the same safe renderer as ours.
                let hostileTwin = try await client.execute(uri: "/wiki/Hostile_Twin/twins/\(peerId)", method: .get).text
                #expect(!hostileTwin.contains("<script>alert(1)") && !hostileTwin.contains("javascript:") && !hostileTwin.contains("onerror=alert"))
                #expect(!hostileTwin.contains("data:image"))
                #expect(try await client.execute(uri: "/wiki/Shared_Page/twins/999", method: .get).status == .notFound)
                #expect(try await client.execute(uri: "/wiki/Shared_Page/twins/x", method: .get).status == .badRequest)
                #expect(try await client.execute(uri: "/wiki/shared_page/twins/\(peerId)", method: .get).status == .movedPermanently)

                var browser = BrowserSession()
                browser.origin = b.url
                // Without a session's token the fork is refused and nothing changes.
                let refused = try await browser.post(client, "/wiki/Shared_Page/twins/\(peerId)/fork", [], csrf: false)
                #expect(refused.status == .forbidden)
                try await browser.signIn(client, name: "bob", password: Self.password)
                let signedIn = try await browser.get(client, "/wiki/Shared_Page/twins/\(peerId)")
                #expect(signedIn.text.contains("Fork into this wiki"))
                let forked = try await browser.post(client, "/wiki/Shared_Page/twins/\(peerId)/fork", [])
                #expect(forked.status == .seeOther)
                let history = try await client.execute(uri: "/wiki/Shared_Page/history", method: .get).text
                #expect(history.contains("fork of <a href=\"\(a.url)/wiki/Shared_Page\">"))
                #expect(history.contains("Forked from node0"))
                let after = try await client.execute(uri: "/wiki/Shared_Page", method: .get).text
                #expect(after.contains("same text"))
            }
            let revision = try #require(
                try bDatabase.lookup(try PageTitle("Shared Page")).livePage.flatMap { try bDatabase.revision($0.revisionId, of: $0) })
            #expect(revision.markdown == "Alice's version, see [[Other Page]].\n\nSecond line.")
            #expect(revision.forkedFrom == "\(a.url)/wiki/Shared_Page")
            #expect(revision.forkedRevision != nil && revision.forkedAt != nil)
        }
    }

    @Test func interwikiLinksFollowTheFollowing() async throws {
        try await NodeCluster.run(count: 2) { cluster in
            let (a, b) = (cluster[0], cluster[1])
            let database = try a.database()
            // Written before A follows B: a link to a page titled "node1:Home" here.
            try await database.savePage(PageEdit(title: try PageTitle("Early"), markdown: "See [[node1:Home]].", author: "a"))
            func html() throws -> String { try database.lookup(try PageTitle("Early")).livePage?.html ?? "" }
            #expect(try html().contains("class=\"wikilink missing\""))
            try await a.peering().follow(b.url)
            #expect(try html().contains("href=\"\(b.url)/wiki/Home\""))
            #expect(try database.externalLinks(of: try #require(try database.lookup(try PageTitle("Early")).livePage)) == ["\(b.url)/wiki/Home"])
            try await a.peering().unfollow(b.url)
            #expect(try html().contains("class=\"wikilink missing\""))
        }
    }

    @Test func recentChangesAndSearchIncludeFollowedNodes() async throws {
        try await NodeCluster.run(count: 2) { cluster in
            let (a, b) = (cluster[0], cluster[1])
            try await a.database().savePage(
                PageEdit(title: try PageTitle("Zebra Crossing"), markdown: "Stripes of the aardvark kind.", author: "alice"))
            try await b.database().savePage(PageEdit(title: try PageTitle("Local Aardvark"), markdown: "An aardvark lives here.", author: "bob"))
            try await b.peering().follow(a.url)
            try await b.testNode.test(.router) { client in
                let local = try await client.execute(uri: "/recent", method: .get).text
                #expect(!local.contains("Zebra Crossing"))
                let both = try await client.execute(uri: "/recent?peers=1", method: .get).text
                #expect(both.contains("Zebra Crossing") && both.contains("Local Aardvark"))
                #expect(both.contains("href=\"\(a.url)/wiki/Zebra_Crossing\""))
                #expect(both.contains("on <a href=\"\(a.url)/\">node0</a>"))
                #expect(try await client.execute(uri: "/recent?peers=1&until=-5", method: .get).status == .badRequest)
                #expect(try await client.execute(uri: "/recent?peers=1&until=1", method: .get).text.contains("Nothing has changed yet"))

                let ours = try await client.execute(uri: "/search?q=aardvark", method: .get).text
                #expect(ours.contains("Local Aardvark") && !ours.contains("Zebra Crossing"))
                let neighbourhood = try await client.execute(uri: "/search?q=aardvark&peers=1", method: .get).text
                #expect(neighbourhood.contains("Local Aardvark") && neighbourhood.contains("Zebra Crossing"))
                #expect(neighbourhood.contains("<span class=\"node\">on node0</span>"))
                #expect(neighbourhood.contains("<mark>aardvark</mark>"))
                #expect(try await client.execute(uri: "/search?q=aardvark&peers=1&page=51", method: .get).status == .badRequest)
            }
        }
    }

    @Test func peersPageListsPeersAndLetsTheOwnerFollow() async throws {
        try await NodeCluster.run(count: 3) { cluster in
            let (a, b, c) = (cluster[0], cluster[1], cluster[2])
            try await b.peering().follow(a.url)
            try await c.peering().follow(b.url)
            _ = try b.database().addUser(named: "bob", password: Self.password, hasher: PasswordHasher(costLog2: 10))
            _ = try b.database().addUser(named: "eve", password: Self.password, hasher: PasswordHasher(costLog2: 10))
            try await b.testNode.test(.router) { client in
                let anonymous = try await client.execute(uri: "/peers", method: .get).text
                #expect(anonymous.contains("node0") && anonymous.contains("node2"))
                #expect(anonymous.contains("following") && anonymous.contains("follows this node"))
                #expect(!anonymous.contains("action=\"/peers/follow\""))

                var eve = BrowserSession()
                eve.origin = b.url
                try await eve.signIn(client, name: "eve", password: Self.password)
                try await eve.get(client, "/peers")
                #expect(try await eve.post(client, "/peers/follow", [("url", c.url)]).status == .forbidden)

                var owner = BrowserSession()
                owner.origin = b.url
                try await owner.signIn(client, name: "bob", password: Self.password)
                #expect(try await owner.get(client, "/peers").text.contains("action=\"/peers/follow\""))
                for bad in ["not a url", "ftp://127.0.0.1/", b.url, "http://127.0.0.1:1", String(repeating: "x", count: 3000)] {
                    let reply = try await owner.post(client, "/peers/follow", [("url", bad)])
                    #expect(reply.status == .badRequest, "\(bad.prefix(40))")
                }
                let followed = try await owner.post(client, "/peers/follow", [("url", c.url)])
                #expect(followed.status == .seeOther)
                #expect(try b.database().peer(url: c.url)?.isFollowing == true)
                #expect(try await owner.post(client, "/peers/unfollow", [("url", c.url)]).status == .seeOther)
                #expect(try b.database().peer(url: c.url)?.isFollowing == false)
                for bad in [c.url, "not a url", ""] {
                    #expect(try await owner.post(client, "/peers/unfollow", [("url", bad)]).status == .badRequest, "\(bad)")
                }
                #expect(try await owner.post(client, "/peers/unfollow", []).status == .badRequest)
            }
        }
    }
}
