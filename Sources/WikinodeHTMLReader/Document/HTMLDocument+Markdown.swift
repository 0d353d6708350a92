import Foundation

extension HTMLDocument {
    /// The HTML of another site (a feed entry's content, a Federated Wiki `html` item) as
    /// Markdown: how this node sanitises it.
    ///
    /// Only structure a reader needs is kept: paragraphs, headings, line breaks, emphasis, code,
    /// quotes, lists, rules, table rows as lines, http(s) and mailto links, and http(s) images.
    /// Every other element gives its text only, and scripts, styles, forms, frames, embedded
    /// objects, SVG and MathML give nothing. All text is escaped, so nothing in it is read as
    /// Markdown. The result is rendered like any page, by cmark in safe mode, so no markup of the
    /// source survives: a sanitiser by construction, not by a list of what to strip.
    ///
    /// At most `limit` UTF-8 bytes of Markdown are written (then an ellipsis). With
    /// `bracketLinks`, text in Federated Wiki's link syntax becomes links.
    public func markdown(limit: Int = 512 << 10, bracketLinks: BracketLinks? = nil) -> String {
        let root = nodes.indices.first { nodes[$0].isElement("body") } ?? 0
        var writer = MarkdownWriter(limit: limit, bracketLinks: bracketLinks)
        walk(
            under: root,
            enter: { index in
                guard !writer.isFull else { return .stop }
                return writer.enter(nodes[index], resolve: { self.resolvedLink($0) })
            },
            exit: { index in writer.exit(nodes[index]) })
        return writer.finish()
    }

    /// `reference` resolved against the base URL, if it is an http(s) or mailto address.
    private func resolvedLink(_ reference: String) -> URL? {
        guard let url = URLReference.resolve(reference, against: baseURL),
            url.isHTTP || url.scheme == "mailto"
        else { return nil }
        return url
    }
}
