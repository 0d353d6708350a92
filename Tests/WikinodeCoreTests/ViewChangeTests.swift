import Foundation
import GRDB
import Testing
import WikinodeTesting

@testable import WikinodeCore

/// What writes log for the view cache: the view of a page is invalidated when, and only when,
/// something it is made from changes.
@Suite struct ViewChangeTests {
    /// A node with Alpha (linking to Beta and to the missing Gamma), Beta, Delta (linked with
    /// nothing), Kappa (linking to Alpha), and a followed peer.
    struct Node {
        let directory: TemporaryDirectory
        let database: WikiDatabase
        let alpha: Page
        let peerId: Int64

        init() throws {
            directory = try TemporaryDirectory()
            database = try WikiDatabase.open(path: directory.path("wiki.sqlite").path)
            try database.savePage(PageEdit(title: try PageTitle("Beta"), markdown: "beta", author: "t"))
            try database.savePage(PageEdit(title: try PageTitle("Delta"), markdown: "delta", author: "t"))
            alpha = try database.savePage(PageEdit(title: try PageTitle("Alpha"), markdown: "[[Beta]] and [[Gamma]]", author: "t")).page
            try database.savePage(PageEdit(title: try PageTitle("Kappa"), markdown: "[[Alpha]]", author: "t"))
            peerId = try database.recordFollowing(url: "http://127.0.0.1:9", name: "peer", publicKey: "a2V5").id!
        }

        /// What Alpha's view is made from, as the page controller declares it.
        var alphaView: Set<String> { Set(ViewDependency.view(of: alpha.id!, titleKey: alpha.titleKey)) }

        func position() throws -> Int64 {
            try DatabaseFile(database).read { try Int64.fetchOne($0, sql: "SELECT IFNULL(MAX(seq), 0) FROM viewChange") ?? 0 }
        }

        func logged(after position: Int64) throws -> Set<String> {
            try DatabaseFile(database).read { Set(try String.fetchAll($0, sql: "SELECT key FROM viewChange WHERE seq > ?", arguments: [position])) }
        }

        func mirror(title: String, seq: Int64) async throws {
            var entry = ChangeFeedEntry(seq: seq, uid: "remote-\(title)", deleted: false)
            entry.title = title
            entry.markdown = "theirs"
            _ = try await database.applyPeerChanges(
                peerId: peerId, feed: ChangeFeedDocument(changes: [entry], cursor: seq, latest: seq), ownBaseURL: "http://127.0.0.1:8")
        }
    }

    static let cases: [(String, Bool, @Sendable (Node) async throws -> Void)] = [
        ("Alpha is edited", true, { try $0.database.savePage(PageEdit(title: try PageTitle("Alpha"), markdown: "new", author: "t")) }),
        ("a page Alpha links to is created", true, { try $0.database.savePage(PageEdit(title: try PageTitle("Gamma"), markdown: "g", author: "t")) }),
        ("a page Alpha links to is deleted", true, { try $0.database.deletePage(try PageTitle("Beta"), author: "t") }),
        (
            "a backlink to Alpha appears", true,
            { try $0.database.savePage(PageEdit(title: try PageTitle("Epsilon"), markdown: "[[Alpha]]", author: "t")) }
        ),
        (
            "a page linking to Alpha has its text edited (Alpha lists only its title)", false,
            { try $0.database.savePage(PageEdit(title: try PageTitle("Kappa"), markdown: "[[Alpha]], edited", author: "t")) }
        ),
        (
            "a page linking to Alpha is renamed (its title shows)", true,
            { _ = try $0.database.renamePage(try PageTitle("Kappa"), to: try PageTitle("Lambda"), author: "t") }
        ),
        ("a page linking to Alpha is deleted", true, { try $0.database.deletePage(try PageTitle("Kappa"), author: "t") }),
        ("an unrelated page is edited", false, { try $0.database.savePage(PageEdit(title: try PageTitle("Delta"), markdown: "d2", author: "t")) }),
        ("a twin of Alpha changes on a peer", true, { try await $0.mirror(title: "Alpha", seq: 1) }),
        ("a peer's page of another title changes", false, { try await $0.mirror(title: "Omega", seq: 1) }),
        (
            "a mention of Alpha is verified", true,
            {
                let id = try $0.database.receiveMention(
                    pageId: $0.alpha.id!, source: URL(string: "https://a.example/post")!, target: "http://127.0.0.1:8/wiki/Alpha",
                    protocol: .webmention)
                try $0.database.recordMentionVerified(id: id, content: MentionContent())
            }
        ),
        (
            "a mention of Alpha is queued, not yet checked", false,
            {
                _ = try $0.database.receiveMention(
                    pageId: $0.alpha.id!, source: URL(string: "https://a.example/post")!, target: "http://127.0.0.1:8/wiki/Alpha",
                    protocol: .webmention)
            }
        ),
        (
            "a post linking to Alpha becomes public on schedule", true,
            {
                try await $0.database.savePage(
                    PageEdit(title: try PageTitle("Later"), markdown: "[[Alpha]]", author: "t"),
                    post: PostSettings(status: .published, publishedAt: Date() + 3600, tags: []))
                _ = try $0.database.announceScheduledPosts(after: Date(), now: Date() + 7200)
            }
        ),
        ("pages are imported", true, { _ = try $0.database.importPages([PageEdit(title: try PageTitle("Zeta"), markdown: "z", author: "t")]) }),
        ("the settings change", true, { try $0.database.setSetting("name", to: "Renamed") }),
        ("a session is written", false, { _ = try $0.database.createSession(for: nil) }),
        (
            "the outbox, a pull and the node's own bookkeeping are written", false,
            {
                try $0.database.enqueueNotice(.changed, peerId: $0.peerId)
                try $0.database.recordPullSuccess(peerId: $0.peerId, nextAttemptAt: Date() + 60)
                try $0.database.recordOwnBaseURL("http://127.0.0.1:8")
            }
        ),
    ]

