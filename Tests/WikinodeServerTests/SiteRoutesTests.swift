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

/// Recent changes, feeds, search, index and discovery.
@Suite struct SiteRoutesTests {
    let node: TestNode

    init() throws {
        node = try TestNode()
        let database = try node.database()
        try database.savePage(
            PageEdit(
                title: try PageTitle("Gardening"), markdown: "Tomatoes & <peppers> need sun.", summary: "a \"quoted\" <summary>",
                author: "alice & bob"))
        try database.savePage(PageEdit(title: try PageTitle("Cooking"), markdown: "Gardening gives tomatoes.", author: "carol"))
    }

    @Test(arguments: [
        "/wiki/Gardening.md", "/robots.txt", "/sitemap.xml", "/recent.atom", "/wiki/Gardening/history.atom", "/feed.atom", "/feed.rss",
        "/feed.json", "/api/pages/Gardening", "/api/changes", "/.well-known/wikinode", "/system/sitemap.json", "/gardening.json",
        "/static/wikinode.css", "/static/edit.js", "/favicon.ico", "/wiki/Gardening", "/wiki/Nowhere", "/wiki/Nowhere.md", "/no/such/address",
    ])
    func everyResponseSaysNoSniff(path: String) async throws {
        try await node.test { client in
            let response = try await client.execute(uri: path, method: .get)
            #expect(
                response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff",
                "\(path): \(response.status) \(response.headers[.contentType] ?? "")")
        }
    }

    @Test func browsersFindAnIcon() async throws {
        try await node.test { client in
            let icon = try await client.execute(uri: "/favicon.ico", method: .get)
            #expect(icon.status == .ok)
            #expect(icon.headers[.contentType] == "image/x-icon")
            #expect(Array(icon.body.readableBytesView.prefix(4)) == [0, 0, 1, 0], "an ICO file")
            let svg = try await client.execute(uri: "/static/favicon.svg", method: .get)
            #expect(svg.status == .ok)
            let page = try await client.execute(uri: "/wiki/Gardening", method: .get)
            #expect(page.text.contains(#"<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">"#))
        }
    }

    @Test func recentChangesListsNewestFirst() async throws {
        try await node.test { client in
            let response = try await client.execute(uri: "/recent", method: .get)
            #expect(response.status == .ok)
            let html = response.text
            let cooking = try #require(html.range(of: "Cooking</a>"))
            let gardening = try #require(html.range(of: "Gardening</a>"))
            #expect(cooking.lowerBound < gardening.lowerBound)
            #expect(html.contains("alice &amp; bob"))
            #expect(try await client.execute(uri: "/recent?before=abc", method: .get).status == .badRequest)
        }
    }

    @Test func recentAtomIsWellFormedAndEscaped() async throws {
        try await node.test { client in
            let response = try await client.execute(uri: "/recent.atom", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/atom+xml; charset=utf-8")
            let entries = try AtomProbe.parse(response.text)
            #expect(entries.titles.contains("Gardening (create)"))
            #expect(entries.summaries.contains("a \"quoted\" <summary>"))
            #expect(entries.feedID == "http://127.0.0.1:8080/recent")
            let history = try await client.execute(uri: "/wiki/Gardening/history.atom", method: .get)
            #expect(try AtomProbe.parse(history.text).titles.count == 1)
        }
    }

    @Test func feedEntriesCarryTheSummaryAndTheChangeAsAnHTMLDiff() async throws {
        // Given an edit of one line and a deletion
        let database = try node.database()
        let gardening = try PageTitle("Gardening")
        let current = try database.allPages().first { $0.page.title == "Gardening" }!
        try await database.savePage(
            PageEdit(title: gardening, markdown: current.markdown + "\nBeans & <squash> too.", summary: "more plants", author: "dave"))
        try database.deletePage(try PageTitle("Cooking"), author: "erin")
        try await node.test { client in
            // When the feeds are read
            let recent = try AtomProbe.parse(try await client.execute(uri: "/recent.atom", method: .get).text)
            let history = try AtomProbe.parse(try await client.execute(uri: "/wiki/Gardening/history.atom", method: .get).text)
            // Then every entry has text: the summary, then the lines removed and added, escaped
            #expect(recent.contents.count == recent.titles.count)
            #expect(history.contents.count == history.titles.count)
            let edit = try #require(recent.contents.first { $0.contains("more plants") })
            #expect(edit.hasPrefix("<p>more plants</p>"))
            #expect(edit.contains("<ins>Beans &amp; &lt;squash&gt; too.</ins>"))
            #expect(edit.contains("<p>1 line added, 0 removed.</p>"))
            #expect(recent.contents.contains { $0.contains("The page was deleted.") })
            let created = try #require(history.contents.last)
            #expect(created.contains("<ins>Tomatoes &amp; &lt;peppers&gt; need sun.</ins>"))
            #expect(history.contents.first?.contains("<ins>Beans") == true)
        }
    }

    @Test func datesAreShownInTheNodesTimeZone() async throws {
        try node.database().setSetting("timeZone", to: "Asia/Tokyo")
        #expect(throws: WikiError.self) { try node.database().setSetting("timeZone", to: "Mars/Olympus") }
        try await node.test { client in
            let html = try await client.execute(uri: "/recent", method: .get).text
            #expect(html.contains("+09:00\""), "datetime attributes carry the offset")
            let feed = try await client.execute(uri: "/recent.atom", method: .get).text
            #expect(feed.contains("Z</updated>"), "feeds stay in UTC")
        }
    }

    @Test func searchFindsAndHighlights() async throws {
        try await node.test { client in
            let response = try await client.execute(uri: "/search?q=tomatoes", method: .get)
            #expect(response.status == .ok)
            #expect(response.text.contains("<mark>Tomatoes</mark>"))
            #expect(response.text.contains(#"<a href="/wiki/Cooking">Cooking</a>"#))
            let plus = try await client.execute(uri: "/search?q=need+sun", method: .get)
            #expect(plus.text.contains("<mark>need</mark> <mark>sun</mark>"))
            let hostile = try await client.execute(uri: "/search?q=%22%3Cscript%3E%20OR%20(", method: .get)
            #expect(hostile.status == .ok)
            #expect(!hostile.text.contains("<script>"))
            #expect(try await client.execute(uri: "/search?q=%FF", method: .get).status == .badRequest)
            #expect(try await client.execute(uri: "/search?q=" + String(repeating: "a", count: 600), method: .get).status == .badRequest)
            #expect(try await client.execute(uri: "/search", method: .get).status == .ok)
        }
    }

    @Test func indexListsEveryPage() async throws {
        try await node.test { client in
            let html = try await client.execute(uri: "/wiki", method: .get).text
            #expect(html.contains(#"<a href="/wiki/Cooking">Cooking</a>"#))
            #expect(html.contains(#"<a href="/wiki/Welcome">Welcome</a>"#))
        }
    }

    @Test func nodeInfoPublishesTheKey() async throws {
        try await node.test { client in
            let response = try await client.execute(uri: "/.well-known/wikinode", method: .get)
            #expect(response.status == .ok)
            let info = try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any]
            #expect(info?["baseURL"] as? String == "http://127.0.0.1:8080")
            #expect((info?["publicKey"] as? String).flatMap { Data(base64Encoded: $0) }?.count == 32)
            let sitemap = try await client.execute(uri: "/sitemap.xml", method: .get)
            #expect(sitemap.text.contains("<loc>http://127.0.0.1:8080/wiki/Gardening</loc>"))
            #expect(try await client.execute(uri: "/robots.txt", method: .get).text.contains("Sitemap:"))
        }
    }
}

/// Reads an Atom document with Foundation's XML parser, failing on any parse error.
final class AtomProbe: NSObject, XMLParserDelegate {
    var titles: [String] = []
    var summaries: [String] = []
    /// Each entry's `content`, as the HTML it carries.
    var contents: [String] = []
    var feedID = ""
    private var text = ""
    private var inEntry = false

    static func parse(_ xml: String) throws -> AtomProbe {
        let probe = AtomProbe()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = probe
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.fileReadCorruptFile) }
        return probe
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:])
    {
        if name == "entry" { inEntry = true }
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "title" where inEntry: titles.append(text)
        case "summary": summaries.append(text)
        case "content": contents.append(text)
        case "id" where !inEntry: feedID = text
        case "entry": inEntry = false
        default: break
        }
    }
}
