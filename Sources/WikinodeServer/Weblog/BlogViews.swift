import Foundation
import WikinodeCore

/// A tag, linked to its page.
struct TagView: Sendable {
    let name: String
    let path: String

    init(_ name: String) {
        self.name = name
        path = Self.path(for: name)
    }

    /// The address of a tag's page; its feeds add `/feed.atom` and so on.
    static func path(for tag: String) -> String {
        NodeAddress.tag(tag)
    }
}

/// A post as the weblog shows it: an h-entry.
struct PostEntryView: Sendable {
    let title: String
    let permalink: String
    let absolutePermalink: String
    let html: String
    let date: DateView
    let author: String
    let tags: [TagView]
    let hasTags: Bool
    let isDraft: Bool
    let isScheduled: Bool
    let pagePath: String

    init(_ entry: PostEntry, site: SiteView, now: Date = Date()) {
        title = entry.title
        permalink = entry.post.permalinkPath
        absolutePermalink = site.baseURL + entry.post.permalinkPath
        html = entry.html
        date = DateView(entry.post.publishedAt, in: site.timeZone)
        author = entry.author
        tags = entry.tags.map(TagView.init)
        hasTags = !entry.tags.isEmpty
        isDraft = entry.post.status == .draft
        isScheduled = entry.post.status == .published && entry.post.publishedAt > now
        pagePath = PageTitle.path(ofStoredTitle: entry.title)
    }
}

/// A list of posts: the weblog, an archive, a tag.
struct BlogView: Sendable {
    let site: SiteView
    let heading: String
    let feedBase: String
    let posts: [PostEntryView]
    let hasPosts: Bool
    let olderPath: String?
    let newerPath: String?
    let archive: [ArchiveLink]
}

struct ArchiveLink: Sendable {
    let label: String
    let path: String
}

/// A post at its permanent address.
struct PostPageView: Sendable {
    let site: SiteView
    let entry: PostEntryView
    let tools: PageToolsView
    let canonicalURL: String
    let backlinks: [PageLinkView]
    let hasBacklinks: Bool
    let lastChange: RevisionView
    let responses: ResponsesView
    let replyTargets: [ReplyTargetView]
    let hasReplyTargets: Bool
    let trackbackRDF: String
}
