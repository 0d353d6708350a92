/// The Markdown source as bytes, with line offsets, so that a text node's literal can be
/// compared with the source it came from.
///
/// cmark merges adjacent text nodes, so `\[[Title]]` and `[[Title]]` both reach us as the
/// literal `[[Title]]`. Comparing the literal with its source span tells which characters
/// were written as themselves and which came from a backslash escape or an entity.
struct SourceText {
    let bytes: [UInt8]
    /// Byte offset of the start of each line; line N (1-based) starts at `lineStarts[N - 1]`.
    let lineStarts: [Int]

    init(_ markdown: String) {
        bytes = Array(markdown.utf8)
        var starts = [0]
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                starts.append(index + 1)
            } else if byte == UInt8(ascii: "\r") {
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
                starts.append(index + 1)
            }
            index += 1
        }
        lineStarts = starts
    }

    /// The source bytes of a one-line span given by cmark's 1-based line and columns.
    func span(line: Int, startColumn: Int, endColumn: Int) -> ArraySlice<UInt8>? {
        guard line >= 1, line <= lineStarts.count, startColumn >= 1, endColumn >= startColumn else { return nil }
        let start = lineStarts[line - 1] + startColumn - 1
        let end = min(lineStarts[line - 1] + endColumn, bytes.count)
        guard start < end else { return nil }
        return bytes[start..<end]
    }

    /// For each byte of `literal`, whether it was written verbatim in `source` (not produced by
    /// a backslash escape or a character reference).
    static func verbatimMask(literal: [UInt8], source: ArraySlice<UInt8>) -> [Bool] {
        var mask = [Bool](repeating: false, count: literal.count)
        var i = source.startIndex
        var j = 0
        while j < literal.count, i < source.endIndex {
            let byte = source[i]
            if byte == UInt8(ascii: "\\"), i + 1 < source.endIndex, isASCIIPunctuation(source[i + 1]),
                literal[j] == source[i + 1]
            {
                i += 2
                j += 1
                continue
            }
            if byte == UInt8(ascii: "&"), let end = characterReferenceEnd(source, from: i),
                !literal[j...].starts(with: source[i...end])
            {
                // A decoded reference: its output runs until the literal meets the source again.
                i = end + 1
                j += 1
                while j < literal.count, i < source.endIndex, literal[j] != source[i], (literal[j] & 0xC0) == 0x80 {
                    j += 1
                }
                continue
            }
            mask[j] = literal[j] == byte
            i += 1
            j += 1
        }
        return mask
    }

    static func isASCIIPunctuation(_ byte: UInt8) -> Bool {
        (0x21...0x2F).contains(byte) || (0x3A...0x40).contains(byte) || (0x5B...0x60).contains(byte)
            || (0x7B...0x7E).contains(byte)
    }

    /// The index of the `;` that closes a character reference starting at `start`, if any.
    static func characterReferenceEnd(_ source: ArraySlice<UInt8>, from start: Int) -> Int? {
        var index = start + 1
        let limit = min(source.endIndex, start + 40)
        while index < limit {
            let byte = source[index]
            if byte == UInt8(ascii: ";") { return index > start + 1 ? index : nil }
            let isNameByte =
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == UInt8(ascii: "#")
            if !isNameByte { return nil }
            index += 1
        }
        return nil
    }
}
