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

    static func decode(_ part: Substring) -> String? {
        String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
