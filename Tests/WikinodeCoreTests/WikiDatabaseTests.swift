import Foundation
import GRDB
import Testing
import WikinodeTesting

@testable import WikinodeCore

/// The database door, on a real SQLite file in a temporary directory.
@Suite struct WikiDatabaseTests {
    let directory: TemporaryDirectory
    let database: WikiDatabase

    init() throws {
        directory = try TemporaryDirectory()
        database = try WikiDatabase.open(path: directory.path("wiki.sqlite").path)
    }

    func save(_ title: String, _ markdown: String, expectation: PageEdit.Expectation = .any) throws -> SaveResult {
        try database.savePage(PageEdit(title: try PageTitle(title), markdown: markdown, summary: "test", author: "tester", expectation: expectation))
    }

    func page(_ title: String) throws -> Page? {
        if case .found(let page) = try database.lookup(try PageTitle(title)) { return page }
        return nil
    }

    @Test func usesWALMode() throws {
        let mode = try DatabaseFile(database).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func savingWritesRevisionPageLinksSearchAndChangeTogether() throws {
        // Given / When
        let result = try save("Alpha", "Alpha links to [[Beta]] and https://example.org/ via [web](https://example.org/x).")
        // Then
        #expect(result.isCreated && result.isChanged)
        let alpha = try #require(try page("alpha"))
        #expect(alpha.title == "Alpha")
        #expect(alpha.html.contains("wikilink missing"))
        #expect(try database.outgoingLinks(of: alpha) == [OutgoingLink(title: "Beta", exists: false)])
        #expect(try database.externalLinks(of: alpha) == ["https://example.org/x"])
        #expect(try database.search("links").map(\.title) == ["Alpha"])
        let changes = try database.changes(since: 0, limit: 10)
        #expect(changes.map(\.kind) == [.create])
        #expect(changes[0].revisionId == alpha.revisionId)
    }

    @Test func creatingAPageTurnsLinksToItIntoPresentLinks() throws {
        _ = try save("Alpha", "See [[Beta]].")
        #expect(try page("Alpha")!.html.contains("wikilink missing"))
        _ = try save("Beta", "Here.")
        let alpha = try #require(try page("Alpha"))
        #expect(!alpha.html.contains("missing"))
        #expect(alpha.html.contains(#"href="/wiki/Beta""#))
        #expect(try database.backlinks(of: page("Beta")!) == ["Alpha"])
    }

    @Test func unchangedTextWritesNothing() throws {
        let first = try save("Alpha", "Same")
        let second = try save("Alpha", "Same")
        #expect(!second.isChanged)
        #expect(second.revision.id == first.revision.id)
        #expect(try database.changes(since: 0, limit: 10).count == 1)
    }

    @Test func staleBaseRevisionIsAConflictAndWritesNothing() throws {
        let first = try save("Alpha", "one")
        _ = try save("Alpha", "two", expectation: .revision(first.revision.id!))
        #expect(throws: WikiError.self) { try save("Alpha", "three", expectation: .revision(first.revision.id!)) }
        #expect(throws: WikiError.self) { try save("Alpha", "four", expectation: .newPage) }
        #expect(try database.history(of: page("Alpha")!).count == 2)
        #expect(try database.changes(since: 0, limit: 10).count == 2)
    }

    @Test func invalidInputIsRefusedBeforeWriting() throws {
        let huge = String(repeating: "x", count: PageEdit.maximumMarkdownBytes + 1)
        #expect(throws: WikiError.self) { try save("Alpha", huge) }
        #expect(throws: WikiError.self) { try save("Alpha", "bell \u{07}") }
        #expect(throws: WikiError.self) {
            try database.savePage(PageEdit(title: try PageTitle("Alpha"), markdown: "ok", summary: "two\nlines", author: "x"))
        }
        #expect(try database.pageCount() == 0)
        #expect(try database.latestChangeSeq() == 0)
    }

    @Test func renameKeepsTheOldTitleAnsweringAndLinksWorking() throws {
        _ = try save("Old Name", "Content")
        _ = try save("Linker", "Goes to [[Old Name]].")
        let renamed = try database.renamePage(try PageTitle("Old Name"), to: try PageTitle("New Name"), author: "tester")
        #expect(renamed.revision.kind == .rename)
        guard case .renamed(let target) = try database.lookup(try PageTitle("old name")) else {
            Issue.record("old title does not redirect")
            return
        }
        #expect(target.title == "New Name")
        #expect(target.uid == renamed.page.uid)
        let linker = try #require(try page("Linker"))
        #expect(linker.html.contains(#"href="/wiki/New_Name""#), "links to the old title point at the page's title now")
        #expect(try database.backlinks(of: target) == ["Linker"])
        #expect(try database.search("content").map(\.title) == ["New Name"])
        #expect(try database.changes(since: 0, limit: 10).last?.previousTitle == "Old Name")
    }

