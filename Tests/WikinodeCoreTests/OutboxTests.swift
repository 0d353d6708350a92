import Foundation
import GRDB
import Testing
import WikinodeTesting

@testable import WikinodeCore

/// The outbox: one notice of each kind per peer, queued again without losing its backoff.
@Suite struct OutboxTests {
    let directory: TemporaryDirectory
    let database: WikiDatabase
    let peerId: Int64

    init() throws {
        directory = try TemporaryDirectory()
        database = try WikiDatabase.open(path: directory.path("wiki.sqlite").path)
        peerId = try database.recordFollower(url: "http://127.0.0.1:9", name: "follower", publicKey: "a2V5").id!
    }

    func notices() throws -> [OutboxNotice] {
        try DatabaseFile(database).read { try OutboxNotice.order(OutboxNotice.Columns.id).fetchAll($0) }
    }

    @Test func aFailedNoticeQueuedAgainKeepsItsFailuresAndItsRetryTime() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try database.enqueueNotice(.changed, peerId: peerId, now: start)
        let item = try #require(try database.dueNotices(now: start).first)
        try database.noticeFailed(item, error: "connection refused", retryAt: start + 60)
        // A new change while the notice backs off
        try database.enqueueNotice(.changed, peerId: peerId, now: start + 1)
        let queued = try notices()
        #expect(queued.count == 1)
        #expect(queued[0].attempts == 1)
        #expect(queued[0].lastError == "connection refused")
        #expect(queued[0].nextAttemptAt == start + 60, "still backing off")
        #expect(queued[0].createdAt == start + 1, "queued again: a delivery begun before this does not clear it")
        #expect(try database.dueNotices(now: start + 30).isEmpty)
    }

    @Test func aPendingNoticeQueuedAgainStaysDueAtTheEarlierTime() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try database.enqueueNotice(.changed, peerId: peerId, now: start)
        try database.enqueueNotice(.changed, peerId: peerId, now: start + 5)
        let queued = try notices()
        #expect(queued.count == 1)
        #expect(queued[0].attempts == 0)
        #expect(queued[0].nextAttemptAt == start)
    }

    @Test func followAndUnfollowCancelEachOther() throws {
        try database.enqueueNotice(.follow, peerId: peerId)
        try database.enqueueNotice(.changed, peerId: peerId)
        try database.enqueueNotice(.unfollow, peerId: peerId)
        #expect(try notices().map(\.type) == [.changed, .unfollow])
        try database.enqueueNotice(.follow, peerId: peerId)
        #expect(try notices().map(\.type) == [.changed, .follow])
    }
}
