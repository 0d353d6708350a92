import Foundation
import Testing
import WikinodeTesting

@testable import WikinodeCore

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Pages published as posts: addresses, visibility, tags.
@Suite struct PostTests {
    let directory: TemporaryDirectory
    let database: WikiDatabase
    let now = Date(timeIntervalSince1970: 1_790_000_000)  // 2026-09-21

    init() throws {
        directory = try TemporaryDirectory()
        database = try WikiDatabase.open(path: directory.path("wiki.sqlite").path)
    }

    @discardableResult
    func page(_ title: String, _ markdown: String = "Text.") throws -> PageTitle {
        let pageTitle = try PageTitle(title)
        try database.savePage(PageEdit(title: pageTitle, markdown: markdown, author: "alice"))
        return pageTitle
    }

    @Test func unpublishingWithASaveIsOneTransaction() async throws {
        // Given a post
        let title = try page("Was A Post")
        _ = try database.publish(title, as: PostSettings(status: .published, tags: ["news"]), now: now)
        guard case .found(let page) = try database.lookup(title) else {
            Issue.record("no page")
            return
        }
        // When a save that fails (a stale revision) also asks to unpublish, nothing changes
        let stale = PageEdit(title: title, markdown: "New text.", author: "bob", expectation: .revision(page.revisionId + 100))
        await #expect(throws: WikiError.self) { try await database.savePage(stale, unpublishing: true) }
        #expect(try database.post(of: page) != nil)
        // And a save that succeeds unpublishes with it
        let edit = PageEdit(title: title, markdown: "New text.", author: "bob", expectation: .revision(page.revisionId))
        try await database.savePage(edit, unpublishing: true)
        #expect(try database.post(of: page) == nil)
        guard case .found(let saved) = try database.lookup(title) else {
            Issue.record("no page")
            return
        }
        #expect(try database.currentMarkdown(of: saved) == "New text.")
    }

    @Test(arguments: [
        ("Hello, World!", "hello-world"),
        ("Ünïcödé Café déjà vu", "unicode-cafe-deja-vu"),
        ("  --- ", "post"),
        ("日本語", "post"),
        ("Version 2.0 is out", "version-2-0-is-out"),
    ])
    func slugs(title: String, slug: String) {
        #expect(WikiDatabase.slug(for: title) == slug)
    }

    @Test func permalinkIsFixedAtFirstPublishAndSurvivesRenames() throws {
        let title = try page("First Post")
        let post = try database.publish(title, as: PostSettings(tags: ["Swift", "swift", " wiki  web "]), now: now)
        #expect(post.permalinkPath == "/blog/2026/09/first-post")
        try database.renamePage(title, to: try PageTitle("A Better Title"), author: "alice")
        let republished = try database.publish(
            try PageTitle("A Better Title"), as: PostSettings(tags: ["Swift"]), now: now.addingTimeInterval(86_400 * 40))
        #expect(republished.permalinkPath == "/blog/2026/09/first-post")
        let found = try #require(try database.post(year: 2026, month: 9, slug: "first-post"))
        #expect(found.page.title == "A Better Title")
    }

    @Test func tagsAreDeduplicatedAndValidated() throws {
        let title = try page("Tagged")
        try database.publish(title, as: PostSettings(tags: ["Swift", "swift", " wiki  web "]), now: now)
        let entry = try #require(try database.posts(visibleAt: now).first)
        #expect(entry.tags == ["Swift", "wiki web"])
        #expect(throws: WikiError.self) { try database.publish(title, as: PostSettings(tags: ["a/b"]), now: now) }
        #expect(throws: WikiError.self) { try database.publish(title, as: PostSettings(tags: (0...20).map { "t\($0)" }), now: now) }
        #expect(try database.tagCounts(visibleAt: now).map(\.tag) == ["Swift", "wiki web"])
    }

    @Test func sameSlugInTheSameMonthGetsANumber() throws {
        try database.publish(try page("Notes"), as: PostSettings(), now: now)
        let second = try database.publish(try page("notes!"), as: PostSettings(), now: now)
        #expect(second.slug == "notes-2")
    }

