import Foundation
import GRDB
import Testing
import WikinodeTesting

@testable import WikinodeCore

/// A followed peer's feed stored here: one row a page, updated in place, never moved backwards.
@Suite struct MirrorTests {
    let directory: TemporaryDirectory
    let database: WikiDatabase
    let peerId: Int64
    static let peerURL = "http://127.0.0.1:9"
    static let ownURL = "http://127.0.0.1:8"

    init() throws {
        directory = try TemporaryDirectory()
        database = try WikiDatabase.open(path: directory.path("wiki.sqlite").path)
        peerId = try database.recordFollowing(url: Self.peerURL, name: "peer", publicKey: "a2V5").id!
        try database.savePage(PageEdit(title: try PageTitle("Home"), markdown: "here", author: "owner"))
    }

    static func entry(seq: Int64, title: String, markdown: String, links: [String] = []) -> ChangeFeedEntry {
        var entry = ChangeFeedEntry(seq: seq, uid: "page-1", deleted: false)
        entry.kind = "edit"
        entry.type = "page"
        entry.title = title
        entry.revision = seq
        entry.markdown = markdown
        entry.links = links
        return entry
    }

    func rows() throws -> (pages: [RemotePage], links: [RemoteLink], searchable: Int) {
        try DatabaseFile(database).read { db in
            (
                try RemotePage.fetchAll(db), try RemoteLink.fetchAll(db),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM remoteSearch") ?? 0
            )
        }
    }

    @Test func aNewerEntryUpdatesTheSameRowAndAnOlderOneChangesNothing() async throws {
        let first = Self.entry(seq: 3, title: "Notes", markdown: "links [home](\(Self.ownURL)/wiki/Home)", links: [Self.ownURL + "/wiki/Home"])
        let applied = try await database.applyPeerChanges(
            peerId: peerId, feed: ChangeFeedDocument(changes: [first], cursor: 3, latest: 3), ownBaseURL: Self.ownURL)
        #expect(applied.applied == 1)
        let before = try rows()
        #expect(before.pages.map(\.title) == ["Notes"])
        #expect(before.links.map(\.targetKey) == [try PageTitle("Home").key])
        #expect(before.searchable == 1)

        // The same batch again, then a newer version that no longer links here
        let again = try await database.applyPeerChanges(
            peerId: peerId, feed: ChangeFeedDocument(changes: [first], cursor: 3, latest: 3), ownBaseURL: Self.ownURL)
        #expect(again.applied == 0)
        let newer = Self.entry(seq: 7, title: "Renamed notes", markdown: "no links now")
        #expect(
            try await database.applyPeerChanges(
                peerId: peerId, feed: ChangeFeedDocument(changes: [newer], cursor: 7, latest: 7), ownBaseURL: Self.ownURL
            ).applied == 1)
        let after = try rows()
        #expect(after.pages.map(\.id) == before.pages.map(\.id), "updated in place")
        #expect(after.pages.map(\.title) == ["Renamed notes"])
        #expect(after.pages.map(\.seq) == [7])
        #expect(after.links.isEmpty)
        #expect(after.searchable == 1)
        #expect(try database.peer(id: peerId)?.cursor == 7)

        // An older entry arriving late is skipped, and the cursor does not move back.
        let late = try await database.applyPeerChanges(
            peerId: peerId, feed: ChangeFeedDocument(changes: [first], cursor: 3, latest: 7), ownBaseURL: Self.ownURL)
        #expect(late.applied == 0)
        #expect(try rows().pages.map(\.title) == ["Renamed notes"])
        #expect(try database.peer(id: peerId)?.cursor == 7)
    }
}
