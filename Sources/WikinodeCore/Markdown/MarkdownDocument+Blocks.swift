import CCmark

/// One top-level block of a Markdown document, with the source it was written as.
public struct MarkdownBlock: Sendable, Equatable {
    /// What kind of block cmark parsed.
    public enum Kind: Sendable, Equatable {
        case paragraph, heading, list, blockQuote, codeBlock, htmlBlock, thematicBreak, other
    }

    public let kind: Kind
    /// The block's lines as written, without trailing blank space.
    public let source: String
}

extension MarkdownDocument {
    /// The top-level blocks of `markdown`, each cut from the source by cmark's line positions.
    ///
    /// Link reference definitions (`[x]: /url`) are no block of cmark's tree, so they belong to
    /// none of the results; a block that uses one loses its target when read on its own.
    public static func topLevelBlocks(of markdown: String) -> [MarkdownBlock] {
        let length = markdown.utf8.count
        guard let root = markdown.withCString({ cmark_parse_document($0, length, cmarkOptions) }) else { return [] }
        defer { cmark_node_free(root) }
        let source = SourceText(markdown)
        var blocks: [MarkdownBlock] = []
        var node = CmarkNode(pointer: root).firstChild
        while let block = node {
            node = block.next
            guard let text = source.lines(block.startLine...max(block.startLine, block.endLine)) else { continue }
            let trimmed = text.trimmingTrailingWhitespace()
            if !trimmed.isEmpty { blocks.append(MarkdownBlock(kind: Self.kind(of: block), source: trimmed)) }
        }
        return blocks
    }

    static func kind(of node: CmarkNode) -> MarkdownBlock.Kind {
        switch node.type {
        case CMARK_NODE_PARAGRAPH: .paragraph
        case CMARK_NODE_HEADING: .heading
        case CMARK_NODE_LIST: .list
        case CMARK_NODE_BLOCK_QUOTE: .blockQuote
        case CMARK_NODE_CODE_BLOCK: .codeBlock
        case CMARK_NODE_HTML_BLOCK: .htmlBlock
        case CMARK_NODE_THEMATIC_BREAK: .thematicBreak
        default: .other
        }
    }
}

extension SourceText {
    /// The source of whole lines, 1-based and inclusive, or nil when they are out of range.
    func lines(_ range: ClosedRange<Int>) -> String? {
        guard range.lowerBound >= 1, range.lowerBound <= lineStarts.count else { return nil }
        let start = lineStarts[range.lowerBound - 1]
        let end = range.upperBound < lineStarts.count ? lineStarts[range.upperBound] : bytes.count
        guard start < end else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
