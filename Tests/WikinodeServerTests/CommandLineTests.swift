import Foundation
import Testing
import WikinodeCore
import WikinodeTesting

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The `wikinode` executable itself, run as a user would run it.
@Suite(.serialized) struct CommandLineTests {
    let directory: TemporaryDirectory
    var dataPath: String { directory.path("data").path }

    init() throws {
        directory = try TemporaryDirectory()
    }

    @Test func tokenCreatePrintsTheTokenAloneOnTheLastLine() throws {
        let result = try WikinodeProcess.run(["token", "create", "--data", dataPath, "ci script"])
        #expect(result.status == 0)
        let token = try #require(result.output.split(separator: "\n").last.map(String.init))
        #expect(token.hasPrefix("wkn_") && !token.contains(" "))
        let database = try WikiDatabase.open(path: DataDirectory(path: dataPath).databasePath)
        #expect(try database.token(forSecret: token)?.name == "ci script")
    }

    @Test func importAndExportThroughTheCommandLine() throws {
        let source = directory.path("in")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try Data("Hello from a file, see [[Second]].".utf8).write(to: source.appendingPathComponent("First Page.md"))
        try Data("---\ntitle: Second\n---\nSecond page.".utf8).write(to: source.appendingPathComponent("second.md"))
        let imported = try WikinodeProcess.run(["import", "--data", dataPath, source.path])
        #expect(imported.status == 0)
        #expect(imported.output.contains("Imported 2 files: 2 new pages"))

        let out = directory.path("out")
        let exported = try WikinodeProcess.run(["export", "--data", dataPath, out.path])
        #expect(exported.status == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        // An import into a new data directory is all it holds: no welcome pages before it.
        #expect(names == ["First Page.md", "Second.md"])
        let text = try String(contentsOf: out.appendingPathComponent("First Page.md"), encoding: .utf8)
        #expect(text.hasSuffix("\n---\nHello from a file, see [[Second]]."))
    }

    @Test func exportThenImportIntoANewNodeIsExact() async throws {
        // Given a node with its welcome pages, an owner, a page, and a post edited after it was published
        #expect(try WikinodeProcess.run(["token", "create", "--data", dataPath, "setup"]).status == 0)
        let database = try WikiDatabase.open(path: DataDirectory(path: dataPath).databasePath)
        try database.addUser(named: "Alice", password: "a long secret", hasher: PasswordHasher(costLog2: 10))
        let published = Date(timeIntervalSince1970: 1_700_000_000.125)
        try await database.savePage(
            PageEdit(title: try PageTitle("Notes"), markdown: "Some notes.\n", author: "Bob", date: Date(timeIntervalSince1970: 1_600_000_000)))
        try await database.savePage(
            PageEdit(title: try PageTitle("A Post"), markdown: "First.\n", author: "Alice", date: published),
            post: PostSettings(status: .published, publishedAt: published, tags: ["x", "y"]))
        try await database.savePage(
            PageEdit(title: try PageTitle("A Post"), markdown: "Second.\n", author: "Carol", date: published.addingTimeInterval(3600)))
        let first = directory.path("first")
        #expect(try WikinodeProcess.run(["export", "--data", dataPath, first.path]).status == 0)
        // When it is imported into a new data directory and exported again
        let other = directory.path("other").path
        let imported = try WikinodeProcess.run(["import", "--data", other, first.path])
        #expect(imported.status == 0, "\(imported.errors)")
        let second = directory.path("second")
        #expect(try WikinodeProcess.run(["export", "--data", other, second.path]).status == 0)
        // Then both exports are the same, file for file and byte for byte
        let names = try FileManager.default.contentsOfDirectory(atPath: first.path).sorted()
        #expect(try FileManager.default.contentsOfDirectory(atPath: second.path).sorted() == names)
        #expect(names.contains("Welcome.md") && names.contains("A Post.md") && names.contains("Notes.md"))
        for name in names {
            let a = try String(contentsOf: first.appendingPathComponent(name), encoding: .utf8)
            let b = try String(contentsOf: second.appendingPathComponent(name), encoding: .utf8)
            #expect(a == b, "\(name)")
        }
        // And the post keeps its dates and its author
        let copy = try WikiDatabase.open(path: DataDirectory(path: other).databasePath)
        let post = try #require(try copy.allPages().first { $0.page.title == "A Post" })
        #expect(abs((post.post?.publishedAt ?? .distantPast).timeIntervalSince(published)) < 0.001)
        #expect(abs(post.page.updatedAt.timeIntervalSince(published.addingTimeInterval(3600))) < 0.001)
        #expect(post.author == "Alice")
        #expect(post.tags == ["x", "y"])
    }

