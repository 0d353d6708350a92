import GRDB

extension WikiDatabase {
    /// Migrations of followed sites that are not wikinodes: weblogs' feeds, Federated Wiki sites.
    static func registerSiteMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration(
            "v20: followed sites of every kind: a wikinode, a weblog's feed or a Federated Wiki site, read with conditional GETs"
        ) { db in
            // One table of followed sites, one mirror store: what a site is decides only how
            // it is read. A feed or fedwiki site has no key (it signs nothing) and no inbox.
            try db.alter(table: "peer") { t in
                t.add(column: "kind", .text).notNull().defaults(to: "wikinode").check { ["wikinode", "feed", "fedwiki"].contains($0) }
                // What is fetched: the feed's address, or the fedwiki site's sitemap.
                t.add(column: "sourceURL", .text)
                // The validators of the last fetch, sent back as If-None-Match and If-Modified-Since.
                t.add(column: "etag", .text)
                t.add(column: "lastModified", .text)
            }
        }
        migrator.registerMigration("v21: WebSub subscriptions to the hubs of followed feeds") { db in
            // One per followed feed that names a hub. When the feed is unfollowed, the row stays
            // (without its peer) until the hub has confirmed the unsubscription.
            try db.create(table: "webSubSubscription") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("peer", onDelete: .setNull).unique()
                t.column("hubURL", .text).notNull()
                t.column("topicURL", .text).notNull()
                // The callback is /websub/callback/{token}: unguessable, so only the hub
                // that was told it can reach it.
                t.column("token", .text).notNull().unique()
                // The HMAC key the hub signs deliveries with.
                t.column("secret", .text).notNull()
                t.column("state", .text).notNull().check { ["subscribing", "active", "unsubscribing", "denied"].contains($0) }
                t.column("leaseExpiresAt", .datetime)
                t.column("requestedAt", .datetime)
                t.column("nextAttemptAt", .datetime).notNull().indexed()
                t.column("failures", .integer).notNull().defaults(to: 0)
                t.column("lastError", .text)
                t.column("lastDeliveryAt", .datetime)
            }
        }
        migrator.registerMigration("v22: the node's own WebSub hub: requests to verify, subscribers, and pushes owed to them in the outbox") { db in
            // A subscription or unsubscription asked for, until its callback confirms it.
            try db.create(table: "webSubHubRequest") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("mode", .text).notNull().check { ["subscribe", "unsubscribe"].contains($0) }
                t.column("topicPath", .text).notNull()
                t.column("callbackURL", .text).notNull()
                t.column("secret", .text)
                t.column("leaseSeconds", .integer).notNull()
                t.column("receivedAt", .datetime).notNull()
                t.uniqueKey(["topicPath", "callbackURL"])
            }
            // A verified subscriber of one of the node's feeds, until its lease ends.
            try db.create(table: "webSubHubSubscriber") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("topicPath", .text).notNull().indexed()
                t.column("callbackURL", .text).notNull()
                t.column("secret", .text)
                t.column("leaseExpiresAt", .datetime).notNull()
                // What the feed was when last pushed (or subscribed to): a push is owed when it
                // is something else.
                t.column("contentHash", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.uniqueKey(["topicPath", "callbackURL"])
            }
            // The outbox gains a third kind of recipient: a subscriber owed a push (at most one
            // each; the push carries the feed as it is when sent).
            try db.create(table: "outboxNew") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("peer", onDelete: .cascade, indexed: false)
                t.column("inbox", .text)
                t.belongsTo("webSubHubSubscriber", onDelete: .cascade).unique()
                t.column("type", .text).notNull()
                t.column("activity", .text)
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("nextAttemptAt", .datetime).notNull()
                t.column("lastError", .text)
                t.column("createdAt", .datetime).notNull()
                t.uniqueKey(["peerId", "type"])
                t.check(
                    sql: """
                        (peerId IS NOT NULL) + (inbox IS NOT NULL) + (webSubHubSubscriberId IS NOT NULL) = 1
                        AND (inbox IS NULL) = (activity IS NULL) AND (inbox IS NULL) = (type <> 'activity')
                        AND (webSubHubSubscriberId IS NULL) = (type <> 'websub')
                        """)
            }
            try db.execute(
                sql: """
                    INSERT INTO outboxNew (id, peerId, inbox, type, activity, attempts, nextAttemptAt, lastError, createdAt)
                        SELECT id, peerId, inbox, type, activity, attempts, nextAttemptAt, lastError, createdAt FROM outbox;
                    DROP TABLE outbox;
                    ALTER TABLE outboxNew RENAME TO outbox;
                    """)
            try db.create(index: "outbox_on_nextAttemptAt", on: "outbox", columns: ["nextAttemptAt"])
        }
        migrator.registerMigration("v23: when a followed site's copy of a page was read, which orders its versions whatever dates the site gives") {
            db in
            // Milliseconds since 1970 when the read that brought the copy began; nil for a
            // wikinode's pages (ordered by its change feed) and for copies read before this.
            try db.alter(table: "remotePage") { t in t.add(column: "readAt", .integer) }
        }
    }
}
