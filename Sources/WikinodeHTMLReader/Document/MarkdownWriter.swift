import Foundation

/// Builds Markdown from a walk over an HTML tree: one frame per container (the body, a quote, a
/// list, an item), each with its finished blocks and the paragraph being written.
struct MarkdownWriter {
    enum Container {
        case root
        case quote
        case list(ordered: Bool, start: Int)
        case item
    }

    struct Frame {
        let container: Container
        let element: String
        var blocks: [String] = []
        /// The paragraph being written: escaped inline Markdown, `\` and a newline at breaks.
        var inline = ""
        /// A heading level for the paragraph being written, when it is a heading.
        var headingLevel = 0
        /// Items given to a list so far, for the numbers of an ordered one.
        var itemCount = 0
    }

    /// An element whose Markdown wraps its content (a link, emphasis).
    struct Span {
        let element: String
        let opening: String
        let closing: String
    }

    var frames = [Frame(container: .root, element: "")]
    /// Spans open in the paragraph being written, with where their opening marker begins; nil
    /// for one inside another of the same kind, which adds no markers (`*` in `*` is not `**`).
    var openSpans: [(span: Span, start: String.Index?)] = []
    /// Spans whose element is open but that have no content in this paragraph yet: they begin
    /// with the next text, so empty ones leave nothing, and one that spans several paragraphs
    /// wraps the text of each.
    var waitingSpans: [Span] = []
    /// Inside `pre`: its raw text and the language named on it.
    var preformatted: (text: String, language: String)?
    /// Inside an inline `code`: its raw text.
    var code: String?
    var length = 0
    let limit: Int
    private(set) var isFull = false

    /// How `[[Title]]` and `[https://… label]` in text become links, if they do.
    let bracketLinks: BracketLinks?

    init(limit: Int, bracketLinks: BracketLinks? = nil) {
        self.limit = limit
        self.bracketLinks = bracketLinks
    }

    /// Elements that give nothing: their text is not the content a reader sees.
    static let dropped: Set<String> = [
        "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "button",
        "select", "textarea", "input", "option", "head", "title", "meta", "link", "base", "audio", "video", "canvas", "map",
        "svg", "math", "dialog",
    ]

    /// Elements after which a new paragraph begins.
    static let blocks: Set<String> = [
        "p", "div", "section", "article", "aside", "header", "footer", "main", "nav", "address", "figure", "figcaption", "details",
        "summary", "dl", "dt", "dd", "center", "fieldset", "legend", "caption", "table", "thead", "tbody", "tfoot", "tr", "hgroup",
        "body", "html",
    ]