    @Test func importedFilesWithoutAnAuthorAreTheOwners() throws {
        #expect(try WikinodeProcess.run(["token", "create", "--data", dataPath, "setup"]).status == 0)
        let database = try WikiDatabase.open(path: DataDirectory(path: dataPath).databasePath)
        try database.addUser(named: "Alice", password: "a long secret", hasher: PasswordHasher(costLog2: 10))
        let source = directory.path("posts")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try Data("---\nkind: post\ndate: 2025-01-02\n---\nA post.".utf8).write(to: source.appendingPathComponent("Mine.md"))
        try Data("---\nkind: post\ndate: 2025-01-03\nauthor: Guest Writer\n---\nTheirs.".utf8).write(to: source.appendingPathComponent("Theirs.md"))
        #expect(try WikinodeProcess.run(["import", "--data", dataPath, source.path]).status == 0)
        let pages = try database.allPages()
        #expect(pages.first { $0.page.title == "Mine" }?.author == "Alice")
        #expect(pages.first { $0.page.title == "Theirs" }?.author == "Guest Writer")
    }

    @Test func failuresSayOneClearLineAndExitNonZero() throws {
        let missing = try WikinodeProcess.run(["import", "--data", dataPath, directory.path("no such folder").path])
        #expect(missing.status != 0)
        #expect(missing.errors.contains("is not a folder"))
        #expect(missing.errors.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
        let badSetting = try WikinodeProcess.run(["config", "--data", dataPath, "camelCaseLinks", "maybe"])
        #expect(badSetting.status != 0)
        #expect(badSetting.errors.contains("camelCaseLinks is on or off"))
        let noConnections = try WikinodeProcess.run(["serve", "--data", dataPath, "--max-connections", "0"])
        #expect(noConnections.status != 0 && noConnections.errors.contains("--max-connections must be at least 1"))
        let badPort = try WikinodeProcess.run(["serve", "--data", dataPath, "--port", "99999"])
        #expect(badPort.status != 0)
        #expect(try WikinodeProcess.run(["--help"]).output.contains("serve"))
    }

    @Test func serveStartsAnswersAndStopsGracefullyOnSIGTERM() async throws {
        // Given a node started on a free loopback port, from a shell that allows 256 open files
        let process = try WikinodeProcess.start(["serve", "--data", dataPath, "--port", "0", "--log-level", "info"], softFileLimit: 256)
        defer { if process.process.isRunning { process.process.terminate() } }
        let url = try await process.waitForLine(containing: "wikinode is serving")
            .split(separator: " ").first { $0.hasPrefix("http://127.0.0.1:") }.map { String($0) }
        let base = try #require(url)
        // Then it has raised its own limit to the hard limit
        let limits = try #require(OpenFiles.procText("/proc/\(process.process.processIdentifier)/limits"))
        let files = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max open files") })
        let numbers = files.split(separator: " ").compactMap { Int($0) }
        #expect(numbers.count == 2 && numbers[0] == numbers[1] && numbers[0] > 256, "\(files)")
        // When a browser asks for the front page
        let (data, response) = try await URLSession.shared.data(from: URL(string: base)!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let html = String(decoding: data, as: UTF8.self)
        #expect(html.contains("Welcome to your wikinode"))
        // And its absolute addresses carry the port the system gave it, and so does the address
        // `wikinode follow` signs with
        #expect(html.contains("<link rel=\"webmention\" href=\"\(base.dropLast())/webmention\">"))
        #expect(try WikiDatabase.open(path: DataDirectory(path: dataPath).databasePath).ownBaseURL() == String(base.dropLast()))
        // Then the request is logged as one structured line, and SIGTERM stops it cleanly
        _ = try await process.waitForLine(containing: "status=200")
        process.process.terminate()
        process.process.waitUntilExit()
        #expect(process.process.terminationStatus == 0)
    }
}

extension CommandLineTests {
    @Test func followPeersAndUnfollowThroughTheCommandLine() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            let peer = cluster[0]
            _ = try peer.database().importPages(
                (0..<30).map { PageEdit(title: try! PageTitle("Peer Page \($0)"), markdown: "Text \($0).", author: "p") })
            // This node has never served, so its address must be given.
            let unknown = try WikinodeProcess.run(["follow", "--data", dataPath, "--allow-private-addresses", peer.url])
            #expect(unknown.status != 0)
            #expect(unknown.errors.contains("run `wikinode serve` once, or pass --url"))
            let refused = try WikinodeProcess.run(["follow", "--data", dataPath, "--url", "http://127.0.0.1:9", peer.url])
            #expect(refused.status != 0)
            #expect(refused.errors.contains("--allow-private-addresses"))

