import Foundation
import WikinodeCore

struct RecentView: Sendable {
    struct Change: Sendable {
        let kind: String
        let title: String
        let path: String
        let previousTitle: String?
        let summary: String
        let hasSummary: Bool
        let author: String
        let date: DateView
        let diffPath: String?
        let isDeletion: Bool
        /// A change on a followed peer: its name and address.
        let node: String?
        let nodeURL: String?
    }

    let site: SiteView
    let changes: [Change]
    let hasChanges: Bool
    let includesPeers: Bool
    let olderPath: String?
}

struct SearchView: Sendable {
    struct Hit: Sendable {
        let title: String
        let path: String
        let snippetHTML: String
        let date: DateView
        /// The followed peer a mirrored page comes from.
        let node: String?
    }

    let site: SiteView
    let query: String
    let hasQuery: Bool
    let includesPeers: Bool
    let hits: [Hit]
    let hasHits: Bool
    let nextPath: String?
    let previousPath: String?
}
