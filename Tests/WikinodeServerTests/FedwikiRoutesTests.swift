import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WikinodeCore
import WikinodeTesting

/// `/{slug}.json` and `/system/sitemap.json`: what a Federated Wiki client reads from a neighbour.
@Suite struct FedwikiRoutesTests {
    let node: TestNode
    let database: WikiDatabase
    let now = Date()

    static let markdown = """
        # Notes

        First paragraph links to [[Welcome]]
        and goes on.

        - a list with [[Missing Page]]
        - two
        """

    init() throws {
        node = try TestNode()
        database = try node.database()
        try save("Fedwiki Test", "First version.")
        try save("Fedwiki Test", Self.markdown)
    }

    func save(_ title: String, _ markdown: String) throws {
        try database.savePage(PageEdit(title: try PageTitle(title), markdown: markdown, author: "tester"))
    }

    func get(_ client: some TestClientProtocol, _ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: headers)
    }

    func object(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.text.utf8))) as? [String: Any] ?? [:]
    }

    func sitemap(_ client: some TestClientProtocol) async throws -> [[String: Any]] {
        let response = try await get(client, "/system/sitemap.json")
        #expect(response.status == .ok)
        return (try JSONSerialization.jsonObject(with: Data(response.text.utf8))) as? [[String: Any]] ?? []
    }

    @Test func pageHasTitleStoryAndJournal() async throws {
        try await node.test { client in
            // When
            let response = try await get(client, "/fedwiki-test.json")

            // Then
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(response.headers[.accessControlAllowOrigin] == "*")
            let page = object(response)
            #expect(page["title"] as? String == "Fedwiki Test")
            let story = try #require(page["story"] as? [[String: Any]])
            #expect(
                story.map { $0["text"] as? String } == [
                    "# Notes", "First paragraph links to [[Welcome]]\nand goes on.", "- a list with [[Missing Page]]\n- two",
                ])
            #expect(story.allSatisfy { $0["type"] as? String == "markdown" })
            #expect(story.allSatisfy { ($0["id"] as? String)?.wholeMatch(of: /[0-9a-f]{16}/) != nil })
            let journal = try #require(page["journal"] as? [[String: Any]])
            #expect(journal.first?["type"] as? String == "create")
            #expect(((journal.first?["item"] as? [String: Any])?["story"] as? [[String: Any]])?.first?["text"] as? String == "First version.")
            #expect(journal.dropFirst().map { $0["type"] as? String }.contains("add"))
            let date = try #require(journal.first?["date"] as? Int64)
            #expect(abs(Double(date) / 1000 - now.timeIntervalSince1970) < 60, "milliseconds since 1970")
        }
    }

    @Test func idsAreStableAcrossRequestsAndUnrelatedChanges() async throws {
        try await node.test { client in
            let ids = { (response: TestResponse) in (object(response)["story"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? [] }
            let first = ids(try await get(client, "/fedwiki-test.json"))
            try save("Something Else", "An unrelated change empties the response cache.")
            let second = ids(try await get(client, "/fedwiki-test.json"))
            #expect(first.count == 3)
            #expect(first == second)
        }
    }

    @Test func conditionalGetKeepsTheCORSHeader() async throws {
        try await node.test { client in
            let response = try await get(client, "/fedwiki-test.json")
            let etag = try #require(response.headers[.eTag])
            let again = try await get(client, "/fedwiki-test.json", headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(again.headers[.accessControlAllowOrigin] == "*")
        }
    }

    @Test func preflightIsAnswered() async throws {
        try await node.test { client in
            for uri in ["/fedwiki-test.json", "/system/sitemap.json"] {
                let response = try await client.execute(
                    uri: uri, method: .options, headers: [.origin: "http://fed.example", .accessControlRequestMethod: "GET"])
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == "*")
                #expect(response.headers[.accessControlAllowMethods]?.contains("GET") == true)
            }
        }
    }

    @Test func sitemapListsSlugTitleDateSynopsisAndLinks() async throws {
        try save("Long Story", String(repeating: "word ", count: 200) + "\nsecond line")
        try await node.test { client in
            let response = try await get(client, "/system/sitemap.json")
            #expect(response.headers[.accessControlAllowOrigin] == "*")
            let entries = try await sitemap(client)
            let entry = try #require(entries.first { $0["slug"] as? String == "fedwiki-test" })
            #expect(entry["title"] as? String == "Fedwiki Test")
            #expect(entry["synopsis"] as? String == "First paragraph links to [[Welcome]]")
            #expect(entry["date"] as? Int64 != nil)
            let page = object(try await get(client, "/fedwiki-test.json"))
            let ids = (page["story"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
            #expect(entry["links"] as? [String: String] == ["welcome": ids[1], "missing-page": ids[2]])
            let long = try #require(entries.first { $0["slug"] as? String == "long-story" })
            #expect((long["synopsis"] as? String)?.count == 560)
            #expect(entries.contains { $0["slug"] as? String == "welcome" })
        }
    }

    @Test(arguments: [
        ("Café & Crème: Notes!", "caf--crme-notes"),
        ("What  is  This", "what-is-this"),
        ("C++ Tips", "c-tips"),
        ("Release 2.0", "release-20"),
    ])
    func titlesAreFoundByTheirSlug(title: String, slug: String) async throws {
        try save(title, "Text of \(title).")
        try await node.test { client in
            let response = try await get(client, "/\(slug).json")
            #expect(response.status == .ok)
            #expect(object(response)["title"] as? String == (try PageTitle(title)).text)
            #expect(try await sitemap(client).contains { $0["slug"] as? String == slug })
        }
    }

    @Test func titlesSharingASlugAnswerWithTheFirstAndUnaddressableOnesAreLeftOut() async throws {
        try save("Foo-Bar", "dashed")
        try save("Foo Bar", "spaced")
        try save("日本語", "no slug at all")
        try await node.test { client in
            #expect(object(try await get(client, "/foo-bar.json"))["title"] as? String == "Foo Bar")
            let entries = try await sitemap(client)
            #expect(entries.filter { $0["slug"] as? String == "foo-bar" }.map { $0["title"] as? String } == ["Foo Bar"])
            #expect(!entries.contains { $0["title"] as? String == "日本語" })
            #expect(!entries.contains { ($0["slug"] as? String)?.isEmpty != false })
        }
    }

    @Test func draftsScheduledPostsAndDeletedPagesAreNotThere() async throws {
        try save("Secret Draft", "not yet")
        try database.publish(try PageTitle("Secret Draft"), as: PostSettings(status: .draft), now: now)
        try save("Future Post", "later")
        try database.publish(try PageTitle("Future Post"), as: PostSettings(publishedAt: now.addingTimeInterval(86_400)), now: now)
        try save("Gone Page", "soon deleted")
        try database.deletePage(try PageTitle("Gone Page"), author: "tester")
        try save("Old Name", "renamed")
        try database.renamePage(try PageTitle("Old Name"), to: try PageTitle("New Name"), author: "tester")
        try await node.test { client in
            for slug in ["secret-draft", "future-post", "gone-page", "old-name"] {
                let response = try await get(client, "/\(slug).json")
                #expect(response.status == .notFound, "\(slug)")
                #expect(object(response)["error"] is String)
                #expect(response.headers[.accessControlAllowOrigin] == "*")
            }
            #expect(try await get(client, "/new-name.json").status == .ok)
            let slugs = try await sitemap(client).compactMap { $0["slug"] as? String }
            #expect(slugs.contains("new-name"))
            for slug in ["secret-draft", "future-post", "gone-page", "old-name"] { #expect(!slugs.contains(slug)) }
        }
    }

    @Test(arguments: [
        "/Fedwiki-Test.json", "/%2e%2e.json", "/...json", "/..%2f..%2fetc%2fpasswd.json", "/%00.json", "/a%20b.json",
        "/caf%C3%A9.json", "/%E0%A4%A.json", "/fedwiki_test.json", "/" + String(repeating: "a", count: 5_000) + ".json",
        "/" + String(repeating: "%41", count: 3_000) + ".json", "/nothing-here.json", "/.json", "/a/b.json", "/../fedwiki-test.json.json",
    ])
    func hostileSlugsAreRefused(uri: String) async throws {
        try await node.test { client in
            let response = try await get(client, uri)
            #expect((400..<500).contains(Int(response.status.code)), "\(uri.prefix(60)): \(response.status)")
        }
    }

    @Test func fixedJSONAddressesAreUnaffected() async throws {
        try await node.test { client in
            let feed = try await get(client, "/feed.json")
            #expect(feed.status == .ok)
            #expect(feed.text.contains("https://jsonfeed.org/version/1.1"))
            #expect(try await get(client, "/recent.atom").status == .ok)
            #expect(try await get(client, "/.well-known/wikinode").status == .ok)
            #expect(try await get(client, "/wiki/Fedwiki_Test").status == .ok)
            #expect(try await get(client, "/blog").status == .ok)
        }
    }
}
