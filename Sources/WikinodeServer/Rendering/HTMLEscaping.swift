import Mustache

/// How every `{{value}}` in our templates is escaped: `&`, `<`, `>`, `"` and `'` become
/// entities, byte by byte over the UTF-8.
///
/// swift-mustache's own HTML escaping goes by `Character`, so a quote or an angle bracket that
/// a combining mark follows (`"` + U+0338 is one Character) is not escaped, and a browser, which
/// reads code points, ends the attribute there: a name or title from another site could add
/// attributes to our markup. It is slow too (a dictionary lookup and an append per Character),
/// a tenth of a page view's time. Bytes have neither problem, and a text with nothing to escape
/// (most of them) is returned as it is, without copying.
///
/// swift-mustache starts every template, and every partial, with its own escaping; ours is
/// chosen by a pragma on each template's first line (`pragma`), which `TemplateRenderer`
/// requires of every template it loads.
struct HTMLEscaping: MustacheContentType {
    /// The name the pragma gives.
    static let name = "HTML_UTF8"
    static let pragma = "{{% CONTENT_TYPE: \(name) }}"

    /// Makes the name known to swift-mustache's parser; before any template is parsed.
    static func register() {
        MustacheContentTypes.register(HTMLEscaping(), named: name)
    }

    func escapeText(_ text: String) -> String {
        Self.escape(text)
    }

    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: isSpecial) else { return text }
        var escaped: [UInt8] = []
        escaped.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): escaped.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): escaped.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): escaped.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): escaped.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): escaped.append(contentsOf: "&#39;".utf8)
            default: escaped.append(byte)
            }
        }
        // Only ASCII bytes were replaced, by ASCII: still the same valid UTF-8 around them.
        return String(decoding: escaped, as: UTF8.self)
    }

    private static func isSpecial(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"): true
        default: false
        }
    }
}
