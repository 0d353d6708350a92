import GRDB

/// What cached views are made from, as keys that writes log in `viewChange` (by triggers, so
/// that no write of any process can forget one) and that the view cache follows.
///
/// A page's view depends on `page(id)`, on `title(key)` (what links to it, its twins, the
/// remote pages that link to it) and on `site`; lists depend on `pages`; the neighbourhood's
/// lists on `neighbourhood` too. Writes that change no view (sessions, drafts, tokens, the
/// outbox, nonces, sync cursors, sent mentions, a mention still being checked, the node's own
/// bookkeeping in dotted settings) log nothing.
public enum ViewDependency {
    public static func page(_ id: Int64) -> String { "page:\(id)" }
    public static func title(_ key: String) -> String { "title:\(key)" }
    /// Any page or post: every list of them.
    public static let pages = "pages"
    /// Settings, accounts and peers' names: everything the layout shows.
    public static let site = "site"
    /// Pages mirrored from peers, for lists of the neighbourhood.
    public static let neighbourhood = "neighbourhood"
    /// The conversation across sites beyond a page's own responses (reply contexts several
    /// replies up): threads and graphs.
    public static let conversation = "conversation"
    /// Everything: what a bulk write (an import) logs.
    public static let all = "all"

    /// What a page's view is made from: the page, what is under its title (links to it, its
    /// twins, remote pages linking to it), and the layout.
    public static func view(of pageId: Int64, titleKey: String) -> [String] {
        [page(pageId), title(titleKey), site]
    }
}

extension WikiDatabase {
    /// How many log rows are kept: a cache further behind than this starts afresh.
    static let viewChangesKept = 8_192
    /// From how many rows on a write is bulk (see `loggingViewChanges`).
    static let bulkWriteRows = 50

    /// Runs the bulk write `body` inside the current transaction without the view-change
    /// triggers, then logs the keys `body` collected, once each: a batch of a thousand rows logs
    /// a few keys instead of thousands, and pays nothing for triggers. The triggers are dropped
    /// and created again within the transaction, so no other connection ever sees them missing.
    /// That changes the schema, and every connection prepares its statements again: a write
    /// that is not `bulk` leaves the triggers to log, and what `body` collects goes unused.
    static func loggingViewChanges<T>(in db: Database, bulk: Bool = true, _ body: (inout Set<String>) throws -> T) throws -> T {
        guard bulk else {
            var unused = Set<String>()
            return try body(&unused)
        }
        for name in viewChangeTriggerNames { try db.execute(sql: "DROP TRIGGER \(name)") }
        var keys = Set<String>()
        let result = try body(&keys)
        try db.execute(sql: allViewChangeTriggers)
        let log = try db.cachedStatement(sql: "INSERT INTO viewChange(key) VALUES (?)")
        for key in keys.sorted() { try log.execute(arguments: [key]) }
        return result
    }

