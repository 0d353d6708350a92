/// A microformats2 item (microformats2 parsing, the parts wikinode reads): an element with an
/// `h-*` class, its `p-`, `u-`, `dt-` and `e-` properties as plain text, and the implied `name`,
/// `photo` and `url`. Not read: the value-class pattern, `rel` collections, backward-compatible
/// classic classes (`hentry`), HTML of `e-*` properties.
struct MicroformatItem: Sendable {
    var element: Int
    var types: [String]
    var properties: [String: [MicroformatValue]]

    /// The text of the first value of `property` (for a nested item, the text it stands for).
    func text(_ property: String) -> String? {
        properties[property]?.first.map(\.text)
    }
}

indirect enum MicroformatValue: Sendable {
    case text(String)
    /// A nested item that is also a property value (`p-author h-card`), with its text value.
    case item(MicroformatItem, text: String)

    var text: String {
        switch self {
        case .text(let text), .item(_, let text): text
        }
    }
}

enum Microformats {
    /// Nested items deeper than this are not read: only the author's card inside an entry matters
    /// here, and a hostile page could nest thousands.
    static let maximumNesting = 8
    /// Property values read per item; each reads its element's text, so a page of thousands of
    /// nested property elements would otherwise cost their number times its size.
    static let maximumValues = 64
    /// Characters of text kept for one property value; more than any field shows.
    static let maximumValueLength = 2_000

    /// Whether a class name is a root class name: `h-` and a lowercase name.
    static func isRootClass(_ name: String) -> Bool {
        name.hasPrefix("h-") && isValidName(name.dropFirst(2))
    }

    /// The prefix (`p`, `u`, `dt`, `e`) and name of a property class name, or nil.
    static func property(_ className: String) -> (prefix: String, name: String)? {
        for prefix in ["p", "u", "dt", "e"] where className.hasPrefix(prefix + "-") {
            let name = className.dropFirst(prefix.count + 1)
            return isValidName(name) ? (prefix, String(name)) : nil
        }
        return nil
    }

    /// Lowercase ASCII letters and digits in hyphen-separated parts, starting with a letter.
    private static func isValidName(_ name: Substring) -> Bool {
        guard let first = name.first, first.isASCII, first.isLowercase, !name.hasSuffix("-") else { return false }
        return name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }
}

extension HTMLDocument {
    /// The microformats2 item rooted at `root`.
    func microformatItem(at root: Int, nesting: Int = 0) -> MicroformatItem {
        var properties: [String: [MicroformatValue]] = [:]
        var hasTextProperty = false
        var hasURLProperty = false
        var hasNestedItem = false
        var valueCount = 0
        walk(under: root) { index in
            guard nodes[index].kind == .element else { return .skipDescendants }
            let classes = classNames(of: index)
            var propertyClasses = classes.compactMap(Microformats.property)
            propertyClasses = Array(propertyClasses.prefix(max(0, Microformats.maximumValues - valueCount)))
            valueCount += propertyClasses.count
            for (prefix, _) in propertyClasses {
                if prefix == "p" || prefix == "e" { hasTextProperty = true }
                if prefix == "u" { hasURLProperty = true }
            }
            guard classes.contains(where: Microformats.isRootClass) else {
                for (prefix, name) in propertyClasses {
                    properties[name, default: []].append(.text(propertyValue(prefix, of: index)))
                }
                return .descend
            }
            // A nested item: its descendants are its own, not this item's.
            hasNestedItem = true
            guard !propertyClasses.isEmpty, nesting < Microformats.maximumNesting else { return .skipDescendants }
            let nested = microformatItem(at: index, nesting: nesting + 1)
            for (prefix, name) in propertyClasses {
                let text =
                    switch prefix {
                    case "p": nested.text("name") ?? propertyValue(prefix, of: index)
                    case "u": nested.text("url") ?? propertyValue(prefix, of: index)
                    default: propertyValue(prefix, of: index)
                    }
                properties[name, default: []].append(.item(nested, text: text))
            }
            return .skipDescendants
        }
        if properties["name"] == nil && !hasTextProperty && !hasNestedItem {
            properties["name"] = [.text(impliedName(of: root))]
        }
        if properties["photo"] == nil && !hasURLProperty && !hasNestedItem,
            let photo = impliedLink(of: root, from: ["img": "src", "object": "data"])
        {
            properties["photo"] = [.text(photo)]
        }
        if properties["url"] == nil && !hasURLProperty && !hasNestedItem,
            let url = impliedLink(of: root, from: ["a": "href", "area": "href"])
        {
            properties["url"] = [.text(url)]
        }
        return MicroformatItem(
            element: root, types: classNames(of: root).filter(Microformats.isRootClass), properties: properties)
    }

