import Foundation

/// Federated Wiki's links in text: `[[Title]]` to a page by name, `[https://… label]` to an
/// address, as its paragraphs, Markdown and HTML items write them.
public struct BracketLinks {
    /// The address of the page a `[[Title]]` names, or nil to leave it as text.
    public let internalAddress: (String) -> URL?

    public init(internalAddress: @escaping (String) -> URL?) {
        self.internalAddress = internalAddress
    }
}

/// Splits text at bracket links, scanning it once from the start.
enum BracketLinkScanner {
    enum Piece: Equatable {
        case text(String)
        case `internal`(String)
        case external(URL, label: String)
    }

    static let maximumTitleLength = 200

    static func pieces(of text: String) -> [Piece] {
        let scalars = Array(text.unicodeScalars)
        var pieces: [Piece] = []
        var textStart = 0
        var index = 0
        func flush(upTo end: Int) {
            if end > textStart { pieces.append(.text(String(String.UnicodeScalarView(scalars[textStart..<end])))) }
        }
        while index < scalars.count {
            guard scalars[index] == "[" else {
                index += 1
                continue
            }
            if let (piece, next) = internalLink(scalars, at: index) ?? externalLink(scalars, at: index) {
                flush(upTo: index)
                pieces.append(piece)
                index = next
                textStart = next
            } else {
                index += 1
            }
        }
        flush(upTo: scalars.count)
        return pieces
    }

    /// `[[Title]]`: a title without brackets or line breaks.
    private static func internalLink(_ scalars: [Unicode.Scalar], at start: Int) -> (Piece, Int)? {
        guard start + 1 < scalars.count, scalars[start + 1] == "[" else { return nil }
        var end = start + 2
        while end < scalars.count, scalars[end] != "]", scalars[end] != "[", scalars[end] != "\n", end - start - 2 <= maximumTitleLength {
            end += 1
        }
        guard end + 1 < scalars.count, scalars[end] == "]", scalars[end + 1] == "]" else { return nil }
        let title = String(String.UnicodeScalarView(scalars[(start + 2)..<end])).trimmingCharacters(in: .whitespaces)
        guard !title.isEmpty else { return nil }
        return (.internal(title), end + 2)
    }

    /// `[https://address label]`: an http(s) address, a space, a label up to `]`.
    private static func externalLink(_ scalars: [Unicode.Scalar], at start: Int) -> (Piece, Int)? {
        var end = start + 1
        while end < scalars.count, scalars[end] != "]", scalars[end] != "\n", end - start < 2_000 { end += 1 }
        guard end < scalars.count, scalars[end] == "]" else { return nil }
        let inside = String(String.UnicodeScalarView(scalars[(start + 1)..<end]))
        let parts = inside.split(separator: " ", maxSplits: 1)
        guard let address = parts.first, address.hasPrefix("http://") || address.hasPrefix("https://"),
            let url = URL(string: String(address)), url.isHTTP
        else { return nil }
        return (.external(url, label: parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : ""), end + 1)
    }
}
