import Foundation
import Testing
import WikinodeHTMLReader

@Suite("Other sites' HTML as Markdown")
struct MarkdownConversionTests {
    let base = URL(string: "https://blog.example/2026/post")!

    func markdown(_ html: String, limit: Int = 512 << 10) -> String {
        HTMLDocument(html: html, url: base).markdown(limit: limit)
    }

    @Test(arguments: [
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("Plain <b>bold</b> and <em>soft</em>.", "Plain **bold** and *soft*."),
        ("<em> spaced </em>word", "*spaced* word"),
        ("<em></em><strong> </strong>x", "x"),
        ("<em>a <i>b</i> c</em> <b><i>d</i></b>", "*a b c* ***d***"),
        ("<a href=\"/other\">there</a>", "[there](<https://blog.example/other>)"),
        ("<a href=\"javascript:alert(1)\">x</a>", "x"),
        ("<a href=\"data:text/html,hi\">x</a>", "x"),
        ("<a href=\"mailto:a@b.example\">mail</a>", "[mail](<mailto:a@b.example>)"),
        // HTML closes a link where another opens, as browsers do.
        ("<a href=\"/a\"><a href=\"/b\">nested</a></a>", "[nested](<https://blog.example/b>)"),
        ("<img src=\"/i.png\" alt=\"A [pic]\">", "![A \\[pic\\]](<https://blog.example/i.png>)"),
        ("<img src=\"javascript:x\" alt=\"no\">", ""),
        ("<h1>Title</h1><h3>Sub<br>head</h3>", "# Title\n\n### Sub head"),
        // A heading's last `#` is its own, not a closing sequence.
        ("<h2>Issue #</h2><h2>C#</h2><h3>a ##</h3><h4>#</h4>", "## Issue \\#\n\n## C#\n\n### a #\\#\n\n#### \\#"),
        ("line<br>next<br>", "line\\\nnext"),
        (
            "<p>*not* _emphasis_ [[NotAWikiLink]] <b>&lt;script&gt;</b> &amp;amp; `tick`</p>",
            "\\*not\\* \\_emphasis\\_ \\[\\[NotAWikiLink\\]\\] **\\<script\\>** \\&amp; \\`tick\\`"
        ),
        (
            "<p>- not a list</p><p>1. not ordered</p><p># not a heading</p><p>=</p>",
            "\\- not a list\n\n1\\. not ordered\n\n\\# not a heading\n\n\\="
        ),
        ("<ul><li>one</li><li>two <b>2</b></li></ul>", "- one\n- two **2**"),
        ("<ol start=\"3\"><li>c</li><li>d</li></ol>", "3. c\n4. d"),
        ("<ul><li>a<ul><li>b</li></ul></li></ul>", "- a\n\n  - b"),
        ("<blockquote><p>quoted</p><p>twice</p></blockquote>", "> quoted\n>\n> twice"),
        ("<pre class=\"language-swift\"><code>let x = `y`\n  indented</code></pre>", "```swift\nlet x = `y`\n  indented\n```"),
        ("<pre>```\nfence\n```</pre>", "````\n```\nfence\n```\n````"),
        ("use <code>a`b</code> here", "use ``a`b`` here"),
        ("<script>alert(1)</script><style>p{}</style><iframe src=x>f</iframe>ok", "ok"),
        ("<form><input value=x><button>b</button></form><svg><text>s</text></svg>ok", "ok"),
        ("<p onclick=\"x()\" style=\"color:red\">styled</p>", "styled"),
        ("<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>", "a | b\n\n1 | 2"),
        ("<hr><p>after</p>", "* * *\n\nafter"),
        (
            "<a href=\"/x\"><p>block one</p><p>block two</p></a>",
            "[block one](<https://blog.example/x>)\n\n[block two](<https://blog.example/x>)"
        ),
        ("<q>said</q>", "“said”"),
        // The HTML parser replaces control characters; a byte order mark is dropped.
        ("a\u{0007}b\u{FEFF}c", "a\u{FFFD}bc"),
    ])
    func converts(html: String, expected: String) {
        #expect(markdown(html) == expected)
    }

    @Test func linksWithAngleBracketsAndSpacesCannotEndEarly() {
        let converted = markdown("<a href=\"/a%3E(b)> c\">x</a>")
        #expect(!converted.contains(" c>"))
        #expect(converted.hasPrefix("[x](<https://blog.example/a"))
    }

    @Test func adjacentCodeSpansDoNotRunTogether() {
        let converted = markdown("<code>a</code><code>`[x](http://evil.example/)</code>")
        #expect(converted == "`a` `` `[x](http://evil.example/) ``")
    }

    @Test func aSpanWhoseMarkerPassesTheLimitIsLeftOut() {
        // The limit falls where the `**` of the <b> would go: no crash, no half marker.
        for length in 95...100 {
            let converted = markdown("<p>" + String(repeating: "a", count: length) + "<b>x</b> y</p>", limit: 100)
            #expect(converted.hasPrefix(String(repeating: "a", count: 95)))
            #expect(converted.hasSuffix("…"))
        }
    }

    @Test func aBaseElementIsHonoured() {
        let converted = markdown("<head><base href=\"https://cdn.example/\"></head><img src=\"p.png\" alt=\"\">")
        #expect(converted == "![](<https://cdn.example/p.png>)")
    }

    @Test func outputIsBoundedAndEndsWithAnEllipsis() {
        let html = String(repeating: "<p>A paragraph of some length to fill the page.</p>", count: 10_000)
        let converted = markdown(html, limit: 1_000)
        #expect(converted.utf8.count < 1_100)
        #expect(converted.hasSuffix("\n\n…"))
    }

    @Test func deeplyNestedMarkupIsConvertedWithoutRecursion() {
        // 500 elements deep, near the parser's depth limit (512).
        let html = String(repeating: "<blockquote><ul><li><em>", count: 125) + "deep" + String(repeating: "</em></li></ul></blockquote>", count: 125)
        let converted = markdown(html)
        #expect(converted.hasSuffix("- *deep*"))
        #expect(converted.hasPrefix("> - > - > -"))
    }
}
