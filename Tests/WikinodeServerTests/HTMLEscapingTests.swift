import Foundation
import Testing
import WikinodeCore
import WikinodeTesting

@testable import WikinodeServer

/// Templates escape values byte by byte (`TemplateEscaping`), and a template that does not choose
/// that escaping is refused when the node starts.
@Suite struct HTMLEscapingTests {
    @Test func theFiveSpecialCharactersBecomeEntitiesAndNothingElseChanges() {
        #expect(HTMLEscaping.escape(#"a & b < c > d "e" 'f'"#) == "a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39;")
        #expect(HTMLEscaping.escape("Zoë’s café 日本 🙂") == "Zoë’s café 日本 🙂")
        #expect(HTMLEscaping.escape("") == "")
        #expect(HTMLEscaping.escape("&amp;") == "&amp;amp;", "escaped again: the value is text, not markup")
    }

    @Test func aQuoteOrBracketThatACombiningMarkFollowsIsEscapedToo() {
        // One Character each, but a browser reads the quote and the bracket as they are.
        let hostile = "x\"\u{0338} onmouseover=alert(1) <\u{0338}script>"
        let escaped = HTMLEscaping.escape(hostile)
        #expect(!escaped.contains("\"") && !escaped.contains("<") && !escaped.contains(">"), "\(escaped)")
        // (Literals with a combining mark are kept out of #expect: its macro cannot quote them.)
        let expected = "x&quot;\u{0338} onmouseover=alert(1) &lt;\u{0338}script&gt;"
        #expect(escaped == expected)
    }

    @Test func everyTemplateOfTheNodeChoosesIt() throws {
        try TemplateRenderer.checkEscaping(in: TestNode.repositoryRoot.appendingPathComponent("Templates"))
    }

    @Test func aTemplateFolderWithATemplateThatDoesNotIsRefused() async throws {
        let folder = try TemporaryDirectory()
        let source = TestNode.repositoryRoot.appendingPathComponent("Templates")
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: folder.path(name))
        }
        try Data("<p>{{title}}</p>\n".utf8).write(to: folder.path("extra.mustache"))
        do {
            _ = try await TemplateRenderer(folder: folder.url)
            Issue.record("a template without the pragma was accepted")
        } catch {
            #expect("\(error)".contains("extra.mustache must begin with the line \(TemplateEscaping.pragma)"), "\(error)")
        }
    }

    @Test func aTitleWithACombiningMarkCannotAddAttributesToAPage() async throws {
        let node = try TestNode()
        let title = try PageTitle("Quote\"\u{0338} onmouseover=alert(1) x")
        try await node.database().savePage(PageEdit(title: title, markdown: "Text.", author: "t"))
        try await node.test { client in
            let response = try await client.execute(uri: "/wiki/" + title.pathSegment, method: .get)
            #expect(response.status == .ok)
            let unescaped = "\"\u{0338} onmouseover"
            let escaped = "title=\"Changes to Quote&quot;\u{0338} onmouseover=alert(1) x\""
            #expect(!response.text.contains(unescaped), "\(response.text)")
            #expect(response.text.contains(escaped), "\(response.text)")
        }
    }
}
