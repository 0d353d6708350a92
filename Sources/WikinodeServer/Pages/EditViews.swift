import Foundation
import WikinodeCore

/// The header's view of who is browsing.
struct ViewerView: Sendable {
    let isSignedIn: Bool
    let name: String
    let signInPath: String

    init(visitor: Visitor?, returnPath: String) {
        isSignedIn = visitor?.isSignedIn ?? false
        name = visitor?.user?.name ?? ""
        signInPath = Self.signInPath(returningTo: returnPath)
    }

    /// The sign-in page, coming back to `path` afterwards.
    static func signInPath(returningTo path: String) -> String {
        NodeAddress.login + "?return=" + URLEncoding.component(path)
    }
}

/// The edit form, also when it shows a preview or a conflict.
struct EditView: Sendable {
    let site: SiteView
    let title: String
    let tools: PageToolsView
    let isNew: Bool
    /// The text, escaped once here: a page can be large, and this is faster than the template's
    /// escaping.
    let markdownHTML: String
    let summary: String
    let baseRevision: String
    let csrfToken: String
    let asksForName: Bool
    let name: String
    let previewHTML: String?
    let notice: String?
    let error: String?
    let conflict: ConflictView?
    let post: PostFormView
    /// The addresses the page replies to, one per line.
    let inReplyTo: String
}

/// The editor's weblog fields.
struct PostFormView: Sendable {
    let isPost: Bool
    let isDraft: Bool
    /// `yyyy-MM-ddTHH:mm` in UTC, for a `datetime-local` field.
    let date: String
    let tags: String
    let permalink: String?

    static let none = PostFormView(isPost: false, isDraft: false, date: "", tags: "", permalink: nil)

    static func dateField(_ date: Date) -> String {
        let parts = Calendar.utc.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!)
    }
}

/// What the editor needs to resolve a conflict: the other change and the clashing regions.
struct ConflictView: Sendable {
    struct Region: Sendable {
        let ours: String
        let theirs: String
        let base: String
    }

    let otherAuthor: String
    let otherRevision: Int64
    let otherDate: DateView
    let otherChange: [DiffView.Hunk]
    let regions: [Region]
}

struct LoginView: Sendable {
    let site: SiteView
    let csrfToken: String
    let returnPath: String
    let name: String
    let error: String?
    let notice: String?
}

struct LogoutView: Sendable {
    let site: SiteView
    let csrfToken: String
}
