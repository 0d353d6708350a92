import Testing

@testable import WikinodeCore

/// Whatever a page says, its HTML runs no script and breaks out of no attribute.
@Suite struct RenderingSafetyTests {
    @Test(arguments: [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "text <b onclick=\"alert(1)\">bold</b>",
        "<iframe src=\"https://example.org\"></iframe>",
        "<!-- comment --><style>body{}</style>",
    ])
    func rawHTMLIsOmitted(markdown: String) {
        let html = MarkdownDocument(markdown: markdown).renderHTML { $0 }
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img src=x"))
        #expect(!html.contains("onclick"))
        #expect(!html.contains("<iframe"))
        #expect(!html.contains("<style"))
    }

    @Test(arguments: [
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x]( javascript:alert(1))",
        "[x](vbscript:msgbox)",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](data:image/png;base64,AAAA)",
        "![x](data:image/svg+xml;base64,AAAA)",
        "[x](file:///etc/passwd)",
        "<javascript:alert(1)>",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
        "[x](jav&#x61;script:alert(1))",
        "[x](java\\script:alert(1))",
    ])
    func dangerousURLsAreDropped(markdown: String) {
        let html = MarkdownDocument(markdown: markdown).renderHTML { $0 }
        let lowered = html.lowercased()
        for scheme in ["javascript:", "vbscript:", "data:", "file:"] {
            #expect(!lowered.contains("=\"\(scheme)"), "no attribute value starts with \(scheme)")
            #expect(!lowered.contains("=\" \(scheme)"))
        }
    }

    /// What the HTML reader writes for headings that end in `#` (its `MarkdownConversionTests`)
    /// renders them with their `#`s.
    @Test func headingsEndingInAnEscapedHashKeepIt() {
        let html = MarkdownDocument(markdown: "## Issue \\#\n\n## C#\n\n### a #\\#\n\n#### \\#").renderHTML { $0 }
        #expect(html.contains("<h2>Issue #</h2>") && html.contains("<h2>C#</h2>"), "\(html)")
        #expect(html.contains("<h3>a ##</h3>") && html.contains("<h4>#</h4>"), "\(html)")
    }

    @Test func safeSchemesSurvive() {
        let html = MarkdownDocument(markdown: "[a](https://x.org/) [b](mailto:a@b.org) [c](/relative) [d](page?x=a:b)").renderHTML { $0 }
        #expect(html.contains(#"href="https://x.org/""#))
        #expect(html.contains(#"href="mailto:a@b.org""#))
        #expect(html.contains(#"href="/relative""#))
        #expect(html.contains(#"href="page?x=a:b""#))
    }

    @Test func wikiLinkAttributesAreEscaped() {
        let html = MarkdownDocument(markdown: #"[["><script>x</script>]] [[a"b' onmouseover=x]] [[x|<b>label</b>]]"#).renderHTML { _ in nil }
        #expect(!html.contains("<script>"))
        #expect(!html.contains("<b>label"))
        #expect(html.contains(#"title="a&quot;b&#39; onmouseover=x (this page does not exist yet)""#))
        #expect(html.contains(#"href="/wiki/a%22b&#39;_onmouseover%3Dx""#))
    }
}
