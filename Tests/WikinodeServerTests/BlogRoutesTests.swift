import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WikinodeCore
import WikinodeTesting

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The weblog through the router: lists, permanent addresses, feeds, and drafts kept from readers.
@Suite struct BlogRoutesTests {
    let node: TestNode
    let database: WikiDatabase
    let now = Date()

    init() throws {
        node = try TestNode(baseURL: "https://blog.example")
        database = try node.database()
        try database.addUser(named: "owner", password: "the owner's secret", hasher: PasswordHasher(costLog2: 10))
        try post(
            "Hello World", "First post, see [[Welcome]] and [a page](/wiki/Welcome).",
            PostSettings(publishedAt: now.addingTimeInterval(-3600), tags: ["Intro", "swift"]))
        try post("Tom & Jerry <script>", "Hostile <b>title</b> & \"quotes\"", PostSettings(publishedAt: now.addingTimeInterval(-60), tags: ["swift"]))
        try post("Secret Draft", "not yet: draftword", PostSettings(status: .draft))
        try post("Future Post", "later: futureword", PostSettings(publishedAt: now.addingTimeInterval(86_400)))
    }

    func post(_ title: String, _ markdown: String, _ settings: PostSettings) throws {
        let pageTitle = try PageTitle(title)
        try database.savePage(PageEdit(title: pageTitle, markdown: markdown, author: "owner"))
        try database.publish(pageTitle, as: settings, now: now)
    }

    func permalink(_ title: String) throws -> String {
        guard case .found(let page) = try database.lookup(try PageTitle(title)) else { return "" }
        return try #require(try database.post(of: page)).post.permalinkPath
    }

    @Test func weblogListsVisiblePostsAsHEntries() async throws {
        try await node.test { client in
            let blog = try await client.execute(uri: "/blog", method: .get)
            #expect(blog.status == .ok)
            let html = blog.text
            #expect(html.contains(#"class="h-entry post""#) && html.contains(#"class="dt-published""#) && html.contains("p-author h-card"))
            #expect(html.contains("Hello World") && html.contains("Tom &amp; Jerry &lt;script&gt;"))
            #expect(!html.contains("Secret Draft") && !html.contains("Future Post"))
            let newest = try #require(html.range(of: "Tom &amp; Jerry"))
            let older = try #require(html.range(of: "Hello World"))
            #expect(newest.lowerBound < older.lowerBound)
            #expect(html.contains(#"rel="alternate" type="application/rss+xml""#))

            let tagged = try await client.execute(uri: "/tags/intro", method: .get)
            #expect(tagged.text.contains("Hello World") && !tagged.text.contains("Tom &amp; Jerry"))
            let year = Calendar.utc.component(.year, from: now)
            #expect(try await client.execute(uri: "/blog/\(year)", method: .get).text.contains("Hello World"))
            #expect(try await client.execute(uri: "/blog/1999", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/blog/abc", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/blog/\(year)/13", method: .get).status == .notFound)
            let front = try await client.execute(uri: "/", method: .get)
            #expect(front.text.contains("Latest posts") && front.text.contains("Hello World"))
        }
    }

    @Test func permalinkShowsThePostAndSurvivesRenames() async throws {
        let address = try permalink("Hello World")
        try database.renamePage(try PageTitle("Hello World"), to: try PageTitle("Hello Again"), author: "owner")
        try await node.test { client in
            let page = try await client.execute(uri: address, method: .get)
            #expect(page.status == .ok)
            #expect(page.text.contains(#"<h1 class="p-name">Hello Again</h1>"#))
            #expect(page.text.contains(#"<link rel="canonical" href="https://blog.example\#(address)">"#))
            let wiki = try await client.execute(uri: "/wiki/Hello_Again", method: .get)
            #expect(wiki.text.contains("Published as a weblog post"))
        }
    }

    @Test func draftsAndScheduledPostsStayHiddenFromReaders() async throws {
        let draft = try permalink("Secret Draft")
        let future = try permalink("Future Post")
        try await node.test { client in
            #expect(try await client.execute(uri: draft, method: .get).status == .notFound)
            #expect(try await client.execute(uri: future, method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/wiki/Secret_Draft", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/api/pages/Secret_Draft", method: .get).status == .notFound)
            #expect(!(try await client.execute(uri: "/search?q=draftword", method: .get).text.contains("Secret Draft")))
            #expect(!(try await client.execute(uri: "/search?q=futureword", method: .get).text.contains("Future Post")))
            #expect(!(try await client.execute(uri: "/recent", method: .get).text.contains("Secret Draft")))
            #expect(!(try await client.execute(uri: "/recent.atom", method: .get).text.contains("Secret Draft")))
            #expect(!(try await client.execute(uri: "/api/changes?since=0&limit=1000", method: .get).text.contains("Secret Draft")))
            #expect(!(try await client.execute(uri: "/wiki", method: .get).text.contains("Secret Draft")))
            #expect(!(try await client.execute(uri: "/sitemap.xml", method: .get).text.contains("Secret")))
            for format in ["atom", "rss", "json"] {
                let feed = try await client.execute(uri: "/feed.\(format)", method: .get).text
                #expect(!feed.contains("Secret Draft") && !feed.contains("Future Post"), "\(format)")
            }
            // The owner, signed in, sees them.
            var owner = BrowserSession()
            owner.origin = "https://blog.example"
            _ = try await owner.signIn(client, name: "owner", password: "the owner's secret")
            let seen = try await owner.get(client, draft)
            #expect(seen.status == .ok)
            #expect(seen.text.contains("draft"))
            #expect(try await owner.get(client, "/wiki/Secret_Draft").status == .ok)
        }
    }

