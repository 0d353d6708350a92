import Foundation

/// A piece of a text node after wiki links were found in it.
enum InlinePiece: Equatable {
    case text(String)
    case wikiLink(PageTitle, label: String)
}

/// Finds `[[Title]]`, `[[Title|label]]` and CamelCase words in the characters of one text node.
///
/// Each character comes with whether it was written verbatim: a bracket that came from `\[` or
/// `&#91;` never opens or closes a wiki link.
struct WikiLinkScanner {
    var camelCaseLinks: Bool

    struct Glyph {
        let character: Character
        let isVerbatim: Bool
    }

    func scan(_ glyphs: [Glyph]) -> [InlinePiece] {
        var pieces: [InlinePiece] = []
        var text = ""
        func flush() {
            if !text.isEmpty { pieces.append(.text(text)) }
            text = ""
        }
        var index = 0
        while index < glyphs.count {
            if let (link, next) = bracketLink(in: glyphs, at: index) {
                flush()
                pieces.append(link)
                index = next
                continue
            }
            if camelCaseLinks, let (title, next) = camelCaseWord(in: glyphs, at: index) {
                flush()
                pieces.append(.wikiLink(title, label: title.text))
                index = next
                continue
            }
            text.append(glyphs[index].character)
            index += 1
        }
        flush()
        return pieces
    }

    private func isMarker(_ glyphs: [Glyph], _ index: Int, _ character: Character) -> Bool {
        index < glyphs.count && glyphs[index].character == character && glyphs[index].isVerbatim
    }

    /// `[[Title]]` or `[[Title|label]]` starting at `start`, and the index after it.
    private func bracketLink(in glyphs: [Glyph], at start: Int) -> (InlinePiece, Int)? {
        guard isMarker(glyphs, start, "["), isMarker(glyphs, start + 1, "[") else { return nil }
        var index = start + 2
        var inner = ""
        while index < glyphs.count {
            if isMarker(glyphs, index, "]") && isMarker(glyphs, index + 1, "]") { break }
            if isMarker(glyphs, index, "[") { return nil }  // `[[a [[b]]`: only the inner one is a link
            inner.append(glyphs[index].character)
            index += 1
        }
        guard index < glyphs.count else { return nil }
        let target: Substring
        let label: Substring
        if let bar = inner.firstIndex(of: "|") {
            target = inner[..<bar]
            label = inner[inner.index(after: bar)...]
        } else {
            target = inner[...]
            label = inner[...]
        }
        guard let title = try? PageTitle(String(target)) else { return nil }
        let trimmedLabel = label.trimmingCharacters(in: .whitespaces)
        return (.wikiLink(title, label: trimmedLabel.isEmpty ? title.text : trimmedLabel), index + 2)
    }

    /// A CamelCase word (`WikiNode`, `FrontPage2`) starting at `start`, and the index after it.
    private func camelCaseWord(in glyphs: [Glyph], at start: Int) -> (PageTitle, Int)? {
        guard glyphs[start].character.isUppercase else { return nil }
        if start > 0 {
            let previous = glyphs[start - 1].character
            // Inside a word, a path, an address or an identifier it is not a wiki word.
            if previous.isLetter || previous.isNumber || "/.:_-@#&=~%$\\".contains(previous) { return nil }
        }
        var end = start
        while end < glyphs.count, glyphs[end].character.isLetter || glyphs[end].character.isNumber { end += 1 }
        let word = glyphs[start..<end].map(\.character)
        guard Self.isCamelCase(word) else { return nil }
        if end < glyphs.count, "/@_".contains(glyphs[end].character) { return nil }
        if end + 1 < glyphs.count, ".:".contains(glyphs[end].character),
            glyphs[end + 1].character.isLetter || glyphs[end + 1].character.isNumber
        {
            return nil  // `FooBar.com`, `FooBar:baz`
        }
        guard let title = try? PageTitle(String(word)) else { return nil }
        return (title, end)
    }

    /// Upper, one or more lower, upper, and a lowercase letter somewhere after that.
    static func isCamelCase(_ word: [Character]) -> Bool {
        guard word.count >= 3, word[0].isUppercase else { return false }
        var index = 1
        guard index < word.count, word[index].isLowercase else { return false }
        while index < word.count, word[index].isLowercase || word[index].isNumber { index += 1 }
        guard index < word.count, word[index].isUppercase else { return false }
        return word[(index + 1)...].contains(where: \.isLowercase)
    }
}
