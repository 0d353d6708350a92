import Foundation
import GRDB

/// A page's neighbourhood as nodes and edges, from what the node stores: the pages it links to
/// and that link to it here, on followed nodes and on the web; its twins; what it replies to;
/// its replies, reactions and mentions by kind.
public struct PageGraph: Sendable, Equatable, Codable {
    public struct Node: Sendable, Equatable, Codable {
        /// `n0` is the page; others in the order they were found.
        public var id: String
        public var label: String
        /// An absolute http(s) address, or a path of this node.
        public var url: String
        /// page · local · missing · peer · web · context · reply · like · repost · bookmark · mention
        public var kind: String
        /// The site it is on: empty for this node.
        public var site: String
    }

    public struct Edge: Sendable, Equatable, Codable {
        public var from: String
        public var to: String
        /// link · twin · inReplyTo · reply · like · repost · bookmark · mention; between sites:
        /// follows · mentions · links
        public var kind: String
        /// How many links, replies or mentions it stands for (1 between pages).
        public var weight: Int = 1
    }

    public var nodes: [Node] = []
    public var edges: [Edge] = []
    /// What was found beyond the cap, listed but not drawn.
    public var omitted: [Node] = []
}

extension WikiDatabase {
    /// Nodes drawn at most: beyond, the rest is listed.
    public static let maximumGraphNodes = 150

    /// The neighbourhood of `page`; with `depth` 2, the neighbours' neighbours on this node too.
    public func graph(of page: Page, depth: Int, visibleAt now: Date = Date()) throws -> PageGraph {
        try writer.read { db in
            var builder = GraphBuilder(limit: Self.maximumGraphNodes)
            let center = builder.add(label: page.title, url: page.pageTitle.path, kind: "page", site: "")
            try addNeighbours(of: page, at: center!, in: db, now: now, builder: &builder, full: true)
            if depth >= 2 {
                let localNeighbours = builder.graph.nodes.dropFirst().filter { $0.kind == "local" }
                for neighbour in localNeighbours {
                    guard let title = try? PageTitle(pathSegment: Substring(neighbour.url.dropFirst(NodeAddress.wikiPrefix.count))),
                        let other = try self.page(key: title.key, in: db), !other.isDeleted, !(try isHiddenPost(other, at: now, in: db))
                    else { continue }
                    try addNeighbours(of: other, at: neighbour.id, in: db, now: now, builder: &builder, full: false)
                }
            }
            return builder.graph
        }
    }

    /// Adds what `page` links to and what links to it; when `full`, its twins, remote
    /// backlinks, links to the web, reply targets and responses too.
    private func addNeighbours(of page: Page, at id: String, in db: Database, now: Date, builder: inout GraphBuilder, full: Bool) throws {
        if full {
            for target in try replyTargets(ofPageId: page.id!, in: db) {
                let context = try replyContexts(of: [target], in: db)[target]
                let label = context.map(\.title).flatMap { $0.isEmpty ? nil : $0 } ?? target
                builder.connect(id, to: (label, target, "context", Self.host(target)), kind: "inReplyTo")
            }
            for mention in try shownMentions(ofPageId: page.id!, in: db) {
                let label = mention.authorName.isEmpty ? mention.title : "\(mention.authorName): \(mention.title)"
                builder.connect((label, mention.sourceURL, mention.kind.rawValue, mention.sourceHost), to: id, kind: mention.kind.rawValue)
            }
            for twin in try twins(of: page.titleKey, in: db) {
                builder.connect(id, to: (twin.title, twin.url, "peer", twin.peerName), kind: "twin")
            }
        }
        let links = try PageLink.filter(PageLink.Columns.pageId == page.id!).order(PageLink.Columns.targetKey).fetchAll(db)
        let existing = try existingTitles(links.map(\.targetKey), in: db)
        for link in links {
            let title = existing[link.targetKey] ?? (try? PageTitle(link.targetTitle))
            guard let title else { continue }
            builder.connect(id, to: (title.text, title.path, existing[link.targetKey] == nil ? "missing" : "local", ""), kind: "link")
        }
        for title in try backlinks(of: page, visibleAt: now, in: db) {
            guard let title = try? PageTitle(title) else { continue }
            builder.connect((title.text, title.path, "local", ""), to: id, kind: "link")
        }
        guard full else { return }
        for reference in try remoteBacklinks(of: page, in: db) {
            builder.connect((reference.title, reference.url, "peer", reference.peerName), to: id, kind: "link")
        }
        for url in try String.fetchAll(db, sql: "SELECT url FROM externalLink WHERE pageId = ? ORDER BY url", arguments: [page.id]) {
            builder.connect(id, to: (url, url, "web", Self.host(url)), kind: "link")
        }
    }

    static func host(_ url: String) -> String { URL(string: url)?.host ?? "" }
}

/// Collects nodes once each (by address) up to a cap, and the edges between those drawn.
struct GraphBuilder {
    typealias Candidate = (label: String, url: String, kind: String, site: String)
    let limit: Int
    var graph = PageGraph()
    private var idsByURL: [String: String] = [:]
    private var omittedURLs: Set<String> = []
    private var edgeKeys: Set<String> = []

    init(limit: Int) {
        self.limit = limit
    }

    /// The id of the node at `url`, added if new; nil when the cap is reached (then listed as omitted).
    mutating func add(label: String, url: String, kind: String, site: String) -> String? {
        if let id = idsByURL[url] { return id }
        let id = graph.nodes.count < limit ? "n\(graph.nodes.count)" : "omitted\(graph.omitted.count)"
        let node = PageGraph.Node(id: id, label: label.isEmpty ? url : label, url: url, kind: kind, site: site)
        guard graph.nodes.count < limit else {
            if omittedURLs.insert(url).inserted { graph.omitted.append(node) }
            return nil
        }
        idsByURL[url] = node.id
        graph.nodes.append(node)
        return node.id
    }

    /// Adds `weight` to the edge, or makes it.
    mutating func weigh(_ from: String, _ to: String, _ kind: String, by weight: Int) {
        guard from != to else { return }
        if let index = graph.edges.firstIndex(where: { $0.from == from && $0.to == to && $0.kind == kind }) {
            graph.edges[index].weight += weight
        } else {
            edgeKeys.insert("\(from) \(to) \(kind)")
            graph.edges.append(PageGraph.Edge(from: from, to: to, kind: kind, weight: weight))
        }
    }

    mutating func connect(_ from: String, to candidate: Candidate, kind: String) {
        guard let to = add(label: candidate.label, url: candidate.url, kind: candidate.kind, site: candidate.site) else { return }
        edge(from, to, kind)
    }

    mutating func connect(_ candidate: Candidate, to: String, kind: String) {
        guard let from = add(label: candidate.label, url: candidate.url, kind: candidate.kind, site: candidate.site) else { return }
        edge(from, to, kind)
    }

    private mutating func edge(_ from: String, _ to: String, _ kind: String) {
        guard from != to, edgeKeys.insert("\(from) \(to) \(kind)").inserted else { return }
        graph.edges.append(PageGraph.Edge(from: from, to: to, kind: kind))
    }
}