    /// The triggers that log what writes change, as they are now. A migration that changes one
    /// drops and creates it again, and changes it here too: a bulk write recreates them from here.
    static let viewChangeTriggers = """
                    -- A page: its view, the views of the title it had and has, every list; and when
                    -- it is renamed, deleted or restored, the pages it links to (their backlinks
                    -- list its title). An edit of its text alone changes nothing they show.
                    CREATE TRIGGER viewChangePageInserted AFTER INSERT ON page BEGIN
                        INSERT INTO viewChange(key) VALUES ('page:' || NEW.id), ('title:' || NEW.titleKey), ('pages');
                    END;
                    CREATE TRIGGER viewChangePageUpdated AFTER UPDATE ON page BEGIN
                        INSERT INTO viewChange(key) VALUES ('page:' || NEW.id), ('title:' || NEW.titleKey), ('title:' || OLD.titleKey), ('pages');
                    END;
                    CREATE TRIGGER viewChangePageRelisted AFTER UPDATE ON page
                    WHEN OLD.title IS NOT NEW.title OR OLD.deletedAt IS NOT NEW.deletedAt BEGIN
                        INSERT INTO viewChange(key) SELECT DISTINCT 'title:' || targetKey FROM pageLink WHERE pageId = NEW.id;
                        INSERT INTO viewChange(key) SELECT DISTINCT 'page:' || a.pageId FROM pageLink l JOIN titleAlias a ON a.titleKey = l.targetKey WHERE l.pageId = NEW.id;
                    END;
                    CREATE TRIGGER viewChangePageDeleted AFTER DELETE ON page BEGIN
                        INSERT INTO viewChange(key) VALUES ('page:' || OLD.id), ('title:' || OLD.titleKey), ('pages');
                    END;
                    -- A change logged: the page's view and the lists; for a post (a scheduled one
                    -- that became public is one), the pages it links to as well, whose backlinks
                    -- leave out posts readers cannot see yet.
                    CREATE TRIGGER viewChangePageChangeLogged AFTER INSERT ON pageChange BEGIN
                        INSERT INTO viewChange(key) VALUES ('page:' || NEW.pageId), ('pages');
                    END;
                    CREATE TRIGGER viewChangePostChangeLogged AFTER INSERT ON pageChange
                    WHEN EXISTS (SELECT 1 FROM post WHERE pageId = NEW.pageId) BEGIN
                        INSERT INTO viewChange(key) SELECT DISTINCT 'title:' || targetKey FROM pageLink WHERE pageId = NEW.pageId;
                        INSERT INTO viewChange(key) SELECT DISTINCT 'page:' || a.pageId FROM pageLink l JOIN titleAlias a ON a.titleKey = l.targetKey WHERE l.pageId = NEW.pageId;
                    END;

                    -- Links and old titles: the backlinks of the title linked to.
                    CREATE TRIGGER viewChangeLinkInserted AFTER INSERT ON pageLink BEGIN
                        INSERT INTO viewChange(key) VALUES ('title:' || NEW.targetKey);
                        INSERT INTO viewChange(key) SELECT 'page:' || pageId FROM titleAlias WHERE titleKey = NEW.targetKey;
                    END;
                    CREATE TRIGGER viewChangeLinkDeleted AFTER DELETE ON pageLink BEGIN
                        INSERT INTO viewChange(key) VALUES ('title:' || OLD.targetKey);
                        INSERT INTO viewChange(key) SELECT 'page:' || pageId FROM titleAlias WHERE titleKey = OLD.targetKey;
                    END;
                    CREATE TRIGGER viewChangeAliasInserted AFTER INSERT ON titleAlias BEGIN
                        INSERT INTO viewChange(key) VALUES ('title:' || NEW.titleKey), ('page:' || NEW.pageId);
                    END;
                    CREATE TRIGGER viewChangeAliasUpdated AFTER UPDATE ON titleAlias BEGIN
                        INSERT INTO viewChange(key) VALUES ('title:' || NEW.titleKey), ('title:' || OLD.titleKey), ('page:' || NEW.pageId);
                    END;
                    CREATE TRIGGER viewChangeAliasDeleted AFTER DELETE ON titleAlias BEGIN
                        INSERT INTO viewChange(key) VALUES ('title:' || OLD.titleKey), ('page:' || OLD.pageId);
                    END;

                    -- Posts and their tags: the page's view, the lists, and what the post links to
                    -- (a hidden post is left out of backlinks).
                    CREATE TRIGGER viewChangePostInserted AFTER INSERT ON post BEGIN
                        INSERT INTO viewChange(key) VALUES ('page:' || NEW.pageId), ('pages');
                        INSERT INTO viewChange(key) SELECT DISTINCT 'title:' || targetKey FROM pageLink WHERE pageId = NEW.pageId;
                        INSERT INTO viewChange(key) SELECT DISTINCT 'page:' || a.pageId FROM pageLink l JOIN titleAlias a ON a.titleKey = l.targetKey WHERE l.pageId = NEW.pageId;
                    END;
                    CREATE TRIGGER viewChangePostUpdated AFTER UPDATE ON post BEGIN
                        INSERT INTO viewChange(key) VALUES ('page:' || NEW.pageId), ('pages');
                        INSERT INTO viewChange(key) SELECT DISTINCT 'title:' || targetKey FROM pageLink WHERE pageId = NEW.pageId;
                        INSERT INTO viewChange(key) SELECT DISTINCT 'page:' || a.pageId FROM pageLink l JOIN titleAlias a ON a.titleKey = l.targetKey WHERE l.pageId = NEW.pageId;
                    END;
                    CREATE TRIGGER viewChangePostDeleted AFTER DELETE ON post BEGIN
                        INSERT INTO viewChange(key) VALUES ('page:' || OLD.pageId), ('pages');
                        INSERT INTO viewChange(key) SELECT DISTINCT 'title:' || targetKey FROM pageLink WHERE pageId = OLD.pageId;
                        INSERT INTO viewChange(key) SELECT DISTINCT 'page:' || a.pageId FROM pageLink l JOIN titleAlias a ON a.titleKey = l.targetKey WHERE l.pageId = OLD.pageId;
                    END;
                    CREATE TRIGGER viewChangeTagInserted AFTER INSERT ON postTag BEGIN
                        INSERT INTO viewChange(key) VALUES ('page:' || NEW.pageId), ('pages');
                    END;
                    CREATE TRIGGER viewChangeTagDeleted AFTER DELETE ON postTag BEGIN
                        INSERT INTO viewChange(key) VALUES ('page:' || OLD.pageId), ('pages');
                    END;

                    -- Mentions: shown once verified and approved; a check that changes nothing
                    -- shown (attempts, the next check, the same content again) logs nothing.
                    -- (`kind` and `comments` came in v11 and v12; SQLite resolves a trigger's
                    -- columns when it runs, so v7 can name them.)
                    CREATE TRIGGER viewChangeMentionUpdated
                    AFTER UPDATE OF status, moderation, authorName, authorURL, authorPhoto, title, excerpt, published, sourceURL, kind, comments ON mention
                    WHEN NEW.status IS NOT OLD.status OR NEW.moderation IS NOT OLD.moderation OR NEW.authorName IS NOT OLD.authorName
                        OR NEW.authorURL IS NOT OLD.authorURL OR NEW.authorPhoto IS NOT OLD.authorPhoto OR NEW.title IS NOT OLD.title
                        OR NEW.excerpt IS NOT OLD.excerpt OR NEW.published IS NOT OLD.published OR NEW.sourceURL IS NOT OLD.sourceURL
                        OR NEW.kind IS NOT OLD.kind OR NEW.comments IS NOT OLD.comments
                    BEGIN
                        INSERT INTO viewChange(key) VALUES ('page:' || NEW.pageId);
                    END;
                    CREATE TRIGGER viewChangeMentionDeleted AFTER DELETE ON mention WHEN OLD.status = 'verified' BEGIN
                        INSERT INTO viewChange(key) VALUES ('page:' || OLD.pageId);
                    END;

                    -- Mirrored pages: twins and remote backlinks of their titles, the neighbourhood.
                    CREATE TRIGGER viewChangeRemotePageInserted AFTER INSERT ON remotePage BEGIN
                        INSERT INTO viewChange(key) VALUES ('title:' || NEW.titleKey), ('neighbourhood');
                    END;
                    CREATE TRIGGER viewChangeRemotePageUpdated AFTER UPDATE ON remotePage BEGIN
                        INSERT INTO viewChange(key) VALUES ('title:' || NEW.titleKey), ('title:' || OLD.titleKey), ('neighbourhood');
                    END;
                    CREATE TRIGGER viewChangeRemotePageDeleted AFTER DELETE ON remotePage BEGIN
                        INSERT INTO viewChange(key) VALUES ('title:' || OLD.titleKey), ('neighbourhood');
                    END;
                    CREATE TRIGGER viewChangeRemoteLinkInserted AFTER INSERT ON remoteLink BEGIN
                        INSERT INTO viewChange(key) VALUES ('title:' || NEW.targetKey);
                    END;
                    CREATE TRIGGER viewChangeRemoteLinkDeleted AFTER DELETE ON remoteLink BEGIN
                        INSERT INTO viewChange(key) VALUES ('title:' || OLD.targetKey);
                    END;

                    -- What every view shows: settings (not the node's dotted bookkeeping),
                    -- accounts (the owner's name), peers' names and addresses.
                    CREATE TRIGGER viewChangeSettingInserted AFTER INSERT ON setting WHEN NEW.key NOT LIKE '%.%' BEGIN
                        INSERT INTO viewChange(key) VALUES ('site');
                    END;
                    CREATE TRIGGER viewChangeSettingUpdated AFTER UPDATE ON setting WHEN NEW.key NOT LIKE '%.%' AND NEW.value IS NOT OLD.value BEGIN
                        INSERT INTO viewChange(key) VALUES ('site');
                    END;
                    CREATE TRIGGER viewChangeSettingDeleted AFTER DELETE ON setting WHEN OLD.key NOT LIKE '%.%' BEGIN
                        INSERT INTO viewChange(key) VALUES ('site');
                    END;
                    CREATE TRIGGER viewChangeUserInserted AFTER INSERT ON user BEGIN
                        INSERT INTO viewChange(key) VALUES ('site');
                    END;
                    CREATE TRIGGER viewChangeUserUpdated AFTER UPDATE OF name, role ON user BEGIN
                        INSERT INTO viewChange(key) VALUES ('site');
                    END;
                    CREATE TRIGGER viewChangeUserDeleted AFTER DELETE ON user BEGIN
                        INSERT INTO viewChange(key) VALUES ('site');
                    END;
                    CREATE TRIGGER viewChangePeerInserted AFTER INSERT ON peer BEGIN
                        INSERT INTO viewChange(key) VALUES ('site'), ('neighbourhood');
                    END;
                    CREATE TRIGGER viewChangePeerUpdated AFTER UPDATE OF name, url ON peer BEGIN
                        INSERT INTO viewChange(key) VALUES ('site'), ('neighbourhood');
                    END;
                    CREATE TRIGGER viewChangePeerDeleted AFTER DELETE ON peer BEGIN
                        INSERT INTO viewChange(key) VALUES ('site'), ('neighbourhood');
                    END;
        """

