import Foundation
import GRDB

extension WikiDatabase {
    /// The sites this node knows, from what it stores: itself; the nodes it follows and that
    /// follow it; the nodes those follow (from their node info); the web sites that mention its
    /// pages and that its pages link to. Edges are weighted by how many links, replies and
    /// mentions they stand for; the busiest sites come first when the cap is reached.
    public func neighbourhoodGraph(ownURL: String, ownName: String) throws -> PageGraph {
        try writer.read { db in
            var builder = GraphBuilder(limit: Self.maximumGraphNodes)
            let me = builder.add(label: ownName, url: "/", kind: "self", site: "")!
            let ownHost = Self.authority(ownURL)
            let peers = try Row.fetchAll(db, sql: "SELECT id, url, name, isFollowing, isFollower, follows FROM peer ORDER BY name")
            var nodeByHost: [String: String] = [ownHost: me]
            for peer in peers {
                let url: String = peer["url"]
                guard let id = builder.add(label: peer["name"], url: url, kind: "node", site: Self.authority(url)) else { continue }
                nodeByHost[Self.authority(url)] = id
                if peer["isFollowing"] { builder.weigh(me, id, "follows", by: 1) }
                if peer["isFollower"] { builder.weigh(id, me, "follows", by: 1) }
            }
            // The second ring: whom the followed nodes follow.
            for peer in peers where peer["isFollowing"] as Bool {
                guard let from = nodeByHost[Self.authority(peer["url"])] else { continue }
                let follows = (try? JSONDecoder().decode([String].self, from: Data((peer["follows"] as String).utf8))) ?? []
                for url in follows {
                    let host = Self.authority(url)
                    let id = nodeByHost[host] ?? builder.add(label: host, url: url, kind: "node", site: host)
                    guard let id else { continue }
                    nodeByHost[host] = id
                    builder.weigh(from, id, "follows", by: 1)
                }
            }
            // Sites that mention us (replies and the rest), busiest first, then sites we link to.
            func bySite(_ urls: [String]) -> [(host: String, url: String, count: Int)] {
                var counts: [String: (url: String, count: Int)] = [:]
                for url in urls {
                    let host = Self.authority(url)
                    guard !host.isEmpty, host != ownHost else { continue }
                    counts[host, default: ((WebOrigin(string: url)?.description).map { $0 + "/" } ?? url, 0)].count += 1
                }
                return counts.map { ($0.key, $0.value.url, $0.value.count) }.sorted { ($0.count, $1.host) > ($1.count, $0.host) }
            }
            let mentioning = try String.fetchAll(db, sql: "SELECT sourceURL FROM mention WHERE status = 'verified' AND moderation = 'approved'")
            for site in bySite(mentioning) {
                guard let id = nodeByHost[site.host] ?? builder.add(label: site.host, url: site.url, kind: "site", site: site.host) else { continue }
                nodeByHost[site.host] = id
                builder.weigh(id, me, "mentions", by: site.count)
            }
            for site in bySite(
                try String.fetchAll(
                    db, sql: "SELECT e.url FROM externalLink e JOIN page p ON p.id = e.pageId WHERE p.deletedAt IS NULL AND \(Self.notHiddenPost)",
                    arguments: [Date()]))
            {
                guard let id = nodeByHost[site.host] ?? builder.add(label: site.host, url: site.url, kind: "site", site: site.host) else { continue }
                nodeByHost[site.host] = id
                builder.weigh(me, id, "links", by: site.count)
            }
            return builder.graph
        }
    }

    /// `host[:port]` of an address: what tells one site from another.
    static func authority(_ url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host?.lowercased() else { return "" }
        return host + (components.port.map { ":\($0)" } ?? "")
    }
}