            let followed = try WikinodeProcess.run([
                "follow", "--data", dataPath, "--url", "http://127.0.0.1:9", "--allow-private-addresses", peer.url,
            ])
            #expect(followed.status == 0, "\(followed.errors)")
            let expected = try peer.database().pageCount()
            #expect(followed.output.contains("Following node0 at \(peer.url): \(expected) pages mirrored."))
            let table = try WikinodeProcess.run(["peers", "--data", dataPath])
            #expect(table.status == 0)
            let lines = table.output.split(separator: "\n")
            #expect(lines.first?.hasPrefix("site") == true)
            #expect(
                lines.contains {
                    $0.contains(peer.url) && $0.contains("wikinode") && $0.contains("node0") && $0.contains(" \(expected) ")
                        && $0.contains("following")
                })

            let unfollowed = try WikinodeProcess.run([
                "unfollow", "--data", dataPath, "--url", "http://127.0.0.1:9", "--allow-private-addresses", peer.url,
            ])
            #expect(unfollowed.status == 0)
            let database = try WikiDatabase.open(path: DataDirectory(path: dataPath).databasePath)
            #expect(try database.peer(url: peer.url)?.isFollowing != true)
            let again = try WikinodeProcess.run(["unfollow", "--data", dataPath, "--url", "http://127.0.0.1:9", peer.url])
            #expect(again.status != 0)
        }
    }
}

extension CommandLineTests {
    @Test func mentionsPrintsWhatWasSentAndReceived() throws {
        let database = try DataDirectory(path: dataPath).open().database
        let page = try database.savePage(PageEdit(title: try PageTitle("Linker"), markdown: "[x](https://example.org/target)", author: "t")).page
        try database.receiveMention(pageId: page.id!, source: URL(string: "https://blog.example/post")!, target: "t", protocol: .pingback)
        let result = try WikinodeProcess.run(["mentions", "--data", dataPath])
        #expect(result.status == 0)
        #expect(result.output.contains("Sent:") && result.output.contains("https://example.org/target") && result.output.contains("pending"))
        #expect(result.output.contains("Received:") && result.output.contains("https://blog.example/post") && result.output.contains("pingback"))
        let sentOnly = try WikinodeProcess.run(["mentions", "--data", dataPath, "--sent"])
        #expect(!sentOnly.output.contains("Received:"))
    }
}

extension CommandLineTests {
    @Test func backupWritesAConsistentCopyWhileTheNodeRuns() async throws {
        try await NodeCluster.run(count: 1) { cluster in
            let node = cluster[0]
            let token = try node.makeToken()
            // Saves keep coming while the copy is made.
            let writer = Task {
                for index in 0..<40 {
                    _ = try await NodeCluster.putPage(node, title: "Busy \(index)", markdown: "Written during the backup \(index).", token: token)
                }
            }
            let copy = directory.path("copy.sqlite").path
            let result = try WikinodeProcess.run(["backup", "--data", node.configuration.dataDirectory.url.path, copy])
            try await writer.value
            #expect(result.status == 0, "\(result.errors)")
            #expect(result.output.contains("Backed up to"))
            let restored = try WikiDatabase.open(path: copy)
            #expect(try restored.pageCount() >= 4)
            #expect(try restored.latestChangeSeq() > 0)
            let again = try WikinodeProcess.run(["backup", "--data", node.configuration.dataDirectory.url.path, copy])
            #expect(again.status != 0 && again.errors.contains("exists already"))
        }
    }
}