    @Test func feedsAreWellFormedWithFullAbsoluteContent() async throws {
        try await node.test { client in
            let atom = try await client.execute(uri: "/feed.atom", method: .get)
            #expect(atom.headers[.contentType] == "application/atom+xml; charset=utf-8")
            #expect(XMLParser(data: Data(atom.text.utf8)).parse())
            #expect(atom.text.contains("https://blog.example/wiki/Welcome"))
            #expect(!atom.text.contains("href=&quot;/wiki"), "content addresses are absolute")
            let rss = try await client.execute(uri: "/feed.rss", method: .get)
            #expect(XMLParser(data: Data(rss.text.utf8)).parse())
            #expect(rss.text.contains("<category>swift</category>"))
            let json = try await client.execute(uri: "/feed.json", method: .get)
            let object = try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [String: Any]
            #expect((object?["items"] as? [Any])?.count == 2)
            let tagFeed = try await client.execute(uri: "/tags/intro/feed.atom", method: .get)
            #expect(tagFeed.text.contains("Hello World") && !tagFeed.text.contains("Tom &amp;"))
            let etag = try #require(atom.headers[.eTag])
            #expect(try await client.execute(uri: "/feed.atom", method: .get, headers: [.ifNoneMatch: etag]).status == .notModified)
        }
    }

    @Test func writingAPostInTheEditor() async throws {
        try await node.test { client in
            var owner = BrowserSession()
            owner.origin = "https://blog.example"
            _ = try await owner.signIn(client, name: "owner", password: "the owner's secret")
            _ = try await owner.get(client, "/wiki/From_The_Editor/edit")
            let saved = try await owner.post(
                client, "/wiki/From_The_Editor/edit",
                [
                    ("markdown", "Written in the browser."), ("baseRevision", ""), ("post", "1"), ("status", "published"), ("postDate", ""),
                    ("tags", "browser, Swift"), ("action", "save"),
                ])
            #expect(saved.status == .seeOther)
            let address = try permalink("From The Editor")
            #expect(address.hasSuffix("/from-the-editor"))
            #expect(try await client.execute(uri: "/blog", method: .get).text.contains("Written in the browser."))
            #expect(try await client.execute(uri: "/tags/browser", method: .get).text.contains("From The Editor"))

            // Back to a draft: gone for readers, there for the owner.
            let form = try await owner.get(client, "/wiki/From_The_Editor/edit")
            #expect(form.text.contains(#"name="post" value="1" checked"#))
            let base = try #require(BrowserSession.hiddenValue(named: "baseRevision", in: form.text))
            _ = try await owner.post(
                client, "/wiki/From_The_Editor/edit",
                [
                    ("markdown", "Written in the browser."), ("baseRevision", base), ("post", "1"), ("status", "draft"), ("wasPost", "1"),
                    ("tags", "browser"),
                ])
            #expect(try await client.execute(uri: address, method: .get).status == .notFound)
            #expect(try await owner.get(client, address).status == .ok)

            // A bad date is an error in the form, with the text kept.
            let bad = try await owner.post(
                client, "/wiki/From_The_Editor/edit",
                [
                    ("markdown", "Kept text."), ("baseRevision", base), ("post", "1"), ("postDate", "tomorrow-ish"),
                ])
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("publication date"))
            #expect(bad.text.contains("Kept text."))

            // Unticking the box turns it back into a plain page.
            let again = try await owner.get(client, "/wiki/From_The_Editor/edit")
            let base2 = try #require(BrowserSession.hiddenValue(named: "baseRevision", in: again.text))
            _ = try await owner.post(
                client, "/wiki/From_The_Editor/edit", [("markdown", "Just a page now."), ("baseRevision", base2), ("wasPost", "1")])
            #expect(try await owner.get(client, address).status == .notFound)
            #expect(try await client.execute(uri: "/wiki/From_The_Editor", method: .get).status == .ok)
        }
    }
}
