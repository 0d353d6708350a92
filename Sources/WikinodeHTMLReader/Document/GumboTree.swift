import CGumbo

/// Parses HTML with gumbo and copies the tree into Swift values, freeing gumbo's output before
/// returning, so no C pointer outlives the call.
enum GumboTree {
    /// The nodes of `html` in document order; the first is the document.
    static func nodes(parsing html: String) -> [HTMLNode] {
        var options = kGumboDefaultOptions
        // Parse errors are only recorded, never acted on; a junk document would otherwise
        // fill memory with them.
        options.max_errors = 0
        var bytes = Array(html.utf8)
        let length = bytes.count
        // A terminating zero gives even the empty document a buffer to point at.
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { characters in
                guard let start = characters.baseAddress,
                    let output = gumbo_parse_with_options(&options, start, length)
                else { return [HTMLNode.emptyDocument] }
                defer { gumbo_destroy_output(&options, output) }
                return copy(output.pointee.document)
            }
        }
    }

    /// Copies the tree under `document` depth-first with an explicit stack, never recursing.
    private static func copy(_ document: UnsafeMutablePointer<GumboNode>) -> [HTMLNode] {
        var nodes = [HTMLNode.emptyDocument]
        var stack: [(index: Int, children: GumboVector, next: Int)] = [
            (0, document.pointee.v.document.children, 0)
        ]
        while let top = stack.last {
            guard top.next < Int(top.children.length) else {
                nodes[top.index].end = nodes.count
                stack.removeLast()
                continue
            }
            stack[stack.count - 1].next += 1
            guard let raw = top.children.data[top.next] else { continue }
            let child = raw.assumingMemoryBound(to: GumboNode.self)
            let index = nodes.count
            switch child.pointee.type {
            case GUMBO_NODE_ELEMENT, GUMBO_NODE_TEMPLATE:
                let element = child.pointee.v.element
                nodes.append(
                    HTMLNode(
                        kind: .element, name: tagName(element), text: "",
                        isHTML: element.tag_namespace == GUMBO_NAMESPACE_HTML,
                        attributes: attributes(element.attributes), parent: top.index, end: index + 1))
                // A template's contents are inert, not part of the document; skip them.
                if child.pointee.type == GUMBO_NODE_ELEMENT && element.children.length > 0 {
                    stack.append((index, element.children, 0))
                }
            case GUMBO_NODE_TEXT, GUMBO_NODE_WHITESPACE, GUMBO_NODE_CDATA:
                nodes.append(textNode(.text, child, parent: top.index, index: index))
            case GUMBO_NODE_COMMENT:
                nodes.append(textNode(.comment, child, parent: top.index, index: index))
            default:
                continue
            }
        }
        return nodes
    }

    private static func textNode(
        _ kind: HTMLNode.Kind, _ node: UnsafeMutablePointer<GumboNode>, parent: Int, index: Int
    ) -> HTMLNode {
        let text = node.pointee.v.text.text.map { String(cString: $0) } ?? ""
        return HTMLNode(
            kind: kind, name: "", text: text, isHTML: true, attributes: [], parent: parent, end: index + 1)
    }

    private static func attributes(_ vector: GumboVector) -> [HTMLAttribute] {
        (0..<Int(vector.length)).compactMap { position in
            guard let raw = vector.data[position] else { return nil }
            let attribute = raw.assumingMemoryBound(to: GumboAttribute.self).pointee
            guard let name = attribute.name else { return nil }
            return HTMLAttribute(
                name: String(cString: name), value: attribute.value.map { String(cString: $0) } ?? "")
        }
    }

    /// The lowercase tag name; gumbo names only the tags it knows, so others are read from the
    /// source text of the start tag (`<rdf:Description …` gives `rdf:description`).
    private static func tagName(_ element: GumboElement) -> String {
        if element.tag != GUMBO_TAG_UNKNOWN, let known = gumbo_normalized_tagname(element.tag) {
            return String(cString: known)
        }
        let source = element.original_tag
        guard let data = source.data, source.length > 1 else { return "" }
        var name: [UInt8] = []
        for position in 1..<source.length {
            let byte = UInt8(bitPattern: data[position])
            if byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") || byte <= 0x20 { break }
            name.append(byte)
        }
        return String(decoding: name, as: UTF8.self).lowercased()
    }
}

extension HTMLNode {
    static let emptyDocument = HTMLNode(
        kind: .document, name: "", text: "", isHTML: true, attributes: [], parent: -1, end: 1)
}
