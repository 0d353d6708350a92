/// One node of a parsed document, stored flat: the nodes of a document sit in one array in
/// document order, and a node's descendants are the nodes after it up to `end`.
///
/// A flat array rather than a tree of references keeps a hostile document's depth from mattering:
/// nothing recurses over it, and freeing it is freeing one array.
struct HTMLNode: Sendable {
    enum Kind: UInt8, Sendable {
        case document
        case element
        case text
        case comment
    }

    var kind: Kind
    /// The lowercase tag name of an element; empty for other nodes.
    var name: String
    /// The text of a text or comment node (a comment without its delimiters); empty for elements.
    var text: String
    /// Whether an element is in the HTML namespace (not SVG or MathML).
    var isHTML: Bool
    var attributes: [HTMLAttribute]
    /// The index of the parent node; -1 for the document.
    var parent: Int
    /// One past the index of the last descendant.
    var end: Int

    /// The value of the attribute `name` (lowercase), if the element has it.
    func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// Whether this is an HTML element named `name`.
    func isElement(_ name: String) -> Bool {
        kind == .element && isHTML && self.name == name
    }
}

/// An attribute of an element, with entities already decoded.
struct HTMLAttribute: Sendable, Equatable {
    var name: String
    var value: String
}