    @Test func draftsAndScheduledPostsStayHiddenUntilTheirTime() throws {
        try database.publish(try page("Public"), as: PostSettings(publishedAt: now.addingTimeInterval(-60)), now: now)
        try database.publish(try page("Draft"), as: PostSettings(status: .draft), now: now)
        try database.publish(try page("Later"), as: PostSettings(publishedAt: now.addingTimeInterval(3600)), now: now)
        #expect(try database.posts(visibleAt: now).map(\.title) == ["Public"])
        #expect(try database.posts(visibleAt: now.addingTimeInterval(7200)).map(\.title) == ["Later", "Public"])
        #expect(Set(try database.posts(visibleAt: nil).map(\.title)) == ["Public", "Draft", "Later"])
    }

    @Test func archivesAndTagsFilter() throws {
        try database.publish(try page("September"), as: PostSettings(publishedAt: now, tags: ["a"]), now: now)
        try database.publish(try page("October"), as: PostSettings(publishedAt: now.addingTimeInterval(86_400 * 20), tags: ["b"]), now: now)
        let later = now.addingTimeInterval(86_400 * 30)
        #expect(try database.posts(visibleAt: later, year: 2026, month: 9).map(\.title) == ["September"])
        #expect(try database.posts(visibleAt: later, year: 2026).map(\.title) == ["October", "September"])
        #expect(try database.posts(visibleAt: later, tag: "B").map(\.title) == ["October"])
    }

    @Test func feedContentUsesAbsoluteAddresses() throws {
        try page("Target")
        let title = try page("Linking", "See [[Target]], [local](/wiki/Target), ![img](/static/x.png) and [web](https://example.org/).")
        try database.publish(title, as: PostSettings(), now: now)
        let entries = try database.posts(visibleAt: now)
        let html = try #require(try database.feedHTML(of: entries, baseURL: "https://wiki.example").values.first)
        #expect(html.contains(#"href="https://wiki.example/wiki/Target""#))
        #expect(html.contains(#"src="https://wiki.example/static/x.png""#))
        #expect(html.contains(#"href="https://example.org/""#))
        #expect(!html.contains(#"href="/wiki"#))
    }
}

/// The feed writers keep hostile text well-formed.
@Suite struct FeedWriterTests {
    static let hostile = "Tom & Jerry <script>alert('x')</script> \"quoted\" \u{1} bell \u{FFFE} end ]]> <![CDATA["

    @Test func rssIsWellFormed() throws {
        let feed = RSSFeed(
            title: Self.hostile, link: "https://w.example/blog", selfURL: "https://w.example/feed.rss", description: Self.hostile,
            items: [
                .init(
                    title: Self.hostile, link: "https://w.example/blog/2026/09/x?a=1&b=2", published: Date(timeIntervalSince1970: 0),
                    author: Self.hostile, contentHTML: "<p>\(Self.hostile)</p>", categories: [Self.hostile])
            ])
        let xml = feed.xml()
        let parser = XMLParser(data: Data(xml.utf8))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(xml.contains("<pubDate>Thu, 01 Jan 1970 00:00:00 GMT</pubDate>"))
        #expect(xml.contains(#"<guid isPermaLink="true">https://w.example/blog/2026/09/x?a=1&amp;b=2</guid>"#))
    }

    @Test func atomIsWellFormed() throws {
        let feed = AtomFeed(
            id: "https://w.example/", title: Self.hostile, selfURL: "https://w.example/feed.atom", alternateURL: "https://w.example/blog",
            baseURL: "https://w.example", author: Self.hostile, updated: Date(),
            entries: [
                .init(
                    id: "https://w.example/blog/1", title: Self.hostile, updated: Date(), author: Self.hostile, link: "https://w.example/blog/1",
                    summary: Self.hostile, contentHTML: Self.hostile)
            ])
        #expect(XMLParser(data: Data(feed.xml().utf8)).parse())
    }

    @Test func jsonFeedRoundTrips() throws {
        let item = JSONFeed.Item(
            id: "https://w.example/blog/1", url: "https://w.example/blog/1", title: Self.hostile, contentHTML: "<p>x</p>",
            datePublished: Date(timeIntervalSince1970: 1_790_000_000), dateModified: Date(timeIntervalSince1970: 1_790_000_000),
            tags: ["a"], authors: [.init(name: "alice")])
        let text = try JSONFeed(
            title: "t", homePageURL: "https://w.example/", feedURL: "https://w.example/feed.json", authors: [.init(name: "alice")], items: [item]
        ).json()
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(object?["version"] as? String == "https://jsonfeed.org/version/1.1")
        let items = object?["items"] as? [[String: Any]]
        #expect(items?.first?["content_html"] as? String == "<p>x</p>")
        #expect(items?.first?["date_published"] as? String == "2026-09-21T14:13:20Z")
    }
}
