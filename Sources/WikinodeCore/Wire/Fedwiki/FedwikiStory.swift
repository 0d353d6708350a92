import Crypto
import Foundation

/// A page's Markdown as a fedwiki story: one `markdown` item per top-level block.
public struct FedwikiStory: Sendable, Equatable {
    /// An item and the kind of block it was cut from.
    public struct Block: Sendable, Equatable {
        public let item: FedwikiItem
        public let kind: MarkdownBlock.Kind
    }

    public let blocks: [Block]

    public var items: [FedwikiItem] { blocks.map(\.item) }

    /// The story of `markdown` on the page with `pageUID`.
    ///
    /// Item ids hash the page's uid, the block's text and how many blocks before it on the page
    /// have the same text: the same text gives the same id in every request and every
    /// revision, so that the journal can tell which items an edit kept, and blocks above it
    /// do not change an item's id. Raw HTML blocks are left out: the page shows none either.
    public init(markdown: String, pageUID: String) {
        var seen: [String: Int] = [:]
        var blocks: [Block] = []
        for block in MarkdownDocument.topLevelBlocks(of: markdown) where block.kind != .htmlBlock {
            let occurrence = seen[block.source, default: 0]
            seen[block.source] = occurrence + 1
            let id = Self.itemID(pageUID: pageUID, text: block.source, occurrence: occurrence)
            blocks.append(Block(item: FedwikiItem(type: "markdown", id: id, text: block.source), kind: block.kind))
        }
        self.blocks = blocks
    }

    /// 16 lowercase hex digits from SHA-256.
    static func itemID(pageUID: String, text: String, occurrence: Int) -> String {
        let key = "\(pageUID)\u{0}\(occurrence)\u{0}\(text)"
        return Hex.encode(SHA256.hash(data: Data(key.utf8)).prefix(8))
    }

    /// The longest synopsis, in characters.
    public static let maximumSynopsisLength = 560

    /// The first paragraph's source up to its first line break, at most 560 characters; else the
    /// first item's, as fedwiki's client falls back; else a count of items.
    public var synopsis: String {
        let text = blocks.first(where: { $0.kind == .paragraph })?.item.text ?? blocks.first?.item.text ?? "A page with \(blocks.count) items."
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let firstLine = trimmed.prefix { $0 != "\n" && $0 != "\r" && $0 != "\r\n" }
        return String(firstLine.prefix(Self.maximumSynopsisLength))
    }

    /// For each page this story links to, its slug and the id of the first item linking there.
    /// Each block is read on its own with the node's Markdown options, so CamelCase links count
    /// when the node has them.
    public func links(options: MarkdownOptions) -> [String: String] {
        var links: [String: String] = [:]
        for block in blocks {
            for title in MarkdownDocument(markdown: block.item.text, options: options).wikiLinks {
                let slug = FedwikiSlug(title: title.text).text
                if !slug.isEmpty, links[slug] == nil { links[slug] = block.item.id }
            }
        }
        return links
    }
}
