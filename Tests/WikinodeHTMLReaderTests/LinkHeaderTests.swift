import Testing
import WikinodeHTMLReader

@Suite("Link header parsing (RFC 8288)")
struct LinkHeaderTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var values: [String]
        var links: [LinkHeader.Link]
        var testDescription: String { values.joined(separator: " | ") }
    }

    static func link(_ url: String, _ rels: [String], _ parameters: [String: String] = [:]) -> LinkHeader.Link {
        var parameters = parameters
        if !rels.isEmpty && parameters["rel"] == nil { parameters["rel"] = rels.joined(separator: " ") }
        return LinkHeader.Link(url: url, rels: rels, parameters: parameters)
    }

    static let cases: [Case] = [
        Case(values: ["</wm>; rel=webmention"], links: [link("/wm", ["webmention"])]),
        Case(values: [#"<https://a.example/wm>; rel="webmention""#], links: [link("https://a.example/wm", ["webmention"])]),
        Case(
            values: [#"<https://a.example/wm>; rel="webmention somethingelse""#],
            links: [link("https://a.example/wm", ["webmention", "somethingelse"])]),
        Case(
            values: [#"<https://a.example/e>; rel="other", <https://a.example/wm>; rel="webmention""#],
            links: [link("https://a.example/e", ["other"]), link("https://a.example/wm", ["webmention"])]),
        Case(
            values: ["<https://a.example/e>; rel=other", "<https://a.example/wm>; rel=webmention"],
            links: [link("https://a.example/e", ["other"]), link("https://a.example/wm", ["webmention"])]),
        Case(
            values: [#"<https://a.example/a,b>; rel="x"; title="one, two; three", </c>; rel=y"#],
            links: [
                link("https://a.example/a,b", ["x"], ["rel": "x", "title": "one, two; three"]), link("/c", ["y"]),
            ]),
        Case(
            values: [#"</a>; REL="WebMention"; Title="T""#],
            links: [link("/a", ["webmention"], ["rel": "WebMention", "title": "T"])]),
        Case(
            values: [#"</a>; rel="first"; rel="second""#], links: [link("/a", ["first"], ["rel": "first"])]),
        Case(values: ["  </a>  ;  rel  =  webmention  ,  "], links: [link("/a", ["webmention"])]),
        Case(values: [#"</a>;rel="with \"escaped\" quote""#], links: [link("/a", ["with", "\"escaped\"", "quote"])]),
        Case(values: ["</a>; anchor=\"#x\"; rel=next"], links: [link("/a", ["next"], ["anchor": "#x", "rel": "next"])]),
        Case(values: ["</a>; crossorigin"], links: [link("/a", [], ["crossorigin": ""])]),
        Case(
            values: ["</a>; rel=next; title*=UTF-8'de'n%c3%a4chstes%20Kapitel"],
            links: [link("/a", ["next"], ["rel": "next", "title*": "nächstes Kapitel"])]),
        Case(values: ["junk, </a>; rel=next"], links: [link("/a", ["next"])]),
        Case(values: [#"garbage "with, comma", </a>; rel=next"#], links: [link("/a", ["next"])]),
        Case(values: ["</unterminated; rel=next"], links: []),
        Case(values: ["", " , ,", ";;;"], links: []),
        Case(values: ["<>; rel=self"], links: [link("", ["self"])]),
        Case(values: ["</a>; rel=\"\""], links: [link("/a", [], ["rel": ""])]),
        Case(
            values: ["</a> ; rel=webmention junk ; title=x"], links: [link("/a", ["webmention", "junk"], ["rel": "webmention junk", "title": "x"])]),
    ]

    @Test(arguments: cases)
    func parses(_ testCase: Case) {
        #expect(LinkHeader.parse(testCase.values) == testCase.links)
    }
}
