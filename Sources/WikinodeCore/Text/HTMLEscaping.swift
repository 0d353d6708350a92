/// Escaping for text placed in HTML and XML.
public enum HTMLEscaping {
    /// Escapes `& < > " '` so the result is safe in element content and quoted attributes.
    /// With `keepingOnly`, characters it rejects are dropped (XML 1.0 cannot carry some);
    /// `markup` gives trusted markup to put in place of some characters (used as markers).
    public static func escape(
        _ text: String, keepingOnly isAllowed: ((Unicode.Scalar) -> Bool)? = nil, markup: [Unicode.Scalar: String] = [:]
    ) -> String {
        if markup.isEmpty, !text.utf8.contains(where: { $0 < 0x20 || $0 >= 0x7F || escapedBytes[Int($0)] }) {
            return text  // nothing to escape or filter: the common case for titles and names
        }
        if markup.isEmpty, isAllowed == nil {  // no filter: escape byte by byte
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count + 64)
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "&"): bytes += Array("&amp;".utf8)
                case UInt8(ascii: "<"): bytes += Array("&lt;".utf8)
                case UInt8(ascii: ">"): bytes += Array("&gt;".utf8)
                case UInt8(ascii: "\""): bytes += Array("&quot;".utf8)
                case UInt8(ascii: "'"): bytes += Array("&#39;".utf8)
                default: bytes.append(byte)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
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
            default: if isAllowed?(scalar) ?? true { result.unicodeScalars.append(scalar) }
            }
        }
        return result
    }

    private static let escapedBytes: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in "&<>\"'".utf8 { table[Int(byte)] = true }
        return table
    }()
}
