/// Makes text taken from another site safe to store and show: plain, one line, bounded.
/// (Escaping for HTML is the renderer's job.)
enum PlainText {
    static let titleLimit = 200
    static let authorLimit = 100
    static let excerptLimit = 500

    /// `text` with control characters removed, whitespace collapsed to single spaces, trimmed,
    /// and cut to at most `limit` characters at a word boundary with "…"; nil when nothing is
    /// left.
    static func clean(_ text: String, limit: Int) -> String? {
        var collapsed = Collapser()
        collapsed.append(text)
        let result = truncated(collapsed.text, limit: limit)
        return result.isEmpty ? nil : result
    }

    /// `text` cut to at most `limit` characters (and `4 × limit` Unicode scalars, so a pile of
    /// combining marks cannot make one character huge), at a word boundary if one is near.
    static func truncated(_ text: String, limit: Int) -> String {
        guard text.count > limit || text.unicodeScalars.count > 4 * limit else { return text }
        var kept = ""
        var characters = 0
        var scalars = 0
        for character in text {
            let size = character.unicodeScalars.count
            if characters + 1 > limit - 1 || scalars + size > 4 * limit - 1 { break }
            kept.append(character)
            characters += 1
            scalars += size
        }
        if let space = kept.lastIndex(of: " "), kept.distance(from: space, to: kept.endIndex) < limit / 4 {
            kept = String(kept[..<space])
        }
        return kept.trimmingWhitespace() + "…"
    }

    /// Drops the tail of `text` to its last `limit` characters, at a word boundary, with "…".
    static func tail(_ text: String, limit: Int) -> String {
        guard text.count > limit else { return text }
        var kept = String(text.suffix(limit - 1))
        if let space = kept.firstIndex(of: " "), kept.distance(from: kept.startIndex, to: space) < limit / 4 {
            kept = String(kept[kept.index(after: space)...])
        }
        return "…" + kept.trimmingWhitespace()
    }

    /// Whether a scalar is left out of shown text: control characters (C0, DEL, C1) and the
    /// invisible formatting characters that can make shown text lie about its order or content
    /// (bidirectional overrides and isolates, zero-width characters, the byte order mark).
    static func isRemoved(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x08, 0x0B, 0x0E...0x1F, 0x7F...0x9F: return true
        case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2069, 0xFEFF: return true
        default: return false
        }
    }
}

/// Collapses runs of whitespace to one space as text is appended, dropping `PlainText.isRemoved`
/// scalars; leading and trailing whitespace never appear.
struct Collapser {
    private(set) var text = ""
    /// The number of characters appended so far (scalars, which is close enough for context).
    private(set) var length = 0
    private var pendingSpace = false
    /// Whether whitespace or a block boundary came before the first text.
    private(set) var startsWithBreak = false

    /// Appends `piece`, stopping once the text is `limit` long.
    mutating func append(_ piece: String, upTo limit: Int = .max) {
        for scalar in piece.unicodeScalars {
            if length >= limit { return }
            if scalar.properties.isWhitespace {
                pendingSpace = !text.isEmpty
                if text.isEmpty { startsWithBreak = true }
            } else if !PlainText.isRemoved(scalar) {
                if pendingSpace {
                    text.unicodeScalars.append(" ")
                    length += 1
                    pendingSpace = false
                }
                text.unicodeScalars.append(scalar)
                length += 1
            }
        }
    }

    /// Separates what comes next from what came before, as a block boundary does.
    mutating func breakWords() {
        if text.isEmpty { startsWithBreak = true } else { pendingSpace = true }
    }

    /// Whether the next text appended starts after a space.
    var endsWithBreak: Bool { pendingSpace }
}
