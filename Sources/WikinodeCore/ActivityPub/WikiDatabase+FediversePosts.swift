import Foundation
import GRDB

/// What followers on the fediverse must be told of a post.
public enum PostActivity: Sendable, Equatable {
    /// It became public: `Create`.
    case create(PostEntry)
    /// It changed since they were told: `Update`.
    case update(PostEntry)
    /// It is no longer public (deleted, a draft again): `Delete` of the object they have.
    case delete(pageId: Int64, objectId: String)
}

extension WikiDatabase {
    static let fediverseSeqKey = "fediverse.announcedSeq"

    /// Whether the fediverse has something to be told: the change log moved past what it was
    /// told of, or a post became public or stopped being public without a change of its own
    /// (a scheduled post's time came; its settings changed alone).
    public func hasUnfederatedChanges(now: Date = Date()) throws -> Bool {
        try writer.unsafeRead { db in
            let latest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(seq) FROM pageChange")) ?? 0
            if latest > (try Self.fediverseCursor(in: db)) { return true }
            return try !Self.postsToldWrongly(now: now, in: db).isEmpty
        }
    }

    /// Posts that are public and were not told of, and posts told of that are no longer public.
    static func postsToldWrongly(now: Date, in db: Database) throws -> [Int64] {
        try Int64.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT s.pageId FROM post s JOIN page p ON p.id = s.pageId
                    WHERE p.deletedAt IS NULL AND s.status = 'published' AND s.publishedAt <= ?1
                      AND NOT EXISTS (SELECT 1 FROM fediversePost f WHERE f.pageId = s.pageId AND NOT f.isDeleted)
                    UNION
                    SELECT f.pageId FROM fediversePost f
                    WHERE NOT f.isDeleted AND NOT EXISTS (
                        SELECT 1 FROM post s JOIN page p ON p.id = s.pageId
                        WHERE s.pageId = f.pageId AND p.deletedAt IS NULL AND s.status = 'published' AND s.publishedAt <= ?1)
                    """), arguments: [now])
    }

    static func fediverseCursor(in db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT CAST(value AS INTEGER) FROM setting WHERE key = ?"), arguments: [fediverseSeqKey]) ?? 0
    }

    /// The posts changed in the log since the fediverse was last told, and those public or not
    /// against what it was told, with what each needs,
    /// and the log position they bring the cursor to. `hash` gives what the fediverse sees of
    /// a post (its `Article` but the dates): equal hashes need no `Update`.
    public func pendingPostActivities(
        now: Date = Date(), hash: (PostEntry) throws -> String
    ) throws -> (
        activities: [(PostActivity, hash: String?)], latest: Int64
    ) {
        let (pageIds, latest, told) = try writer.read { db -> ([Int64], Int64, [Int64: (objectId: String, hash: String)]) in
            let cursor = try Self.fediverseCursor(in: db)
            let latest = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM pageChange") ?? 0
            let logged = try Int64.fetchAll(
                db, sql: "SELECT DISTINCT pageId FROM pageChange WHERE seq > ? AND seq <= ?", arguments: [cursor, latest])
            let pageIds = Array(Set(logged).union(try Self.postsToldWrongly(now: now, in: db))).sorted()
            var told: [Int64: (String, String)] = [:]
            for row in try Row.fetchAll(
                db,
                sql:
                    "SELECT pageId, objectId, contentHash FROM fediversePost WHERE NOT isDeleted AND pageId IN (\(pageIds.map(String.init).joined(separator: ",")))"
            ) {
                told[row["pageId"]] = (row["objectId"], row["contentHash"])
            }
            return (pageIds, latest, told)
        }
        var activities: [(PostActivity, hash: String?)] = []
        for pageId in pageIds {
            if let entry = try posts(visibleAt: now, pageId: pageId, limit: 1).first {
                let current = try hash(entry)
                if let before = told[pageId] {
                    if before.hash != current { activities.append((.update(entry), current)) }
                } else {
                    activities.append((.create(entry), current))
                }
            } else if let before = told[pageId] {
                activities.append((.delete(pageId: pageId, objectId: before.objectId), nil))
            }
        }
        return (activities, latest)
    }

    /// Records that the fediverse was told of `activities` (each with its JSON for every
    /// follower's inbox, queued here) and moves the cursor to `latest`, in one transaction.
    public func recordPostActivities(
        _ activities: [(activity: PostActivity, hash: String?, json: String)], latest: Int64, now: Date = Date()
    )
        throws
    {
        try writer.write { db in
            let inboxes = try Self.followerInboxes(in: db)
            for (activity, hash, json) in activities {
                switch activity {
                case .create(let entry):
                    // Told deleted before: a new generation, a new id.
                    try db.execute(
                        sql: """
                            INSERT INTO fediversePost (pageId, objectId, contentHash, createdAt) VALUES (?, ?, ?, ?)
                            ON CONFLICT (pageId) DO UPDATE SET contentHash = excluded.contentHash, isDeleted = 0, generation = generation + 1
                            """, arguments: [entry.post.pageId, "", hash ?? "", now])
                    let generation =
                        try Int.fetchOne(db, sql: "SELECT generation FROM fediversePost WHERE pageId = ?", arguments: [entry.post.pageId]) ?? 0
                    try db.execute(
                        sql: "UPDATE fediversePost SET objectId = ? WHERE pageId = ?",
                        arguments: [Self.objectPath(entry.post.permalinkPath, generation: generation), entry.post.pageId])
                case .update(let entry):
                    try db.execute(sql: "UPDATE fediversePost SET contentHash = ? WHERE pageId = ?", arguments: [hash ?? "", entry.post.pageId])
                case .delete(let pageId, _):
                    try db.execute(sql: "UPDATE fediversePost SET isDeleted = 1 WHERE pageId = ?", arguments: [pageId])
                }
                for inbox in inboxes {
                    try Self.queueDelivery(to: inbox, activity: json, now: now, in: db)
                }
            }
            try Setting.write(Self.fediverseSeqKey, String(latest), in: db)
        }
    }

    /// A post's object id for the fediverse, as a path: its permanent address, with
    /// `?v={generation}` once it was published again after a `Delete`.
    static func objectPath(_ permalinkPath: String, generation: Int) -> String {
        generation == 0 ? permalinkPath : permalinkPath + "?v=\(generation)"
    }

    /// The object path each post has (or will have when it is told of next): its generation
    /// now, or the next one when it was told deleted.
    func objectPaths(of entries: [PostEntry], in db: Database) throws -> [Int64: String] {
        var paths: [Int64: String] = [:]
        for entry in entries {
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT generation, isDeleted FROM fediversePost WHERE pageId = ?"), arguments: [entry.post.pageId])
            let generation: Int = row.map { ($0["generation"] as Int) + (($0["isDeleted"] as Bool) ? 1 : 0) } ?? 0
            paths[entry.post.pageId] = Self.objectPath(entry.post.permalinkPath, generation: generation)
        }
        return paths
    }

    /// One inbox per follower's server: its shared inbox when it has one, its own otherwise.
    static func followerInboxes(in db: Database) throws -> [String] {
        try String.fetchAll(
            db,
            sql: """
                SELECT DISTINCT COALESCE(a.sharedInbox, a.inbox) FROM fediverseFollower f JOIN fediverseActor a ON a.id = f.actorId
                ORDER BY 1
                """)
    }

    /// The inboxes a post goes to, one per server.
    public func fediverseDeliveryInboxes() throws -> [String] {
        try writer.read { db in try Self.followerInboxes(in: db) }
    }
}
