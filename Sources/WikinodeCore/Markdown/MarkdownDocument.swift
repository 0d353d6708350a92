import CCmark
import Foundation

/// How Markdown becomes a page.
public struct MarkdownOptions: Sendable, Equatable {
    /// Whether CamelCase words are wiki links.
    public var camelCaseLinks: Bool
    /// Interwiki prefixes: `[[prefix:Title]]` links to `Title` on the node at the base URL
    /// given for `prefix` (keyed by `interwikiKey`). Every followed peer's name is one.
    public var interwiki: [String: String]
    /// Whether `[[Title]]` (and CamelCase, when on) are wiki links at all: not in another
    /// site's text, whose brackets mean something else there.
    public var wikiLinks: Bool

    public init(camelCaseLinks: Bool = true, interwiki: [String: String] = [:], wikiLinks: Bool = true) {
        self.camelCaseLinks = camelCaseLinks
        self.interwiki = interwiki
        self.wikiLinks = wikiLinks
    }

    /// A name as an interwiki prefix: lowercased letters and digits only, so that
    /// "Alice's Wiki" is `aliceswiki`.
    public static func interwikiKey(_ name: String) -> String {
        String(String.UnicodeScalarView(name.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }))
    }

    /// The address `[[prefix:Title]]` leads to, when `prefix` is a known node.
    func interwikiURL(for title: PageTitle) -> String? {
        guard !interwiki.isEmpty, let colon = title.text.firstIndex(of: ":") else { return nil }
        let prefix = Self.interwikiKey(String(title.text[..<colon]))
        guard let base = interwiki[prefix], let remote = try? PageTitle(String(title.text[title.text.index(after: colon)...])) else { return nil }
        return base + remote.path
    }
}

/// Markdown parsed once by cmark, with its wiki links turned into link nodes.
///
/// Parse, read `wikiLinks` to learn which titles exist, then `renderHTML(existing:)`. The tree is
/// owned by this object and freed with it; it is not shared between threads.
public final class MarkdownDocument {
    private let root: OpaquePointer
    private var wikiLinkNodes: [(node: CmarkNode, title: PageTitle)] = []

    /// Every page this document links to, in order of first appearance.
    public private(set) var wikiLinks: [PageTitle] = []
    /// Every absolute http(s) URL this document links to, in order of first appearance.
    public private(set) var externalLinks: [String] = []

    /// Schemes a link may use; anything else (`javascript:`, `vbscript:`, `data:`, `file:`…) is
    /// dropped, stricter than cmark's own safe mode, which lets `data:image/…` through.
    static let allowedSchemes: Set<String> = ["http", "https", "mailto", "ftp", "ftps", "irc", "ircs", "xmpp", "tel", "gemini", "news", "geo"]

    /// Safe mode: the default since cmark 0.29, and asked for explicitly so that an older
    /// libcmark does not let raw HTML through.
    static let cmarkOptions = CMARK_OPT_DEFAULT | CMARK_OPT_SAFE

    public init(markdown: String, options: MarkdownOptions = MarkdownOptions()) {
        let length = markdown.utf8.count
        root = markdown.withCString { cmark_parse_document($0, length, Self.cmarkOptions) }
        if options.wikiLinks {
            transformWikiLinks(source: SourceText(markdown), scanner: WikiLinkScanner(camelCaseLinks: options.camelCaseLinks), options: options)
        }
        collectLinks()
    }

    deinit {
        cmark_node_free(root)
    }

    /// HTML in cmark's safe mode. `canonicalTitle` gives the current title of a linked page
    /// that exists, or nil; links to missing pages get the class `missing`. With
    /// `absoluteBase` (a feed's content), addresses on this node are written in full.
    public func renderHTML(absoluteBase: String? = nil, canonicalTitle: (PageTitle) -> PageTitle?) -> String {
        let base = absoluteBase ?? ""
        if absoluteBase != nil {
            walkCmarkTree(root) { node, entering in
                guard entering, node.type == CMARK_NODE_LINK || node.type == CMARK_NODE_IMAGE, let url = node.url,
                    url.hasPrefix("/"), !url.hasPrefix("//")
                else { return }
                node.setURL(base + url)
            }
        }
        for (node, title) in wikiLinkNodes {
            let open: String
            if let target = canonicalTitle(title) {
                open = "<a class=\"wikilink\" href=\"\(HTMLEscaping.escape(base + target.path))\">"
            } else {
                open =
                    "<a class=\"wikilink missing\" href=\"\(HTMLEscaping.escape(base + title.path))\" title=\"\(HTMLEscaping.escape(title.text)) (this page does not exist yet)\">"
            }
            cmark_node_set_on_enter(node.pointer, open)
            cmark_node_set_on_exit(node.pointer, "</a>")
        }
        guard let html = cmark_render_html(root, Self.cmarkOptions) else { return "" }
        defer { free(html) }
        return String(cString: html)
    }

    /// The text of the document without markup, for the search index and summaries.
    public var plainText: String {
        var text = ""
        walkCmarkTree(root) { node, entering in
            switch node.type {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE:
                if entering { text += node.literal ?? "" }
            case CMARK_NODE_CODE_BLOCK:
                let literal = node.literal ?? ""
                text += literal.hasSuffix("\n") ? literal : literal + "\n"
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                text += " "
            case CMARK_NODE_PARAGRAPH, CMARK_NODE_HEADING, CMARK_NODE_ITEM:
                if !entering { text += "\n" }
            default:
                break
            }
        }
        return text
    }

