/// Writes well-formed XML: every text and attribute value is escaped, and characters XML 1.0
/// cannot carry are dropped, so untrusted text never breaks a feed.
public struct XMLWriter {
    public private(set) var output = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    private var openElements: [String] = []

    public init() {}

    /// Opens `name` with `attributes` (in order), runs `content`, closes it.
    public mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], content: (inout XMLWriter) -> Void) {
        open(name, attributes)
        content(&self)
        output += "</\(name)>"
    }

    /// An element holding only text.
    public mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], text: String) {
        open(name, attributes)
        output += Self.escape(text)
        output += "</\(name)>"
    }

    /// An element with no content.
    public mutating func emptyElement(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        output += "<\(name)"
        appendAttributes(attributes)
        output += "/>"
    }

    private mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String>) {
        output += "<\(name)"
        appendAttributes(attributes)
        output += ">"
    }

    private mutating func appendAttributes(_ attributes: KeyValuePairs<String, String>) {
        for (key, value) in attributes {
            output += " \(key)=\"\(Self.escape(value))\""
        }
    }

    /// Escapes markup characters and drops what XML 1.0 does not allow.
    public static func escape(_ text: String) -> String {
        HTMLEscaping.escape(text, keepingOnly: isAllowedInXML)
    }

    static func isAllowedInXML(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
