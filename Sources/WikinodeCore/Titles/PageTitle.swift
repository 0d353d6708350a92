import Foundation

/// A page title as people write it, with the key that lookups compare.
///
/// Titles are free Unicode text. Lookup ignores case and treats runs of spaces and underscores
/// as one space, so `Front_page`, `front page` and `FRONT  PAGE` all find the same page.
public struct PageTitle: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The title as shown: NFC, single spaces, no leading or trailing space.
    public let text: String
    /// The lookup key: `text` lowercased.
    public let key: String

    /// The longest title accepted, in characters.
    public static let maximumLength = 200

    /// Normalizes and validates a title; throws a `TitleError` that says what is wrong.
    public init(_ raw: String) throws(TitleError) {
        let text = Self.normalize(raw)
        try Self.validate(text)
        self.text = text
        self.key = text.lowercased()
    }

    /// Whether `raw` is a valid title.
    public static func isValid(_ raw: String) -> Bool {
        (try? PageTitle(raw)) != nil
    }

    public var description: String { text }

    public static func < (lhs: PageTitle, rhs: PageTitle) -> Bool { lhs.key < rhs.key }

    public static func == (lhs: PageTitle, rhs: PageTitle) -> Bool { lhs.key == rhs.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }

    /// The canonical path segment: spaces written `_`, everything outside a safe ASCII set
    /// percent-encoded as UTF-8.
    public var pathSegment: String { Self.pathSegment(of: text) }

    /// Spaces as `_`, bytes outside unreserved ASCII and `!$'()*,;:@` percent-encoded.
    static func pathSegment(of text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            if byte == UInt8(ascii: " ") {
                bytes.append(UInt8(ascii: "_"))
            } else if isSegmentByte[Int(byte)] {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Decodes a path segment as it arrives in a request (percent-encoded, `_` for spaces).
    public init(pathSegment: Substring) throws(TitleError) {
        guard let decoded = String(pathSegment).removingPercentEncoding else {
            throw TitleError.malformedEncoding
        }
        try self.init(decoded)
    }

    static let isSegmentByte: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$'()*,;:@".utf8 {
            table[Int(byte)] = true
        }
        return table
    }()

    static func normalize(_ raw: String) -> String {
        var result = ""
        result.reserveCapacity(raw.utf8.count)
        var pendingSpace = false
        // ASCII is already in NFC; Foundation's normalization is slow on hot paths.
        let composed = raw.utf8.allSatisfy { $0 < 0x80 } ? raw : raw.precomposedStringWithCanonicalMapping
        for scalar in composed.unicodeScalars {
            if scalar == "_" || (scalar.properties.isWhitespace && scalar.value >= 0x20 && scalar != "\u{2028}" && scalar != "\u{2029}") {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace {
                result.unicodeScalars.append(" ")
                pendingSpace = false
            }
            result.unicodeScalars.append(scalar)
        }
        return result
    }

    static func validate(_ text: String) throws(TitleError) {
        if text.isEmpty { throw .empty }
        if text.count > maximumLength { throw .tooLong(maximum: maximumLength) }
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned, .privateUse:
                if scalar.properties.generalCategory == .format && scalar == "\u{200D}" { continue }  // emoji joiner
                throw .forbiddenCharacter(scalar)
            default:
                break
            }
            // `/` and `\` would be path tricks; `[`, `]` and `|` belong to the wiki link syntax.
            if "/\\[]|".unicodeScalars.contains(scalar) { throw .forbiddenCharacter(scalar) }
        }
        if text.allSatisfy({ $0 == "." }) { throw .dotsOnly }
        if text.lowercased().hasSuffix(".md") { throw .reservedSuffix(".md") }
    }
}

/// Why a string is not a page title.
public enum TitleError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case tooLong(maximum: Int)
    case forbiddenCharacter(Unicode.Scalar)
    case dotsOnly
    case reservedSuffix(String)
    case malformedEncoding

    public var description: String {
        switch self {
        case .empty: "A page title cannot be empty."
        case .tooLong(let maximum): "A page title can have at most \(maximum) characters."
        case .forbiddenCharacter(let scalar):
            "A page title cannot contain the character U+\(String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4))."
        case .dotsOnly: "A page title cannot be only dots."
        case .reservedSuffix(let suffix): "A page title cannot end in \(suffix)."
        case .malformedEncoding: "The page title in the address is not valid percent-encoded UTF-8."
        }
    }
}

extension String {
    func leftPadded(to length: Int, with pad: Character = "0") -> String {
        count >= length ? self : String(repeating: pad, count: length - count) + self
    }
}
