import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WikinodeCore
import WikinodeTesting

/// Editing in the browser, through the router: sign-in, CSRF, permissions, conflicts, drafts.
@Suite struct EditingTests {
    let node: TestNode
    let database: WikiDatabase
    static let cheap = PasswordHasher(costLog2: 10)

    init() throws {
        node = try TestNode()
        database = try node.database()
        try database.addUser(named: "alice", password: "alice's long secret", hasher: Self.cheap)
        try database.addUser(named: "bob", password: "bob's long secret", hasher: Self.cheap)
        try database.savePage(PageEdit(title: try PageTitle("Shared"), markdown: "one\ntwo\nthree\nfour\nfive\n", author: "seed"))
    }

    func current(_ title: String) throws -> String {
        guard case .found(let page) = try database.lookup(try PageTitle(title)) else { return "<missing>" }
        return try database.currentMarkdown(of: page)
    }

    func revisionCount() throws -> Int64 { try database.latestChangeSeq() }

    @Test func signInEditSaveAndSeeHistory() async throws {
        try await node.test { client in
            var browser = BrowserSession()
            let signedIn = try await browser.signIn(client, name: "Alice", password: "alice's long secret")
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.setCookie]?.contains("HttpOnly") == true)
            #expect(signedIn.headers[.setCookie]?.contains("SameSite=Lax") == true)

            let form = try await browser.get(client, "/wiki/Shared/edit")
            #expect(form.status == .ok)
            #expect(form.text.contains("one\ntwo\nthree"))
            let base = try #require(BrowserSession.hiddenValue(named: "baseRevision", in: form.text))

            let saved = try await browser.post(
                client, "/wiki/Shared/edit",
                [("markdown", "one\r\nTWO\r\nthree\r\nfour\r\nfive\r\n"), ("summary", "shout"), ("baseRevision", base), ("action", "save")])
            #expect(saved.status == .seeOther)
            #expect(saved.headers[.location] == "/wiki/Shared")
            #expect(try current("Shared") == "one\nTWO\nthree\nfour\nfive\n")

