import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WikinodeCore
import WikinodeTesting
import _CryptoExtras

/// What the fediverse reads of a node: WebFinger, the actor with its RSA key, the outbox, the
/// followers, and a post's permanent address answering its `Article`.
@Suite struct ActivityPubDiscoveryTests {
    let node: TestNode
    let database: WikiDatabase
    let now = Date()
    static let activityJSON: HTTPFields = [.accept: "application/activity+json"]

    init() throws {
        node = try TestNode(baseURL: "https://wiki.example:8443")
        database = try node.database()
        try database.addUser(named: "Alice", password: "the owner's secret", hasher: PasswordHasher(costLog2: 10))
        try database.addUser(named: "bob", password: "another long secret", hasher: PasswordHasher(costLog2: 10))
    }

    func post(_ title: String, _ markdown: String, _ settings: PostSettings, inReplyTo: [String]? = nil) throws {
        let pageTitle = try PageTitle(title)
        try database.savePage(PageEdit(title: pageTitle, markdown: markdown, author: "Alice", inReplyTo: inReplyTo))
        try database.publish(pageTitle, as: settings, now: now)
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])
    }

    @Test func webFingerFindsTheOwnerAndNobodyElse() async throws {
        try await node.test { client in
            for resource in [
                "acct:Alice@wiki.example:8443", "acct:alice@WIKI.example:8443", "acct:@alice@wiki.example:8443", "https://wiki.example:8443/actor",
                "https://wiki.example:8443/", "https://wiki.example:8443/@Alice",
            ] {
                let found = try await client.execute(uri: "/.well-known/webfinger?resource=" + URLEncoding.component(resource), method: .get)
                #expect(found.status == .ok, "\(resource)")
                #expect(found.headers[.contentType] == "application/jrd+json")
                #expect(found.headers[.accessControlAllowOrigin] == "*")
                let document = try Self.json(found)
                #expect(document["subject"] as? String == "acct:Alice@wiki.example:8443")
                let links = try #require(document["links"] as? [[String: String]])
                #expect(
                    links.contains {
                        $0["rel"] == "self" && $0["type"] == "application/activity+json" && $0["href"] == "https://wiki.example:8443/actor"
                    })
            }
            // Another account, another host, another port: 404, saying which address is here.
            for resource in ["acct:bob@wiki.example:8443", "acct:alice@wiki.example", "acct:alice@other.example:8443", "https://other.example/actor"]
            {
                let missing = try await client.execute(uri: "/.well-known/webfinger?resource=" + URLEncoding.component(resource), method: .get)
                #expect(missing.status == .notFound, "\(resource)")
                #expect(missing.text.contains("acct:Alice@wiki.example:8443"))
            }
            // No resource, an acct: without a host, one far too long, bad percent-encoding: 400.
            for query in [
                "", "?resource=", "?resource=acct:alice", "?resource=acct:" + String(repeating: "a", count: 600) + "@wiki.example:8443",
                "?resource=%FF",
            ] {
                let bad = try await client.execute(uri: "/.well-known/webfinger" + query, method: .get)
                #expect(bad.status == .badRequest, "\(query.prefix(40))")
            }
        }
    }

    @Test func nodeInfoSaysWhatTheNodeRunsAndSpeaks() async throws {
        try await node.test { client in
            let discovery = try Self.json(try await client.execute(uri: "/.well-known/nodeinfo", method: .get))
            let link = try #require((discovery["links"] as? [[String: String]])?.first)
            #expect(link["rel"] == "http://nodeinfo.diaspora.software/ns/schema/2.1")
            #expect(link["href"] == "https://wiki.example:8443/nodeinfo/2.1")
            let answer = try await client.execute(uri: "/nodeinfo/2.1", method: .get)
            #expect(answer.headers[.contentType] == #"application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#""#)
            let info = try Self.json(answer)
            #expect(info["version"] as? String == "2.1")
            #expect((info["software"] as? [String: String])?["name"] == "wikinode")
            #expect(info["protocols"] as? [String] == ["activitypub"])
            #expect(info["openRegistrations"] as? Bool == false)
            #expect(((info["usage"] as? [String: Any])?["users"] as? [String: Int])?["total"] == 1)
        }
    }

    @Test func aNodeWithoutAnOwnerHasNoAddressYet() async throws {
        let empty = try TestNode(baseURL: "https://empty.example")
        try await empty.test { client in
            let finger = try await client.execute(uri: "/.well-known/webfinger?resource=acct:anyone@empty.example", method: .get)
            #expect(finger.status == .notFound)
            #expect(finger.text.contains("no owner"))
            #expect(try await client.execute(uri: "/actor", method: .get, headers: Self.activityJSON).status == .notFound)
            #expect(!(try await client.execute(uri: "/", method: .get).text.contains("fediverse")))
        }
    }

    @Test func theActorIsAPersonWithAnRSAKeyThatLasts() async throws {
        try database.setSetting("description", to: "Notes on <wikis> & webs.\nSecond line.")
        try database.setSetting("icon", to: "https://wiki.example:8443/static/favicon.svg")
        let first = try await node.test { client in
            let answer = try await client.execute(uri: "/actor", method: .get, headers: Self.activityJSON)
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType] == "application/activity+json; charset=utf-8")
            #expect(answer.headers[.vary] == "Accept")
            let actor = try Self.json(answer)
            #expect(actor["type"] as? String == "Person")
            #expect(actor["id"] as? String == "https://wiki.example:8443/actor")
            #expect(actor["preferredUsername"] as? String == "Alice")
            #expect(actor["url"] as? String == "https://wiki.example:8443/")
            #expect(actor["summary"] as? String == "<p>Notes on &lt;wikis&gt; &amp; webs.<br>Second line.</p>")
            for (field, path) in [
                ("inbox", "/actor/inbox"), ("outbox", "/actor/outbox"), ("followers", "/actor/followers"), ("following", "/actor/following"),
            ] {
                #expect(actor[field] as? String == "https://wiki.example:8443" + path)
            }
            #expect((actor["endpoints"] as? [String: String])?["sharedInbox"] == "https://wiki.example:8443/actor/inbox")
            #expect((actor["icon"] as? [String: String])?["url"] == "https://wiki.example:8443/static/favicon.svg")
            let context = try #require(actor["@context"] as? [Any])
            #expect(context.first as? String == "https://www.w3.org/ns/activitystreams")
            let key = try #require(actor["publicKey"] as? [String: String])
            #expect(key["id"] == "https://wiki.example:8443/actor#main-key")
            #expect(key["owner"] == "https://wiki.example:8443/actor")
            let pem = try #require(key["publicKeyPem"])
            #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----"))
            #expect(try _RSA.Signing.PublicKey(pemRepresentation: pem).keySizeInBits == 2048)

            // The ld+json form with the ActivityStreams profile is the same; a browser goes to the front page.
            let ld = try await client.execute(
                uri: "/actor", method: .get, headers: [.accept: #"application/ld+json; profile="https://www.w3.org/ns/activitystreams""#])
            #expect(try Self.json(ld)["id"] as? String == "https://wiki.example:8443/actor")
            let browser = try await client.execute(uri: "/actor", method: .get, headers: [.accept: "text/html,application/xhtml+xml,*/*;q=0.8"])
            #expect(browser.status == .seeOther)
            #expect(browser.headers[.location] == "/")
            return pem
        }
        // The key is kept in the data directory, readable by the owner only, and stays.
        let file = node.configuration.dataDirectory.actorKeyFile
        let permissions = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        let again = try await node.test { client in
            try #require(
                try Self.json(try await client.execute(uri: "/actor", method: .get, headers: Self.activityJSON))["publicKey"] as? [String: String])[
                    "publicKeyPem"]
        }
        #expect(again == first)
        // The front page gives the address.
        let front = try await node.test { client in try await client.execute(uri: "/", method: .get).text }
        #expect(front.contains("<strong>@Alice@wiki.example:8443</strong>"))
    }

    @Test func badProfileSettingsAreRefused() throws {
        for (key, value) in [("icon", "javascript:alert(1)"), ("icon", "/relative.png"), ("description", String(repeating: "x", count: 501))] {
            #expect(throws: WikiError.self) { try database.setSetting(key, to: value) }
        }
        #expect(try database.settings().icon.isEmpty)
    }

    @Test func postsAreArticlesAtTheirPermanentAddresses() async throws {
        try post(
            "Hello Fediverse", "See [[Welcome]] and <script>alert(1)</script>.",
            PostSettings(publishedAt: now.addingTimeInterval(-60), tags: ["Swift", "wikis"]),
            inReplyTo: ["https://elsewhere.example/notes/1"])
        try post("Secret Draft", "not yet", PostSettings(status: .draft))
        try post("Later", "not yet either", PostSettings(publishedAt: now.addingTimeInterval(86_400)))
        guard case .found(let page) = try database.lookup(try PageTitle("Hello Fediverse")),
            let permalink = try database.post(of: page)?.post.permalinkPath
        else { throw WikiError.notFound("the post") }
        try await node.test { client in
            let answer = try await client.execute(uri: permalink, method: .get, headers: Self.activityJSON)
            #expect(answer.status == .ok)
            #expect(answer.headers[.vary] == "Accept")
            let article = try Self.json(answer)
            let url = "https://wiki.example:8443" + permalink
            #expect(article["type"] as? String == "Article")
            #expect(article["id"] as? String == url && article["url"] as? String == url)
            #expect(article["name"] as? String == "Hello Fediverse")
            #expect(article["attributedTo"] as? String == "https://wiki.example:8443/actor")
            #expect(article["to"] as? [String] == ["https://www.w3.org/ns/activitystreams#Public"])
            #expect(article["cc"] as? [String] == ["https://wiki.example:8443/actor/followers"])
            #expect(article["inReplyTo"] as? String == "https://elsewhere.example/notes/1")
            let content = try #require(article["content"] as? String)
            #expect(content.contains(#"href="https://wiki.example:8443/wiki/Welcome""#), "links are absolute")
            #expect(!content.contains("<script"))
            let tags = try #require(article["tag"] as? [[String: String]])
            #expect(tags.contains { $0["type"] == "Hashtag" && $0["name"] == "#Swift" && $0["href"] == "https://wiki.example:8443/tags/swift" })
            #expect(article["published"] as? String == ActivityDate.format(now.addingTimeInterval(-60)))

            // The same address is HTML to a browser, and says it varies with Accept.
            let html = try await client.execute(uri: permalink, method: .get)
            #expect(html.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(html.headers[.vary] == "Accept, Cookie")
            #expect(html.headers[.eTag] != answer.headers[.eTag])

            // Drafts and posts scheduled later are not there for the fediverse.
            for title in ["Secret Draft", "Later"] {
                guard case .found(let hidden) = try database.lookup(try PageTitle(title)),
                    let path = try database.post(of: hidden)?.post.permalinkPath
                else { continue }
                #expect(try await client.execute(uri: path, method: .get, headers: Self.activityJSON).status == .notFound, "\(title)")
            }

            // The outbox lists the visible post as a Create; the followers and following are counted.
            let outbox = try Self.json(try await client.execute(uri: "/actor/outbox", method: .get, headers: Self.activityJSON))
            #expect(outbox["type"] as? String == "OrderedCollection")
            #expect(outbox["totalItems"] as? Int == 1)
            let items = try #require(outbox["orderedItems"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["type"] as? String == "Create")
            #expect(items.first?["actor"] as? String == "https://wiki.example:8443/actor")
            #expect((items.first?["object"] as? [String: Any])?["id"] as? String == url)
            let followers = try Self.json(try await client.execute(uri: "/actor/followers", method: .get, headers: Self.activityJSON))
            #expect(followers["totalItems"] as? Int == 0)
            let following = try Self.json(try await client.execute(uri: "/actor/following", method: .get, headers: Self.activityJSON))
            #expect(following["totalItems"] as? Int == 0)
        }
    }

    @Test(arguments: [
        ("application/activity+json", true), (#"application/ld+json; profile="https://www.w3.org/ns/activitystreams""#, true),
        ("application/ld+json", true), (#"application/ld+json; profile="https://example.org/other""#, false),
        ("text/html, application/activity+json;q=0.5", false), ("text/html;q=0.5, application/activity+json", true), ("*/*", false),
        ("", false), ("application/json", false),
    ])
    func acceptHeadersAreNegotiated(accept: String, wantsActivity: Bool) async throws {
        try await node.test { client in
            let answer = try await client.execute(uri: "/actor", method: .get, headers: accept.isEmpty ? [:] : [.accept: accept])
            #expect(answer.status == (wantsActivity ? .ok : .seeOther), "\(accept)")
        }
    }
}