    /// The first paragraph's text, for summaries.
    public var firstParagraph: String {
        var text = ""
        var depth = 0
        var done = false
        walkCmarkTree(root) { node, entering in
            guard !done else { return }
            if node.type == CMARK_NODE_PARAGRAPH {
                if entering {
                    depth += 1
                } else {
                    done = !text.isEmpty
                    depth -= 1
                }
                return
            }
            guard depth > 0, entering else { return }
            switch node.type {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE: text += node.literal ?? ""
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: text += " "
            default: break
            }
        }
        return text
    }

    // MARK: - Building

    private static let linkContainers: Set<UInt32> = [
        CMARK_NODE_LINK.rawValue, CMARK_NODE_IMAGE.rawValue, CMARK_NODE_CUSTOM_INLINE.rawValue,
    ]

    private func transformWikiLinks(source: SourceText, scanner: WikiLinkScanner, options: MarkdownOptions) {
        var textNodes: [CmarkNode] = []
        walkCmarkTree(root) { node, entering in
            if entering, node.type == CMARK_NODE_TEXT, !node.isInside(Self.linkContainers) {
                textNodes.append(node)
            }
        }
        for node in textNodes {
            guard let literal = node.literal else { continue }
            let bytes = Array(literal.utf8)
            guard scanner.mayContainLinks(bytes) else { continue }
            let pieces = scanner.scan(Self.scannerText(of: literal, bytes: bytes, node: node, source: source))
            guard pieces.contains(where: { if case .wikiLink = $0 { true } else { false } }) else { continue }
            for piece in pieces {
                switch piece {
                case .text(let text):
                    cmark_node_insert_before(node.pointer, CmarkNode.makeText(text).pointer)
                case .wikiLink(let title, let label):
                    if let url = options.interwikiURL(for: title) {
                        // A page on another node: an ordinary link, found with the web links.
                        let link = CmarkNode.makeLink(url: url)
                        cmark_node_append_child(link.pointer, CmarkNode.makeText(label).pointer)
                        cmark_node_insert_before(node.pointer, link.pointer)
                        continue
                    }
                    let link = CmarkNode.makeCustomInline()
                    cmark_node_append_child(link.pointer, CmarkNode.makeText(label).pointer)
                    cmark_node_insert_before(node.pointer, link.pointer)
                    wikiLinkNodes.append((link, title))
                }
            }
            cmark_node_free(node.pointer)  // also unlinks it
        }
    }

    /// The literal's scalars, each with whether it was written verbatim in the source.
    private static func scannerText(of literal: String, bytes: [UInt8], node: CmarkNode, source: SourceText) -> WikiLinkScanner.Text {
        let mask: [Bool]
        if node.startLine == node.endLine,
            let span = source.span(line: node.startLine, startColumn: node.startColumn, endColumn: node.endColumn)
        {
            mask = SourceText.verbatimMask(literal: bytes, source: span)
        } else {
            mask = [Bool](repeating: false, count: bytes.count)
        }
        var text = WikiLinkScanner.Text(scalars: [], verbatim: [], bytes: bytes, offsets: [])
        text.scalars.reserveCapacity(bytes.count)
        text.verbatim.reserveCapacity(bytes.count)
        text.offsets.reserveCapacity(bytes.count + 1)
        var offset = 0
        for scalar in literal.unicodeScalars {
            let width = UTF8.width(scalar)
            text.scalars.append(scalar)
            text.offsets.append(offset)
            text.verbatim.append(width == 1 ? mask[offset] : mask[offset..<min(offset + width, mask.count)].allSatisfy { $0 })
            offset += width
        }
        text.offsets.append(offset)
        return text
    }

    /// Records the links (wiki links first, then Markdown links to `/wiki/…` and the web) and
    /// blanks the URL of any link with a scheme that is not allowed.
    private func collectLinks() {
        var seenTitles = Set<String>()
        var seenURLs = Set<String>()
        for (_, title) in wikiLinkNodes where seenTitles.insert(title.key).inserted {
            wikiLinks.append(title)
        }
        var linkNodes: [CmarkNode] = []
        walkCmarkTree(root) { node, entering in
            if entering, node.type == CMARK_NODE_LINK || node.type == CMARK_NODE_IMAGE { linkNodes.append(node) }
        }
        for node in linkNodes {
            let url = (node.url ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard Self.isAllowedURL(url) else {
                node.setURL("")
                continue
            }
            if url.hasPrefix(NodeAddress.wikiPrefix), let title = Self.title(fromWikiPath: url) {
                if seenTitles.insert(title.key).inserted { wikiLinks.append(title) }
            } else if node.type == CMARK_NODE_LINK, let scheme = URLComponents(string: url)?.scheme?.lowercased(),
                scheme == "http" || scheme == "https", seenURLs.insert(url).inserted
            {
                externalLinks.append(url)
            }
        }
    }

    static func isAllowedURL(_ url: String) -> Bool {
        guard let colon = url.firstIndex(of: ":") else { return true }
        let beforeColon = url[..<colon]
        // A colon after `/`, `?` or `#` is not a scheme separator: the URL is relative.
        if beforeColon.contains(where: { "/?#".contains($0) }) { return true }
        return allowedSchemes.contains(beforeColon.lowercased())
    }

    static func title(fromWikiPath url: String) -> PageTitle? {
        var segment = url.dropFirst(NodeAddress.wikiPrefix.count)
        if let end = segment.firstIndex(where: { "?#/".contains($0) }) { segment = segment[..<end] }
        return try? PageTitle(pathSegment: segment)
    }
}
