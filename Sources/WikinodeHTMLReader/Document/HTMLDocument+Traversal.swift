/// What a walk does after visiting a node.
enum WalkStep {
    /// Visit the node's descendants next.
    case descend
    /// Go on after the node's descendants.
    case skipDescendants
    /// End the walk.
    case stop
}

extension HTMLDocument {
    /// Walks the descendants of `root` in document order, calling `enter` before a node's
    /// descendants and `exit` after them (only for nodes whose descendants were visited).
    func walk(
        under root: Int = 0, enter: (Int) -> WalkStep, exit: (Int) -> Void = { _ in }
    ) {
        var open: [Int] = []
        var index = root + 1
        let end = nodes[root].end
        while index < end {
            while let last = open.last, nodes[last].end <= index {
                open.removeLast()
                exit(last)
            }
            switch enter(index) {
            case .descend:
                open.append(index)
                index += 1
            case .skipDescendants:
                index = nodes[index].end
            case .stop:
                return
            }
        }
        while let last = open.popLast() { exit(last) }
    }

    /// The indices of the element children of `index`.
    func elementChildren(of index: Int) -> [Int] {
        var children: [Int] = []
        var child = index + 1
        while child < nodes[index].end {
            if nodes[child].kind == .element { children.append(child) }
            child = nodes[child].end
        }
        return children
    }

    /// The indices of all HTML elements in document order.
    func elements(named names: Set<String>) -> [Int] {
        nodes.indices.filter { nodes[$0].kind == .element && nodes[$0].isHTML && names.contains(nodes[$0].name) }
    }

    /// The space-separated tokens of an attribute, lowercased (ASCII), as `rel` is compared.
    func lowercasedTokens(_ attribute: String, of index: Int) -> [String] {
        guard let value = nodes[index].attribute(attribute) else { return [] }
        return HTMLTokens.split(value).map { $0.lowercased() }
    }

    /// The class names of an element (case-sensitive, as microformats compare them).
    func classNames(of index: Int) -> [String] {
        nodes[index].attribute("class").map(HTMLTokens.split) ?? []
    }

    /// Whether `index` is `ancestor` or one of its descendants.
    func isInside(_ index: Int, _ ancestor: Int) -> Bool {
        index >= ancestor && index < nodes[ancestor].end
    }

    /// The text of `index` and its descendants, as the DOM's `textContent` gives it: every text
    /// node joined, nothing else (no script or style text, no `alt`).
    func textContent(of index: Int) -> String {
        if nodes[index].kind == .text { return nodes[index].text }
        var text = ""
        walk(under: index) { child in
            let node = nodes[child]
            switch node.kind {
            case .text: text += node.text
            case .element where node.isHTML && HTMLTokens.nonTextElements.contains(node.name):
                return .skipDescendants
            default: break
            }
            return .descend
        }
        return text
    }
}

/// Tokens and element categories of HTML.
enum HTMLTokens {
    /// Splits on ASCII whitespace, as HTML splits token lists (`rel`, `class`).
    static func split(_ value: String) -> [String] {
        value.split { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" }.map(String.init)
    }

    /// Elements whose text is never shown as text of the page.
    static let nonTextElements: Set<String> = ["script", "style", "template", "noscript"]

    /// Elements that flow within a line; any other element starts a new run of words.
    static let inlineElements: Set<String> = [
        "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em",
        "font", "i", "ins", "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strike",
        "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
    ]
}
