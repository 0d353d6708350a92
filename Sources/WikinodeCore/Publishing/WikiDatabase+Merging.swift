import Foundation

/// What became of a save that merges with changes made meanwhile.
public enum MergingSave: Sendable {
    /// Saved, merged where the page had changed.
    case saved(SaveResult)
    /// The changes clash: nothing was saved. `page` is the page now, `base` the text the writer
    /// started from, `theirs` the text now (empty for a page deleted meanwhile).
    case conflict(page: Page, base: String, theirs: String, merge: ThreeWayMerge)
}

extension WikiDatabase {
    /// Saves `edit`, written from revision `baseRevision` (nil: a new page). When the page has
    /// changed since, the writer's change is merged three ways with the other and saved if the
    /// two do not clash; a page that keeps changing is tried three times. With `post` and
    /// `unpublishing`, as `savePage`.
    public func saveMerging(
        _ edit: PageEdit, baseRevision: Int64?, post: PostSettings? = nil, unpublishing: Bool = false
    ) async throws -> MergingSave {
        var attempt = edit
        attempt.expectation = baseRevision.map { .revision($0) } ?? .newPage
        for _ in 0..<3 {
            do {
                return .saved(try await savePage(attempt, post: post, unpublishing: unpublishing))
            } catch WikiError.conflict(let current, _) {
                let page: Page
                switch try lookup(edit.title) {
                case .found(let found), .deleted(let found): page = found
                default: throw WikiError.conflict(currentRevision: current, message: "The page changed while you edited it.")
                }
                let base: String
                if let baseRevision {
                    guard let revision = try revision(baseRevision, of: page) else {
                        throw WikiError.invalidInput("Revision \(baseRevision) is not a revision of \(edit.title.text).")
                    }
                    base = revision.markdown
                } else {
                    base = ""
                }
                // A page deleted meanwhile has no text: everything they wrote is a change of theirs.
                let theirs = page.isDeleted ? "" : try currentMarkdown(of: page)
                let merge = ThreeWayMerge(base: base, ours: edit.markdown, theirs: theirs)
                guard merge.isClean else { return .conflict(page: page, base: base, theirs: theirs, merge: merge) }
                attempt.markdown = merge.text
                attempt.expectation = .revision(page.revisionId)
                if attempt.summary.isEmpty { attempt.summary = "Merged with revision \(page.revisionId)" }
            }
        }
        throw WikiError.conflict(currentRevision: 0, message: "The page keeps changing; try saving again.")
    }
}
