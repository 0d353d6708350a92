import Foundation
import Testing
import WikinodeHTMLReader

@Suite("Reading Atom, RSS and JSON feeds")
struct FeedReadingTests {
    let url = URL(string: "https://blog.example/feed")!

    func date(_ text: String) -> Date {
        try! Date(text, strategy: .iso8601)
    }

    func parse(_ text: String) throws(FeedError) -> FeedDocument {
        try FeedDocument.parse(Data(text.utf8), url: url)
    }

    @Test func atom() throws {
        let feed = try parse(
            """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
              <title type="html">Bob &amp;lt;3 Blog</title>
              <link rel="alternate" href="https://blog.example/"/>
              <link rel="self" href="https://blog.example/feed"/>
              <link rel="hub" href="https://hub.example/"/>
              <id>tag:blog.example,2026:feed</id>
              <updated>2026-12-01T10:00:00Z</updated>
              <entry>
                <title>First post</title>
                <link href="/2026/first"/>
                <id>tag:blog.example,2026:1</id>
                <published>2026-11-30T09:00:00+01:00</published>
                <updated>2026-12-01T10:00:00.250Z</updated>
                <author><name>Bob</name><email>bob@blog.example</email></author>
                <source><id>tag:other.example:feed</id><title>Other</title><link href="https://other.example/"/></source>
                <content type="html">&lt;p&gt;Hello &lt;b&gt;world&lt;/b&gt;&lt;/p&gt;</content>
              </entry>
              <entry>
                <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">XHTML <b>title</b></div></title>
                <id>tag:blog.example,2026:2</id>
                <link rel="alternate" type="text/html" href="https://blog.example/2026/second"/>
                <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>An <a href="/x" onclick="y">x &amp; y</a></p></div></content>
              </entry>
              <entry><title>No id, no link: skipped</title></entry>
            </feed>
            """)
        #expect(feed.format == .atom)
        #expect(feed.title == "Bob <3 Blog")
        #expect(feed.homePageURL?.absoluteString == "https://blog.example/")
        #expect(feed.selfURL?.absoluteString == "https://blog.example/feed")
        #expect(feed.hubURLs.map(\.absoluteString) == ["https://hub.example/"])
        #expect(feed.entries.count == 2)
        let first = try #require(feed.entries.first)
        #expect(first.id == "tag:blog.example,2026:1")
        #expect(first.title == "First post")
        #expect(first.url?.absoluteString == "https://blog.example/2026/first")
        #expect(first.authorName == "Bob")
        #expect(first.contentHTML == "<p>Hello <b>world</b></p>")
        #expect(first.published == date("2026-11-30T08:00:00Z"))
        #expect(first.updated == date("2026-12-01T10:00:00Z") + 0.25)
        let second = feed.entries[1]
        #expect(second.title == "XHTML title")
        #expect(second.url?.absoluteString == "https://blog.example/2026/second")
        let html = try #require(second.contentHTML)
        #expect(HTMLDocument(html: html, url: url).markdown() == "An [x \\& y](<https://blog.example/x>)")
    }

    @Test func rss2() throws {
        let feed = try parse(
            """
            <?xml version="1.0"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
            <channel>
              <title>Carol's weblog</title>
              <link>https://carol.example/</link>
              <atom:link rel="hub" href="https://hub.example/"/>
              <atom:link rel="self" href="https://carol.example/rss.xml"/>
              <image><title>Logo</title><url>https://carol.example/logo.png</url><link>https://carol.example/</link></image>
              <item>
                <title>Tea &amp; cake</title>
                <link>https://carol.example/tea</link>
                <guid isPermaLink="false">post-17</guid>
                <pubDate>Sat, 07 Sep 2002 00:00:01 GMT</pubDate>
                <dc:creator>Carol</dc:creator>
                <description>&lt;p&gt;Short&lt;/p&gt;</description>
                <content:encoded><![CDATA[<p>Long <i>story</i></p>]]></content:encoded>
              </item>
              <item>
                <guid>https://carol.example/untitled</guid>
                <pubDate>7 Sep 2002 10:00 +0200</pubDate>
                <description>Just a note.</description>
              </item>
            </channel>
            </rss>
            """)
        #expect(feed.format == .rss)
        #expect(feed.title == "Carol's weblog")
        #expect(feed.homePageURL?.absoluteString == "https://carol.example/")
        #expect(feed.selfURL?.absoluteString == "https://carol.example/rss.xml")
        #expect(feed.hubURLs.count == 1)
        #expect(feed.entries.count == 2)
        #expect(feed.entries[0].id == "post-17")
        #expect(feed.entries[0].title == "Tea & cake")
        #expect(feed.entries[0].url?.absoluteString == "https://carol.example/tea")
        #expect(feed.entries[0].authorName == "Carol")
        #expect(feed.entries[0].contentHTML == "<p>Long <i>story</i></p>")
        #expect(feed.entries[0].summary == "<p>Short</p>")
        #expect(feed.entries[0].published == date("2002-09-07T00:00:01Z"))
        #expect(feed.entries[1].id == "https://carol.example/untitled")
        #expect(feed.entries[1].url?.absoluteString == "https://carol.example/untitled")
        #expect(feed.entries[1].title == nil)
        #expect(feed.entries[1].published == date("2002-09-07T08:00:00Z"))
    }

