import GRDB

extension WikiDatabase {
    /// Migrations of the fediverse (ActivityPub): the accounts the node knows, and its followers.
    static func registerFediverseMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v14: fediverse accounts (their inboxes and keys, as fetched) and the node's fediverse followers") { db in
            // An account elsewhere, as its actor document said when last fetched: where to
            // deliver to it, how to show it, and the key its signatures are checked with.
            try db.create(table: "fediverseActor") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("actorURL", .text).notNull().unique()
                t.column("host", .text).notNull().indexed()
                t.column("inbox", .text).notNull()
                t.column("sharedInbox", .text)
                for column in ["handle", "name", "profileURL", "iconURL", "publicKeyId", "publicKeyPem"] {
                    t.column(column, .text).notNull().defaults(to: "")
                }
                t.column("fetchedAt", .datetime).notNull()
            }
            try db.create(table: "fediverseFollower") { t in
                t.primaryKey("actorId", .integer).references("fediverseActor", onDelete: .cascade)
                // The id of the `Follow` it sent: the object of the `Accept`, and what `Undo` names.
                t.column("followActivity", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("v15: activities owed to fediverse inboxes, retried with backoff") { db in
            try db.create(table: "activityDelivery") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("inbox", .text).notNull()
                t.column("activity", .text).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("nextAttemptAt", .datetime).notNull().indexed()
                t.column("lastError", .text)
                t.column("createdAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("v16: the posts the fediverse was told of, and how far the change log was read for it") { db in
            // One row per post followers were sent a `Create` of: what it looked like then, so
            // that a change sends an `Update` and a post that is no longer public a `Delete`.
            try db.create(table: "fediversePost") { t in
                t.primaryKey("pageId", .integer)
                t.column("objectId", .text).notNull()
                t.column("contentHash", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("v17: which fediverse account each response from the fediverse is") { db in
            // Only that account may change or take back its reply, like or boost.
            try db.create(table: "fediverseResponse") { t in
                t.primaryKey("mentionId", .integer).references("mention", onDelete: .cascade)
                t.column("actorURL", .text).notNull()
            }
        }
        migrator.registerMigration("v18: a post published again after a Delete is a new object for the fediverse") { db in
            // Servers keep a tombstone for a deleted object and refuse to create it again: a
            // post told deleted keeps its row, and when it is public again it is told of under
            // a new id (`?v={generation}`).
            try db.alter(table: "fediversePost") { t in
                t.add(column: "generation", .integer).notNull().defaults(to: 0)
                t.add(column: "isDeleted", .boolean).notNull().defaults(to: false)
            }
        }
        migrator.registerMigration("v19: one outbox: an activity owed to a fediverse inbox is a row of the outbox, as a notice owed to a peer is") {
            db in
            // A row is owed either to a followed wikinode (`peerId` and a notice `type`, one of
            // each kind per peer) or to a fediverse inbox (`inbox`, type `activity`, and its JSON).
            try db.create(table: "outboxNew") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("peer", onDelete: .cascade, indexed: false)
                t.column("inbox", .text)
                t.column("type", .text).notNull()
                t.column("activity", .text)
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("nextAttemptAt", .datetime).notNull()
                t.column("lastError", .text)
                t.column("createdAt", .datetime).notNull()
                t.uniqueKey(["peerId", "type"])
                t.check(
                    sql: "(peerId IS NULL) = (inbox IS NOT NULL) AND (inbox IS NULL) = (activity IS NULL) AND (inbox IS NULL) = (type <> 'activity')")
            }
            try db.execute(
                sql: """
                    INSERT INTO outboxNew (id, peerId, type, attempts, nextAttemptAt, lastError, createdAt)
                        SELECT id, peerId, type, attempts, nextAttemptAt, lastError, createdAt FROM outbox;
                    INSERT INTO outboxNew (inbox, type, activity, attempts, nextAttemptAt, lastError, createdAt)
                        SELECT inbox, 'activity', activity, attempts, nextAttemptAt, lastError, createdAt FROM activityDelivery ORDER BY id;
                    DROP TABLE outbox;
                    DROP TABLE activityDelivery;
                    ALTER TABLE outboxNew RENAME TO outbox;
                    """)
            try db.create(index: "outbox_on_nextAttemptAt", on: "outbox", columns: ["nextAttemptAt"])
        }
    }
}