    @Test func renameOntoAnExistingPageIsRefused() throws {
        _ = try save("A", "a")
        _ = try save("B", "b")
        #expect(throws: WikiError.self) { try database.renamePage(try PageTitle("A"), to: try PageTitle("b"), author: "x") }
    }

    @Test func deleteKeepsHistoryAndMarksLinksMissing() throws {
        _ = try save("Doomed", "Soon gone")
        _ = try save("Linker", "[[Doomed]]")
        let deleted = try database.deletePage(try PageTitle("Doomed"), author: "tester")
        guard case .deleted(let gone) = try database.lookup(try PageTitle("Doomed")) else {
            Issue.record("deleted page not found as deleted")
            return
        }
        #expect(gone.isDeleted)
        #expect(try database.history(of: gone).map(\.kind) == [.delete, .create])
        #expect(try page("Linker")!.html.contains("wikilink missing"))
        #expect(try database.search("gone").isEmpty)
        #expect(try database.changes(since: 0, limit: 10).last?.kind == .delete)
        #expect(deleted.revision.kind == .delete)
        // Saving again restores it, with its history.
        let restored = try save("Doomed", "Back")
        #expect(restored.isCreated)
        #expect(try database.history(of: restored.page).count == 3)
        #expect(!(try page("Linker")!.html.contains("missing")))
    }

    @Test func searchRanksTitlesFirstAndHighlightsMatches() throws {
        _ = try save("Gardening", "Tomatoes need sun.")
        _ = try save("Cooking", "Gardening is where tomatoes come from. <b>raw</b>")
        let hits = try database.search("gardening")
        #expect(hits.map(\.title) == ["Gardening", "Cooking"])
        #expect(hits[1].snippetHTML.contains("<mark>Gardening</mark>"))
        #expect(try database.search("tomat").count == 2, "the last word matches as a prefix")
        #expect(try database.search("\"unbalanced AND OR (").isEmpty)
        #expect(try database.search("   ").isEmpty)
    }

    @Test func searchSnippetsAreEscaped() throws {
        _ = try save("Hostile", "match `<script>alert(1)</script>` here")
        let hit = try #require(try database.search("match").first)
        #expect(!hit.snippetHTML.contains("<script>"))
        #expect(hit.snippetHTML.contains("&lt;script&gt;"))
    }

    @Test func changeLogIsOrderedAndCursorable() throws {
        for index in 1...5 { _ = try save("Page \(index)", "text \(index)") }
        _ = try save("Page 1", "edited")
        let all = try database.changes(since: 0, limit: 100)
        #expect(all.count == 6)
        #expect(all.map(\.seq!) == all.map(\.seq!).sorted())
        let after = try database.changes(since: all[2].seq!, limit: 2)
        #expect(after.map(\.title) == ["Page 4", "Page 5"])
    }

    @Test func tokensAreStoredHashed() throws {
        let secret = try database.createToken(named: "script")
        #expect(try database.token(forSecret: secret)?.name == "script")
        #expect(try database.token(forSecret: secret + "x") == nil)
        #expect(try database.token(forSecret: "garbage") == nil)
        let stored = try DatabaseFile(database).read { try String.fetchAll($0, sql: "SELECT tokenHash FROM apiToken") }
        #expect(!stored.contains(secret))
    }

    @Test func camelCaseSettingReRendersPages() throws {
        _ = try save("Alpha", "A WikiWord here.")
        #expect(try page("Alpha")!.html.contains("wikilink"))
        try database.setSetting("camelCaseLinks", to: "off")
        #expect(!(try page("Alpha")!.html.contains("wikilink")))
        #expect(try database.outgoingLinks(of: page("Alpha")!).isEmpty)
        #expect(throws: WikiError.self) { try database.setSetting("nonsense", to: "x") }
    }

    @Test(arguments: [WikiDatabase.backlinksSQL, WikiDatabase.allTitlesSQL, WikiDatabase.pagesLinkingSQL])
    func linkListsReadPagesFromTheCoveringIndexNotTheirHTML(sql: String) throws {
        // A page's HTML lies before its dates in the row; a link list that read the row would read it too.
        _ = try save("Alpha", String(repeating: "Long text links to [[Beta]]. ", count: 1_000))
        let nulls = StatementArguments(Array(repeating: nil as String?, count: sql.filter { $0 == "?" }.count))
        let plan: [String] = try DatabaseFile(database).read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: nulls).map { $0["detail"] }
        }
        let pageSteps = plan.filter { $0.contains(" p ") }
        #expect(!pageSteps.isEmpty, "\(plan)")
        #expect(pageSteps.allSatisfy { $0.contains("COVERING INDEX page_summary") }, "\(plan)")
        // and the links from the index of their targets, without their rows
        let linkSteps = plan.filter { $0.contains(" l ") }
        #expect(linkSteps.allSatisfy { $0.contains("COVERING INDEX pageLink_on_targetKey_pageId") }, "\(plan)")
    }
}
