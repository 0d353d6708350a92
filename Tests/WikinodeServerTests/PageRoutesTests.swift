import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WikinodeCore
import WikinodeTesting

/// Pages as people read them, through `buildApplication`'s router.
@Suite struct PageRoutesTests {
    let node: TestNode

    init() throws {
        node = try TestNode()
        let database = try node.database()
        try database.savePage(
            PageEdit(title: try PageTitle("Front Page"), markdown: "Hello. See [[Other Page]] and [[Nowhere]].", summary: "first", author: "alice"))
        try database.savePage(PageEdit(title: try PageTitle("Other Page"), markdown: "Back to [[Front Page]].", author: "bob"))
    }

    @Test func showsARenderedPageWithBacklinksAndLastChange() async throws {
        try await node.test { client in
            let response = try await client.execute(uri: "/wiki/Front_Page", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            let html = response.text
            #expect(html.contains(#"<h1 class="p-name">Front Page</h1>"#))
            #expect(html.contains(#"<a class="wikilink" href="/wiki/Other_Page">Other Page</a>"#))
            #expect(html.contains(#"class="wikilink missing" href="/wiki/Nowhere""#))
            #expect(html.contains(#"by <span class="p-author h-card">alice</span>"#))
            #expect(html.contains("<q>first</q>"))
            #expect(html.contains(#"<a href="/wiki/Other_Page">Other Page</a>"#), "backlinks section")
            #expect(html.contains(#"rel="alternate" type="application/atom+xml""#))
            #expect(response.headers[HTTPField.Name("Link")!]?.contains("</recent.atom>; rel=\"alternate\"") == true)
            let missing = try await client.execute(uri: "/wiki/Nowhere", method: .get)
            #expect(missing.headers[HTTPField.Name("Link")!] != nil)
        }
    }

    @Test(arguments: ["/wiki/front_page", "/wiki/FRONT%20PAGE", "/wiki/Front__Page", "/wiki/%46ront_Page"])
    func nonCanonicalSpellingsRedirect(path: String) async throws {
        try await node.test { client in
            let response = try await client.execute(uri: path, method: .get)
            #expect(response.status == .movedPermanently)
            #expect(response.headers[.location] == "/wiki/Front_Page")
        }
    }

    @Test func redirectKeepsSuffixAndQuery() async throws {
        try await node.test { client in
            let response = try await client.execute(uri: "/wiki/front_page/diff?from=1&to=1", method: .get)
            #expect(response.headers[.location] == "/wiki/Front_Page/diff?from=1&to=1")
        }
    }

    @Test func missingPageInvitesToCreateIt() async throws {
        try await node.test { client in
            let response = try await client.execute(uri: "/wiki/Nowhere", method: .get)
            #expect(response.status == .notFound)
            #expect(response.text.contains("There is no page titled <strong>Nowhere</strong> yet."))
            #expect(response.text.contains(#"<a href="/wiki/Front_Page">Front Page</a>"#), "lists the pages that want it")
        }
    }

    @Test(arguments: [
        "/wiki/a%2Fb", "/wiki/%2E%2E", "/wiki/bell%07", "/wiki/%FF%FE", "/wiki/x%0Ay", "/wiki/[[x]]", "/wiki/" + String(repeating: "x", count: 300),
    ])
    func badTitlesAreRefused(path: String) async throws {
        try await node.test { client in
            let response = try await client.execute(uri: path, method: .get)
            #expect(response.status == .badRequest)
            #expect(response.text.contains("page title"))
        }
    }

    @Test func markdownSourceIsServed() async throws {
        try await node.test { client in
            let response = try await client.execute(uri: "/wiki/Other_Page.md", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/markdown; charset=utf-8")
            #expect(response.text == "Back to [[Front Page]].")
            let redirect = try await client.execute(uri: "/wiki/other_page.md", method: .get)
            #expect(redirect.headers[.location] == "/wiki/Other_Page.md")
            #expect(try await client.execute(uri: "/wiki/Nowhere.md", method: .get).status == .notFound)
        }
    }

    @Test func conditionalRequestsGet304() async throws {
        try await node.test { client in
            let first = try await client.execute(uri: "/wiki/Front_Page", method: .get)
            let etag = try #require(first.headers[.eTag])
            let lastModified = try #require(first.headers[.lastModified])
            let byTag = try await client.execute(uri: "/wiki/Front_Page", method: .get, headers: [.ifNoneMatch: etag])
            #expect(byTag.status == .notModified)
            #expect(byTag.body.readableBytes == 0)
            #expect(byTag.headers[.eTag] == etag)
            let byDate = try await client.execute(uri: "/wiki/Front_Page", method: .get, headers: [.ifModifiedSince: lastModified])
            #expect(byDate.status == .notModified)
            let stale = try await client.execute(uri: "/wiki/Front_Page", method: .get, headers: [.ifNoneMatch: "\"other\""])
            #expect(stale.status == .ok)
            let old = try await client.execute(uri: "/wiki/Front_Page", method: .get, headers: [.ifModifiedSince: "Mon, 01 Jan 2001 00:00:00 GMT"])
            #expect(old.status == .ok)
        }
    }

    @Test func editChangesTheETag() async throws {
        try await node.test { client in
            let before = try await client.execute(uri: "/wiki/Front_Page", method: .get).headers[.eTag]
            try await node.database().savePage(PageEdit(title: try PageTitle("Front Page"), markdown: "Changed.", author: "alice"))
            let after = try await client.execute(uri: "/wiki/Front_Page", method: .get, headers: [.ifNoneMatch: before ?? ""])
            #expect(after.status == .ok)
            #expect(after.text.contains("Changed."))
        }
    }

    @Test func cachedPagesFollowChangesToOtherPages() async throws {
        let token = try node.makeToken()
        try await node.test { client in
            // Given a page view that is now cached, with a link to a missing page
            let before = try await client.execute(uri: "/wiki/Front_Page", method: .get)
            #expect(before.text.contains(#"class="wikilink missing" href="/wiki/Nowhere""#))
            _ = try await client.execute(uri: "/wiki/Front_Page", method: .get)
            // When the missing page is created
            let created = try await client.execute(
                uri: "/api/pages/Nowhere", method: .put, headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"markdown": "Now here."}"#))
            #expect(created.status == .created)
            // Then the linking page shows the link as present, and lists nothing stale
            let after = try await client.execute(uri: "/wiki/Front_Page", method: .get)
            #expect(after.text.contains(#"<a class="wikilink" href="/wiki/Nowhere">Nowhere</a>"#))
            let target = try await client.execute(uri: "/wiki/Nowhere", method: .get)
            #expect(target.status == .ok)
            #expect(target.text.contains(#"<a href="/wiki/Front_Page">Front Page</a>"#))
        }
    }

    @Test func headAnswersWithoutABody() async throws {
        try await node.test { client in
            let response = try await client.execute(uri: "/wiki/Front_Page", method: .head)
            #expect(response.status == .ok)
            #expect(response.body.readableBytes == 0)
            #expect(response.headers[.eTag] != nil)
        }
    }

    @Test func historyRevisionAndDiff() async throws {
        let database = try node.database()
        let first = try await database.savePage(PageEdit(title: try PageTitle("Log"), markdown: "line one\nline two\n", author: "alice"))
        let second = try await database.savePage(
            PageEdit(title: try PageTitle("Log"), markdown: "line one\nline 2 <script>\n", summary: "fix", author: "bob"))
        let firstId = first.revision.id!
        let secondId = second.revision.id!
        try await node.test { client in
            let history = try await client.execute(uri: "/wiki/Log/history", method: .get)
            #expect(history.status == .ok)
            #expect(history.text.contains("/wiki/Log/rev/\(firstId)"))
            #expect(history.text.contains("/wiki/Log/diff?from=\(firstId)&amp;to=\(secondId)"))

            let old = try await client.execute(uri: "/wiki/Log/rev/\(firstId)", method: .get)
            #expect(old.status == .ok)
            #expect(old.text.contains("This is an old revision"))
            #expect(old.text.contains("line two"))

            let diff = try await client.execute(uri: "/wiki/Log/diff?from=\(firstId)&to=\(secondId)", method: .get)
            #expect(diff.status == .ok)
            #expect(diff.text.contains(#"<tr class="removed">"#))
            #expect(diff.text.contains("line 2 &lt;script&gt;"))
            let defaultDiff = try await client.execute(uri: "/wiki/Log/diff", method: .get)
            let article = { (html: String) in html.range(of: "<article").map { String(html[$0.lowerBound...]) } ?? "" }
            #expect(article(defaultDiff.text) == article(diff.text))

            #expect(try await client.execute(uri: "/wiki/Log/rev/999999", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/wiki/Log/rev/abc", method: .get).status == .badRequest)
            #expect(try await client.execute(uri: "/wiki/Log/diff?from=x", method: .get).status == .badRequest)
            #expect(try await client.execute(uri: "/wiki/Log/diff?from=-1", method: .get).status == .badRequest)
            #expect(try await client.execute(uri: "/wiki/Log/diff?from=999999", method: .get).status == .notFound)
            // A revision of another page is not a revision of this one.
            let otherRevision = try database.history(
                of: try #require({ if case .found(let p) = try database.lookup(try PageTitle("Other Page")) { p } else { nil } }())
            ).first!.id
            #expect(try await client.execute(uri: "/wiki/Log/rev/\(otherRevision)", method: .get).status == .notFound)
        }
    }

    @Test func linksPageListsBothDirections() async throws {
        try await node.test { client in
            let response = try await client.execute(uri: "/wiki/Front_Page/links", method: .get)
            #expect(response.status == .ok)
            let html = response.text
            #expect(html.contains(#"<a href="/wiki/Other_Page">Other Page</a>"#))
            #expect(html.contains(#"<a href="/wiki/Nowhere" class="missing">Nowhere</a>"#))
        }
    }

    @Test func renamedAndDeletedPages() async throws {
        let database = try node.database()
        try database.renamePage(try PageTitle("Other Page"), to: try PageTitle("Another Page"), author: "alice")
        try database.deletePage(try PageTitle("Front Page"), author: "alice", summary: "spam")
        try await node.test { client in
            let renamed = try await client.execute(uri: "/wiki/Other_Page/history", method: .get)
            #expect(renamed.status == .movedPermanently)
            #expect(renamed.headers[.location] == "/wiki/Another_Page/history")
            let deleted = try await client.execute(uri: "/wiki/Front_Page", method: .get)
            #expect(deleted.status == .gone)
            #expect(deleted.text.contains("spam"))
            let history = try await client.execute(uri: "/wiki/Front_Page/history", method: .get)
            #expect(history.status == .ok)
            #expect(history.text.contains("delete"))
            #expect(try await client.execute(uri: "/wiki/Front_Page.md", method: .get).status == .gone)
        }
    }

    @Test func frontPageShowsTheHomePage() async throws {
        try await node.test { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == .ok)
            #expect(response.text.contains("Welcome to your wikinode"))
            let css = try await client.execute(uri: "/static/wikinode.css", method: .get)
            #expect(css.status == .ok)
            #expect(try await client.execute(uri: "/static/../Package.swift", method: .get).status != .ok)
        }
    }

    @Test func unknownAddressesGetAnHTMLErrorPage() async throws {
        try await node.test { client in
            let response = try await client.execute(uri: "/no/such/thing", method: .get)
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.text.contains("There is nothing at this address."))
        }
    }
}
