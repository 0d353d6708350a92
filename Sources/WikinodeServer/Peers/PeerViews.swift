import Foundation
import WikinodeCore
import WikinodeNetwork

/// A page with the same title on a followed peer, as the twins panel lists it.
struct TwinView: Sendable {
    let peerName: String
    let peerURL: String
    let remoteURL: String
    let author: String
    let date: DateView
    /// "newer", "older" or "same".
    let relation: String
    let isNewer: Bool
    let isSameText: Bool
    let viewPath: String
    let diffPath: String
    let forkPath: String
    let replyPath: String

    init(_ twin: Twin, title: PageTitle, ours: (updatedAt: Date, contentHash: String)?, timeZone: TimeZone) {
        peerName = twin.peerName
        peerURL = twin.peerURL
        remoteURL = twin.url
        author = twin.author
        date = DateView(twin.updatedAt, in: timeZone)
        isSameText = ours.map { $0.contentHash == WikiDatabase.contentHash(twin.markdown) } ?? false
        isNewer = ours.map { twin.updatedAt > $0.updatedAt } ?? true
        relation = isSameText ? "same text" : (isNewer ? "newer than this" : "older than this")
        viewPath = title.path + NodeAddress.PageSuffix.twins + "\(twin.peerId)"
        diffPath = viewPath + "/diff"
        forkPath = viewPath + "/fork"
        replyPath = NodeAddress.reply(to: twin.url, about: title.text)
    }
}

/// A page on a followed peer that links here.
struct RemoteLinkView: Sendable {
    let peerName: String
    let peerURL: String
    let title: String
    let url: String

    init(_ reference: RemoteReference) {
        peerName = reference.peerName
        peerURL = reference.peerURL
        title = reference.title
        url = reference.url
    }
}

/// `GET /wiki/{title}/twins/{peer}`: the peer's version, rendered here.
struct TwinPageView: Sendable {
    let site: SiteView
    let title: String
    let tools: PageToolsView
    let twin: TwinView
    let html: String
    let revision: Int64
    let summary: String
    let hasSummary: Bool
    let csrfToken: String?
    let hasOurs: Bool
}

/// `GET /wiki/{title}/twins/{peer}/diff`: our text against theirs.
struct TwinDiffView: Sendable {
    let site: SiteView
    let title: String
    let tools: PageToolsView
    let twin: TwinView
    let hunks: [DiffView.Hunk]
    let isSame: Bool
    let addedCount: Int
    let removedCount: Int
    let hasOurs: Bool
    let csrfToken: String?
}

/// `/peers`: followed peers and followers.
struct PeersView: Sendable {
    struct Row: Sendable {
        let url: String
        let name: String
        let isFollowing: Bool
        let isFollower: Bool
        let relation: String
        let pagesMirrored: Int
        let lastSync: DateView?
        let lastError: String?
        let nextAttempt: DateView?
        let pendingNotices: Int
        /// Empty for sites that are not wikinodes: they have no `/wiki/` addresses.
        let interwikiPrefix: String
        /// What kind of site it is, in words.
        let kind: String
        /// What is read of a site that is not a wikinode (its feed, its sitemap), when it is
        /// not its own address.
        let sourceURL: String?
    }

    /// A fediverse account that follows the node.
    struct FollowerRow: Sendable {
        let handle: String
        let name: String
        let profileURL: String
        let since: DateView
        /// Where posts reach it: its server's shared inbox, or its own.
        let inbox: String

        init(_ follower: FediverseFollower, timeZone: TimeZone) {
            handle = follower.actor.handle.isEmpty ? follower.actor.actorURL : follower.actor.handle
            name = follower.actor.name
            profileURL = follower.actor.profileURL
            since = DateView(follower.since, in: timeZone)
            inbox = follower.actor.deliveryInbox
        }
    }

    let site: SiteView
    let peers: [Row]
    let hasPeers: Bool
    let fediverseFollowers: [FollowerRow]
    let hasFediverseFollowers: Bool
    /// Activities waiting to be delivered to fediverse inboxes.
    let pendingDeliveries: Int
    let canManage: Bool
    let csrfToken: String
    let message: String?
    let error: String?
    let followURL: String