    /// The triggers of views on the conversation across sites, from v13 on (their tables came then).
    static let conversationViewChangeTriggers = """
                    -- A reply context shown or changed: the pages replying to it, and every
                    -- thread and graph (they show contexts several replies up). Queued or failed
                    -- attempts log nothing.
                    CREATE TRIGGER viewChangeReplyContextUpdated
                    AFTER UPDATE OF status, title, authorName, authorURL, authorPhoto, site, excerpt, published, inReplyTo ON replyContext
                    WHEN (NEW.status = 'fetched') IS NOT (OLD.status = 'fetched') OR NEW.title IS NOT OLD.title
                        OR NEW.authorName IS NOT OLD.authorName OR NEW.authorURL IS NOT OLD.authorURL OR NEW.authorPhoto IS NOT OLD.authorPhoto
                        OR NEW.site IS NOT OLD.site OR NEW.excerpt IS NOT OLD.excerpt OR NEW.published IS NOT OLD.published
                        OR NEW.inReplyTo IS NOT OLD.inReplyTo
                    BEGIN
                        INSERT INTO viewChange(key) SELECT DISTINCT 'page:' || pageId FROM pageReply WHERE url = NEW.url;
                        INSERT INTO viewChange(key) VALUES ('\(ViewDependency.conversation)');
                    END;
                    -- Who follows whom: the neighbourhood's graph.
                    CREATE TRIGGER viewChangePeerRelationUpdated AFTER UPDATE OF follows, isFollowing, isFollower ON peer
                    WHEN NEW.follows IS NOT OLD.follows OR NEW.isFollowing IS NOT OLD.isFollowing OR NEW.isFollower IS NOT OLD.isFollower
                    BEGIN
                        INSERT INTO viewChange(key) VALUES ('neighbourhood');
                    END;
                    -- A response shown or changed elsewhere than on its page: threads and graphs.
                    CREATE TRIGGER viewChangeMentionConversation
                    AFTER UPDATE OF status, moderation, authorName, title, kind, comments ON mention
                    WHEN NEW.status IS NOT OLD.status OR NEW.moderation IS NOT OLD.moderation OR NEW.authorName IS NOT OLD.authorName
                        OR NEW.title IS NOT OLD.title OR NEW.kind IS NOT OLD.kind OR NEW.comments IS NOT OLD.comments
                    BEGIN
                        INSERT INTO viewChange(key) VALUES ('\(ViewDependency.conversation)');
                    END;
        """

