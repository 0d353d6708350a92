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
        let stored = try database.writer.read { try String.fetchAll($0, sql: "SELECT passwordHash FROM user") }
        #expect(!stored.contains { $0.contains("secret") })
    }

    @Test func sessionsExpireAndEndWithAPasswordChange() throws {
        let user = try database.addUser(named: "alice", password: "a long secret", hasher: hasher)
        let (secret, state) = try database.createSession(for: user)
        #expect(try database.session(forSecret: secret)?.user?.name == "alice")
        #expect(try database.session(forSecret: secret)?.session.csrfToken == state.session.csrfToken)
        #expect(try database.session(forSecret: secret + "x") == nil)
        try database.setPassword(ofUser: "alice", to: "a new long secret", hasher: hasher)
        #expect(try database.session(forSecret: secret) == nil)

        let (expired, _) = try database.createSession(for: user)
        try database.writer.write { try $0.execute(sql: "UPDATE session SET expiresAt = ?", arguments: [Date(timeIntervalSinceNow: -1)]) }
        #expect(try database.session(forSecret: expired) == nil)
    }

    @Test func draftsAreKeptUntilTaken() throws {
        let id = try database.stashDraft(title: try PageTitle("Page"), markdown: "my text", summary: "s", baseRevision: 3)
        let draft = try #require(try database.draft(id))
        #expect(draft.markdown == "my text" && draft.baseRevision == 3)
        try database.deleteDraft(id)
        #expect(try database.draft(id) == nil)
    }
}
