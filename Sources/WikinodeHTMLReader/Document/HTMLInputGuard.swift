/// Keeps gumbo's work linear in the size of the input.
///
/// gumbo, like every HTML5 tree builder, walks the stack of open elements for many start tags
/// (`<div>` asks whether a `<p>` is open, `<b>` searches the list of active formatting elements).
/// That is quadratic in the nesting depth, and gumbo has no depth limit: five megabytes of
/// `<div>` took it many minutes. Browsers cap the depth of the tree (Blink at 512), so nothing
/// deeper is ever shown. Before parsing, a light scan over the bytes estimates the depth (start
/// tags that stay open, less their end tags); where it would pass `maximumDepth`, the document is
/// cut, and only the part before is parsed.
///
/// The scan only measures; it extracts nothing. Reading HTML is gumbo's job.
enum HTMLInputGuard {
    static let maximumDepth = 512

    /// `html`, or the part of it before the tag that would nest too deep.
    static func prefixWithinLimits(of html: String) -> String {
        var contiguous = html
        guard let cut = contiguous.withUTF8({ offsetBeyondDepthLimit(in: $0) }) else { return html }
        return String(decoding: html.utf8.prefix(cut), as: UTF8.self)
    }

    /// The byte offset of the start tag that takes the estimated depth past the limit, or nil.
    static func offsetBeyondDepthLimit(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var scanner = TagScanner(bytes: bytes)
        var depth = 0
        var foreignDepth = 0
        while let tag = scanner.nextTag() {
            let isForeignRoot = tag.name == "svg" || tag.name == "math"
            if tag.isEndTag {
                if isForeignRoot { foreignDepth = max(0, foreignDepth - 1) }
                if staysOpen(tag.name) { depth = max(0, depth - 1) }
                continue
            }
            if tag.name == "plaintext" { return nil }
            if rawTextElements.contains(tag.name) {
                scanner.skipRawText(until: tag.name)
                continue
            }
            // Inside SVG and MathML `<x/>` closes itself; in HTML the slash means nothing.
            let closesItself = tag.isSelfClosing && (foreignDepth > 0 || isForeignRoot)
            if isForeignRoot && !closesItself { foreignDepth += 1 }
            if staysOpen(tag.name) && !closesItself {
                depth += 1
                if depth > maximumDepth { return tag.offset }
            }
        }
        return nil
    }

    private static func staysOpen(_ name: String) -> Bool {
        !voidElements.contains(name) && !impliedEndElements.contains(name) && !rawTextElements.contains(name)
    }

    private static let voidElements: Set<String> = [
        "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img",
        "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
    ]
    /// Elements a sibling of the same kind closes, so they do not nest by repetition.
    private static let impliedEndElements: Set<String> = [
        "p", "li", "dt", "dd", "option", "optgroup", "rb", "rt", "rtc", "rp", "tr", "td", "th",
        "tbody", "thead", "tfoot", "colgroup", "caption", "html", "head", "body",
    ]
    private static let rawTextElements: Set<String> = [
        "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
    ]
}

/// Finds tags in HTML bytes, skipping comments and quoted attribute values; enough to count
/// nesting, nothing more.
struct TagScanner {
    struct Tag {
        var name: String
        var isEndTag: Bool
        var isSelfClosing: Bool
        var offset: Int
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func nextTag() -> Tag? {
        while let start = find(UInt8(ascii: "<"), from: position) {
            position = start + 1
            guard position < bytes.count else { return nil }
            let next = bytes[position]
            if next == UInt8(ascii: "!") {
                if matches("<!--", at: start) {
                    guard let close = find("-->", from: start + 2) else { return nil }
                    position = close + 3
                } else {
                    skipPast(UInt8(ascii: ">"))
                }
                continue
            }
            if next == UInt8(ascii: "?") {
                skipPast(UInt8(ascii: ">"))
                continue
            }
            let isEndTag = next == UInt8(ascii: "/")
            let nameStart = isEndTag ? position + 1 : position
            guard nameStart < bytes.count, isASCIILetter(bytes[nameStart]) else {
                if isEndTag { skipPast(UInt8(ascii: ">")) }
                continue
            }
            var nameEnd = nameStart
            while nameEnd < bytes.count, !endsName(bytes[nameEnd]) { nameEnd += 1 }
            guard let close = endOfTag(from: nameEnd) else { return nil }
            position = close + 1
            let name = nameEnd - nameStart <= 32 ? lowercasedString(nameStart..<nameEnd) : "-long-"
            let isSelfClosing = close > nameStart && bytes[close - 1] == UInt8(ascii: "/")
            return Tag(name: name, isEndTag: isEndTag, isSelfClosing: isSelfClosing, offset: start)
        }
        position = bytes.count
        return nil
    }

    /// Moves past the text of a raw-text element to its end tag.
    mutating func skipRawText(until name: String) {
        let endTag = Array("</\(name)".utf8)
        var from = position
        while let candidate = find(endTag[0], from: from) {
            if candidate + endTag.count <= bytes.count,
                (0..<endTag.count).allSatisfy({ lowercase(bytes[candidate + $0]) == endTag[$0] })
            {
                position = candidate
                return
            }
            from = candidate + 1
        }
        position = bytes.count
    }

    /// The offset of the `>` that ends a tag whose name ends at `from`, skipping quoted values.
    private func endOfTag(from: Int) -> Int? {
        var index = from
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: ">"):
                return index
            case UInt8(ascii: "="):
                index += 1
                while index < bytes.count, isWhitespace(bytes[index]) { index += 1 }
                if index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
                    guard let closingQuote = find(bytes[index], from: index + 1) else { return nil }
                    index = closingQuote + 1
                }
            default:
                index += 1
            }
        }
        return nil
    }

    private mutating func skipPast(_ byte: UInt8) {
        position = find(byte, from: position).map { $0 + 1 } ?? bytes.count
    }

    private func find(_ byte: UInt8, from: Int) -> Int? {
        var index = from
        while index < bytes.count {
            if bytes[index] == byte { return index }
            index += 1
        }
        return nil
    }

    private func find(_ text: String, from: Int) -> Int? {
        let pattern = Array(text.utf8)
        var from = from
        while let candidate = find(pattern[0], from: from) {
            if matches(pattern, at: candidate) { return candidate }
            from = candidate + 1
        }
        return nil
    }

    private func matches(_ text: String, at offset: Int) -> Bool {
        matches(Array(text.utf8), at: offset)
    }

    private func matches(_ pattern: [UInt8], at offset: Int) -> Bool {
        offset + pattern.count <= bytes.count && (0..<pattern.count).allSatisfy { bytes[offset + $0] == pattern[$0] }
    }

    private func lowercasedString(_ range: Range<Int>) -> String {
        String(decoding: range.map { lowercase(bytes[$0]) }, as: UTF8.self)
    }

    private func lowercase(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    private func isASCIILetter(_ byte: UInt8) -> Bool {
        let lower = lowercase(byte)
        return lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")
    }

    private func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }

    private func endsName(_ byte: UInt8) -> Bool {
        isWhitespace(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ">")
    }
}
