import CCmark

/// Thin, non-owning helpers over a `cmark_node` pointer. Ownership stays with `MarkdownDocument`.
struct CmarkNode {
    let pointer: OpaquePointer

    var type: cmark_node_type { cmark_node_get_type(pointer) }
    var literal: String? { cmark_node_get_literal(pointer).map { String(cString: $0) } }
    var url: String? { cmark_node_get_url(pointer).map { String(cString: $0) } }
    var parent: CmarkNode? { cmark_node_parent(pointer).map(CmarkNode.init) }
    var firstChild: CmarkNode? { cmark_node_first_child(pointer).map(CmarkNode.init) }
    var next: CmarkNode? { cmark_node_next(pointer).map(CmarkNode.init) }
    var startLine: Int { Int(cmark_node_get_start_line(pointer)) }
    var startColumn: Int { Int(cmark_node_get_start_column(pointer)) }
    var endLine: Int { Int(cmark_node_get_end_line(pointer)) }
    var endColumn: Int { Int(cmark_node_get_end_column(pointer)) }

    func setURL(_ url: String) { cmark_node_set_url(pointer, url) }

    /// Whether this node or one of its ancestors is of one of `types`.
    func isInside(_ types: Set<UInt32>) -> Bool {
        var node = parent
        while let current = node {
            if types.contains(current.type.rawValue) { return true }
            node = current.parent
        }
        return false
    }

    static func makeText(_ text: String) -> CmarkNode {
        let node = CmarkNode(pointer: cmark_node_new(CMARK_NODE_TEXT))
        cmark_node_set_literal(node.pointer, text)
        return node
    }

    static func makeLink(url: String) -> CmarkNode {
        let node = CmarkNode(pointer: cmark_node_new(CMARK_NODE_LINK))
        node.setURL(url)
        return node
    }

    static func makeCustomInline() -> CmarkNode {
        CmarkNode(pointer: cmark_node_new(CMARK_NODE_CUSTOM_INLINE))
    }
}

/// Walks a tree with cmark's iterator, calling `visit` with each event.
func walkCmarkTree(_ root: OpaquePointer, _ visit: (CmarkNode, _ entering: Bool) -> Void) {
    guard let iterator = cmark_iter_new(root) else { return }
    defer { cmark_iter_free(iterator) }
    while true {
        let event = cmark_iter_next(iterator)
        if event == CMARK_EVENT_DONE { break }
        guard let node = cmark_iter_get_node(iterator) else { continue }
        visit(CmarkNode(pointer: node), event == CMARK_EVENT_ENTER)
    }
}
