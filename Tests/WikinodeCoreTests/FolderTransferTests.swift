import Foundation
import Testing
import WikinodeTesting

@testable import WikinodeCore

@Suite struct FolderTransferTests {
    @Test func roundTripOf200GeneratedPagesLosesNothing() throws {
        // Given a folder of 200 generated pages with awkward titles and contents
        let directory = try TemporaryDirectory()
        let source = directory.path("in")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        var expected: [String: String] = [:]
        for index in 0..<200 {
            let title = index % 10 == 0 ? "Ünïcode Page #\(index)?" : index % 7 == 0 ? ".Dotted \(index)" : "Page \(index)"
            let body =
                "# Page \(index)\n\nLinks to [[Page \((index + 1) % 200)]] and PageNumber\(index).\n\n---\nnot front matter\n\n  trailing spaces  \n"
            let file = MarkdownFile(title: try PageTitle(title), markdown: body)
            try Data(file.serialized().utf8).write(to: source.appendingPathComponent(file.fileName))
            expected[title] = body
        }
        let first = try WikiDatabase.open(path: directory.path("first.sqlite").path)
        // When imported, exported, and imported again into another node
        let imported = try FolderTransfer(database: first).importFolder(source)
        #expect(imported.count == 200)
        let exported = directory.path("out")
        #expect(try FolderTransfer(database: first).exportFolder(exported) == 200)
        let second = try WikiDatabase.open(path: directory.path("second.sqlite").path)
        try FolderTransfer(database: second).importFolder(exported)
        // Then both nodes hold exactly the pages we wrote
        for database in [first, second] {
            let pages = try database.allPages()
            #expect(pages.count == 200)
            for (page, markdown, _, _, _, _) in pages {
                #expect(expected[page.title] == markdown, "\(page.title)")
            }
        }
    }

    @Test func datesKeepTheirMillisecondThroughTheDatabase() throws {
        // Given 300 dates, each at a different millisecond, written as front matter writes them
        let directory = try TemporaryDirectory()
        let database = try WikiDatabase.open(path: directory.path("db.sqlite").path)
        var written: [String: String] = [:]
        for index in 0..<300 {
            let text = MarkdownFile.rfc3339(Date(timeIntervalSince1970: 1_764_000_000 + Double(index) * 1.001 + Double(index % 1000) / 1000))
            let date = try MarkdownFile.date(from: text, fileName: "f")
            let title = try PageTitle("Page \(index)")
            try database.savePage(PageEdit(title: title, markdown: "x", author: "a", date: date))
            written[title.text] = text
        }
        // When they are read back from the database, they are written the same
        for entry in try database.allPages() {
            #expect(MarkdownFile.rfc3339(entry.page.updatedAt) == written[entry.page.title], "\(entry.page.title)")
        }
    }

    @Test func fileNameIsTheTitleWithoutFrontMatter() throws {
        let directory = try TemporaryDirectory()
        try Data("Plain *text*".utf8).write(to: directory.path("My First Page.md"))
        try Data("---\ntitle: Given Title\ndate: 2024-02-03\ntags: [a, b]\n---\nBody".utf8).write(to: directory.path("whatever.markdown"))
        let database = try WikiDatabase.open(path: directory.path("db.sqlite").path)
        try FolderTransfer(database: database).importFolder(directory.url)
        #expect(try database.allTitles().map(\.title) == ["Given Title", "My First Page"])
        let given = try database.allPages().first { $0.page.title == "Given Title" }
        #expect(given?.markdown == "Body")
        #expect(given?.page.updatedAt == Date(timeIntervalSince1970: 1_706_918_400))
    }

    @Test func oneBadFileImportsNothing() throws {
        let directory = try TemporaryDirectory()
        try Data("fine".utf8).write(to: directory.path("Good.md"))
        try Data([0xFF, 0xFE, 0x00]).write(to: directory.path("Binary.md"))
        let database = try WikiDatabase.open(path: directory.path("db.sqlite").path)
        #expect(throws: WikiError.self) { try FolderTransfer(database: database).importFolder(directory.url) }
        #expect(try database.pageCount() == 0)

        try FileManager.default.removeItem(at: directory.path("Binary.md"))
        try Data("---\ntitle: [unclosed\n---\nx".utf8).write(to: directory.path("BadYAML.md"))
        #expect(throws: WikiError.self) { try FolderTransfer(database: database).importFolder(directory.url) }
        try FileManager.default.removeItem(at: directory.path("BadYAML.md"))
        try Data("---\ntitle: good\n---\nclash".utf8).write(to: directory.path("Other.md"))
        #expect(throws: WikiError.self) { try FolderTransfer(database: database).importFolder(directory.url) }
        #expect(try database.pageCount() == 0)
    }
}

extension FolderTransferTests {
    @Test func postsTravelWithTheirDateTagsStatusAndAddress() throws {
        let directory = try TemporaryDirectory()
        try Data(
            "---\ntitle: \"Launch: day one\"\nkind: post\ndate: 2025-03-04T05:06:07Z\ntags: [news, \"Swift & co\"]\nslug: launch\n---\nWe launched."
                .utf8
        )
        .write(to: directory.path("launch.md"))
        try Data("---\nkind: post\nstatus: draft\n---\nNot yet.".utf8).write(to: directory.path("Unfinished.md"))
        let first = try WikiDatabase.open(path: directory.path("first.sqlite").path)
        try FolderTransfer(database: first).importFolder(directory.url)
        let launch = try #require(try first.post(year: 2025, month: 3, slug: "launch"))
        #expect(launch.post.publishedAt == Date(timeIntervalSince1970: 1_741_064_767))
        #expect(try first.posts(visibleAt: Date()).map(\.title) == ["Launch: day one"])
        #expect(try first.posts(visibleAt: nil).count == 2)

        let out = directory.path("out")
        try FolderTransfer(database: first).exportFolder(out)
        let second = try WikiDatabase.open(path: directory.path("second.sqlite").path)
        try FolderTransfer(database: second).importFolder(out)
        let again = try #require(try second.post(year: 2025, month: 3, slug: "launch"))
        #expect(again.post.publishedAt == launch.post.publishedAt)
        #expect(try second.posts(visibleAt: nil).first { $0.title == "Launch: day one" }?.tags == ["news", "Swift & co"])
        #expect(try second.posts(visibleAt: nil).first { $0.title == "Unfinished" }?.post.status == .draft)
    }
}
