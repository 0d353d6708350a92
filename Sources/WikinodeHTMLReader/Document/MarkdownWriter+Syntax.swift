import Foundation

/// The pieces of Markdown syntax the writer needs: escaping, code spans and fences, link
/// destinations.
extension MarkdownWriter {
    /// `raw` escaped so that no character is read as Markdown, each run of whitespace one
    /// space (none at the start when `afterSpace`), control characters dropped.
    static func escaped(_ raw: String, afterSpace: Bool) -> String {
        var escaped = ""
        var lastWasSpace = afterSpace
        for scalar in raw.unicodeScalars {
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{0C}" {
                if !lastWasSpace { escaped.append(" ") }
                lastWasSpace = true
                continue
            }
            guard !isControl(scalar) else { continue }
            lastWasSpace = false
            if escapedEverywhere.contains(scalar) { escaped.append("\\") }
            escaped.unicodeScalars.append(scalar)
        }
        return escaped
    }

    /// Characters that could start Markdown anywhere in a line.
    static let escapedEverywhere: Set<Unicode.Scalar> = ["\\", "`", "*", "_", "[", "]", "<", ">", "&", "~", "!", "|"]

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || scalar == "\u{FEFF}" || (0xFFF9...0xFFFB).contains(scalar.value)
    }

    static func withoutControls(_ text: String, keepingNewlines: Bool) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\t" {
                result.append(keepingNewlines ? scalar : " ")
            } else if !isControl(scalar) {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// An address as a Markdown link destination between `<` and `>`: those two, spaces and
    /// backslashes percent-encoded, so it cannot end early or break the line.
    static func linkDestination(_ url: URL) -> String {
        var text = ""
        for scalar in url.absoluteString.unicodeScalars {
            switch scalar {
            case "<": text += "%3C"
            case ">": text += "%3E"
            case " ": text += "%20"
            case "\\": text += "%5C"
            default:
                if !isControl(scalar) { text.unicodeScalars.append(scalar) }
            }
        }
        return text
    }

    /// A code span with more backticks around it than any run inside.
    static func codeSpan(_ text: String) -> String {
        let content = text.trimmingCharacters(in: .newlines)
        guard !content.trimmingCharacters(in: .whitespaces).isEmpty else { return "" }
        let fence = String(repeating: "`", count: longestRun(of: "`", in: content) + 1)
        let padded = content.hasPrefix("`") || content.hasSuffix("`") || content.hasPrefix(" ") ? " \(content) " : content
        return fence + padded + fence
    }

    /// A fenced code block, its fence longer than any run of backticks inside.
    static func fenced(_ text: String, language: String) -> String {
        var content = text
        if content.hasPrefix("\n") { content.removeFirst() }
        while content.hasSuffix("\n") { content.removeLast() }
        guard !content.isEmpty else { return "" }
        let fence = String(repeating: "`", count: max(3, longestRun(of: "`", in: content) + 1))
        return "\(fence)\(language)\n\(content)\n\(fence)"
    }

    static func longestRun(of character: Character, in text: String) -> Int {
        var longest = 0
        var run = 0
        for each in text {
            run = each == character ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }

    /// The language a `pre` names with a `language-…` class: letters, digits, `+`, `-`, `_`.
    static func language(of node: HTMLNode) -> String {
        let classes = HTMLTokens.split(node.attribute("class") ?? "")
        guard let name = classes.first(where: { $0.hasPrefix("language-") })?.dropFirst("language-".count) else { return "" }
        let allowed = name.unicodeScalars.filter {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+-_".unicodeScalars.contains($0))
        }
        return String(String.UnicodeScalarView(allowed.prefix(30)))
    }

    /// `line` with its first character escaped when it could begin a list item, a heading, a
    /// rule, a setext underline or a code block.
    static func escapingLineStart(_ line: String) -> String {
        guard let first = line.unicodeScalars.first else { return line }
        if ["-", "+", "=", "#"].contains(first) { return "\\" + line }
        let digits = line.unicodeScalars.prefix { ("0"..."9").contains($0) }
        let after = line.unicodeScalars.dropFirst(digits.count).first
        if !digits.isEmpty, after == "." || after == ")" {
            return String(String.UnicodeScalarView(digits)) + "\\" + String(String.UnicodeScalarView(line.unicodeScalars.dropFirst(digits.count)))
        }
        return line
    }
}
