import GRDB

extension WikiDatabase {
    /// The schema, one append-only migration at a time. Never edit a migration that has landed.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: pages, revisions, links, changes, search, tokens, settings") { db in
            try db.create(table: "page") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("uid", .text).notNull().unique()
                t.column("title", .text).notNull()
                t.column("titleKey", .text).notNull().unique()
                t.column("revisionId", .integer).notNull()
                t.column("html", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull().indexed()
                t.column("deletedAt", .datetime)
            }
            try db.create(table: "revision") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("page", onDelete: .cascade).notNull()
                t.column("parentId", .integer).references("revision")
                t.column("kind", .text).notNull()
                t.column("title", .text).notNull()
                t.column("markdown", .text).notNull()
                t.column("html", .text).notNull()
                t.column("summary", .text).notNull()
                t.column("author", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("contentHash", .text).notNull()
                t.column("byteCount", .integer).notNull()
            }
            try db.create(table: "pageLink") { t in
                t.belongsTo("page", onDelete: .cascade).notNull()
                t.column("targetKey", .text).notNull().indexed()
                t.column("targetTitle", .text).notNull()
                t.primaryKey(["pageId", "targetKey"])
            }
            try db.create(table: "externalLink") { t in
                t.belongsTo("page", onDelete: .cascade).notNull()
                t.column("url", .text).notNull()
                t.primaryKey(["pageId", "url"])
            }
            try db.create(table: "titleAlias") { t in
                t.primaryKey("titleKey", .text)
                t.column("title", .text).notNull()
                t.belongsTo("page", onDelete: .cascade).notNull()
            }
            try db.create(table: "pageChange") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.belongsTo("page", onDelete: .cascade).notNull()
                t.column("pageUid", .text).notNull()
                t.belongsTo("revision", onDelete: .cascade).notNull()
                t.column("kind", .text).notNull()
                t.column("title", .text).notNull()
                t.column("previousTitle", .text)
                t.column("author", .text).notNull()
                t.column("summary", .text).notNull()
                t.column("contentHash", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "apiToken") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull()
                t.column("tokenHash", .text).notNull().unique()
                t.column("createdAt", .datetime).notNull()
                t.column("lastUsedAt", .datetime)
            }
            try db.create(table: "setting") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.create(virtualTable: "pageSearch", using: FTS5()) { t in
                t.tokenizer = .unicode61(diacritics: .remove)
                t.column("title")
                t.column("body")
            }
            // Rank by BM25 with a hit in the title worth ten in the body. As the table's own rank,
            // FTS5 sorts by it itself, so `ORDER BY rank LIMIT n` makes snippets for n rows only.
            try db.execute(sql: "INSERT INTO pageSearch(pageSearch, rank) VALUES ('rank', 'bm25(10.0, 1.0)')")
        }
        migrator.registerMigration("v2: accounts, sessions, drafts") { db in
            try db.create(table: "user") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull()
                t.column("nameKey", .text).notNull().unique()
                t.column("passwordHash", .text).notNull()
                t.column("role", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "session") { t in
                t.primaryKey("idHash", .text)
                t.belongsTo("user", onDelete: .cascade)
                t.column("csrfToken", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("expiresAt", .datetime).notNull().indexed()
            }
            try db.create(table: "draft") { t in
                t.primaryKey("id", .text)
                t.column("title", .text).notNull()
                t.column("markdown", .text).notNull()
                t.column("summary", .text).notNull()
                t.column("baseRevision", .integer)
                t.column("createdAt", .datetime).notNull().indexed()
            }
        }
        migrator.registerMigration("v3: weblog posts and tags") { db in
            try db.create(table: "post") { t in
                t.primaryKey("pageId", .integer).references("page", onDelete: .cascade)
                t.column("slug", .text).notNull()
                t.column("year", .integer).notNull()
                t.column("month", .integer).notNull()
                t.column("publishedAt", .datetime).notNull().indexed()
                t.column("status", .text).notNull()
                t.uniqueKey(["year", "month", "slug"])
            }
            try db.create(table: "postTag") { t in
                t.belongsTo("page", onDelete: .cascade).notNull()
                t.column("tag", .text).notNull()
                t.column("tagKey", .text).notNull().indexed()
                t.primaryKey(["pageId", "tagKey"])
            }
        }
        migrator.registerMigration("v4: federation: peers, mirrored pages, outbox, inbox nonces, fork provenance") { db in
            try db.create(table: "peer") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("url", .text).notNull().unique()
                t.column("name", .text).notNull()
                t.column("prefixKey", .text).notNull().indexed()
                t.column("publicKey", .text).notNull()
                t.column("isFollowing", .boolean).notNull().defaults(to: false)
                t.column("isFollower", .boolean).notNull().defaults(to: false)
                t.column("cursor", .integer).notNull().defaults(to: 0)
                t.column("pullRequested", .boolean).notNull().defaults(to: false)
                t.column("failures", .integer).notNull().defaults(to: 0)
                t.column("lastSyncAt", .datetime)
                t.column("lastContactAt", .datetime)
                t.column("lastError", .text)
                t.column("lastErrorAt", .datetime)
                t.column("nextAttemptAt", .datetime)
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "remotePage") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("peer", onDelete: .cascade).notNull()
                t.column("uid", .text).notNull()
                t.column("type", .text).notNull()
                t.column("title", .text).notNull()
                t.column("titleKey", .text).notNull().indexed()
                t.column("url", .text).notNull()
                t.column("revision", .integer).notNull()
                t.column("seq", .integer).notNull()
                t.column("contentHash", .text).notNull()
                t.column("markdown", .text).notNull()
                t.column("html", .text).notNull()
                t.column("author", .text).notNull()
                t.column("summary", .text).notNull()
                t.column("updatedAt", .datetime).notNull().indexed()
                t.uniqueKey(["peerId", "uid"])
            }
            try db.create(table: "remoteLink") { t in
                t.belongsTo("remotePage", onDelete: .cascade).notNull()
                t.column("targetKey", .text).notNull().indexed()
                t.primaryKey(["remotePageId", "targetKey"])
            }
            try db.create(virtualTable: "remoteSearch", using: FTS5()) { t in
                t.tokenizer = .unicode61(diacritics: .remove)
                t.column("title")
                t.column("body")
            }
            try db.execute(sql: "INSERT INTO remoteSearch(remoteSearch, rank) VALUES ('rank', 'bm25(10.0, 1.0)')")
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("peer", onDelete: .cascade).notNull()
                t.column("type", .text).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("nextAttemptAt", .datetime).notNull().indexed()
                t.column("lastError", .text)
                t.column("createdAt", .datetime).notNull()
                t.uniqueKey(["peerId", "type"])
            }
            try db.create(table: "inboxNonce") { t in
                t.column("keyId", .text).notNull()
                t.column("nonce", .text).notNull()
                t.column("expiresAt", .datetime).notNull().indexed()
                t.primaryKey(["keyId", "nonce"])
            }
            try db.alter(table: "revision") { t in
                t.add(column: "forkedFrom", .text)
                t.add(column: "forkedRevision", .integer)
                t.add(column: "forkedAt", .datetime)
            }
            // The change feed keeps only each page's latest change: found by this index.
            try db.create(index: "pageChange_pageUid_seq", on: "pageChange", columns: ["pageUid", "seq"])
        }
        migrator.registerMigration("v5: linkbacks: mentions received, mentions sent, blocked domains") { db in
            try db.create(table: "mention") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("page", onDelete: .cascade).notNull()
                t.column("sourceURL", .text).notNull()
                t.column("targetURL", .text).notNull()
                t.column("sourceHost", .text).notNull().indexed()
                t.column("protocol", .text).notNull()
                // queued: to verify · verified: the source links here · rejected: it does not
                t.column("status", .text).notNull()
                // approved · pending (waits for the owner) · refused
                t.column("moderation", .text).notNull()
                t.column("authorName", .text).notNull().defaults(to: "")
                t.column("authorURL", .text).notNull().defaults(to: "")
                t.column("authorPhoto", .text).notNull().defaults(to: "")
                t.column("title", .text).notNull().defaults(to: "")
                t.column("excerpt", .text).notNull().defaults(to: "")
                t.column("published", .datetime)
                // What a Trackback ping said itself, used when the source has no better.
                t.column("claimedTitle", .text).notNull().defaults(to: "")
                t.column("claimedExcerpt", .text).notNull().defaults(to: "")
                t.column("claimedSite", .text).notNull().defaults(to: "")
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("nextAttemptAt", .datetime).indexed()
                t.column("lastError", .text)
                t.column("receivedAt", .datetime).notNull()
                t.column("verifiedAt", .datetime)
                t.uniqueKey(["pageId", "sourceURL"])
            }
            try db.create(table: "sentMention") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("page", onDelete: .cascade).notNull()
                t.column("targetURL", .text).notNull()
                // pending · sent · no endpoint · failed
                t.column("status", .text).notNull()
                t.column("protocol", .text)
                t.column("endpoint", .text)
                t.column("responseStatus", .integer)
                t.column("response", .text)
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("nextAttemptAt", .datetime).indexed()
                t.column("lastAttemptAt", .datetime)
                t.uniqueKey(["pageId", "targetURL"])
            }
            try db.create(table: "blockedDomain") { t in
                t.primaryKey("domain", .text)
                t.column("createdAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("v6: form tokens derived from the node key; drafts bounded per browser and network") { db in
            // A session's form token is now derived from its cookie's secret (so that a form
            // sent after the session ended still proves it came from this node); drafts record
            // whose they are and their size, and older ones, of unknown owners, go.
            try db.alter(table: "session") { t in t.drop(column: "csrfToken") }
            try db.execute(sql: "DELETE FROM draft")
            try db.alter(table: "draft") { t in
                t.add(column: "client", .text).notNull().defaults(to: "").indexed()
                t.add(column: "network", .text).notNull().defaults(to: "").indexed()
                t.add(column: "byteCount", .integer).notNull().defaults(to: 0)
            }
        }
        registerViewChanges(in: &migrator)
        migrator.registerMigration("v8: a covering index of the page columns that link lists read") { db in
            // A page row keeps its rendered HTML (often 10 KB or more) before `updatedAt` and
            // `deletedAt`, so reading those from the row reads its overflow pages too. Link
            // lists (backlinks, the index, pages linking to a title) read them from this index.
            try db.execute(sql: "CREATE INDEX page_summary ON page(id, titleKey, title, updatedAt, deletedAt)")
        }
        migrator.registerMigration("v10: link lists find the linking pages in the index of link targets") { db in
            // The index on `targetKey` alone sent every backlink to the link's row for its
            // `pageId`; with both, a backlink list reads one index and `page_summary` (0.14 ->
            // 0.08 ms for a page with 54 backlinks).
            try db.execute(sql: "CREATE INDEX pageLink_on_targetKey_pageId ON pageLink(targetKey, pageId)")
            try db.execute(sql: "DROP INDEX pageLink_on_targetKey")
        }
        migrator.registerMigration("v11: replies: what a revision replies to, the reply relation, and what kind of response a mention is") { db in
            // A revision keeps the addresses it replies to (one per line), so that history and
            // merges carry them with the text; `pageReply` holds the current page's, in order,
            // for finding the pages that reply to an address.
            try db.alter(table: "revision") { t in t.add(column: "inReplyTo", .text).notNull().defaults(to: "") }
            try db.create(table: "pageReply") { t in
                t.belongsTo("page", onDelete: .cascade).notNull()
                t.column("position", .integer).notNull()
                t.column("url", .text).notNull().indexed()
                t.primaryKey(["pageId", "position"])
            }
            // reply · like · repost · bookmark · mention, from the source's microformats.
            try db.alter(table: "mention") { t in t.add(column: "kind", .text).notNull().defaults(to: "mention") }
        }
        registerConversationMigrations(in: &migrator)
        registerFediverseMigrations(in: &migrator)
        registerSiteMigrations(in: &migrator)
        return migrator
    }
}