    /// Every trigger that logs view changes, as bulk writes drop and recreate them.
    static let allViewChangeTriggers = viewChangeTriggers + "\n" + conversationViewChangeTriggers

    /// The names of `allViewChangeTriggers`.
    static let viewChangeTriggerNames: [String] = allViewChangeTriggers.split(separator: "\n").compactMap { line in
        let words = line.split(separator: " ")
        guard words.count > 2, words[0] == "CREATE", words[1] == "TRIGGER" else { return nil }
        return String(words[2])
    }

    static func registerViewChanges(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7: view changes: the keys of what cached views are made from, logged by triggers") { db in
            try db.execute(
                sql: """
                    CREATE TABLE viewChange (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL);
                    CREATE TRIGGER viewChangePruned AFTER INSERT ON viewChange WHEN NEW.seq % 1024 = 0 BEGIN
                        DELETE FROM viewChange WHERE seq <= NEW.seq - \(viewChangesKept);
                    END;
                    """)
            try db.execute(sql: viewChangeTriggers)
        }
        migrator.registerMigration("v9: a page's text edited alone no longer changes the views of the pages it links to") { db in
            // Their backlinks list its title, not its date: the triggers on pages and logged
            // changes are split so that only a rename, a deletion, a restoration or a post's
            // change logs the linked pages. `viewChangeTriggers` is the new set.
            // (A database made since has them from v7 already: drop whichever exist.)
            try recreateViewChangeTriggers(
                ["viewChangePageUpdated", "viewChangePageRelisted", "viewChangePageChangeLogged", "viewChangePostChangeLogged"], in: db)
        }
    }

    /// Drops the triggers `names` (whichever exist) and creates them as `viewChangeTriggers`
    /// defines them now: how a migration changes a trigger.
    static func recreateViewChangeTriggers(_ names: [String], in db: Database) throws {
        for name in names { try db.execute(sql: "DROP TRIGGER IF EXISTS \(name)") }
        let definitions = allViewChangeTriggers.components(separatedBy: "CREATE TRIGGER ").filter { definition in
            names.contains { definition.hasPrefix($0 + " ") || definition.hasPrefix($0 + "\n") }
        }
        try db.execute(sql: definitions.map { "CREATE TRIGGER " + $0 }.joined())
    }
}
