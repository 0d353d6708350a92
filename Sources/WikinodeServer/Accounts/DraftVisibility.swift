import Foundation
import WikinodeCore

/// Who sees unpublished posts: signed-in accounts that may edit see drafts and scheduled posts;
/// everyone else reads as of now, without them.
struct DraftVisibility: Sendable {
    let database: WikiDatabase

    /// The moment to read at, or nil to see everything.
    func cutoff(for visitor: Visitor) throws -> Date? {
        guard let user = visitor.user, try database.settings().editPolicy.allows(.account(user)) else { return Date() }
        return nil
    }
}
