import Foundation
import Testing
import WikinodeHTMLReader

@Suite("Hostile and broken input")
struct HostileInputTests {
    let source = URL(string: "https://mallory.example/page")!
    let target = URL(string: "https://alice.example/post")!

    /// Runs `body` and returns how long it took, in seconds.
    func seconds(_ body: () -> Void) -> Double {
        let start = ContinuousClock.now
        body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    @Test func emptyDocument() {
        let document = HTMLDocument(html: "", url: source)
        #expect(document.links().isEmpty)
        #expect(document.webmentionEndpoint(linkHeaders: []) == nil)
        #expect(document.pingbackServer(xPingbackHeaders: []) == nil)
        #expect(document.trackbackPingURL(for: source) == nil)
        #expect(document.title == nil)
        #expect(!document.containsLink(to: target))
    }

    @Test func hugeDocument() {
        // About 5 MB: many paragraphs, the link near the end.
        let paragraph = "<p>Some <b>text</b> with a <a href=\"/x\">link</a> and more words to fill the line.</p>\n"
        let html =
            String(repeating: paragraph, count: 5_000_000 / paragraph.utf8.count)
            + "<p>The <a href=\"https://alice.example/post\">target</a>.</p>"
        var document: HTMLDocument?
        let elapsed = seconds { document = HTMLDocument(html: html, url: source) }
        #expect(html.utf8.count > 4_900_000)
        #expect(elapsed < 60)
        #expect(document?.containsLink(to: target) == true)
        let mention = document?.mention(of: target)
        #expect(mention?.excerpt?.hasSuffix("to fill the line. The target.") == true)
        #expect(document?.links().count == 2)
    }

    @Test(arguments: ["div", "ul", "dl", "b", "font", "span", "x-y", "blockquote"])
    func deeplyNestedTags(_ tag: String) {
        // Nesting is quadratic work for an HTML5 tree builder; the guard cuts the document where
        // it passes the depth browsers show, so this stays fast and a later link is not seen.
        let depth = 200_000
        let html =
            String(repeating: "<\(tag)>", count: depth) + "<a href=\"https://alice.example/post\">x</a>"
            + String(repeating: "</\(tag)>", count: depth)
        var document: HTMLDocument?
        let elapsed = seconds { document = HTMLDocument(html: html, url: source) }
        #expect(elapsed < 20)
        #expect(document?.containsLink(to: target) == false)
        #expect(document?.mention(of: target) != nil)
    }

    @Test func nestingWithinTheLimitIsRead() {
        let html =
            String(repeating: "<div>", count: 400) + "<a href=\"https://alice.example/post\">x</a>"
            + String(repeating: "</div>", count: 400)
        #expect(HTMLDocument(html: html, url: source).containsLink(to: target))
    }

    @Test func deepSiblingsAreNotNesting() {
        // Closed elements, void elements and self-closing SVG do not add up to depth.
        let html =
            String(repeating: "<div><br><img src=x><p>para<li>item</div>", count: 20_000)
            + "<svg>" + String(repeating: "<path d=\"M0 0\"/>", count: 5_000) + "</svg>"
            + "<script>" + String(repeating: "if (a<b) {}", count: 5_000) + "</script>"
            + "<!--" + String(repeating: "<div>", count: 5_000) + "-->"
            + "<a href=\"https://alice.example/post\">x</a>"
        #expect(HTMLDocument(html: html, url: source).containsLink(to: target))
    }

    @Test func reconstructedFormattingElements() {
        // Unclosed formatting elements reopened in every paragraph (the "adoption agency" bomb).
        let html = (0..<50_000).map { "<p><b id=\($0)>x</p>" }.joined()
        let elapsed = seconds { _ = HTMLDocument(html: html, url: source).links() }
        #expect(elapsed < 20)
    }

    @Test func deeplyNestedMicroformats() {
        let html =
            String(repeating: "<div class=\"h-entry p-comment\">", count: 300)
            + "<a href=\"https://alice.example/post\">x</a>" + String(repeating: "</div>", count: 300)
        let mention = HTMLDocument(html: html, url: source).mention(of: target)
        #expect(mention.isFromMicroformats)
    }

    @Test func nestedPropertiesOverMuchText() {
        // Each property reads its element's text; nesting hundreds of them over a megabyte of
        // text must not multiply the work.
        let html =
            "<div class=\"h-entry\">" + String(repeating: "<div class=\"e-content p-name p-summary\">", count: 500)
            + String(repeating: "word ", count: 200_000) + "<a href=\"https://alice.example/post\">x</a>"
        var mention: MentionContent?
        let elapsed = seconds { mention = HTMLDocument(html: html, url: source).mention(of: target) }
        #expect(elapsed < 20)
        #expect(mention?.title?.hasPrefix("word word") == true)
        #expect(mention?.excerpt?.count ?? 0 <= 500)
    }

    @Test func invalidUTF8ConvertedBeforeParsing() {
        // The caller decodes bytes as UTF-8, replacing what is invalid.
        var bytes = Array("<title>caf".utf8) + [0xE9, 0xFF, 0xC3] + Array("</title><a href=\"https://alice.example/post\">x</a>".utf8)
        bytes += [0xF0, 0x9F, 0x98]
        let document = HTMLDocument(html: String(decoding: bytes, as: UTF8.self), url: source)
        #expect(document.title == "caf\u{FFFD}\u{FFFD}\u{FFFD}")
        #expect(document.containsLink(to: target))
    }

    @Test func binaryJunk() {
        // Deterministic pseudo-random bytes, NULs and all, about 1 MB, then a real link.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1_000_000)
        for _ in 0..<1_000_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bytes.append(UInt8(truncatingIfNeeded: state >> 56))
        }
        let junk = String(decoding: bytes, as: UTF8.self)
        let document = HTMLDocument(html: junk, url: source)
        _ = document.links()
        _ = document.mention(of: target)
        _ = document.trackbackPingURL(for: target)
        _ = document.webmentionEndpoint(linkHeaders: [String(junk.prefix(1000))])
        let withLink = HTMLDocument(html: "<a href=\"https://alice.example/post\">x</a>\0" + junk, url: source)
        #expect(withLink.containsLink(to: target))
    }

    @Test func unterminatedConstructs() {
        for html in [
            "<a href=\"https://alice.example/post", "<!-- <a href=x>", "<a href='", "<", "</", "<!", "<script>",
            "<svg><a href=\"https://alice.example/post\"", "<rdf:RDF", "<!--<rdf:RDF xmlns:rdf=\"",
        ] {
            let document = HTMLDocument(html: html, url: source)
            _ = document.links()
            _ = document.mention(of: target)
            _ = document.trackbackPingURL(for: target)
        }
    }

    @Test func documentsCrossTasks() async {
        // The document is plain values: Sendable, shared across concurrent tasks.
        let document = HTMLDocument(html: "<a href=\"https://alice.example/post\">x</a>", url: source)
        let target = self.target
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 { group.addTask { document.containsLink(to: target) } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 8))
    }
}
