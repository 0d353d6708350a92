import Foundation

/// The addresses a node serves, relative to its base URL: what the router declares, what peers
/// and other sites are sent to, and what views and feeds link to. `docs/federation.md` and
/// `shared/PRODUCT.md` promise them to users and peers; they change only with those.
public enum NodeAddress {
    // MARK: - Pages

    /// The list of pages; each page is under `wikiPrefix`.
    public static let wiki = "/wiki"
    public static let wikiPrefix = "/wiki/"
    /// Recent changes here (and with `?peers=1`, in the neighbourhood), and their Atom feed.
    public static let recent = "/recent"
    public static let recentFeed = "/recent.atom"
    public static let search = "/search"

    /// A page's address: `/wiki/` and its title as one path segment.
    public static func page(_ title: PageTitle) -> String { wikiPrefix + title.pathSegment }
    /// What follows a page's address for its other views and forms.
    public enum PageSuffix {
        public static let edit = "/edit"
        public static let preview = "/preview"
        public static let revert = "/revert"
        public static let history = "/history"
        public static let historyFeed = "/history.atom"
        public static let revision = "/rev/"
        public static let diff = "/diff"
        public static let links = "/links"
        public static let thread = "/thread"
        public static let threadJSON = "/thread.json"
        public static let graph = "/graph"
        public static let graphJSON = "/graph.json"
        /// A twin's view is `/twins/{peer id}`, with `/diff` and `/fork` under it.
        public static let twins = "/twins/"
    }

    /// The editor of a new page "Reply to …" that replies to `url` (a "Reply" link): the
    /// "In reply to" field filled in; the title can be changed before saving or renamed after.
    public static func reply(to url: String, about title: String) -> String {
        let words = "Reply to " + title
        let replyTitle = (try? PageTitle(String(words.prefix(PageTitle.maximumLength)))) ?? (try! PageTitle("Reply"))
        return page(replyTitle) + PageSuffix.edit + "?in-reply-to=" + URLEncoding.component(url)
    }

    /// The page's address for a stored title that may no longer parse.
    public static func page(storedTitle text: String) -> String { wikiPrefix + PageTitle.pathSegment(of: text) }

    // MARK: - Weblog

    public static let blog = "/blog"
    public static let blogPrefix = "/blog/"
    public static let tagsPrefix = "/tags/"
    /// The page of a tag; its feeds add `/feed.atom` and so on.
    public static func tag(_ name: String) -> String { tagsPrefix + URLEncoding.component(name.lowercased()) }
    /// The weblog's feeds are `/feed.atom`, `/feed.rss` and `/feed.json`, and the same under a tag.
    public static let feed = "/feed"

    // MARK: - Accounts

    public static let login = "/login"
    public static let logout = "/logout"

    // MARK: - Peers

    /// The node's self-description, which following starts from.
    public static let nodeInfo = "/.well-known/wikinode"
    /// The change feed a follower pulls.
    public static let changes = "/api/changes"
    /// Pages as Markdown for peers and tools; each is under this prefix.
    public static let pagesAPIPrefix = "/api/pages/"
    /// Where peers send signed notices.
    public static let inbox = "/api/inbox"
    /// The page that lists peers, with its forms under it.
    public static let peers = "/peers"

    // MARK: - WebSub

    /// Where the hubs of followed feeds verify subscriptions and push content: this prefix,
    /// then the subscription's token.
    public static let webSubCallbackPrefix = "/websub/callback/"
    /// The node's own WebSub hub, for its feeds.
    public static let webSubHub = "/websub/hub"

    // MARK: - Linkbacks

    public static let webmention = "/webmention"
    public static let pingback = "/pingback"
    public static let trackbackPrefix = "/trackback/"
    public static let mentions = "/mentions"

    /// Where Trackback pings for a page go.
    public static func trackback(_ title: PageTitle) -> String { trackbackPrefix + title.pathSegment }

    // MARK: - ActivityPub

    /// WebFinger (RFC 7033): `?resource=acct:{owner}@{host}` leads to the actor.
    public static let webFinger = "/.well-known/webfinger"
    /// The node's ActivityPub actor, and its collections and inbox (also its shared inbox).
    public static let actor = "/actor"
    public static let actorInbox = "/actor/inbox"
    public static let actorOutbox = "/actor/outbox"
    public static let actorFollowers = "/actor/followers"
    public static let actorFollowing = "/actor/following"
    /// NodeInfo (what software a fediverse server runs): the discovery document and version 2.1.
    public static let nodeInfoDiscovery = "/.well-known/nodeinfo"
    public static let nodeInfo21 = "/nodeinfo/2.1"
    /// Appended to the actor's address: the id of its public key.
    public static let actorKeyFragment = "#main-key"

    // MARK: - Federated Wiki

    public static let fedwikiSitemap = "/system/sitemap.json"
}

extension PageTitle {
    /// The canonical address of the page, relative to the node's root.
    public var path: String { NodeAddress.page(self) }

    /// The canonical address of a title read from the database, where titles are stored
    /// normalized, without checking it again.
    public static func path(ofStoredTitle text: String) -> String { NodeAddress.page(storedTitle: text) }
}
