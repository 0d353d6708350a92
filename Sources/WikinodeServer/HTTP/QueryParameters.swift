import Foundation
import Hummingbird

/// The query string as a form submits it: `+` is a space, values are percent-encoded UTF-8.
struct QueryParameters {
    private var values: [String: String] = [:]

    init(_ request: Request) throws {
        guard let query = request.uri.query, !query.isEmpty else { return }
        guard query.utf8.count <= 8192 else { throw HTTPError(.uriTooLong, message: "The query string is too long.") }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : "") else {
                throw HTTPError(.badRequest, message: "The query string is not valid percent-encoded UTF-8.")
            }
            if values[key] == nil { values[key] = value }
        }
    }

    subscript(_ key: String) -> String? { values[key] }

    /// An integer parameter; a value that is present but not an integer in `range` is a 400.
    func integer(_ key: String, in range: ClosedRange<Int64> = Int64.min...Int64.max) throws -> Int64? {
        guard let text = values[key], !text.isEmpty else { return nil }
        guard let value = Int64(text), range.contains(value) else {
            throw HTTPError(.badRequest, message: "\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return value
    }

    /// Decodes one `application/x-www-form-urlencoded` part: `+` is a space, `%XX` a byte; the
    /// bytes must be UTF-8. Byte by byte, since Foundation's string search was most of the cost
    /// of reading a page-sized form.
    static func decode(_ part: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(part.utf8.count)
        var iterator = part.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
