import Foundation
import WikinodeCore

/// A page as people read it.
struct PageView: Sendable {
    let site: SiteView
    let title: String
    let html: String
    let tools: PageToolsView
    let canonicalURL: String
    let lastChange: RevisionView
    let backlinks: [PageLinkView]
    let hasBacklinks: Bool
    let isFrontPage: Bool
    /// On the front page: the node's fediverse address, `@owner@host`, once it has an owner.
    let fediverseAddress: String?
    /// When the page was first published: its post's date, or its first revision's.
    let published: DateView
    let post: PostInfo?
    let latestPosts: [PostEntryView]
    let hasLatestPosts: Bool
    let twins: [TwinView]
    let hasTwins: Bool
    let remoteBacklinks: [RemoteLinkView]
    let hasRemoteBacklinks: Bool
    let responses: ResponsesView
    let replyTargets: [ReplyTargetView]
    let hasReplyTargets: Bool
    let trackbackRDF: String

    /// A note on a page that is also a post.
    struct PostInfo: Sendable {
        let permalink: String
        let date: DateView
        let isDraft: Bool
        let isScheduled: Bool
    }

    init(site: SiteView, data: PageViewData, isFrontPage: Bool = false, latestPosts: [PostEntry] = [], fediverseAddress: String? = nil) {
        self.fediverseAddress = fediverseAddress
        self.site = site
        let title = data.page.pageTitle
        self.title = title.text
        html = data.page.html
        tools = PageToolsView(title)
        canonicalURL = site.baseURL + title.path
        lastChange = RevisionView(data.lastChange, title: title, latestId: data.page.revisionId, timeZone: site.timeZone)
        backlinks = data.backlinks.map { PageLinkView(title: $0) }
        hasBacklinks = !backlinks.isEmpty
        self.isFrontPage = isFrontPage
        published = DateView(data.post?.publishedAt ?? data.createdAt, in: site.timeZone)
        post = data.post.map {
            PostInfo(
                permalink: $0.permalinkPath, date: DateView($0.publishedAt, in: site.timeZone), isDraft: $0.status == .draft,
                isScheduled: $0.status == .published && $0.publishedAt > Date())
        }
        self.latestPosts = latestPosts.map { PostEntryView($0, site: site) }
        hasLatestPosts = !latestPosts.isEmpty
        twins = data.twins.map { TwinView($0, title: title, ours: (data.page.updatedAt, data.lastChange.contentHash), timeZone: site.timeZone) }
        hasTwins = !twins.isEmpty
        remoteBacklinks = data.remoteBacklinks.map(RemoteLinkView.init)
        hasRemoteBacklinks = !remoteBacklinks.isEmpty
        responses = ResponsesView(data.mentions, timeZone: site.timeZone)
        replyTargets = ReplyTargetView.list(data.replyTargets, contexts: data.replyContexts, timeZone: site.timeZone)
        hasReplyTargets = !replyTargets.isEmpty
        trackbackRDF = TrackbackRDF.comment(permalink: canonicalURL, title: title.text, pingURL: site.baseURL + NodeAddress.trackback(title))
    }
}

/// One revision in a history list or page footer.
struct RevisionView: Sendable {
    let id: Int64
    let kind: String
    let title: String
    let summary: String
    let hasSummary: Bool
    let author: String
    let date: DateView
    let byteCount: Int
    let path: String
    let diffPath: String?
    let isCurrent: Bool
    /// Set on a fork: the peer's page it copies.
    let forkedFrom: String?
    let forkedRevision: Int64?

    init(_ revision: RevisionSummary, title: PageTitle, latestId: Int64, timeZone: TimeZone) {
        id = revision.id
        kind = revision.kind.rawValue
        self.title = revision.title
        summary = revision.summary
        hasSummary = !revision.summary.isEmpty
        author = revision.author
        date = DateView(revision.createdAt, in: timeZone)
        byteCount = revision.byteCount
        path = title.path + NodeAddress.PageSuffix.revision + "\(revision.id)"
        diffPath = revision.parentId.map { title.path + NodeAddress.PageSuffix.diff + "?from=\($0)&to=\(revision.id)" }
        isCurrent = revision.id == latestId
        forkedFrom = revision.forkedFrom
        forkedRevision = revision.forkedRevision
    }
}

/// The invitation shown for a page that does not exist.
struct MissingPageView: Sendable {
    let site: SiteView
    let title: String
    let path: String
    let searchPath: String
    let backlinks: [PageLinkView]
    let hasBacklinks: Bool

    init(site: SiteView, title: PageTitle, backlinks: [PageLinkView]) {
        self.site = site
        self.title = title.text
        path = title.path
        searchPath = NodeAddress.search + "?q=" + URLEncoding.component(title.text)
        self.backlinks = backlinks
        hasBacklinks = !backlinks.isEmpty
    }
}

/// A deleted page: gone, with its history.
struct DeletedPageView: Sendable {
    let site: SiteView
    let title: String
    let tools: PageToolsView
    let lastChange: RevisionView
}

struct HistoryView: Sendable {
    let site: SiteView
    let title: String
    let tools: PageToolsView
    let revisions: [RevisionView]
}

struct OldRevisionView: Sendable {
    let site: SiteView
    let title: String
    let tools: PageToolsView
    let revision: RevisionView
    let html: String
    let isDeletion: Bool
    /// Set when the visitor has a session, so the revert button can carry its token.
    let csrfToken: String?
    let revertPath: String
}

struct DiffView: Sendable {
    struct Line: Sendable {
        let kind: String
        let marker: String
        let text: String
        let oldNumber: String
        let newNumber: String
    }

    struct Hunk: Sendable {
        let lines: [Line]
    }

    let site: SiteView
    let title: String
    let tools: PageToolsView
    let from: RevisionView
    let to: RevisionView
    let hunks: [Hunk]
    let isSame: Bool
    let addedCount: Int
    let removedCount: Int

    init(site: SiteView, title: PageTitle, from: RevisionView, to: RevisionView, diff: LineDiff) {
        self.site = site
        self.title = title.text
        tools = PageToolsView(title)
        self.from = from
        self.to = to
        hunks = Self.hunks(of: diff)
        isSame = diff.isEmpty
        addedCount = diff.addedCount
        removedCount = diff.removedCount
    }

    static func hunks(of diff: LineDiff) -> [Hunk] {
        diff.hunks.map { hunk in
            Hunk(
                lines: hunk.lines.map { line in
                    Line(
                        kind: line.kind.rawValue,
                        marker: line.kind == .added ? "+" : line.kind == .removed ? "−" : " ",
                        text: line.text,
                        oldNumber: line.oldNumber.map(String.init) ?? "",
                        newNumber: line.newNumber.map(String.init) ?? "")
                })
        }
    }
}

struct LinksView: Sendable {
    let site: SiteView
    let title: String
    let tools: PageToolsView
    let backlinks: [PageLinkView]
    let hasBacklinks: Bool
    let outgoing: [PageLinkView]
    let hasOutgoing: Bool
    let external: [String]
    let hasExternal: Bool
    let remoteBacklinks: [RemoteLinkView]
    let hasRemoteBacklinks: Bool
    let responses: ResponsesView
    /// For the owner: every mention received, any state, and how telling the linked sites went.
    let isOwner: Bool
    let received: [ReceivedMentionRow]
    let hasReceived: Bool
    let sent: [SentMentionRow]
    let hasSent: Bool
}

struct IndexView: Sendable {
    let site: SiteView
    let pages: [PageLinkView]
    let count: Int
}
