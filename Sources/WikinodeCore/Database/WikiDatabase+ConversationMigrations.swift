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
    }
}
