import Foundation
import Testing
import WikinodeCore
import WikinodeTesting

@testable import WikinodeServer

/// The view cache follows the database's view-change log: it drops what a write changed, keeps
/// the rest, and sees writes by other processes.
@Suite struct ResponseCacheTests {
    @Test func aWriteDropsTheViewsMadeFromWhatItChangedAndKeepsTheRest() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("wiki.sqlite").path
        let database = try WikiDatabase.open(path: path)
        let alpha = try database.savePage(PageEdit(title: try PageTitle("Alpha"), markdown: "a", author: "t")).page
        let beta = try database.savePage(PageEdit(title: try PageTitle("Beta"), markdown: "b", author: "t")).page
        // Looking at the log on every request, so that another connection's writes are seen at once.
        let cache = ResponseCache(database: database, probe: try DataVersionProbe(path: path), foreignCommitDelay: .zero)
        func view(of page: Page) -> [String] { ViewDependency.view(of: page.id!, titleKey: page.titleKey) }
        func fill() throws -> Int64 {
            let version = try cache.currentVersion()
            cache.store(CachedBody("alpha", contentType: "text/html", lastModified: nil), for: "alpha", version: version, dependsOn: view(of: alpha))
            cache.store(CachedBody("beta", contentType: "text/html", lastModified: nil), for: "beta", version: version, dependsOn: view(of: beta))
            cache.store(
                CachedBody("index", contentType: "text/html", lastModified: nil), for: "index", version: version, dependsOn: [ViewDependency.pages])
            return version
        }
        func kept() throws -> Set<String> {
            let version = try cache.currentVersion()
            return Set(["alpha", "beta", "index"].filter { cache.body(for: $0, version: version) != nil })
        }
        _ = try fill()
        #expect(try kept() == ["alpha", "beta", "index"])

        // Another process (its own connections to the file) signs someone in: nothing changes.
        let other = try WikiDatabase.open(path: path)
        _ = try other.createSession(for: nil)
        #expect(try kept() == ["alpha", "beta", "index"])

        // It edits Alpha: Alpha's view and the list go, Beta's stays.
        try other.savePage(PageEdit(title: try PageTitle("Alpha"), markdown: "a2", author: "t"))
        #expect(try kept() == ["beta"])

        // A view rendered before a write and stored after it is not kept.
        _ = try fill()
        let version = try cache.currentVersion()
        try database.savePage(PageEdit(title: try PageTitle("Beta"), markdown: "b2", author: "t"))
        _ = try cache.currentVersion()
        cache.store(CachedBody("stale beta", contentType: "text/html", lastModified: nil), for: "beta", version: version, dependsOn: view(of: beta))
        #expect(try kept() == ["alpha"])
    }

    @Test func ownCommitsAreSeenAtOnceAndOtherProcessesAfterTheDelay() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("wiki.sqlite").path
        let database = try WikiDatabase.open(path: path)
        let alpha = try database.savePage(PageEdit(title: try PageTitle("Alpha"), markdown: "a", author: "t")).page
        // Given a cache that looks for others' commits only once an hour
        let cache = ResponseCache(database: database, probe: try DataVersionProbe(path: path), foreignCommitDelay: .seconds(3600))
        let version = try cache.currentVersion()
        cache.store(
            CachedBody("alpha", contentType: "text/html", lastModified: nil), for: "alpha", version: version,
            dependsOn: ViewDependency.view(of: alpha.id!, titleKey: alpha.titleKey))
        func isKept() throws -> Bool { cache.body(for: "alpha", version: try cache.currentVersion()) != nil }
        #expect(try isKept())
        // When another connection edits Alpha, the cache does not look (that is the saving)
        try WikiDatabase.open(path: path).savePage(PageEdit(title: try PageTitle("Alpha"), markdown: "a2", author: "t"))
        #expect(try isKept())
        // A commit of this process that logs nothing does not make it look either
        _ = try database.createSession(for: nil)
        #expect(try isKept())
        // But this process's own write to the log is seen at once, and with it everything logged before
        try database.savePage(PageEdit(title: try PageTitle("Beta"), markdown: "b", author: "t"))
        #expect(try !isKept())
    }

    @Test func aPageImportedByAnotherProcessIsServedAtOnce() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            let node = cluster[0]
            // Given a page view in the running node's cache
            let first = try await NodeCluster.request(node.url + "/wiki/Welcome")
            #expect(first.status == 200)
            #expect(try await NodeCluster.request(node.url + "/wiki/Welcome").body == first.body)
            // When `wikinode import` writes the page from another process
            let folder = try TemporaryDirectory()
            try Data("Imported while the node ran.\n".utf8).write(to: folder.path("Welcome.md"))
            let result = try WikinodeProcess.run(["import", "--data", node.configuration.dataDirectory.url.path, folder.url.path])
            #expect(result.status == 0, "\(result.output)\(result.errors)")
            // Then the next view shows it
            #expect(try await NodeCluster.request(node.url + "/wiki/Welcome").body.contains("Imported while the node ran."))
        }
    }

    @Test(arguments: [(0, [Int]()), (1, [1]), (4096, [4096]), (4097, [4096, 1]), (20_000, [16_384, 3_616]), (70_000, [65_536, 4_096, 368])])
    func aBodyIsKeptInPiecesThatWasteNoMemory(length: Int, sizes: [Int]) {
        // Several bytes a character, so that pieces end in the middle of one.
        let text = String(repeating: "aé€😀", count: length / 10 + 1)
        let body = String(decoding: text.utf8.prefix(length), as: UTF8.self)
        let cached = CachedBody(body, contentType: "text/plain", lastModified: nil)
        let bytes = body.utf8.count
        #expect(cached.byteCount == bytes)
        #expect(cached.pieces.map(\.readableBytes) == CachedBody.pieces(of: String(repeating: "x", count: bytes)).map(\.readableBytes))
        #expect(cached.pieces.flatMap { Array($0.readableBytesView) } == Array(body.utf8))
        #expect(cached.headers[.contentLength] == String(bytes))
        #expect(cached.etag == CachedBody(body, contentType: "text/html", lastModified: nil).etag)
        #expect(CachedBody.pieces(of: String(repeating: "x", count: length)).map(\.readableBytes) == sizes)
        #expect(
            CachedBody.pieces(of: String(repeating: "x", count: length)).allSatisfy { $0.capacity <= max($0.readableBytes, CachedBody.smallestPiece) }
        )
    }
}
