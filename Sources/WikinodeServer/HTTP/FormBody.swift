import Foundation
import Hummingbird

/// A submitted HTML form (`application/x-www-form-urlencoded`), read with a size limit.
struct FormBody {
    private var values: [String: String] = [:]

    /// The largest form accepted: a page at its largest, percent-encoded, with room to spare.
    static let maximumBytes = 3_500_000

    init(_ request: Request, maximumBytes: Int = FormBody.maximumBytes) async throws {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw HTTPError(.unsupportedMediaType, message: "Send the form as application/x-www-form-urlencoded.")
        }
        let buffer = try await request.body.collect(upTo: maximumBytes)
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw HTTPError(.badRequest, message: "The form is not UTF-8 text.")
        }
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = QueryParameters.decode(parts[0]), let value = QueryParameters.decode(parts.count > 1 ? parts[1] : "") else {
                throw HTTPError(.badRequest, message: "The form is not valid percent-encoded UTF-8.")
            }
            if values[key] == nil { values[key] = value }
        }
    }

    subscript(_ key: String) -> String? { values[key] }

    /// A field that must be there.
    func required(_ key: String, label: String) throws -> String {
        guard let value = values[key] else { throw HTTPError(.badRequest, message: "The form has no \(label) field.") }
        return value
    }
}