    static let headings: [String: Int] = ["h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6]
    static let codeElements: Set<String> = ["code", "kbd", "samp", "tt"]
    static let emphasis: Set<String> = ["em", "i", "cite", "dfn", "var"]
    static let strong: Set<String> = ["strong", "b"]

    mutating func enter(_ node: HTMLNode, resolve: (String) -> URL?) -> WalkStep {
        switch node.kind {
        case .text:
            text(node.text)
            return .descend
        case .comment, .document:
            return .skipDescendants
        case .element:
            break
        }
        guard node.isHTML, !Self.dropped.contains(node.name) else { return .skipDescendants }
        // Markup inside code is its text only.
        if preformatted != nil || code != nil { return .descend }
        let name = node.name
        switch name {
        case "pre":
            endParagraph()
            preformatted = ("", Self.language(of: node))
        case _ where Self.codeElements.contains(name):
            code = ""
        case "br":
            appendContent("\\\n")
        case "hr":
            endParagraph()
            appendBlock("* * *")
        case "img":
            image(node, resolve: resolve)
        case "a":
            let isInLink = (openSpans.map(\.span) + waitingSpans).contains { $0.element == "a" }
            if let href = node.attribute("href"), let url = resolve(href), !isInLink {
                waitingSpans.append(Span(element: "a", opening: "[", closing: "](<\(Self.linkDestination(url))>)"))
            }
        case _ where Self.emphasis.contains(name):
            waitingSpans.append(Span(element: name, opening: "*", closing: "*"))
        case _ where Self.strong.contains(name):
            waitingSpans.append(Span(element: name, opening: "**", closing: "**"))
        case "q":
            appendContent("“")
        case "blockquote":
            endParagraph()
            frames.append(Frame(container: .quote, element: name))
        case "ul", "ol":
            endParagraph()
            let start = Int(node.attribute("start") ?? "").map { min(max($0, 0), 999_999_999) } ?? 1
            frames.append(Frame(container: .list(ordered: name == "ol", start: start), element: name))
        case "li":
            endParagraph()
            frames.append(Frame(container: .item, element: name))
        case "td", "th":
            if !frames[frames.count - 1].inline.isEmpty { appendRaw(" | ") }
        default:
            if let level = Self.headings[name] {
                endParagraph()
                frames[frames.count - 1].headingLevel = level
            } else if Self.blocks.contains(name) {
                endParagraph()
            }
        }
        return .descend
    }

    mutating func exit(_ node: HTMLNode) {
        guard node.kind == .element, node.isHTML else { return }
        let name = node.name
        if let pre = preformatted {
            if name == "pre" {
                preformatted = nil
                appendBlock(Self.fenced(pre.text, language: pre.language))
            }
            return
        }
        if let text = code {
            if Self.codeElements.contains(name) {
                code = nil
                // A code span right after a backtick (another code span) would run into it.
                let inline = frames[frames.count - 1].inline
                appendContent((inline.hasSuffix("`") ? " " : "") + Self.codeSpan(text))
            }
            return
        }
        switch name {
        case _ where name == "a" || Self.emphasis.contains(name) || Self.strong.contains(name):
            close(name)
        case "q":
            appendContent("”")
        case "blockquote", "ul", "ol", "li":
            endParagraph()
            closeFrame(name)
        default:
            if Self.headings[name] != nil || Self.blocks.contains(name) { endParagraph() }
        }
    }

    /// The Markdown written.
    mutating func finish() -> String {
        endParagraph()
        while frames.count > 1 { closeFrame(frames[frames.count - 1].element) }
        var markdown = frames[0].blocks.joined(separator: "\n\n")
        if isFull { markdown += "\n\n…" }
        return markdown
    }

    // MARK: - Inline pieces

    /// Content of the paragraph: the spans waiting for content begin first.
    mutating func appendContent(_ text: String) {
        guard !text.isEmpty else { return }
        for span in waitingSpans {
            if openSpans.contains(where: { $0.start != nil && $0.span.opening == span.opening }) {
                openSpans.append((span, nil))
            } else {
                let start = frames[frames.count - 1].inline.endIndex
                appendRaw(span.opening)
                // A marker past the limit was not written: the span is silent.
                openSpans.append((span, isFull ? nil : start))
            }
        }
        waitingSpans.removeAll()
        appendRaw(text)
    }

    mutating func appendRaw(_ text: String) {
        guard !isFull else { return }
        guard length + text.utf8.count <= limit else {
            isFull = true
            return
        }
        length += text.utf8.count
        frames[frames.count - 1].inline += text
    }

    /// Replaces the paragraph being written, keeping the count of bytes written.
    mutating func replaceInline(with inline: String) {
        length += inline.utf8.count - frames[frames.count - 1].inline.utf8.count
        frames[frames.count - 1].inline = inline
    }

    /// The element `element` ends: its span, if it had content, wraps it.
    mutating func close(_ element: String) {
        if let waiting = waitingSpans.lastIndex(where: { $0.element == element }) {
            waitingSpans.remove(at: waiting)
            return
        }
        guard let position = openSpans.lastIndex(where: { $0.span.element == element }) else { return }
        // Spans opened inside it and not closed (mis-nested markup) end with it.
        while openSpans.count > position { wrapLastOpenSpan() }
    }

    /// Ends the innermost open span: its markers around its content, spaces outside them
    /// (emphasis must hug its text), or no markers when it holds only spaces.
    mutating func wrapLastOpenSpan() {
        guard case (let span, let start?) = openSpans.removeLast() else { return }
        var inline = frames[frames.count - 1].inline
        guard start <= inline.endIndex,
            let contentStart = inline.utf8.index(start, offsetBy: span.opening.utf8.count, limitedBy: inline.endIndex)
        else { return }
        var content = String(inline[contentStart...])
        // A line break at its end goes after it, as spaces do.
        var after = ""
        while content.hasSuffix("\\\n") || content.hasSuffix(" ") {
            after = (content.hasSuffix(" ") ? " " : "\\\n") + after
            content.removeLast(content.hasSuffix(" ") ? 1 : 2)
        }
        let trimmed = content.trimmingCharacters(in: .whitespaces)
        inline.removeSubrange(start...)
        if trimmed.isEmpty {
            inline += content
        } else {
            if content.first == " " { inline += " " }
            inline += span.opening + trimmed + span.closing
        }
        inline += after
        replaceInline(with: inline)
    }

    mutating func image(_ node: HTMLNode, resolve: (String) -> URL?) {
        guard let source = node.attribute("src"), let url = resolve(source), url.isHTTP else { return }
        var alt = ""
        for scalar in (node.attribute("alt") ?? "").unicodeScalars where !Self.isControl(scalar) {
            if Self.escapedEverywhere.contains(scalar) { alt.append("\\") }
            alt.unicodeScalars.append(scalar == "\n" || scalar == "\r" ? " " : scalar)
        }
        appendContent("![\(alt)](<\(Self.linkDestination(url))>)")
    }
}
