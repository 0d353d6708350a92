import Foundation
import Hummingbird
import WikinodeCore

extension EditController {
    /// What the form sent.
    struct Submission {
        let markdown: String
        let summary: String
        let baseRevision: Int64?
        let name: String
        let isPreview: Bool
        /// Set when the form publishes the page as a weblog post.
        let post: PostSettings?
        let postDateField: String
        let tagsField: String
        /// Whether the page was a post when the form was opened.
        let wasPost: Bool
        /// What is wrong with the weblog fields, shown in the form with the text kept.
        let postError: String?
        /// The "In reply to" field as sent; nil when the form had none (the page keeps what it
        /// replies to).
        let inReplyToField: String?
        let inReplyTo: [String]?
        /// What is wrong with the "In reply to" field.
        let replyError: String?

        init(_ form: FormBody) throws {
            // Browsers send CRLF line breaks from a textarea; pages are stored with LF.
            markdown = Self.lineFeeds(try form.required("markdown", label: "text"))
            summary = (form["summary"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let base = form["baseRevision"] ?? ""
            if base.isEmpty {
                baseRevision = nil
            } else if let value = Int64(base), value > 0 {
                baseRevision = value
            } else {
                throw HTTPError(.badRequest, message: "The form's revision is not a revision number.")
            }
            name = (form["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            isPreview = form["action"] == "preview"
            postDateField = (form["postDate"] ?? "").trimmingCharacters(in: .whitespaces)
            tagsField = form["tags"] ?? ""
            wasPost = form["wasPost"] == "1"
            postError =
                !postDateField.isEmpty && Self.utcDate(postDateField) == nil
                ? "The publication date must look like 2026-11-27T09:30 (UTC)." : nil
            if form["post"] == "1" {
                let date = postDateField.isEmpty ? nil : Self.utcDate(postDateField)
                post = PostSettings(
                    status: form["status"] == "draft" ? .draft : .published, publishedAt: date,
                    tags: tagsField.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            } else {
                post = nil
            }
            inReplyToField = form["inReplyTo"]
            do {
                inReplyTo = try inReplyToField.map(PageEdit.replyTargets(from:))
                replyError = nil
            } catch WikiError.invalidInput(let message) {
                inReplyTo = nil
                replyError = message
            }
        }

        /// `yyyy-MM-ddTHH:mm` (seconds optional) read as UTC.
        static func utcDate(_ text: String) -> Date? {
            let parts = text.split(whereSeparator: { $0 == "-" || $0 == "T" || $0 == ":" }).map { Int($0) }
            guard parts.count == 5 || parts.count == 6, parts.allSatisfy({ $0 != nil }) else { return nil }
            let values = parts.map { $0! }
            guard (1...9999).contains(values[0]), (1...12).contains(values[1]), (1...31).contains(values[2]), (0...23).contains(values[3]),
                (0...59).contains(values[4])
            else { return nil }
            var components = DateComponents(year: values[0], month: values[1], day: values[2], hour: values[3], minute: values[4])
            components.second = values.count == 6 ? values[5] : 0
            return Calendar.utc.date(from: components)
        }

        /// CRLF and CR line breaks as LF.
        static func lineFeeds(_ text: String) -> String {
            guard text.utf8.contains(UInt8(ascii: "\r")) else { return text }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count)
            var previousWasCR = false
            for byte in text.utf8 {
                if byte == UInt8(ascii: "\n"), previousWasCR {
                    previousWasCR = false
                    continue
                }
                previousWasCR = byte == UInt8(ascii: "\r")
                bytes.append(previousWasCR ? UInt8(ascii: "\n") : byte)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

extension EditController.Submission {
    init(rebasing submission: Self, text: String, onto revision: Int64) {
        markdown = text
        summary = submission.summary
        baseRevision = revision
        name = submission.name
        isPreview = false
        post = submission.post
        postDateField = submission.postDateField
        tagsField = submission.tagsField
        wasPost = submission.wasPost
        postError = nil
        inReplyToField = submission.inReplyToField
        inReplyTo = submission.inReplyTo
        replyError = nil
    }
}
