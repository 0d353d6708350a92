/// Escaping for text placed in HTML and XML.
public enum HTMLEscaping {
    /// Escapes `& < > " '` so the result is safe in element content and quoted attributes.
    /// With `keepingOnly`, characters it rejects are dropped (XML 1.0 cannot carry some);
    /// `markup` gives trusted markup to put in place of some characters (used as markers).
    public static func escape(
        _ text: String, keepingOnly isAllowed: (Unicode.Scalar) -> Bool = { _ in true }, markup: [Unicode.Scalar: String] = [:]
    ) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if !markup.isEmpty, let replacement = markup[scalar] {
                result += replacement
                continue
            }
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: if isAllowed(scalar) { result.unicodeScalars.append(scalar) }
            }
        }
        return result
    }
}
