import Testing

@testable import WikinodeCore

/// Link extraction from cmark's AST, as a table of cases.
@Suite struct MarkdownLinkTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let markdown: String
        let links: [String]
        var camelCase = true
        var testDescription: String { markdown.debugDescription }
    }

    static let cases: [Case] = [
        Case(markdown: "[[Foo]]", links: ["Foo"]),
        Case(markdown: "See [[Foo Bar]] and [[Baz]].", links: ["Foo Bar", "Baz"]),
        Case(markdown: "[[Foo|the label]]", links: ["Foo"]),
        Case(markdown: "[[ Foo  bar_baz ]]", links: ["Foo bar baz"]),
        Case(markdown: "[[Foo]] twice [[foo]]", links: ["Foo"]),
        Case(markdown: "\\[[Escaped]]", links: []),
        Case(markdown: "[\\[Escaped]]", links: []),
        Case(markdown: "[[Escaped\\]]", links: []),
        Case(markdown: "&#91;&#91;Entity]]", links: []),
        Case(markdown: "`[[In Code]]`", links: []),
        Case(markdown: "```\n[[In Fence]]\n```", links: []),
        Case(markdown: "    [[Indented Code]]", links: []),
        Case(markdown: "<span>[[In Html]]</span>", links: ["In Html"]),
        Case(markdown: "[see [[Inside]]](https://example.org/)", links: []),
        Case(markdown: "[[Unclosed", links: []),
        Case(markdown: "[[Half]", links: []),
        Case(markdown: "[[]]", links: []),
        Case(markdown: "[[a/b]] is not a title", links: []),
        Case(markdown: "[[Outer [[Inner]]", links: ["Inner"]),
        Case(markdown: "[[Ünïcödé Pägé]]", links: ["Ünïcödé Pägé"]),
        Case(markdown: "[[日本語]]", links: ["日本語"]),
        Case(markdown: "> quoted [[Quote Link]]", links: ["Quote Link"]),
        Case(markdown: "- item [[List Link]]  \n  next", links: ["List Link"]),
        Case(markdown: "# Heading [[Heading Link]]", links: ["Heading Link"]),
        Case(markdown: "*[[Emphasised]]*", links: ["Emphasised"]),
        Case(markdown: "a\\\\[[Real]]", links: ["Real"]),
        Case(markdown: "WikiNode is here.", links: ["WikiNode"]),
        Case(markdown: "WikiNode is here.", links: [], camelCase: false),
        Case(markdown: "End with FrontPage.", links: ["FrontPage"]),
        Case(markdown: "ÉcoleNormale", links: ["ÉcoleNormale"]),
        Case(markdown: "FrontPage2 works", links: ["FrontPage2"]),
        Case(markdown: "iPhone NASA Hello ABCdef McD", links: []),
        Case(markdown: "http://example.org/FooBar", links: []),
        Case(markdown: "file_FooBar foo.FooBar user@FooBar", links: []),
        Case(markdown: "FooBar.com FooBar/x", links: []),
        Case(markdown: "`WikiNode`", links: []),
        Case(markdown: "[x](/wiki/Foo_Bar) and [y](/wiki/Caf%C3%A9?x=1#top)", links: ["Foo Bar", "Café"]),
    ]

    @Test(arguments: cases)
    func extractsWikiLinks(_ testCase: Case) {
        let document = MarkdownDocument(markdown: testCase.markdown, options: MarkdownOptions(camelCaseLinks: testCase.camelCase))
        #expect(document.wikiLinks.map(\.text) == testCase.links)
    }

    @Test func escapedBracketsStayVisible() {
        let html = render("\\[[Escaped]] and [[Real]]")
        #expect(html.contains("[[Escaped]]"))
        #expect(html.contains(#"<a class="wikilink" href="/wiki/Real">Real</a>"#))
    }

    @Test func labelIsShownAndTitleIsTheTarget() {
        let html = render("[[Front Page|home]]")
        #expect(html.contains(#"<a class="wikilink" href="/wiki/Front_Page">home</a>"#))
    }

    @Test func missingPagesLookDifferent() {
        let document = MarkdownDocument(markdown: "[[Here]] [[Gone]]")
        let html = document.renderHTML { $0.text == "Here" ? $0 : nil }
        #expect(html.contains(#"<a class="wikilink" href="/wiki/Here">Here</a>"#))
        #expect(html.contains(#"<a class="wikilink missing" href="/wiki/Gone""#))
    }

    @Test func externalLinksAreCollected() {
        let document = MarkdownDocument(
            markdown:
                "[a](https://example.org/a) <https://example.org/b> [c](/local) [a again](https://example.org/a) ![img](https://example.org/i.png)")
        #expect(document.externalLinks == ["https://example.org/a", "https://example.org/b"])
    }

    @Test func plainTextLeavesMarkupOut() {
        let document = MarkdownDocument(markdown: "# Title\n\nSome *emphasis* and `code` and [[Link|label]].\n\n```\nblock\n```\n")
        #expect(document.plainText == "Title\nSome emphasis and code and label.\nblock\n")
    }

    func render(_ markdown: String) -> String {
        MarkdownDocument(markdown: markdown).renderHTML { $0 }
    }
}
