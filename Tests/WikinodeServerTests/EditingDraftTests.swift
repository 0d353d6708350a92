import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WikinodeCore
import WikinodeTesting

/// Drafts: text kept across a lost session, and bounded for anonymous clients.
extension EditingTests {
    @Test func textTypedDuringALostSessionComesBackAfterSigningIn() async throws {
        try await node.test { client in
            var browser = BrowserSession()
            _ = try await browser.signIn(client, name: "alice", password: "alice's long secret")
            let base = try #require(BrowserSession.hiddenValue(named: "baseRevision", in: try await browser.get(client, "/wiki/Shared/edit").text))
            // The session expires while the text is being written.
            try DatabaseFile(database).write { try $0.execute(sql: "DELETE FROM session") }
            let lost = try await browser.post(client, "/wiki/Shared/edit", [("markdown", "precious words\n"), ("baseRevision", base)])
            #expect(lost.status == .seeOther)
            let login = try #require(lost.headers[.location])
            #expect(login.hasPrefix("/login?draft=1"))
            #expect(browser.cookies["wikinode_draft"] != nil, "the draft is this browser's")
            #expect(try current("Shared") == "one\ntwo\nthree\nfour\nfive\n")

            // Someone else's browser gets nothing from the draft.
            var stranger = BrowserSession()
            _ = try await stranger.signIn(client, name: "bob", password: "bob's long secret")
            let strangerForm = try await stranger.get(client, "/wiki/Shared/edit?draft=1")
            #expect(!strangerForm.text.contains("precious words"))

            let loginPage = try await browser.get(client, login)
            #expect(loginPage.text.contains("comes back"))
            let signedIn = try await browser.post(client, "/login", [("name", "alice"), ("password", "alice's long secret"), ("return", "/")])
            let back = try #require(signedIn.headers[.location])
            #expect(back == "/wiki/Shared/edit?draft=1")
            let form = try await browser.get(client, back)
            #expect(form.text.contains("precious words\n</textarea>"))
            let saved = try await browser.post(client, "/wiki/Shared/edit", [("markdown", "precious words\n"), ("baseRevision", base)])
            #expect(saved.status == .seeOther)
            #expect(try current("Shared") == "precious words\n")
            #expect(browser.cookies["wikinode_draft"] == nil, "the draft is gone once saved")
        }
    }

    @Test func theSessionCookieLastsAsLongAsTheSessionItKeepsAlive() async throws {
        try await node.test { client in
            // Given a session in use, whose expiry comes closer
            var browser = BrowserSession()
            _ = try await browser.signIn(client, name: "alice", password: "alice's long secret")
            try DatabaseFile(database).write {
                try $0.execute(sql: "UPDATE session SET expiresAt = ?", arguments: [Date(timeIntervalSinceNow: 86_400)])
            }
            // When the browser uses it, its expiry moves on, and so does the cookie's
            let renewed = try await browser.get(client, "/wiki/Shared")
            let cookie = renewed.headers[values: .setCookie].first { $0.hasPrefix("wikinode_session=") }
            #expect(cookie?.contains("Max-Age=\(Int(WikiDatabase.sessionLifetime))") == true, "\(renewed.headers[values: .setCookie])")
            // And not on every request: at most once an hour
            let next = try await browser.get(client, "/wiki/Shared")
            #expect(!next.headers[values: .setCookie].contains { $0.hasPrefix("wikinode_session=") })
        }
    }

    func draftCount() throws -> Int {
        try DatabaseFile(database).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM draft") } ?? 0
    }

    @Test func anonymousClientsCannotFillTheDiskWithDrafts() async throws {
        try await node.test { client in
            // Given a client with no session, whose form token was never issued by this node
            let form = BrowserSession.encode([
                ("csrf", "anything-at-all-xxxxxxxxxxxxxxxxxxxxxxxxxx"), ("markdown", String(repeating: "a", count: 10_000)),
            ])
            let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .origin: "http://127.0.0.1:8080"]
            // When it posts text to an editor, even with a same-origin Origin
            let forged = try await client.execute(uri: "/wiki/X/edit", method: .post, headers: headers, body: ByteBuffer(string: form))
            // Then nothing is kept
            #expect(forged.status == .forbidden)
            #expect(try draftCount() == 0)

            // Given a token this node did issue (from the sign-in form)
            var browser = BrowserSession()
            try await browser.get(client, "/login")
            // When the text is larger than a page may be
            let huge = try await browser.post(client, "/wiki/X/edit", [("markdown", String(repeating: "a", count: 3_400_000))])
            // Then it is refused, and nothing is kept
            #expect(huge.status == .contentTooLarge)
            #expect(huge.text.contains("larger than a page"))
            #expect(try draftCount() == 0)

            // When many fresh browsers from one network each keep a page-sized draft
            for _ in 0..<30 {
                var fresh = BrowserSession()
                try await fresh.get(client, "/login")
                let kept = try await fresh.post(client, "/wiki/X/edit", [("markdown", String(repeating: "b", count: 900_000))])
                #expect(kept.status == .seeOther)
            }
            // Then that network holds at most its share: 20 drafts and 4 MB
            let limits = DraftLimits()
            #expect(try draftCount() <= limits.perNetwork)
            let bytes = try DatabaseFile(database).read { try Int.fetchOne($0, sql: "SELECT SUM(byteCount) FROM draft") } ?? 0
            #expect(bytes <= limits.bytesPerNetwork)
            #expect(try draftCount() >= 1)
        }
    }
}
