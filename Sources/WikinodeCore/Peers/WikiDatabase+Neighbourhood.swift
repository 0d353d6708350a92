import Foundation
import GRDB

/// A page with the same title on a followed peer.
public struct Twin: Sendable, Equatable {
    public let peerId: Int64
    public let peerName: String
    public let peerURL: String
    public let title: String
    public let url: String
    public let revision: Int64
    public let author: String
    public let summary: String
    public let updatedAt: Date
    public let markdown: String
    public let html: String
}

/// One line of the neighbourhood's recent changes.
public enum NeighbourhoodChange: Sendable {
    case local(PageChange)
    case remote(Twin)

    public var date: Date {
        switch self {
        case .local(let change): change.createdAt
        case .remote(let twin): twin.updatedAt
        }
    }
}

/// A page on a followed peer that links here.
public struct RemoteReference: Sendable, Equatable {
    public let peerName: String
    public let peerURL: String
    public let title: String
    public let url: String
    public let updatedAt: Date
}

extension WikiDatabase {
    static let twinSQL = """
        SELECT r.peerId, p.name AS peerName, p.url AS peerURL, r.title, r.url, r.revision, r.author, r.summary, r.updatedAt, r.markdown, r.html
        FROM remotePage r JOIN peer p ON p.id = r.peerId
        """

    /// The same title on followed peers, newest first.
    public func twins(of titleKey: String) throws -> [Twin] {
        try writer.read { db in try twins(of: titleKey, in: db) }
    }

    func twins(of titleKey: String, in db: Database) throws -> [Twin] {
        try Row.fetchAll(
            db.cachedStatement(sql: Self.twinSQL + " WHERE r.titleKey = ? AND p.isFollowing ORDER BY r.updatedAt DESC"),
            arguments: [titleKey]
        ).map(Self.twin)
    }

    public func twin(of titleKey: String, peerId: Int64) throws -> Twin? {
        try writer.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: Self.twinSQL + " WHERE r.titleKey = ? AND r.peerId = ? AND p.isFollowing"),
                arguments: [titleKey, peerId]
            ).map(Self.twin)
        }
    }

    private static func twin(_ row: Row) -> Twin {
        Twin(
            peerId: row["peerId"], peerName: row["peerName"], peerURL: row["peerURL"], title: row["title"], url: row["url"],
            revision: row["revision"], author: row["author"], summary: row["summary"], updatedAt: row["updatedAt"],
            markdown: row["markdown"], html: row["html"])
    }

    /// Pages on followed peers that link to this title (or an old title of the page).
    public func remoteBacklinks(of page: Page) throws -> [RemoteReference] {
        try writer.read { db in try remoteBacklinks(of: page, in: db) }
    }

    func remoteBacklinks(of page: Page, in db: Database) throws -> [RemoteReference] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT DISTINCT p.name AS peerName, p.url AS peerURL, r.title, r.url, r.updatedAt
                    FROM remoteLink l JOIN remotePage r ON r.id = l.remotePageId JOIN peer p ON p.id = r.peerId
                    WHERE p.isFollowing AND (l.targetKey = ? OR l.targetKey IN (SELECT titleKey FROM titleAlias WHERE pageId = ?))
                    ORDER BY p.name, r.titleKey
                    """),
            arguments: [page.titleKey, page.id]
        ).map { RemoteReference(peerName: $0["peerName"], peerURL: $0["peerURL"], title: $0["title"], url: $0["url"], updatedAt: $0["updatedAt"]) }
    }

    /// Recent changes of the neighbourhood, newest first, before `until`: this node's changes
    /// and the latest change of each page mirrored from followed peers.
    public func neighbourhoodChanges(limit: Int, until: Date? = nil, visibleAt now: Date? = nil) throws -> [NeighbourhoodChange] {
        try writer.read { db in
            let local = try PageChange.filter(sql: "createdAt < ?", arguments: [until ?? .distantFuture])
                .filter(sql: now == nil ? "1" : Self.changeOfVisiblePage, arguments: now.map { [$0] } ?? [])
                .order(sql: "createdAt DESC, seq DESC").limit(limit).fetchAll(db)
                .map { NeighbourhoodChange.local($0) }
            let remote = try Row.fetchAll(
                db.cachedStatement(sql: Self.twinSQL + " WHERE p.isFollowing AND r.updatedAt < ? ORDER BY r.updatedAt DESC LIMIT ?"),
                arguments: [until ?? .distantFuture, limit]
            ).map { NeighbourhoodChange.remote(Self.twin($0)) }
            return Array((local + remote).sorted { $0.date > $1.date }.prefix(limit))
        }
    }
}
