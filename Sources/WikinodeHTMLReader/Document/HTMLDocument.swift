import Foundation

/// An HTML page fetched from another site, parsed with gumbo (an HTML5 parser) into plain Swift
/// values, so it can be shared between tasks and read without any C pointer.
///
/// The caller fetches the page with its own limits and passes the text decoded as UTF-8 (invalid
/// bytes replaced, as `String(decoding:as:)` does) and the final URL after redirects, against
/// which relative URLs resolve.
public struct HTMLDocument: Sendable {
    /// The address the document was fetched from, after redirects.
    public let url: URL
    /// The URL relative references in the document resolve against: the first `<base href>`, if
    /// it gives an http(s) URL, else `url`.
    public let baseURL: URL
    let nodes: [HTMLNode]

    /// Parses `html`, fetched from `url` (the final URL after redirects).
    public init(html: String, url: URL) {
        let nodes = GumboTree.nodes(parsing: HTMLInputGuard.prefixWithinLimits(of: html))
        self.nodes = nodes
        self.url = url
        self.baseURL = Self.baseURL(in: nodes, documentURL: url)
    }

    /// The document's text as one line (a space where a block or a line break was), cut to
    /// `limit` characters: an excerpt of a post that came as HTML (a fediverse note). Nil when
    /// it has no text.
    public func plainText(limit: Int = 500) -> String? {
        guard !nodes.isEmpty else { return nil }
        var text = ""
        walk { index in
            let node = nodes[index]
            switch node.kind {
            case .text: text += node.text
            case .element where node.isHTML && HTMLTokens.nonTextElements.contains(node.name): return .skipDescendants
            case .element where node.isHTML && Self.breaks.contains(node.name): text += " "
            default: break
            }
            return .descend
        }
        return PlainText.clean(text, limit: limit)
    }

    static let breaks: Set<String> = ["p", "br", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "tr"]

    /// The text of the first `<title>`, whitespace collapsed, or nil.
    public var title: String? {
        guard let index = nodes.indices.first(where: { nodes[$0].isElement("title") }) else { return nil }
        return PlainText.clean(textContent(of: index), limit: PlainText.titleLimit)
    }

    private static func baseURL(in nodes: [HTMLNode], documentURL: URL) -> URL {
        guard let base = nodes.first(where: { $0.isElement("base") && $0.attribute("href") != nil }),
            let href = base.attribute("href"),
            let resolved = URLReference.resolve(href, against: documentURL), resolved.isHTTP
        else { return documentURL }
        return resolved
    }
}
