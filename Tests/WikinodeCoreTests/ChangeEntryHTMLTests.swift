import Testing
import WikinodeCore

/// The text of a change in the change feeds.
@Suite struct ChangeEntryHTMLTests {
    @Test func summaryThenTheEscapedLinesThatChanged() {
        let html = ChangeEntryHTML.html(summary: "fix <b>", old: "one\ntwo\n", new: "one\n<script>2</script>\n")
        #expect(html.hasPrefix("<p>fix &lt;b&gt;</p>\n<p>1 line added, 1 removed.</p>"))
        #expect(html.contains("<del>two</del>"))
        #expect(html.contains("<ins>&lt;script&gt;2&lt;/script&gt;</ins>"))
        #expect(!html.contains("<script>"))
    }

    @Test func deletionsRenamesAndNewPages() {
        #expect(ChangeEntryHTML.html(summary: "", old: "text", new: nil) == "<p>The page was deleted.</p>\n")
        #expect(ChangeEntryHTML.html(summary: "Renamed from A", old: "same", new: "same").contains("The text did not change."))
        #expect(ChangeEntryHTML.html(summary: "", old: nil, new: "new page\n").contains("<ins>new page</ins>"))
    }

    @Test func longAndLargeChangesStayBounded() {
        let many = (0..<500).map { "line \($0)" }.joined(separator: "\n")
        let html = ChangeEntryHTML.html(summary: "", old: nil, new: many)
        #expect(html.components(separatedBy: "<ins>").count - 1 == ChangeEntryHTML.maximumLines)
        #expect(html.contains("… and \(500 - ChangeEntryHTML.maximumLines) more changed lines."))
        let huge = String(repeating: "x\n", count: 40_000)
        let large = ChangeEntryHTML.html(summary: "big", old: huge, new: huge + "y\n")
        #expect(large == "<p>big</p>\n<p>A large change: 40000 lines before, 40001 lines after.</p>\n")
    }
}
