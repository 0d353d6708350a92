import Foundation
import GRDB

extension WikiDatabase {
    /// How often a followed peer's node info is read again for whom it follows.
    public static let peerFollowsRefreshInterval: TimeInterval = 6 * 3600

    /// Keeps whom a followed peer follows: http(s) base URLs, at most `NodeInfo.maximumFollowing`.
    public func recordPeerFollows(peerId: Int64, urls: [String], now: Date = Date()) throws {
        var kept: [String] = []
        for url in urls where kept.count < NodeInfo.maximumFollowing {
            let lowered = url.lowercased()
            guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://"), url.utf8.count <= 300, URL(string: url)?.host != nil,
                !url.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }), !kept.contains(url)
            else { continue }
            kept.append(url)
        }
        let json = String(decoding: try JSONEncoder().encode(kept), as: UTF8.self)
        try writer.write { db in
            try db.execute(
                sql: "UPDATE peer SET follows = CASE WHEN follows = ?1 THEN follows ELSE ?1 END, followsFetchedAt = ?2 WHERE id = ?3",
                arguments: [json, now, peerId])
        }
    }

    /// Whether whom the peer follows should be read again.
    public func peerFollowsAreDue(peerId: Int64, now: Date = Date()) throws -> Bool {
        try writer.read { db in
            let fetched = try Date.fetchOne(db, sql: "SELECT followsFetchedAt FROM peer WHERE id = ?", arguments: [peerId])
            return fetched.map { now.timeIntervalSince($0) > Self.peerFollowsRefreshInterval } ?? true
        }
    }

    /// The base URLs of the nodes this node follows, for its node info.
    public func followedPeerURLs() throws -> [String] {
        try writer.read { db in
            try String.fetchAll(db, sql: "SELECT url FROM peer WHERE isFollowing ORDER BY url LIMIT ?", arguments: [NodeInfo.maximumFollowing])
        }
    }
}