    @Test(arguments: 0..<cases.count)
    func alphasViewIsInvalidatedExactlyWhenItsSourcesChange(_ index: Int) async throws {
        let (write, invalidates, perform) = Self.cases[index]
        let node = try Node()
        let before = try node.position()
        try await perform(node)
        let logged = try node.logged(after: before)
        let invalidated = !logged.isDisjoint(with: node.alphaView) || logged.contains(ViewDependency.all)
        #expect(invalidated == invalidates, "\(write): logged \(logged.sorted())")
    }

    @Test func writesThatChangeNoViewLogNothingAtAll() throws {
        let node = try Node()
        let before = try node.position()
        _ = try node.database.createSession(for: nil)
        try node.database.enqueueNotice(.changed, peerId: node.peerId)
        try node.database.recordOwnBaseURL("http://127.0.0.1:8")
        #expect(try node.logged(after: before).isEmpty)
    }

    @Test func theDatabaseHasExactlyTheTriggersThatBulkWritesRecreate() throws {
        let node = try Node()
        let names = try DatabaseFile(node.database).read { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'viewChange%' AND name != 'viewChangePruned'")
        }
        #expect(Set(names) == Set(WikiDatabase.viewChangeTriggerNames))
        #expect(names.count == WikiDatabase.viewChangeTriggerNames.count)
        #expect(names.contains("viewChangePageRelisted") && names.contains("viewChangePostChangeLogged"))
    }

    @Test func bulkWritesLogEachKeyOnce() async throws {
        let node = try Node()
        // A backfill's batch of pages, two of them linking here
        let titles = (0..<WikiDatabase.bulkWriteRows).map { "Remote \($0)" }
        var entries: [ChangeFeedEntry] = []
        for (index, title) in titles.enumerated() {
            var entry = ChangeFeedEntry(seq: Int64(index + 1), uid: "remote-\(title)", deleted: false)
            entry.title = title
            entry.markdown = "theirs"
            entry.links = index < 2 ? ["http://127.0.0.1:8/wiki/Alpha"] : []
            entries.append(entry)
        }
        var before = try node.position()
        let count = Int64(entries.count)
        _ = try await node.database.applyPeerChanges(
            peerId: node.peerId, feed: ChangeFeedDocument(changes: entries, cursor: count, latest: count), ownBaseURL: "http://127.0.0.1:8")
        let keys = try DatabaseFile(node.database).read {
            try String.fetchAll($0, sql: "SELECT key FROM viewChange WHERE seq > ? ORDER BY seq", arguments: [before])
        }
        let expected = try (titles + ["Alpha"]).map { ViewDependency.title(try PageTitle($0).key) } + [ViewDependency.neighbourhood]
        #expect(keys.sorted() == expected.sorted(), "each key once")
        // An import logs one key, whatever it holds
        before = try node.position()
        _ = try node.database.importPages((1...20).map { PageEdit(title: try! PageTitle("Imported \($0)"), markdown: "[[Alpha]]", author: "t") })
        #expect(try node.logged(after: before) == [ViewDependency.all])
        // And the triggers are live again afterwards
        before = try node.position()
        try await node.database.savePage(PageEdit(title: try PageTitle("Alpha"), markdown: "again", author: "t"))
        #expect(try node.logged(after: before).contains(ViewDependency.page(node.alpha.id!)))
    }
}
