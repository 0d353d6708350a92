import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

extension XMLFeedReader {
    /// Whether the prolog (what comes before the root element) has a DOCTYPE with an internal
    /// subset, where entities are declared. The prolog is scanned as XML writes it: comments
    /// and processing instructions are skipped whole, quoted strings in the DOCTYPE too. A
    /// document in UTF-16 (which this scan cannot read) counts as declaring them.
    static func declaresEntities(_ data: Data) -> Bool {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0x00, 0x3C])
            || bytes.starts(with: [0x3C, 0x00])
        {
            return true
        }
        func find(_ needle: String, from start: Int) -> Int? {
            let pattern = Array(needle.utf8)
            var index = start
            while index + pattern.count <= bytes.count {
                if bytes[index] == pattern[0], Array(bytes[index..<(index + pattern.count)]) == pattern { return index }
                index += 1
            }
            return nil
        }
        func starts(_ prefix: String, at index: Int) -> Bool {
            bytes[index...].starts(with: Array(prefix.utf8))
        }
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            if starts("<!--", at: index) {
                guard let end = find("-->", from: index + 4) else { return false }
                index = end + 3
            } else if starts("<?", at: index) {
                guard let end = find("?>", from: index + 2) else { return false }
                index = end + 2
            } else if starts("<!DOCTYPE", at: index) {
                // Up to the `>` that ends it, outside quotes: a `[` before it opens a subset.
                var position = index + 9
                var quote: UInt8?
                while position < bytes.count {
                    let byte = bytes[position]
                    if let open = quote {
                        if byte == open { quote = nil }
                    } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                        quote = byte
                    } else if byte == UInt8(ascii: "[") {
                        return true
                    } else if byte == UInt8(ascii: ">") {
                        return false
                    }
                    position += 1
                }
                return false
            } else {
                // The root element: no DOCTYPE came before it.
                return false
            }
        }
        return false
    }
}
