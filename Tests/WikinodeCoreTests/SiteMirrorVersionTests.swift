import Foundation
import GRDB
import Testing
import WikinodeTesting

@testable import WikinodeCore

/// A followed site's pages (feed entries, fedwiki pages) are ordered by when they were read,
/// not by the dates the site gives.
@Suite struct SiteMirrorVersionTests {
    let directory: TemporaryDirectory
    let database: WikiDatabase
    let peerId: Int64
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws {
        directory = try TemporaryDirectory()
        database = try WikiDatabase.open(path: directory.path("wiki.sqlite").path)
        peerId = try database.recordFollowingSite(
            kind: .feed, url: "http://127.0.0.1:9/", sourceURL: "http://127.0.0.1:9/feed.atom", name: "A weblog"
        ).id!
    }

    /// The one entry of the feed, dated `day` days after the start, read `readAt`.
    func apply(_ markdown: String, day: Double, readAt: Date) async throws -> MirrorResult {
        try await database.applySiteEntries(peerId: peerId, entries: [entry(markdown, day: day)], ownBaseURL: "http://127.0.0.1:8", readAt: readAt)
    }

    func entry(_ markdown: String, day: Double) -> SiteEntry {
        let date = Self.start + day * 86_400
        return SiteEntry(
            uid: "entry-1", seq: Int64(date.timeIntervalSince1970 * 1000), type: "post", title: "The entry", url: "http://127.0.0.1:9/1",
            markdown: markdown, updated: date)
    }

    func mirrored() throws -> [RemotePage] {
        try DatabaseFile(database).read { try RemotePage.fetchAll($0) }
    }

    @Test func aLaterReadWinsWhateverDateTheEntryGives() async throws {
        // Given an entry read once
        #expect(try await apply("First text", day: 2, readAt: Self.start + 10).applied == 1)
        // When a later read finds it changed, with an earlier date (a date corrected)
        #expect(try await apply("Corrected text", day: 1, readAt: Self.start + 20).applied == 1)
        // Then the copy is what that read found
        let pages = try mirrored()
        #expect(pages.map(\.markdown) == ["Corrected text"])
        #expect(pages.first?.readAt == Int64((Self.start + 20).timeIntervalSince1970 * 1000))
        // And the same again changes nothing
        #expect(try await apply("Corrected text", day: 1, readAt: Self.start + 30).applied == 0)
    }

    @Test func aReadBegunBeforeTheCopyWasReadCannotUndoIt() async throws {
        // Given a copy from a push that arrived while a poll was under way
        #expect(try await apply("Pushed text", day: 2, readAt: Self.start + 20).applied == 1)
        // When the poll, begun before it, stores what it read (even with a later date)
        #expect(try await apply("Polled text", day: 3, readAt: Self.start + 10).applied == 0)
        // Then the pushed copy stays
        #expect(try mirrored().map(\.markdown) == ["Pushed text"])
    }

    @Test func aCopyFromBeforeReadTimesWereKeptIsReplacedByTheNextRead() async throws {
        #expect(try await apply("Old text", day: 5, readAt: Self.start + 10).applied == 1)
        try DatabaseFile(database).write { try $0.execute(sql: "UPDATE remotePage SET readAt = NULL") }
        #expect(try await apply("New text", day: 4, readAt: Self.start + 20).applied == 1)
        #expect(try mirrored().map(\.markdown) == ["New text"])
    }

    @Test func anEntryRepeatedInOneReadIsItsLatestVersionAndStaysSo() async throws {
        let entries = [entry("Older text", day: 1), entry("Newer text", day: 2), entry("Newer text again", day: 2)]
        for (index, readAt) in [Self.start + 10, Self.start + 20].enumerated() {
            let result = try await database.applySiteEntries(peerId: peerId, entries: entries, ownBaseURL: "http://127.0.0.1:8", readAt: readAt)
            #expect(result.applied == (index == 0 ? 1 : 0), "read \(index): the copies do not take turns")
        }
        #expect(try mirrored().map(\.markdown) == ["Newer text"])
    }

    @Test func aCopyReadByAClockThatWasAheadOrdersNothing() async throws {
        #expect(try await apply("Text read in the future", day: 2, readAt: Self.start + 86_400).applied == 1)
        // When the clock is put right, the next read still counts
        #expect(try await apply("Text read now", day: 3, readAt: Self.start + 10).applied == 1)
        #expect(try mirrored().map(\.markdown) == ["Text read now"])
    }
}