    /// The value of a property element by its prefix, as plain text; URLs resolved.
    private func propertyValue(_ prefix: String, of index: Int) -> String {
        let node = nodes[index]
        func attribute(_ name: String, on elements: Set<String>) -> String? {
            elements.contains(node.name) ? node.attribute(name) : nil
        }
        switch prefix {
        case "u":
            let reference =
                attribute("href", on: ["a", "area", "link"])
                ?? attribute("src", on: ["img", "audio", "video", "source", "iframe"])
                ?? attribute("poster", on: ["video"]) ?? attribute("data", on: ["object"])
            if let reference { return URLReference.resolve(reference, against: baseURL)?.absoluteString ?? reference }
            return attribute("title", on: ["abbr"]) ?? attribute("value", on: ["data", "input"])
                ?? visibleText(under: index)
        case "dt":
            return attribute("datetime", on: ["time", "ins", "del"]) ?? attribute("title", on: ["abbr"])
                ?? attribute("value", on: ["data", "input"]) ?? visibleText(under: index)
        case "p":
            return attribute("title", on: ["abbr", "link"]) ?? attribute("value", on: ["data", "input"])
                ?? attribute("alt", on: ["img", "area"]) ?? visibleText(under: index)
        default:
            return visibleText(under: index)
        }
    }

    /// The implied name: the `alt` or `title` of the root, its only child or that child's only
    /// child, else the root's text.
    private func impliedName(of root: Int) -> String {
        for index in selfAndOnlyDescendants(of: root) {
            let node = nodes[index]
            let isRoot = index == root
            if ["img", "area"].contains(node.name), let alt = node.attribute("alt"), isRoot || !alt.isEmpty {
                return alt
            }
            if node.name == "abbr", let title = node.attribute("title"), isRoot || !title.isEmpty { return title }
        }
        return visibleText(under: root)
    }

    /// The implied photo or url: the link attribute of the root, its only child or that child's
    /// only child, if it is one of `elements` (name → attribute); resolved.
    private func impliedLink(of root: Int, from elements: [String: String]) -> String? {
        for index in selfAndOnlyDescendants(of: root) {
            guard let attribute = elements[nodes[index].name], let reference = nodes[index].attribute(attribute)
            else { continue }
            return URLReference.resolve(reference, against: baseURL)?.absoluteString
        }
        return nil
    }

    /// The root, its only element child and that child's only element child, as far as each is
    /// not itself a microformat.
    private func selfAndOnlyDescendants(of root: Int) -> [Int] {
        var chain = [root]
        var current = root
        for _ in 0..<2 {
            let children = elementChildren(of: current)
            guard children.count == 1, !classNames(of: children[0]).contains(where: Microformats.isRootClass)
            else { break }
            current = children[0]
            chain.append(current)
        }
        return chain
    }

    /// The text a reader sees under `index`: whitespace collapsed, a space between blocks,
    /// images as their `alt`, no script, style, template or `hidden` content.
    func visibleText(under index: Int, limit: Int = Microformats.maximumValueLength) -> String {
        var text = Collapser()
        var visited = 0
        appendVisibleText(under: index) { piece, _ in
            text.append(piece, upTo: limit + 1)
        } breakWords: {
            text.breakWords()
        } entering: { _ in
            visited += 1
        } shouldStop: {
            text.length > limit || visited > 50 * limit
        }
        return text.text
    }

    /// Walks the visible text under `root`, calling `append` with each piece of text and the
    /// node it came from, and `breakWords` at block boundaries; `shouldStop` ends the walk.
    func appendVisibleText(
        under root: Int, append: (String, Int) -> Void, breakWords: () -> Void,
        entering: (Int) -> Void = { _ in }, leaving: (Int) -> Void = { _ in },
        shouldStop: () -> Bool = { false }
    ) {
        if nodes[root].kind == .text {
            append(nodes[root].text, root)
            return
        }
        walk(under: root) { index in
            if shouldStop() { return .stop }
            let node = nodes[index]
            switch node.kind {
            case .text:
                append(node.text, index)
                return .skipDescendants
            case .element:
                if HTMLTokens.nonTextElements.contains(node.name) || node.attribute("hidden") != nil {
                    return .skipDescendants
                }
                if !HTMLTokens.inlineElements.contains(node.name) { breakWords() }
                entering(index)
                if node.name == "img", let alt = node.attribute("alt") { append(alt, index) }
                return .descend
            default:
                return .skipDescendants
            }
        } exit: { index in
            leaving(index)
            if !HTMLTokens.inlineElements.contains(nodes[index].name) { breakWords() }
        }
    }
}
