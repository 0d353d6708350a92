import Foundation
import Testing
import WikinodeTesting

@testable import WikinodeCore

@Suite struct AccountTests {
    let directory: TemporaryDirectory
    let database: WikiDatabase
    /// A cheap cost so the tests run fast; the default is checked once below.
    let hasher = PasswordHasher(costLog2: 10)

    init() throws {
        directory = try TemporaryDirectory()
        database = try WikiDatabase.open(path: directory.path("wiki.sqlite").path)
    }

    @Test func defaultHashIsScryptWithAHighCost() throws {
        let hash = try PasswordHasher().hash("correct horse battery")
        #expect(hash.hasPrefix("scrypt$15$8$1$"))
        #expect(PasswordHasher().verify("correct horse battery", against: hash))
        #expect(!PasswordHasher().verify("correct horse batterY", against: hash))
    }

    @Test func firstAccountIsTheOwnerAndPasswordsAreChecked() throws {
        let owner = try database.addUser(named: "Alice", password: "a long secret", hasher: hasher)
        let member = try database.addUser(named: "bob", password: "another secret", hasher: hasher)
        #expect(owner.role == .owner && member.role == .member)
        #expect(try database.authenticate(name: "alice", password: "a long secret", hasher: hasher)?.name == "Alice")
        #expect(try database.authenticate(name: "alice", password: "wrong secret!", hasher: hasher) == nil)
        #expect(try database.authenticate(name: "nobody", password: "a long secret", hasher: hasher) == nil)
        #expect(throws: WikiError.self) { try database.addUser(named: "ALICE", password: "a long secret", hasher: hasher) }
        #expect(throws: WikiError.self) { try database.addUser(named: "carol", password: "short", hasher: hasher) }
        #expect(throws: WikiError.self) { try database.addUser(named: "bad\u{7}name", password: "a long secret", hasher: hasher) }
        let stored = try DatabaseFile(database).read { try String.fetchAll($0, sql: "SELECT passwordHash FROM user") }
        #expect(!stored.contains { $0.contains("secret") })
    }

    @Test func sessionsExpireAndEndWithAPasswordChange() throws {
        let user = try database.addUser(named: "alice", password: "a long secret", hasher: hasher)
        let (secret, state) = try database.createSession(for: user)
        #expect(try database.session(forSecret: secret)?.user?.name == "alice")
        #expect(try database.session(forSecret: secret)?.session.idHash == state.session.idHash)
        #expect(try database.session(forSecret: secret + "x") == nil)
        try database.setPassword(ofUser: "alice", to: "a new long secret", hasher: hasher)
        #expect(try database.session(forSecret: secret) == nil)

        let (expired, _) = try database.createSession(for: user)
        try DatabaseFile(database).write { try $0.execute(sql: "UPDATE session SET expiresAt = ?", arguments: [Date(timeIntervalSinceNow: -1)]) }
        #expect(try database.session(forSecret: expired) == nil)
    }

    @Test func draftsAreKeptUntilTaken() throws {
        let id = try database.stashDraft(title: try PageTitle("Page"), markdown: "my text", summary: "s", baseRevision: 3, client: "c", network: "n")
        let draft = try #require(try database.draft(id))
        #expect(draft.markdown == "my text" && draft.baseRevision == 3)
        #expect(draft.byteCount == 8)
        try database.deleteDraft(id)
        #expect(try database.draft(id) == nil)
    }

    @Test func draftsAreLimitedLikeAPage() throws {
        let big = String(repeating: "a", count: PageEdit.maximumMarkdownBytes + 1)
        #expect(throws: WikiError.self) {
            try database.stashDraft(title: try PageTitle("P"), markdown: big, summary: "", baseRevision: nil, client: "c", network: "n")
        }
        #expect(throws: WikiError.self) {
            try database.stashDraft(title: try PageTitle("P"), markdown: "x\u{1}", summary: "", baseRevision: nil, client: "c", network: "n")
        }
        #expect(try draftCount() == 0)
    }

    @Test func theDraftStoreIsBoundedPerClientPerNetworkAndInAll() throws {
        var limits = DraftLimits()
        limits.perClient = 3
        limits.perNetwork = 5
        limits.bytesPerNetwork = 10_000
        limits.total = 8
        limits.totalBytes = 25_000
        let title = try PageTitle("Page")
        let start = Date()
        func stash(_ client: String, _ network: String, bytes: Int, at second: Int) throws -> String {
            try database.stashDraft(
                title: title, markdown: String(repeating: "a", count: bytes), summary: "", baseRevision: nil, client: client, network: network,
                limits: limits, now: start.addingTimeInterval(Double(second)))
        }
        // One browser keeps its newest three
        let first = try stash("a", "net1", bytes: 10, at: 0)
        for second in 1...3 { _ = try stash("a", "net1", bytes: 10, at: second) }
        #expect(try draftCount(client: "a") == 3)
        #expect(try database.draft(first) == nil)
        // Many browsers on one network keep at most five drafts and 10 KB there
        for second in 4...9 { _ = try stash("b\(second)", "net1", bytes: 10, at: second) }
        #expect(try draftCount(network: "net1") == 5)
        let large = try stash("c", "net1", bytes: 9_995, at: 10)
        #expect(try database.draft(large) != nil)
        #expect(try draftCount(network: "net1") == 1)  // 9,995 + 10 is over 10,000
        // And in all, at most eight and 25 KB, whatever the networks
        for second in 11...20 { _ = try stash("d\(second)", "net\(second)", bytes: 3_000, at: second) }
        #expect(try draftCount() <= 8)
        let totalBytes = try DatabaseFile(database).read { try Int.fetchOne($0, sql: "SELECT SUM(byteCount) FROM draft") } ?? 0
        #expect(totalBytes <= 25_000)
        // Drafts older than the lifetime go
        _ = try database.stashDraft(
            title: title, markdown: "late", summary: "", baseRevision: nil, client: "e", network: "net99", limits: limits,
            now: start.addingTimeInterval(limits.lifetime + 100))
        #expect(try draftCount() == 1)
    }

    func draftCount(client: String? = nil, network: String? = nil) throws -> Int {
        try DatabaseFile(database).read { db in
            if let client { return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM draft WHERE client = ?", arguments: [client]) ?? 0 }
            if let network { return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM draft WHERE network = ?", arguments: [network]) ?? 0 }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM draft") ?? 0
        }
    }
}
