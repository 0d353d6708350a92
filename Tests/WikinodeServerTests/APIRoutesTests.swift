import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WikinodeCore
import WikinodeTesting

/// `/api/pages` and `/api/changes`: JSON for scripts and peers, with hostile input.
@Suite struct APIRoutesTests {
    let node: TestNode
    let token: String

    init() throws {
        node = try TestNode()
        token = try node.makeToken(named: "script")
    }

    var auth: HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }

    func json(_ object: [String: Any]) -> ByteBuffer {
        ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
    }

    func decode(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.text.utf8))) as? [String: Any] ?? [:]
    }

    func changeCount() throws -> Int64 { try node.database().latestChangeSeq() }

    @Test func createReadUpdateConflictDelete() async throws {
        try await node.test { client in
            // Create
            let created = try await client.execute(
                uri: "/api/pages/Api_Page", method: .put, headers: auth, body: json(["markdown": "Hello [[Welcome]]", "summary": "new"]))
            #expect(created.status == .created)
            let revision = try #require(decode(created)["revision"] as? Int)
            #expect(created.headers[.location] == "http://127.0.0.1:8080/wiki/Api_Page")

            // Read
            let read = try await client.execute(uri: "/api/pages/api_page", method: .get)
            #expect(read.status == .ok)
            let document = decode(read)
            #expect(document["title"] as? String == "Api Page")
            #expect(document["markdown"] as? String == "Hello [[Welcome]]")
            #expect((document["html"] as? String)?.contains("/wiki/Welcome") == true)
            #expect((document["links"] as? [[String: Any]])?.first?["exists"] as? Bool == true)

            // Update with the current revision
            let updated = try await client.execute(
                uri: "/api/pages/Api_Page", method: .put, headers: auth, body: json(["markdown": "v2", "baseRevision": revision]))
            #expect(updated.status == .ok)

            // A stale revision is a conflict and changes nothing
            let before = try changeCount()
            let stale = try await client.execute(
                uri: "/api/pages/Api_Page", method: .put, headers: auth, body: json(["markdown": "v3", "baseRevision": revision]))
            #expect(stale.status == .conflict)
            #expect(decode(stale)["currentRevision"] as? String != nil)
            let blind = try await client.execute(uri: "/api/pages/Api_Page", method: .put, headers: auth, body: json(["markdown": "v3"]))
            #expect(blind.status == .conflict)
            #expect(try changeCount() == before)

            // Delete, then 410
            let deleted = try await client.execute(uri: "/api/pages/Api_Page", method: .delete, headers: auth)
            #expect(deleted.status == .ok)
            #expect(try await client.execute(uri: "/api/pages/Api_Page", method: .get).status == .gone)
            #expect(try await client.execute(uri: "/wiki/Api_Page", method: .get).status == .gone)
        }
    }

    @Test func renameKeepsTheOldAddressWorking() async throws {
        try await node.test { client in
            _ = try await client.execute(uri: "/api/pages/Before", method: .put, headers: auth, body: json(["markdown": "text"]))
            _ = try await client.execute(uri: "/api/pages/Linker", method: .put, headers: auth, body: json(["markdown": "[[Before]]"]))
            let renamed = try await client.execute(uri: "/api/pages/Before/rename", method: .post, headers: auth, body: json(["title": "After"]))
            #expect(renamed.status == .ok)
            let old = try await client.execute(uri: "/wiki/Before", method: .get)
            #expect(old.status == .movedPermanently)
            #expect(old.headers[.location] == "/wiki/After")
            let page = try await client.execute(uri: "/wiki/After", method: .get)
            #expect(page.text.contains(#"<a href="/wiki/Linker">Linker</a>"#))
            let clash = try await client.execute(uri: "/api/pages/After/rename", method: .post, headers: auth, body: json(["title": "linker"]))
            #expect(clash.status == .conflict)
            let bad = try await client.execute(uri: "/api/pages/After/rename", method: .post, headers: auth, body: json(["title": "a/b"]))
            #expect(bad.status == .badRequest)
        }
    }

    @Test func writesNeedAValidToken() async throws {
        try await node.test { client in
            let body = json(["markdown": "x"])
            let none = try await client.execute(uri: "/api/pages/X", method: .put, headers: [.contentType: "application/json"], body: body)
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate] != nil)
            let wrong = try await client.execute(
                uri: "/api/pages/X", method: .put, headers: [.authorization: "Bearer wkn_forged", .contentType: "application/json"], body: body)
            #expect(wrong.status == .unauthorized)
            let basic = try await client.execute(uri: "/api/pages/X", method: .delete, headers: [.authorization: "Basic YTpi"])
            #expect(basic.status == .unauthorized)
            #expect(try changeCount() == 4, "only the welcome pages")
        }
    }

    @Test(arguments: [
        ("{not json", HTTPResponse.Status.badRequest),
        ("[]", .badRequest),
        ("{}", .badRequest),
        (#"{"markdown": 5}"#, .badRequest),
        (#"{"markdown": "x", "baseRevision": "one"}"#, .badRequest),
        (#"{"markdown": "bell \u0007"}"#, .badRequest),
        (#"{"markdown": "x", "summary": "two\nlines"}"#, .badRequest),
        (#"{"markdown": "x", "baseRevision": 999999}"#, .conflict),
    ])
    func malformedBodiesStoreNothing(body: String, status: HTTPResponse.Status) async throws {
        try await node.test { client in
            let before = try changeCount()
            let response = try await client.execute(uri: "/api/pages/Target", method: .put, headers: auth, body: ByteBuffer(string: body))
            #expect(response.status == status)
            #expect(decode(response)["error"] is String)
            #expect(try changeCount() == before)
        }
    }

    @Test func invalidUTF8OversizedAndWrongTypeAreRefused() async throws {
        try await node.test { client in
            let before = try changeCount()
            var invalid = ByteBuffer(string: #"{"markdown": ""#)
            invalid.writeBytes([0xC3, 0x28, 0xFF])
            invalid.writeString(#""}"#)
            #expect(try await client.execute(uri: "/api/pages/T", method: .put, headers: auth, body: invalid).status == .badRequest)

            let huge = ByteBuffer(string: #"{"markdown": ""# + String(repeating: "a", count: 2_100_000) + #""}"#)
            #expect(try await client.execute(uri: "/api/pages/T", method: .put, headers: auth, body: huge).status == .contentTooLarge)

            let tooLongPage = ByteBuffer(string: #"{"markdown": ""# + String(repeating: "a", count: 1_000_001) + #""}"#)
            #expect(try await client.execute(uri: "/api/pages/T", method: .put, headers: auth, body: tooLongPage).status == .badRequest)

            var formHeaders = auth
            formHeaders[.contentType] = "application/x-www-form-urlencoded"
            #expect(
                try await client.execute(uri: "/api/pages/T", method: .put, headers: formHeaders, body: ByteBuffer(string: "markdown=x")).status
                    == .unsupportedMediaType)

            #expect(
                try await client.execute(uri: "/api/pages/a%2Fb", method: .put, headers: auth, body: json(["markdown": "x"])).status == .badRequest)
            #expect(
                try await client.execute(uri: "/api/pages/x%00y", method: .put, headers: auth, body: json(["markdown": "x"])).status == .badRequest)
            #expect(try changeCount() == before)
        }
    }

    @Test func changeFeedIsACursor() async throws {
        try await node.test { client in
            for index in 1...3 {
                _ = try await client.execute(uri: "/api/pages/Feed_\(index)", method: .put, headers: auth, body: json(["markdown": "n\(index)"]))
            }
            let first = decode(try await client.execute(uri: "/api/changes?since=0&limit=5", method: .get))
            let changes = try #require(first["changes"] as? [[String: Any]])
            #expect(changes.count == 5)
            let cursor = try #require(first["cursor"] as? Int)
            let rest = decode(try await client.execute(uri: "/api/changes?since=\(cursor)", method: .get))
            #expect((rest["changes"] as? [[String: Any]])?.map { $0["title"] as? String } == ["Feed 2", "Feed 3"])
            let end = decode(try await client.execute(uri: "/api/changes?since=\(rest["cursor"] as? Int ?? 0)", method: .get))
            #expect((end["changes"] as? [Any])?.isEmpty == true)
            #expect(try await client.execute(uri: "/api/changes?since=-1", method: .get).status == .badRequest)
            #expect(try await client.execute(uri: "/api/changes?limit=100000", method: .get).status == .badRequest)
        }
    }

    @Test func frontMatterMakesAPost() async throws {
        try await node.test { client in
            let markdown = "---\nkind: post\ndate: 2026-01-02T03:04:05Z\ntags: [api]\n---\nPosted by script."
            let created = try await client.execute(uri: "/api/pages/Scripted", method: .put, headers: auth, body: json(["markdown": markdown]))
            #expect(created.status == .created)
            #expect(try await client.execute(uri: "/api/pages/Scripted", method: .get).text.contains(#""markdown":"Posted by script.""#))
            let post = try await client.execute(uri: "/blog/2026/01/scripted", method: .get)
            #expect(post.status == .ok)
            #expect(post.text.contains("Posted by script."))
            let bad = try await client.execute(
                uri: "/api/pages/Broken", method: .put, headers: auth, body: json(["markdown": "---\ntitle: [oops\n---\nx"]))
            #expect(bad.status == .badRequest)
        }
    }

    @Test func aFrontMatterTitleOtherThanTheAddressIsRefusedNotDropped() async throws {
        try await node.test { client in
            let before = try changeCount()
            // When the front matter names another page
            let other = try await client.execute(
                uri: "/api/pages/Scripted_Page", method: .put, headers: auth, body: json(["markdown": "---\ntitle: Elsewhere\n---\nText."]))
            // Then nothing is saved, and the answer says how to rename
            #expect(other.status == .unprocessableContent)
            #expect(decode(other)["error"].map { "\($0)" }?.contains("/api/pages/Scripted_Page/rename") == true, "\(other.text)")
            #expect(try changeCount() == before)
            // The same title, as the front matter or as the address spells it, is fine
            let same = try await client.execute(
                uri: "/api/pages/Scripted_Page", method: .put, headers: auth, body: json(["markdown": "---\ntitle: Scripted Page\n---\nText."]))
            #expect(same.status == .created)
        }
    }
}
