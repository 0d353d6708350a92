import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WikinodeCore
import WikinodeTesting

/// Addresses added with accounts and the weblog, fed what a hostile client sends.
@Suite struct HostileInputTests {
    let node: TestNode

    init() throws {
        node = try TestNode()
        try node.database().addUser(named: "alice", password: "alice's long secret", hasher: PasswordHasher(costLog2: 10))
    }

    @Test(arguments: ["/tags/%00", "/tags/%FF", "/tags/" + String(repeating: "t", count: 60), "/tags/%07/feed.rss"])
    func badTagsAreRefused(path: String) async throws {
        try await node.test { client in
            let response = try await client.execute(uri: path, method: .get)
            #expect(response.status == .badRequest)
        }
    }

    @Test(arguments: ["/blog?page=abc", "/blog?page=0", "/blog?page=99999999999"])
    func badPageNumbersAreRefused(path: String) async throws {
        try await node.test { client in
            let response = try await client.execute(uri: path, method: .get)
            #expect(response.status == .badRequest)
        }
    }

    @Test func malformedSignInFormsChangeNothing() async throws {
        try await node.test { client in
            var browser = BrowserSession()
            try await browser.get(client, "/login")
            var headers = browser.headers()
            headers[.origin] = browser.origin
            headers[.contentType] = "application/json"
            let json = try await client.execute(uri: "/login", method: .post, headers: headers, body: ByteBuffer(string: "{}"))
            #expect(json.status == .unsupportedMediaType)
            headers[.contentType] = "application/x-www-form-urlencoded"
            var invalid = ByteBuffer(string: "csrf=\(browser.csrfToken ?? "")&name=")
            invalid.writeBytes([0xC3, 0x28])
            #expect(try await client.execute(uri: "/login", method: .post, headers: headers, body: invalid).status == .badRequest)
            let oversized = ByteBuffer(repeating: UInt8(ascii: "a"), count: 4_000_000)
            #expect(try await client.execute(uri: "/login", method: .post, headers: headers, body: oversized).status == .contentTooLarge)
            let badEscape = try await client.execute(uri: "/login", method: .post, headers: headers, body: ByteBuffer(string: "name=%ZZ"))
            #expect(badEscape.status == .badRequest)
            let sessions = try DatabaseFile(node.database()).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM session") }
            #expect(sessions == 0)
        }
    }

    @Test func previewAndRevertNeedTheToken() async throws {
        try await node.test { client in
            var browser = BrowserSession()
            _ = try await browser.signIn(client, name: "alice", password: "alice's long secret")
            let preview = try await browser.post(client, "/wiki/Welcome/preview", [("markdown", "x"), ("csrf", "forged")])
            #expect(preview.status == .forbidden)
            let revert = try await browser.post(client, "/wiki/Welcome/revert", [("revision", "1"), ("csrf", "")])
            #expect(revert.status == .forbidden)
            try await browser.get(client, "/wiki/Welcome/edit")  // a form with this session's token
            let unknown = try await browser.post(client, "/wiki/Welcome/revert", [("revision", "not a number")])
            #expect(unknown.status == .notFound)
        }
    }
}