            let page = try await browser.get(client, "/wiki/Shared")
            #expect(page.text.contains(#"by <span class="p-author h-card">alice</span>"#))
            #expect(page.text.contains(#"<span class="signed-in">alice</span>"#))
            let history = try await browser.get(client, "/wiki/Shared/history")
            #expect(history.text.contains("shout"))
        }
    }

    @Test func wrongPasswordsAreRefusedAndRateLimited() async throws {
        try await node.test { client in
            var browser = BrowserSession()
            let wrong = try await browser.signIn(client, name: "alice", password: "not the password")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("do not match"))
            for _ in 0..<9 { _ = try await browser.post(client, "/login", [("name", "alice"), ("password", "guess")]) }
            let limited = try await browser.post(client, "/login", [("name", "alice"), ("password", "alice's long secret")])
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
        }
    }

    @Test func formsWithoutTheTokenOrFromElsewhereChangeNothing() async throws {
        try await node.test { client in
            var browser = BrowserSession()
            _ = try await browser.signIn(client, name: "alice", password: "alice's long secret")
            let form = try await browser.get(client, "/wiki/Shared/edit")
            let base = try #require(BrowserSession.hiddenValue(named: "baseRevision", in: form.text))
            let before = try revisionCount()

            let noToken = try await browser.post(client, "/wiki/Shared/edit", [("markdown", "hacked"), ("baseRevision", base)], csrf: false)
            #expect(noToken.status == .forbidden)

            var foreign = browser
            foreign.origin = "https://evil.example"
            let crossSite = try await foreign.post(client, "/wiki/Shared/edit", [("markdown", "hacked"), ("baseRevision", base)])
            #expect(crossSite.status == .forbidden)

            let badToken = try await browser.post(client, "/wiki/Shared/revert", [("revision", base), ("csrf", "forged")])
            #expect(badToken.status == .forbidden)
            let logout = try await foreign.post(client, "/logout", [])
            #expect(logout.status == .forbidden)

            #expect(try revisionCount() == before)
            #expect(try current("Shared") == "one\ntwo\nthree\nfour\nfive\n")
        }
    }

    @Test func editPolicies() async throws {
        try await node.test { client in
            // accounts (the default): visitors are sent to sign in
            var visitor = BrowserSession()
            let redirect = try await visitor.get(client, "/wiki/Shared/edit")
            #expect(redirect.status == .seeOther)
            #expect(redirect.headers[.location]?.hasPrefix("/login?return=") == true)

            // owner: bob is not the owner
            try database.setSetting("editPolicy", to: "owner")
            var bob = BrowserSession()
            _ = try await bob.signIn(client, name: "bob", password: "bob's long secret")
            #expect(try await bob.get(client, "/wiki/Shared/edit").status == .forbidden)
            var alice = BrowserSession()
            _ = try await alice.signIn(client, name: "alice", password: "alice's long secret")
            let ownerForm = try await alice.get(client, "/wiki/Shared/edit")
            #expect(ownerForm.status == .ok)
            let base = try #require(BrowserSession.hiddenValue(named: "baseRevision", in: ownerForm.text))
            _ = try await bob.get(client, "/login")
            let bobSave = try await bob.post(client, "/wiki/Shared/edit", [("markdown", "bob was here"), ("baseRevision", base)])
            #expect(bobSave.status == .forbidden)

            // anyone: a visitor gives a name
            try database.setSetting("editPolicy", to: "anyone")
            let open = try await visitor.get(client, "/wiki/Shared/edit")
            #expect(open.status == .ok)
            #expect(open.text.contains(#"name="name""#))
            let nameless = try await visitor.post(client, "/wiki/Shared/edit", [("markdown", "anon"), ("baseRevision", base), ("name", "")])
            #expect(nameless.status == .badRequest)
            #expect(nameless.text.contains("anon"), "the text stays in the form")
            let named = try await visitor.post(client, "/wiki/Shared/edit", [("markdown", "anon\n"), ("baseRevision", base), ("name", "Carol")])
            #expect(named.status == .seeOther)
            #expect(
                try database.history(of: try #require({ if case .found(let p) = try database.lookup(try PageTitle("Shared")) { p } else { nil } }()))
                    .first?.author == "Carol (not signed in)")
        }
    }

    @Test func nonOverlappingEditsMergeAndOverlappingOnesConflict() async throws {
        try await node.test { client in
            var first = BrowserSession()
            var second = BrowserSession()
            _ = try await first.signIn(client, name: "alice", password: "alice's long secret")
            _ = try await second.signIn(client, name: "bob", password: "bob's long secret")
            let base = try #require(BrowserSession.hiddenValue(named: "baseRevision", in: try await first.get(client, "/wiki/Shared/edit").text))
            _ = try await second.get(client, "/wiki/Shared/edit")

            // Alice changes the first line; Bob, from the same base, the last: both survive.
            _ = try await first.post(client, "/wiki/Shared/edit", [("markdown", "ONE\ntwo\nthree\nfour\nfive\n"), ("baseRevision", base)])
            let merged = try await second.post(client, "/wiki/Shared/edit", [("markdown", "one\ntwo\nthree\nfour\nFIVE\n"), ("baseRevision", base)])
            #expect(merged.status == .seeOther)
            #expect(try current("Shared") == "ONE\ntwo\nthree\nfour\nFIVE\n")

            // Now both change the middle line from the same base: a conflict, nothing saved.
            let base2 = try #require(BrowserSession.hiddenValue(named: "baseRevision", in: try await first.get(client, "/wiki/Shared/edit").text))
            _ = try await first.post(client, "/wiki/Shared/edit", [("markdown", "ONE\ntwo\nalice's three\nfour\nFIVE\n"), ("baseRevision", base2)])
            let before = try revisionCount()
            let conflict = try await second.post(
                client, "/wiki/Shared/edit", [("markdown", "ONE\ntwo\nbob's three\nfour\nFIVE\n"), ("baseRevision", base2), ("summary", "mine")])
            #expect(conflict.status == .conflict)
            #expect(try revisionCount() == before)
            #expect(conflict.text.contains("Someone else changed this page"))
            #expect(conflict.text.contains("ONE\ntwo\nbob&#39;s three\nfour\nFIVE\n</textarea>"), "their text intact in the editor")
            #expect(conflict.text.contains("alice&#39;s three"), "the other change is shown")
            let newBase = try #require(BrowserSession.hiddenValue(named: "baseRevision", in: conflict.text))
            #expect(newBase != base2)

            // Resolving and saving against the new base works.
            let resolved = try await second.post(
                client, "/wiki/Shared/edit", [("markdown", "ONE\ntwo\nalice's and bob's three\nfour\nFIVE\n"), ("baseRevision", newBase)])
            #expect(resolved.status == .seeOther)
            #expect(try current("Shared").contains("alice's and bob's three"))
        }
    }

    @Test func hostileFormsAreRefusedAndKeepTheText() async throws {
        try await node.test { client in
            var browser = BrowserSession()
            _ = try await browser.signIn(client, name: "alice", password: "alice's long secret")
            let base = try #require(BrowserSession.hiddenValue(named: "baseRevision", in: try await browser.get(client, "/wiki/Shared/edit").text))
            let before = try revisionCount()
            #expect(try await browser.post(client, "/wiki/Shared/edit", [("markdown", "x"), ("baseRevision", "abc")]).status == .badRequest)
            #expect(try await browser.post(client, "/wiki/Shared/edit", [("baseRevision", base)]).status == .badRequest)
            let forged = try await browser.post(client, "/wiki/Shared/edit", [("markdown", "x"), ("baseRevision", "999999")])
            #expect(forged.status == .badRequest)
            let control = try await browser.post(client, "/wiki/Shared/edit", [("markdown", "bell \u{7} text"), ("baseRevision", base)])
            #expect(control.status == .badRequest)
            #expect(control.text.contains("control character"))
            #expect(control.text.contains("bell"), "the text comes back in the form")
            let huge = try await browser.post(
                client, "/wiki/Shared/edit", [("markdown", String(repeating: "x", count: 1_200_000)), ("baseRevision", base)])
            #expect(huge.status == .badRequest)
            var headers = browser.headers()
            headers[.contentType] = "application/x-www-form-urlencoded"
            headers[.origin] = browser.origin
            var invalid = ByteBuffer(string: "csrf=\(browser.csrfToken ?? "")&markdown=")
            invalid.writeBytes([0xFF, 0xFE])
            #expect(try await client.execute(uri: "/wiki/Shared/edit", method: .post, headers: headers, body: invalid).status == .badRequest)
            let oversized = ByteBuffer(repeating: UInt8(ascii: "a"), count: 4_000_000)
            #expect(try await client.execute(uri: "/wiki/Shared/edit", method: .post, headers: headers, body: oversized).status == .contentTooLarge)
            #expect(try revisionCount() == before)
        }
    }

    @Test func previewRevertCreateAndSignOut() async throws {
        try await node.test { client in
            var browser = BrowserSession()
            _ = try await browser.signIn(client, name: "alice", password: "alice's long secret")
            _ = try await browser.get(client, "/wiki/Brand_New/edit")
            let preview = try await browser.post(client, "/wiki/Brand_New/preview", [("markdown", "*hi* [[Shared]] <script>x</script>")])
            #expect(preview.status == .ok)
            #expect(preview.text.contains("<em>hi</em>"))
            #expect(preview.text.contains(#"<a class="wikilink" href="/wiki/Shared">"#))
            #expect(!preview.text.contains("<script>"))
            let noJS = try await browser.post(client, "/wiki/Brand_New/edit", [("markdown", "*hi*"), ("baseRevision", ""), ("action", "preview")])
            #expect(noJS.text.contains("<em>hi</em>"))
            #expect(try current("Brand New") == "<missing>")

            let created = try await browser.post(client, "/wiki/Brand_New/edit", [("markdown", "first"), ("baseRevision", ""), ("action", "save")])
            #expect(created.status == .seeOther)
            guard case .found(let page) = try database.lookup(try PageTitle("Brand New")) else {
                Issue.record("not created")
                return
            }
            let firstRevision = page.revisionId
            try await database.savePage(PageEdit(title: try PageTitle("Brand New"), markdown: "second", author: "bob"))
            let old = try await browser.get(client, "/wiki/Brand_New/rev/\(firstRevision)")
            #expect(old.text.contains("Revert to this revision"))
            let reverted = try await browser.post(client, "/wiki/Brand_New/revert", [("revision", "\(firstRevision)")])
            #expect(reverted.status == .seeOther)
            #expect(try current("Brand New") == "first")

            _ = try await browser.get(client, "/logout")
            let out = try await browser.post(client, "/logout", [])
            #expect(out.status == .seeOther)
            #expect(browser.cookie == nil)
            #expect(try await browser.get(client, "/wiki/Shared/edit").status == .seeOther)
        }
    }
}
