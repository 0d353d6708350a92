import Foundation

/// The HTTP `Link` header field (RFC 8288).
///
/// The caller collects the values of every header whose name is `Link` in any casing (HTTP
/// header names are case-insensitive), in the order received, and passes them all.
public enum LinkHeader {
    /// One link-value of a `Link` header.
    public struct Link: Sendable, Hashable {
        /// The target as written between `<` and `>`, unresolved.
        public var url: String
        /// The relation types of the first `rel` parameter, lowercased (RFC 8288 compares them
        /// case-insensitively); empty without one.
        public var rels: [String]
        /// The parameters by lowercased name, unquoted and unescaped; of a repeated name the
        /// first counts (§3.3 says so for `rel`). A `name*` value in RFC 8187 form with a UTF-8
        /// charset is percent-decoded. A parameter without a value maps to "".
        public var parameters: [String: String]

        public init(url: String, rels: [String], parameters: [String: String]) {
            self.url = url
            self.rels = rels
            self.parameters = parameters
        }
    }

    /// Every link in `values`, in order: several links in one value separated by commas,
    /// several values, quoted or bare parameters, commas inside quoted strings and `<…>`.
    /// A malformed link-value is skipped up to the next comma outside quotes.
    public static func parse(_ values: [String]) -> [Link] {
        values.flatMap { value in
            var parser = LinkHeaderParser(Array(value.unicodeScalars))
            return parser.links()
        }
    }
}

/// The parser behind `LinkHeader.parse`, after RFC 8288 Appendix B.
struct LinkHeaderParser {
    private let input: [Unicode.Scalar]
    private var position = 0

    init(_ input: [Unicode.Scalar]) {
        self.input = input
    }

    mutating func links() -> [LinkHeader.Link] {
        var links: [LinkHeader.Link] = []
        while true {
            skip { $0 == "," || Self.isWhitespace($0) }
            guard let first = peek() else { break }
            guard first == "<", let url = targetReference() else {
                skipToNextLink()
                continue
            }
            let parameters = self.parameters()
            let rels = parameters["rel"].map { HTMLTokens.split($0).map { $0.lowercased() } } ?? []
            links.append(LinkHeader.Link(url: url, rels: rels, parameters: parameters))
        }
        return links
    }

    /// The text between `<` and `>`, or nil when the `>` is missing.
    private mutating func targetReference() -> String? {
        position += 1
        guard let close = input[position...].firstIndex(of: ">") else {
            position = input.count
            return nil
        }
        let url = String(String.UnicodeScalarView(input[position..<close]))
        position = close + 1
        return url.trimmingWhitespace()
    }

    /// Parameters up to the comma that ends this link-value (consumed) or the end.
    private mutating func parameters() -> [String: String] {
        var parameters: [String: String] = [:]
        while true {
            skip(Self.isWhitespace)
            guard let next = peek() else { break }
            if next == "," {
                position += 1
                break
            }
            guard next == ";" else {
                // Junk between parameters: drop it up to the next separator.
                skip { $0 != ";" && $0 != "," }
                continue
            }
            position += 1
            skip(Self.isWhitespace)
            let nameStart = position
            skip { $0 != "=" && $0 != ";" && $0 != "," && !Self.isWhitespace($0) }
            let name = String(String.UnicodeScalarView(input[nameStart..<position])).lowercased()
            skip(Self.isWhitespace)
            var value = ""
            if peek() == "=" {
                position += 1
                skip(Self.isWhitespace)
                if peek() == "\"" {
                    value = quotedString()
                    skip { $0 != ";" && $0 != "," }
                } else {
                    let valueStart = position
                    skip { $0 != ";" && $0 != "," }
                    value = String(String.UnicodeScalarView(input[valueStart..<position])).trimmingWhitespace()
                }
            }
            if name.hasSuffix("*") { value = Self.decodedExtendedValue(value) ?? value }
            if !name.isEmpty && parameters[name] == nil { parameters[name] = value }
        }
        return parameters
    }

    /// A quoted-string's content with backslash escapes removed; starts at the opening quote.
    private mutating func quotedString() -> String {
        position += 1
        var scalars = String.UnicodeScalarView()
        while let scalar = peek() {
            position += 1
            if scalar == "\"" { break }
            if scalar == "\\", let escaped = peek() {
                position += 1
                scalars.append(escaped)
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// Skips a malformed link-value: up to after the next comma outside quotes and `<…>`.
    private mutating func skipToNextLink() {
        var inQuotes = false
        var inBrackets = false
        while let scalar = peek() {
            position += 1
            switch scalar {
            case "\\" where inQuotes: position += 1
            case "\"" where !inBrackets: inQuotes.toggle()
            case "<" where !inQuotes: inBrackets = true
            case ">" where !inQuotes: inBrackets = false
            case "," where !inQuotes && !inBrackets: return
            default: break
            }
        }
    }

    /// An RFC 8187 ext-value (`UTF-8'en'%E2%82%AC`) decoded, if its charset is UTF-8.
    static func decodedExtendedValue(_ value: String) -> String? {
        let parts = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].lowercased() == "utf-8" else { return nil }
        return String(parts[2]).removingPercentEncoding
    }

    private func peek() -> Unicode.Scalar? {
        position < input.count ? input[position] : nil
    }

    private mutating func skip(_ predicate: (Unicode.Scalar) -> Bool) {
        while let scalar = peek(), predicate(scalar) { position += 1 }
    }

    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\n"
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