    static func kindName(_ kind: Peer.Kind) -> String {
        switch kind {
        case .wikinode: "wikinode"
        case .feed: "weblog feed"
        case .fedwiki: "Federated Wiki site"
        }
    }

    static func rows(_ states: [PeerState], timeZone: TimeZone) -> [Row] {
        states.map { state in
            let peer = state.peer
            return Row(
                url: peer.url, name: peer.name, isFollowing: peer.isFollowing, isFollower: peer.isFollower,
                relation: [peer.isFollowing ? "following" : nil, peer.isFollower ? "follows this node" : nil].compactMap { $0 }.joined(
                    separator: ", "),
                pagesMirrored: state.pagesMirrored, lastSync: peer.lastSyncAt.map { DateView($0, in: timeZone) }, lastError: peer.lastError,
                nextAttempt: peer.isFollowing ? peer.nextAttemptAt.map { DateView($0, in: timeZone) } : nil,
                pendingNotices: state.pendingNotices, interwikiPrefix: peer.prefixKey, kind: Self.kindName(peer.kind),
                sourceURL: peer.sourceURL.flatMap { $0 == peer.url ? nil : $0 })
        }
    }
}

/// Trackback autodiscovery: RDF in an HTML comment, as Trackback 1.2 describes it. Built here,
/// not in the template, so that nothing in a title can close the comment.
enum TrackbackRDF {
    static func comment(permalink: String, title: String, pingURL: String) -> String {
        func attribute(_ text: String) -> String {
            let escaped = XMLWriter.escape(text)
            guard escaped.utf8.contains(UInt8(ascii: "-")) else { return escaped }
            return escaped.split(separator: "-", omittingEmptySubsequences: false).joined(separator: "&#45;")
        }
        return """
            <!--
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:trackback="http://madskills.com/public/xml/rss/module/trackback/">
            <rdf:Description rdf:about="\(attribute(permalink))" dc:identifier="\(attribute(permalink))" dc:title="\(attribute(title))" trackback:ping="\(attribute(pingURL))" />
            </rdf:RDF>
            -->
            """
    }
}

/// A received mention in any state, for the owner (`/mentions`, a page's links).
struct ReceivedMentionRow: Sendable {
    let id: Int64
    let pageTitle: String
    let pagePath: String
    let sourceURL: String
    let sourceHost: String
    let dialect: String
    let status: String
    let moderation: String
    let isPending: Bool
    let author: String
    let title: String
    let excerpt: String
    let note: String?
    let date: DateView

    init(_ mention: Mention, pageTitle: String, timeZone: TimeZone) {
        id = mention.id ?? 0
        self.pageTitle = pageTitle
        pagePath = PageLinkView(title: pageTitle).path
        sourceURL = mention.sourceURL
        sourceHost = mention.sourceHost
        dialect = mention.protocol.rawValue
        status = mention.status.rawValue
        moderation = mention.moderation.rawValue
        isPending = mention.status == .verified && mention.moderation == .pending
        author = mention.authorName
        title = mention.title
        excerpt = mention.excerpt
        note = mention.lastError
        date = DateView(mention.receivedAt, in: timeZone)
    }
}

/// One target a page links to and how telling it went, for the owner.
struct SentMentionRow: Sendable {
    let pageTitle: String
    let pagePath: String
    let targetURL: String
    let status: String
    let dialect: String?
    let endpoint: String?
    let response: String?
    let attempts: Int
    let date: DateView?

    init(_ mention: SentMention, pageTitle: String, timeZone: TimeZone) {
        self.pageTitle = pageTitle
        pagePath = PageLinkView(title: pageTitle).path
        targetURL = mention.targetURL
        status = mention.status.rawValue
        dialect = mention.protocol
        endpoint = mention.endpoint
        response = mention.responseStatus.map { "\($0) \(mention.response ?? "")" } ?? mention.response
        attempts = mention.attempts
        date = mention.lastAttemptAt.map { DateView($0, in: timeZone) }
    }
}
