import Foundation

/// A piece of a text node after wiki links were found in it.
enum InlinePiece: Equatable {
    case text(String)
    case wikiLink(PageTitle, label: String)
}

/// Finds `[[Title]]`, `[[Title|label]]` and CamelCase words in the text of one text node.
///
/// It works on Unicode scalars, each with whether it was written verbatim: a bracket that came
/// from `\[` or `&#91;` never opens or closes a wiki link.
struct WikiLinkScanner {
    var camelCaseLinks: Bool

    /// A cheap look at the UTF-8 bytes: false when the text surely holds no wiki link, so that
    /// most text nodes are passed over without further work.
    func mayContainLinks(_ bytes: [UInt8]) -> Bool {
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == UInt8(ascii: "["), previous == UInt8(ascii: "[") { return true }
            if camelCaseLinks {
                // Every CamelCase word has a lowercase letter or digit followed by an uppercase
                // letter; beyond ASCII, let the full scan decide.
                if byte >= 0x80 { return true }
                let isLowerOrDigit = (0x61...0x7A).contains(previous) || (0x30...0x39).contains(previous)
                if isLowerOrDigit, (0x41...0x5A).contains(byte) { return true }
            }
            previous = byte
        }
        return false
    }

    /// The text of one node: its scalars, whether each was written verbatim, and its UTF-8
    /// bytes with the byte offset of each scalar (plus one past the end).
    struct Text {
        var scalars: [Unicode.Scalar]
        var verbatim: [Bool]
        var bytes: [UInt8]
        var offsets: [Int]

        func string(_ range: Range<Int>) -> String {
            String(decoding: bytes[offsets[range.lowerBound]..<offsets[range.upperBound]], as: UTF8.self)
        }
    }

    func scan(_ text: Text) -> [InlinePiece] {
        let scalars = text.scalars
        var pieces: [InlinePiece] = []
        var textStart = 0
        func flush(upTo end: Int) {
            if end > textStart { pieces.append(.text(text.string(textStart..<end))) }
        }
        var index = 0
        while index < scalars.count {
            if let (link, next) = bracketLink(text, at: index) ?? camelCaseWord(text, at: index) {
                flush(upTo: index)
                pieces.append(link)
                index = next
                textStart = next
                continue
            }
            index += 1
        }
        flush(upTo: scalars.count)
        return pieces
    }

    /// `[[Title]]` or `[[Title|label]]` starting at `start`, and the index after it.
    private func bracketLink(_ text: Text, at start: Int) -> (InlinePiece, Int)? {
        let scalars = text.scalars
        func isMarker(_ index: Int, _ scalar: Unicode.Scalar) -> Bool {
            index < scalars.count && scalars[index] == scalar && text.verbatim[index]
        }
        guard isMarker(start, "["), isMarker(start + 1, "[") else { return nil }
        var index = start + 2
        var bar: Int?
        while index < scalars.count {
            if isMarker(index, "]") && isMarker(index + 1, "]") { break }
            if isMarker(index, "[") { return nil }  // `[[a [[b]]`: only the inner one is a link
            if bar == nil, scalars[index] == "|" { bar = index }
            index += 1
        }
        guard index < scalars.count else { return nil }
        let target = text.string((start + 2)..<(bar ?? index))
        guard let title = try? PageTitle(target) else { return nil }
        let label = bar.map { text.string(($0 + 1)..<index).trimmingCharacters(in: .whitespaces) } ?? target
        return (.wikiLink(title, label: label.isEmpty ? title.text : label), index + 2)
    }

    /// A CamelCase word (`WikiNode`, `FrontPage2`) starting at `start`, and the index after it.
    private func camelCaseWord(_ text: Text, at start: Int) -> (InlinePiece, Int)? {
        let scalars = text.scalars
        guard camelCaseLinks, Self.isUppercase(scalars[start]) else { return nil }
        if start > 0 {
            let previous = scalars[start - 1]
            // Inside a word, a path, an address or an identifier it is not a wiki word.
            if Self.isWordScalar(previous) || "/.:_-@#&=~%$\\".unicodeScalars.contains(previous) { return nil }
        }
        var end = start
        while end < scalars.count, Self.isWordScalar(scalars[end]) { end += 1 }
        let word = scalars[start..<end]
        guard Self.isCamelCase(word) else { return nil }
        if end < scalars.count, "/@_".unicodeScalars.contains(scalars[end]) { return nil }
        if end + 1 < scalars.count, ".:".unicodeScalars.contains(scalars[end]), Self.isWordScalar(scalars[end + 1]) {
            return nil  // `FooBar.com`, `FooBar:baz`
        }
        guard let title = try? PageTitle(text.string(start..<end)) else { return nil }
        return (.wikiLink(title, label: title.text), end)
    }

    // ASCII first: Unicode property lookups dominated the cost of scanning.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) || (0x30...0x39).contains(value)
        }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    static func isUppercase(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII ? (0x41...0x5A).contains(scalar.value) : scalar.properties.isUppercase
    }

    static func isLowercase(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII ? (0x61...0x7A).contains(scalar.value) : scalar.properties.isLowercase
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII ? (0x30...0x39).contains(scalar.value) : scalar.properties.numericType != nil
    }

    /// Upper, one or more lower, upper, and a lowercase letter somewhere after that.
    static func isCamelCase(_ word: ArraySlice<Unicode.Scalar>) -> Bool {
        var index = word.startIndex
        guard word.count >= 3, isUppercase(word[index]) else { return false }
        index += 1
        guard isLowercase(word[index]) else { return false }
        while index < word.endIndex, isLowercase(word[index]) || isDigit(word[index]) { index += 1 }
        guard index < word.endIndex, isUppercase(word[index]) else { return false }
        return word[(index + 1)...].contains(where: isLowercase)
    }
}
