/// The name of a page in Federated Wiki's addresses (`/{slug}.json`), made from its title the way
/// fedwiki's own client makes it (`asSlug` in wiki-client's `page.js`): every whitespace
/// character becomes `-` (a run of them becomes a run of dashes), every character other than
/// ASCII letters, digits and `-` is dropped, and what is left is lowercased.
///
/// Titles beyond ASCII lose letters (`Café` is `caf`), and a title of only such letters has an
/// empty slug: fedwiki cannot address that page at all. Two titles may share a slug.
public struct FedwikiSlug: Hashable, Sendable, CustomStringConvertible {
    public let text: String

    /// The longest slug accepted in an address, in bytes; no title makes a longer one.
    public static let maximumLength = 4 * PageTitle.maximumLength

    /// The slug of a title.
    public init(title: String) {
        var scalars = String.UnicodeScalarView()
        for scalar in title.unicodeScalars {
            if Self.isJavaScriptWhitespace(scalar) {
                scalars.append("-")
            } else if scalar.isASCII, Self.isSlugByte(UInt8(scalar.value)) {
                scalars.append(Unicode.Scalar(UInt8(scalar.value).asciiLowercased))
            }
        }
        text = String(scalars)
    }

    /// A slug as it arrives in an address; nil unless it is one that `init(title:)` could make
    /// (non-empty, lowercase ASCII letters, digits and `-`, not absurdly long).
    public init?(requested: Substring) {
        guard !requested.isEmpty, requested.utf8.count <= Self.maximumLength,
            requested.utf8.allSatisfy({ Self.isSlugByte($0) && !(0x41...0x5A).contains($0) })
        else { return nil }
        text = String(requested)
    }

    public var description: String { text }

    static func isSlugByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == UInt8(ascii: "-")
    }

    /// What JavaScript's `\s` matches: ECMAScript's WhiteSpace and LineTerminator.
    static func isJavaScriptWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: true
        default: false
        }
    }
}

extension UInt8 {
    fileprivate var asciiLowercased: UInt8 { (0x41...0x5A).contains(self) ? self + 0x20 : self }
}
