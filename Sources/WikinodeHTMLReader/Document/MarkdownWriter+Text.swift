import Foundation

/// Text nodes: in code as they are, elsewhere escaped, with bracket links when asked for.
extension MarkdownWriter {
    mutating func text(_ raw: String) {
        if preformatted != nil {
            preformatted!.text += Self.withoutControls(raw, keepingNewlines: true)
            return
        }
        if code != nil {
            code! += Self.withoutControls(raw, keepingNewlines: false)
            return
        }
        if let bracketLinks, raw.contains("[") {
            let isInLink = (openSpans.map(\.span) + waitingSpans).contains { $0.element == "a" }
            for piece in BracketLinkScanner.pieces(of: raw) {
                switch piece {
                case .text(let text):
                    plainText(text)
                case .internal(let title):
                    let label = Self.escaped(title, afterSpace: false)
                    if !isInLink, let url = bracketLinks.internalAddress(title) {
                        appendContent("[\(label)](<\(Self.linkDestination(url))>)")
                    } else {
                        appendContent(label)
                    }
                case .external(let url, let label):
                    let text = Self.escaped(label.isEmpty ? url.absoluteString : label, afterSpace: false)
                    appendContent(isInLink ? text : "[\(text)](<\(Self.linkDestination(url))>)")
                }
            }
            return
        }
        plainText(raw)
    }

    /// Text outside code, escaped, whitespace collapsed.
    mutating func plainText(_ raw: String) {
        let inline = frames[frames.count - 1].inline
        let escaped = Self.escaped(raw, afterSpace: inline.isEmpty || inline.hasSuffix(" ") || inline.hasSuffix("\n"))
        if escaped == " " {
            // A space alone is no content: it opens no waiting span.
            appendRaw(escaped)
        } else {
            appendContent(escaped)
        }
    }
}
