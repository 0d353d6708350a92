import Foundation
import Testing
import WikinodeCore
import WikinodeTesting

/// Saves that merge with changes made meanwhile, through the database door.
@Suite struct MergingSaveTests {
    let directory: TemporaryDirectory
    let database: WikiDatabase
    let title = try! PageTitle("Shared")

    init() throws {
        directory = try TemporaryDirectory()
        database = try WikiDatabase.open(path: directory.path("wiki.sqlite").path)
    }

    func text() throws -> String {
        guard case .found(let page) = try database.lookup(title) else { return "<none>" }
        return try database.currentMarkdown(of: page)
    }

    @Test func changesToOtherLinesMergeAndClashesSaveNothing() async throws {
        // Given a page that someone else changed after we opened it at revision `base`
        let base = try await database.savePage(PageEdit(title: title, markdown: "one\ntwo\nthree\n", author: "a")).revision.id!
        try await database.savePage(PageEdit(title: title, markdown: "ONE\ntwo\nthree\n", author: "b"))
        // When we save a change of another line, it is merged
        let merged = try await database.saveMerging(PageEdit(title: title, markdown: "one\ntwo\nTHREE\n", author: "c"), baseRevision: base)
        guard case .saved(let result) = merged else {
            Issue.record("not saved: \(merged)")
            return
        }
        #expect(try text() == "ONE\ntwo\nTHREE\n")
        #expect(result.revision.summary == "Merged with revision \(result.revision.parentId!)")
        // When we save a change of a line they changed too, nothing is saved
        let clash = try await database.saveMerging(PageEdit(title: title, markdown: "uno\ntwo\nthree\n", author: "d"), baseRevision: base)
        guard case .conflict(_, let old, let theirs, let merge) = clash else {
            Issue.record("no conflict")
            return
        }
        #expect(old == "one\ntwo\nthree\n" && theirs == "ONE\ntwo\nTHREE\n" && !merge.isClean)
        #expect(try text() == "ONE\ntwo\nTHREE\n")
    }

    @Test func aBaseFromAnotherPageIsRefusedAndADeletedPageComesBack() async throws {
        let other = try await database.savePage(PageEdit(title: try PageTitle("Other"), markdown: "x", author: "a")).revision.id!
        let base = try await database.savePage(PageEdit(title: title, markdown: "one\n", author: "a")).revision.id!
        try await database.savePage(PageEdit(title: title, markdown: "two\n", author: "b"))
        await #expect(throws: WikiError.self) {
            try await database.saveMerging(PageEdit(title: title, markdown: "mine\n", author: "c"), baseRevision: other)
        }
        // Deleted meanwhile: the page's text is empty, so keeping a line they removed clashes,
        // and the writer is shown their text against nothing.
        try database.deletePage(title, author: "b")
        let restored = try await database.saveMerging(PageEdit(title: title, markdown: "one\nmore\n", author: "c"), baseRevision: base)
        guard case .conflict(let page, _, let theirs, _) = restored else {
            Issue.record("\(restored)")
            return
        }
        #expect(page.isDeleted && theirs == "")
    }
}
