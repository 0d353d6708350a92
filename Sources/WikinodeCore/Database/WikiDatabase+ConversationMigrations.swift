import GRDB

extension WikiDatabase {
    /// Migrations of the conversation across sites: replies to replies, reply contexts.
    static func registerConversationMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v12: the responses a mention's source shows, for threads and Salmention") { db in
            // JSON: `[Mention.Comment]`, nested as the source nests them. It changes with the
            // mention's other columns, in one row, so a view follows it by the mention trigger.
            try db.alter(table: "mention") { t in t.add(column: "comments", .text).notNull().defaults(to: "[]") }
            try recreateViewChangeTriggers(["viewChangeMentionUpdated"], in: db)
        }
        migrator.registerMigration("v13: reply contexts: what the addresses pages reply to say, fetched in the background") { db in
            try db.create(table: "replyContext") { t in
                t.primaryKey("url", .text)
                t.column("status", .text).notNull()
                t.column("depth", .integer).notNull()
                for column in ["title", "authorName", "authorURL", "authorPhoto", "site", "excerpt", "inReplyTo"] {
                    t.column(column, .text).notNull().defaults(to: "")
                }
                t.column("published", .datetime)
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("nextAttemptAt", .datetime).indexed()
                t.column("fetchedAt", .datetime)
                t.column("lastError", .text)
            }
            // Every address a page replies to gets a context (by a trigger, so that imports
            // and other processes queue them too), nearest first.
            try db.execute(
                sql: """
                    CREATE TRIGGER replyContextQueued AFTER INSERT ON pageReply BEGIN
                        INSERT OR IGNORE INTO replyContext(url, status, depth, nextAttemptAt)
                            VALUES (NEW.url, 'pending', 1, strftime('%Y-%m-%d %H:%M:%f', 'now'));
                        UPDATE replyContext SET depth = 1 WHERE url = NEW.url AND depth > 1;
                    END;
                    INSERT INTO replyContext(url, status, depth, nextAttemptAt) SELECT DISTINCT url, 'pending', 1, '1970-01-01 00:00:00.000' FROM pageReply;
                    """)
            // Whom each followed peer follows, as its node info says: the second ring of `/graph`.
            try db.alter(table: "peer") { t in
                t.add(column: "follows", .text).notNull().defaults(to: "[]")
                t.add(column: "followsFetchedAt", .datetime)
            }
            try db.execute(sql: conversationViewChangeTriggers)
        }
    }
}
