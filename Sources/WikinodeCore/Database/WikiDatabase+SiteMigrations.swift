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
    }
}
