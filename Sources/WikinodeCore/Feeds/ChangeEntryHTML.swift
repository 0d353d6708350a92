/// The text of one change in `/recent.atom` and a page's `history.atom`, as MediaWiki's feeds
/// give it: the edit summary, then the change itself as an HTML table of removed and added lines
/// with a little context, so that a feed reader shows what changed without a visit.
public enum ChangeEntryHTML {
    /// The most diff lines one entry shows; the rest is counted.
    public static let maximumLines = 120
    /// Texts larger than this together are not compared.
    public static let maximumDiffBytes = 64_000

    /// `summary` (may be empty) and the difference from `old` (nil: the page is new) to `new`
    /// (nil: the page was deleted).
    public static func html(summary: String, old: String?, new: String?) -> String {
        var html = ""
        if !summary.isEmpty { html += "<p>" + HTMLEscaping.escape(summary) + "</p>\n" }
        guard let new else { return html + "<p>The page was deleted.</p>\n" }
        // Feeds are public and polled: a diff of two large texts costs too much to make for
        // each reader, so a large change is only counted.
        let before = old ?? ""
        if before.utf8.count + new.utf8.count > maximumDiffBytes {
            let (oldLines, newLines) = (LineDiff.lines(of: before).count, LineDiff.lines(of: new).count)
            return html + "<p>A large change: \(lines(oldLines)) before, \(lines(newLines)) after.</p>\n"
        }
        let diff = LineDiff(old: before, new: new)
        if diff.isEmpty { return html + "<p>The text did not change.</p>\n" }
        html += "<p>\(lines(diff.addedCount)) added, \(diff.removedCount) removed.</p>\n<table>\n"
        var shown = 0
        var hidden = 0
        for (index, hunk) in diff.hunks.enumerated() {
            if index > 0, shown < maximumLines { html += "<tr><td colspan=\"2\">…</td></tr>\n" }
            for line in hunk.lines {
                guard shown < maximumLines else {
                    if line.kind != .context { hidden += 1 }
                    continue
                }
                shown += 1
                let text = HTMLEscaping.escape(line.text)
                switch line.kind {
                case .added: html += "<tr><td>+</td><td><ins>\(text)</ins></td></tr>\n"
                case .removed: html += "<tr><td>−</td><td><del>\(text)</del></td></tr>\n"
                case .context: html += "<tr><td></td><td>\(text)</td></tr>\n"
                }
            }
        }
        html += "</table>\n"
        if hidden > 0 { html += "<p>… and \(hidden) more changed \(hidden == 1 ? "line" : "lines").</p>\n" }
        return html
    }

    static func lines(_ count: Int) -> String { count == 1 ? "1 line" : "\(count) lines" }
}
