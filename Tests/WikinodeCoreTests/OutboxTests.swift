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
        try database.outboxAttemptFailed(id: item.id, error: "connection refused", retryAt: start + 60)
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

    @Test func aNoticeAndAnActivityShareTheOutboxAndEachSenderSeesOnlyItsOwn() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try database.enqueueNotice(.changed, peerId: peerId, now: start)
        try database.queueDelivery(to: "https://social.example/inbox", activity: #"{"type":"Create"}"#, now: start + 1)
        try database.queueDelivery(to: "https://social.example/inbox", activity: #"{"type":"Update"}"#, now: start + 2)
        #expect(try database.dueNotices(now: start + 5).map(\.type) == [.changed])
        let activities = try database.dueDeliveries(now: start + 5)
        #expect(activities.map(\.activity) == [#"{"type":"Create"}"#, #"{"type":"Update"}"#])
        #expect(try database.nextOutboxDate(for: .peer) == start)
        #expect(try database.nextOutboxDate(for: .fediverseInbox) == start + 1)
        #expect(try database.pendingDeliveryCount() == 2)

        // One door for a failure, whichever it is
        try database.outboxAttemptFailed(id: try #require(activities.first?.id), error: "answers 503", retryAt: start + 60)
        #expect(try database.dueDeliveries(now: start + 5).map(\.activity) == [#"{"type":"Update"}"#])
        #expect(try database.nextOutboxDate(for: .fediverseInbox) == start + 2)
        let retried = try #require(try database.dueDeliveries(now: start + 60).last)
        #expect(retried.attempts == 1 && retried.lastError == "answers 503")

        // Done with an activity leaves the notice; a peer forgotten takes only its notices.
        try database.deliveryDone(id: retried.id!)
        try DatabaseFile(database).write { try $0.execute(sql: "DELETE FROM peer") }
        #expect(try database.dueNotices(now: start + 60).isEmpty)
        #expect(try database.dueDeliveries(now: start + 60).map(\.activity) == [#"{"type":"Update"}"#])
    }

    @Test func theOutboxRefusesARowThatIsOwedToNobodyOrToBoth() throws {
        let file = try DatabaseFile(database)
        for values in [
            "NULL, NULL, 'changed', NULL", "?, 'https://a.example/inbox', 'activity', '{}'", "NULL, 'https://a.example/inbox', 'changed', '{}'",
        ] {
            #expect(throws: DatabaseError.self, "\(values)") {
                try file.write { db in
                    try db.execute(
                        sql: "INSERT INTO outbox (peerId, inbox, type, activity, nextAttemptAt, createdAt) VALUES (\(values), 0, 0)",
                        arguments: values.hasPrefix("?") ? [peerId] : [])
                }
            }
        }
    }
}

/// The outbox as it was before fediverse activities joined it: what was queued is kept.
@Suite struct OutboxMigrationTests {
    @Test func noticesAndActivitiesQueuedBeforeTheOneOutboxAreStillOwed() throws {
        let directory = try TemporaryDirectory()
        let queue = try DatabaseQueue(path: directory.path("wiki.sqlite").path)
        try WikiDatabase.migrator.migrate(queue, upTo: "v18: a post published again after a Delete is a new object for the fediverse")
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try queue.write { db in
            try db.execute(
                sql:
                    "INSERT INTO peer (url, name, prefixKey, publicKey, isFollower, isFollowing, createdAt) VALUES ('http://127.0.0.1:9', 'f', 'f', 'a2V5', 1, 0, ?)",
                arguments: [start])
            try db.execute(
                sql: "INSERT INTO outbox (peerId, type, attempts, nextAttemptAt, lastError, createdAt) VALUES (1, 'changed', 2, ?, 'refused', ?)",
                arguments: [start + 10, start])
            try db.execute(
                sql:
                    "INSERT INTO activityDelivery (inbox, activity, attempts, nextAttemptAt, createdAt) VALUES ('https://social.example/inbox', '{}', 1, ?, ?)",
                arguments: [start + 20, start])
        }
        let database = try WikiDatabase(queue)
        let notice = try #require(try database.dueNotices(now: start + 30).first)
        #expect(notice.type == .changed && notice.attempts == 2 && notice.peer.url == "http://127.0.0.1:9")
        let activity = try #require(try database.dueDeliveries(now: start + 30).first)
        #expect(activity.inbox == "https://social.example/inbox" && activity.activity == "{}" && activity.attempts == 1)
        #expect(activity.nextAttemptAt == start + 20)
        let tables = try queue.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%elivery%'") }
        #expect(tables.isEmpty)
    }
}
