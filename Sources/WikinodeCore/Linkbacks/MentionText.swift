import Foundation

/// Text from other sites, made safe to keep: one line, no control characters, whitespace
/// collapsed, cut to a length. (It is escaped again wherever it is shown.)
public enum MentionText {
    public static func line(_ text: String, limit: Int) -> String {
        var result = ""
        var lastWasSpace = true
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control {
                if !lastWasSpace { result.unicodeScalars.append(" ") }
                lastWasSpace = true
            } else if !(0xE000...0xF8FF).contains(scalar.value) {
                result.unicodeScalars.append(scalar)
                lastWasSpace = false
            }
        }
        if result.hasSuffix(" ") { result.removeLast() }
        guard result.count > limit else { return result }
        return String(result.prefix(limit - 1)) + "…"
    }
}
