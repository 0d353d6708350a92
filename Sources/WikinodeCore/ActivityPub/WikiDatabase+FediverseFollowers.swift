import Foundation
import GRDB

extension WikiDatabase {
    /// The most fediverse accounts that may follow the node, and the most from one host.
    public static let maximumFediverseFollowers = 10_000
    public static let maximumFediverseFollowersPerHost = 1_000

    /// The account whose actor is `url`, as last fetched.
    public func fediverseActor(url: String) throws -> FediverseActor? {
        try writer.read { db in try FediverseActor.filter(FediverseActor.Columns.actorURL == url).fetchOne(db) }
    }

    /// The account that holds the key `keyId`, as last fetched.
    public func fediverseActor(keyId: String) throws -> FediverseActor? {
        try writer.read { db in try FediverseActor.filter(FediverseActor.Columns.publicKeyId == keyId).fetchOne(db) }
    }

    /// Records what an actor document says, replacing what was known of it. Returns it with its id.
    @discardableResult
    public func saveFediverseActor(_ actor: FediverseActor) throws -> FediverseActor {
        try writer.write { db in
            var actor = actor
            if let existing = try FediverseActor.filter(FediverseActor.Columns.actorURL == actor.actorURL).fetchOne(db) {
                actor.id = existing.id
                try actor.update(db)
            } else {
                try actor.insert(db)
            }
            return actor
        }
    }

    /// `actor` follows the node, from its `Follow` activity `followActivity`; the `Accept` that
    /// answers it is queued for its inbox in the same transaction. Following again replaces the
    /// activity (the latest `Follow` is the one an `Undo` names).
    public func recordFediverseFollower(
        actorId: Int64, followActivity: String, accept: (inbox: String, activity: String), now: Date = Date()
    )
        throws
    {
        try writer.write { db in
            let known = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM fediverseFollower WHERE actorId = ?)", arguments: [actorId]) ?? false
            if !known, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM fediverseFollower") ?? 0 >= Self.maximumFediverseFollowers {
                throw WikiError.invalidInput("This node has as many fediverse followers as it serves (\(Self.maximumFediverseFollowers)).")
            }
            // One server cannot take the places of everyone else's accounts (nor fill every post's deliveries).
            let fromHost =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM fediverseFollower f JOIN fediverseActor a ON a.id = f.actorId
                        WHERE a.host = (SELECT host FROM fediverseActor WHERE id = ?)
                        """, arguments: [actorId]) ?? 0
            if !known, fromHost >= Self.maximumFediverseFollowersPerHost {
                throw WikiError.invalidInput(
                    "This node has as many followers from that server as it takes (\(Self.maximumFediverseFollowersPerHost)).")
            }
            try db.execute(
                sql: """
                    INSERT INTO fediverseFollower (actorId, followActivity, createdAt) VALUES (?, ?, ?)
                    ON CONFLICT (actorId) DO UPDATE SET followActivity = excluded.followActivity
                    """, arguments: [actorId, followActivity, now])
            try Self.queueDelivery(to: accept.inbox, activity: accept.activity, now: now, in: db)
        }
    }

    /// The account no longer follows the node. With `followActivity`, only when that is the
    /// `Follow` it is recorded with (an `Undo` of an older one changes nothing). Whether it did.
    @discardableResult
    public func removeFediverseFollower(actorId: Int64, followActivity: String? = nil) throws -> Bool {
        try writer.write { db in
            if let followActivity {
                try db.execute(
                    sql: "DELETE FROM fediverseFollower WHERE actorId = ? AND followActivity = ?", arguments: [actorId, followActivity])
            } else {
                try db.execute(sql: "DELETE FROM fediverseFollower WHERE actorId = ?", arguments: [actorId])
            }
            return db.changesCount > 0
        }
    }

    /// Every fediverse follower, newest first.
    public func fediverseFollowers() throws -> [FediverseFollower] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.*, f.followActivity AS followActivity, f.createdAt AS followedAt
                    FROM fediverseFollower f JOIN fediverseActor a ON a.id = f.actorId ORDER BY f.createdAt DESC
                    """
            ).map { row in
                FediverseFollower(actor: try FediverseActor(row: row), followActivity: row["followActivity"], since: row["followedAt"])
            }
        }
    }
}
