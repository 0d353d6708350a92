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
    }
}
