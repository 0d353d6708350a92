import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WikinodeCore
import WikinodeTesting

@testable import WikinodeServer

/// Editing while the page moves underneath: renames, deletions, conflicts with other changes.
@Suite struct EditingEdgeCaseTests {
    let node: TestNode
    let database: WikiDatabase

    init() throws {
        node = try TestNode()
        database = try node.database()
        try database.addUser(named: "alice", password: "alice's long secret", hasher: PasswordHasher(costLog2: 10))
        try database.savePage(PageEdit(title: try PageTitle("Shared"), markdown: "one\ntwo\nthree\nfour\nfive\n", author: "seed"))
    }

    func current(_ title: String) throws -> String {
        guard case .found(let page) = try database.lookup(try PageTitle(title)) else { return "<missing>" }
        return try database.currentMarkdown(of: page)
    }

    func openEditor(_ client: any TestClientProtocol) async throws -> (BrowserSession, String) {
        var browser = BrowserSession()
        _ = try await browser.signIn(client, name: "alice", password: "alice's long secret")
        let form = try await browser.get(client, "/wiki/Shared/edit")
        return (browser, try #require(BrowserSession.hiddenValue(named: "baseRevision", in: form.text)))
    }

    @Test func aConflictKeepsTheOtherChangesThatDoNotClash() async throws {
        try await node.test { client in
            var (browser, base) = try await openEditor(client)
            try await database.savePage(PageEdit(title: try PageTitle("Shared"), markdown: "ONE\ntwo\ntheirs\nfour\nfive\n", author: "bob"))
            let conflict = try await browser.post(
                client, "/wiki/Shared/edit", [("markdown", "one\ntwo\nmine\nfour\nFIVE\n"), ("baseRevision", base)])
            #expect(conflict.status == .conflict)
            #expect(conflict.text.contains("ONE\ntwo\nmine\nfour\nFIVE\n</textarea>"), "their ONE merged in, all of mine kept")
            let newBase = try #require(BrowserSession.hiddenValue(named: "baseRevision", in: conflict.text))
            _ = try await browser.post(
                client, "/wiki/Shared/edit", [("markdown", "ONE\ntwo\nmine and theirs\nfour\nFIVE\n"), ("baseRevision", newBase)])
            #expect(try current("Shared") == "ONE\ntwo\nmine and theirs\nfour\nFIVE\n")
        }
    }

    @Test func savingUnderATitleRenamedMeanwhileKeepsTheForm() async throws {
        try await node.test { client in
            var (browser, base) = try await openEditor(client)
            try database.renamePage(try PageTitle("Shared"), to: try PageTitle("Moved"), author: "bob")
            let response = try await browser.post(client, "/wiki/Shared/edit", [("markdown", "typed\n"), ("baseRevision", base)])
            #expect(response.status == .temporaryRedirect, "307 keeps the method and the body")
            #expect(response.headers[.location] == "/wiki/Moved/edit")
        }
    }

    @Test func savingAPageDeletedMeanwhileShowsAConflictWithTheTextIntact() async throws {
        try await node.test { client in
            var (browser, base) = try await openEditor(client)
            try database.deletePage(try PageTitle("Shared"), author: "bob")
            let response = try await browser.post(client, "/wiki/Shared/edit", [("markdown", "still mine\n"), ("baseRevision", base)])
            #expect(response.status == .conflict)
            #expect(response.text.contains("still mine\n</textarea>"))
            let newBase = try #require(BrowserSession.hiddenValue(named: "baseRevision", in: response.text))
            let saved = try await browser.post(client, "/wiki/Shared/edit", [("markdown", "still mine\n"), ("baseRevision", newBase)])
            #expect(saved.status == .seeOther)
            #expect(try current("Shared") == "still mine\n")
        }
    }

    @Test func visitorsGetATokenCookieAndNoSessionRow() async throws {
        try await node.test { client in
            var visitor = BrowserSession()
            let login = try await visitor.get(client, "/login")
            #expect(visitor.cookies["wikinode_csrf"] != nil)
            #expect(visitor.cookie == nil)
            #expect(login.headers[.vary]?.contains("Cookie") == true)
            try database.setSetting("editPolicy", to: "anyone")
            let editor = try await visitor.get(client, "/wiki/Shared/edit")
            let base = try #require(BrowserSession.hiddenValue(named: "baseRevision", in: editor.text))
            let sessions = try DatabaseFile(database).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM session") }
            #expect(sessions == 0, "reading forms writes nothing")
            // A form token this node never made for this browser keeps nothing (anyone could
            // send one), while the token it did make saves as usual.
            let issued = try #require(visitor.csrfToken)
            let forged = try await visitor.post(
                client, "/wiki/Shared/edit", [("markdown", "visitor text\n"), ("name", "Carol"), ("csrf", "stale-token-from-before")])
            #expect(forged.status == .forbidden)
            #expect(try DatabaseFile(database).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM draft") } == 0)
            let saved = try await visitor.post(
                client, "/wiki/Shared/edit", [("markdown", "visitor text\n"), ("name", "Carol"), ("csrf", issued), ("baseRevision", base)])
            #expect(saved.headers[.location] == "/wiki/Shared")
            #expect(try current("Shared") == "visitor text\n")
        }
    }

    @Test func anonymousViewsArePublicForAFewSecondsAndOwnViewsPrivate() async throws {
        let shared = "public, max-age=0, s-maxage=5, stale-while-revalidate=30"
        try await node.test { client in
            // Anonymous readers' pages, feeds and 304s may be kept by a shared cache briefly
            for uri in ["/wiki/Shared", "/feed.atom", "/recent", "/shared.json"] {
                let anonymous = try await client.execute(uri: uri, method: .get)
                #expect(anonymous.status == .ok, "\(uri)")
                #expect(anonymous.headers[.cacheControl] == shared, "\(uri)")
                #expect(anonymous.headers[.vary] == "Cookie", "\(uri)")
                let etag = try #require(anonymous.headers[.eTag])
                let revalidated = try await client.execute(uri: uri, method: .get, headers: [.ifNoneMatch: etag])
                #expect(revalidated.status == .notModified, "\(uri)")
                #expect(revalidated.headers[.cacheControl] == shared && revalidated.headers[.vary] == "Cookie", "\(uri)")
                // A cookie of some other site on the same host changes nothing
                let foreign = try await client.execute(uri: uri, method: .get, headers: [.cookie: "_ga=GA1.1.1"])
                #expect(foreign.headers[.cacheControl] == shared, "\(uri)")
            }
            // A signed-in visitor's page, and its 304, are private
            var (browser, _) = try await openEditor(client)
            let page = try await browser.get(client, "/wiki/Shared")
            #expect(page.headers[.cacheControl] == "private, no-cache")
            let etag = try #require(page.headers[.eTag])
            var conditional = browser.headers()
            conditional[.ifNoneMatch] = etag
            let revalidated = try await client.execute(uri: "/wiki/Shared", method: .get, headers: conditional)
            #expect(revalidated.status == .notModified)
            #expect(revalidated.headers[.cacheControl] == "private, no-cache")
            // So is a page for a browser that holds only a form token or a draft, valid or not
            for cookie in ["wikinode_csrf=0123456789abcdef0123456789abcdef0123", "wikinode_draft=x", "wikinode_session=expired"] {
                let own = try await client.execute(uri: "/wiki/Shared", method: .get, headers: [.cookie: cookie])
                #expect(own.headers[.cacheControl] == "private, no-cache", "\(cookie)")
            }
            let anonymous = try await client.execute(uri: "/wiki/Shared", method: .get)
            #expect(anonymous.headers[.cacheControl] == shared)
            #expect(!anonymous.text.contains(#"<span class="signed-in">alice</span>"#), "the signed-in page is not served to others")
        }
    }
}

@Suite struct LoginRateLimiterTests {
    @Test(arguments: [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::9", "2001:db8:1:2::/64"),
        ("2001:db8::1", "2001:db8:0:0::/64"),
        // IPv4 clients of a node listening on `::` are each their own address.
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("::FFFF:198.51.100.1", "198.51.100.1"),
    ])
    func limitsIPv6ByNetwork(address: String, key: String) {
        #expect(LoginRateLimiter.key(for: address) == key)
    }
}