    @Test func rss1() throws {
        let feed = try parse(
            """
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
              <channel rdf:about="https://dave.example/"><title>Dave</title><link>https://dave.example/</link></channel>
              <item rdf:about="https://dave.example/1"><title>One</title><link>https://dave.example/1</link>
                <dc:date>2026-01-02T03:04:05Z</dc:date><description>First</description></item>
            </rdf:RDF>
            """)
        #expect(feed.title == "Dave")
        #expect(feed.entries.map(\.id) == ["https://dave.example/1"])
        #expect(feed.entries[0].updated == date("2026-01-02T03:04:05Z"))
    }

    @Test func jsonFeed() throws {
        let feed = try parse(
            """
            {"version": "https://jsonfeed.org/version/1.1", "title": "Erin", "home_page_url": "https://erin.example/",
             "feed_url": "https://erin.example/feed.json", "hubs": [{"type": "WebSub", "url": "https://hub.example/"}, {"type": "rssCloud", "url": "https://c.example/"}],
             "items": [
               {"id": 42, "url": "/p/42", "title": "Answer", "content_html": "<p>Forty-two</p>", "date_published": "2026-12-01T00:00:00Z",
                "authors": [{"name": "Erin"}]},
               {"id": "note-1", "content_text": "Only text", "summary": "a < b", "author": {"name": "Old style"}},
               {"title": "No id, no url: skipped"},
               "not an object"
             ]}
            """)
        #expect(feed.format == .jsonFeed)
        #expect(feed.title == "Erin")
        #expect(feed.selfURL?.absoluteString == "https://erin.example/feed.json")
        #expect(feed.hubURLs.map(\.absoluteString) == ["https://hub.example/"])
        #expect(feed.entries.map(\.id) == ["42", "note-1"])
        #expect(feed.entries[0].url?.absoluteString == "https://blog.example/p/42")
        #expect(feed.entries[0].authorName == "Erin")
        #expect(feed.entries[0].updated == date("2026-12-01T00:00:00Z"))
        #expect(feed.entries[1].contentText == "Only text")
        #expect(feed.entries[1].summary == "a &lt; b")
        #expect(feed.entries[1].authorName == "Old style")
    }

    @Test(arguments: [
        ("", "not a feed"),
        ("<html><body>a page</body></html>", "not a feed"),
        ("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>x</id>", "malformed"),
        ("<rss><channel><item><title>a</b></item></channel></rss>", "malformed"),
        ("{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [", "malformed"),
        ("{\"title\": \"no version\", \"items\": []}", "not a feed"),
        ("[1, 2]", "not a feed"),
        (
            "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><rss><channel><title>&lol2;</title></channel></rss>",
            "refused"
        ),
        ("<!DOCTYPE rss SYSTEM \"file:///etc/passwd\"><rss><channel><title>&xxe;</title></channel></rss>", "malformed"),
        // The prolog's scan skips comments and quoted strings: declarations after them are found.
        ("<!-- <x> --><!DOCTYPE rss [<!ENTITY a \"aaaa\">]><rss><channel><title>&a;</title></channel></rss>", "refused"),
        ("<!DOCTYPE rss SYSTEM \"a>b\" [<!ENTITY a \"aaaa\">]><rss><channel><title>&a;</title></channel></rss>", "refused"),
        (
            "<?xml version=\"1.0\"?><?style <x>?>" + String(repeating: "<!-- padding -->", count: 6_000) + "<!DOCTYPE rss [<!ENTITY a \"a\">]><rss/>",
            "refused"
        ),
    ])
    func refusesWhatIsNotAGoodFeed(text: String, kind: String) {
        #expect {
            _ = try parse(text)
        } throws: { error in
            "\(error)".contains(kind)
        }
    }

    @Test func anOldDoctypeWithoutEntitiesIsRead() throws {
        let feed = try parse(
            "<?xml version=\"1.0\"?><!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" \"http://my.netscape.com/publish/formats/rss-0.91.dtd\"><rss version=\"0.91\"><channel><title>Old</title><item><title>A</title><link>https://old.example/a</link></item></channel></rss>"
        )
        #expect(feed.title == "Old")
        #expect(feed.entries.count == 1)
    }

    @Test func entriesAndFieldsAreBounded() throws {
        let item = "<item><guid>g</guid><title>\(String(repeating: "t", count: 1_000))</title></item>"
        let items = (0..<800).map { item.replacingOccurrences(of: "<guid>g", with: "<guid>g\($0)") }.joined()
        let feed = try parse("<rss><channel>\(items)</channel></rss>")
        #expect(feed.entries.count == FeedDocument.maximumEntries)
        #expect(feed.entries[0].title?.count == 300)
    }

    @Test func deepNestingIsAnError() {
        let deep = "<rss><channel>" + String(repeating: "<x>", count: 300) + String(repeating: "</x>", count: 300) + "</channel></rss>"
        #expect(throws: FeedError.self) { _ = try parse(deep) }
    }

    @Test func aPageNamesItsFeeds() {
        let page = HTMLDocument(
            html: """
                <head>
                <link rel="alternate" type="application/rss+xml" title="Comments" href="/comments/feed">
                <link rel="alternate" type="application/atom+xml" href="/atom.xml">
                <link rel="alternate" type="application/feed+json; charset=utf-8" href="https://x.example/feed.json">
                <link rel="alternate" type="text/html" href="/fr/">
                <link rel="stylesheet" type="application/atom+xml" href="/nope">
                <link rel="alternate" type="application/atom+xml" href="javascript:alert(1)">
                </head>
                """, url: url)
        #expect(
            page.feedLinks().map(\.url.absoluteString) == [
                "https://blog.example/atom.xml", "https://x.example/feed.json", "https://blog.example/comments/feed",
            ])
    }
}
