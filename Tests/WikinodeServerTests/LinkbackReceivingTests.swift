import Foundation
import Testing
import WikinodeCore
import WikinodeNetwork
import WikinodeTesting

/// Receiving: Webmention, Pingback and Trackback verified and moderated.
extension LinkbackTests {
    static func form(_ fields: [(String, String)]) -> Data {
        Data(fields.map { "\($0.0)=\(URLEncoding.component($0.1))" }.joined(separator: "&").utf8)
    }

    static func webmention(_ node: NodeCluster.Node, source: String, target: String) async throws -> NodeCluster.Reply {
        try await NodeCluster.request(
            node.url + "/webmention", method: .POST, headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: form([("source", source), ("target", target)]))
    }

    static func mention(_ node: NodeCluster.Node, source: String) throws -> Mention? {
        try node.database().allReceivedMentions().map(\.mention).first { $0.sourceURL == source }
    }

    static func settled(_ node: NodeCluster.Node, source: String) async throws -> Mention? {
        // Settled: no check due before the weekly one.
        _ = try await NodeCluster.waitUntil(timeout: .seconds(10)) {
            try Self.mention(node, source: source).map { $0.nextAttemptAt.map { $0 > Date() + 86_400 } ?? true } ?? false
        }
        return try Self.mention(node, source: source)
    }

    @Test func receivedWebmentionsAreVerifiedBeforeTheyShow() async throws {
        try await LinkbackTestSite.run { site in
            try await NodeCluster.run(count: 1) { cluster in
                let node = cluster[0]
                let target = node.url + "/wiki/Welcome"
                site.setSource(
                    "/source/links",
                    html: """
                        <html><head><title>A reply</title></head><body>
                        <article class="h-entry"><h1 class="p-name">Thoughts on the welcome page</h1>
                        <a class="p-author h-card" href="https://alice.example/">Alice <script>alert(1)</script></a>
                        <div class="e-content">I read <a href="\(target)">the welcome page</a> and liked it.</div>
                        <time class="dt-published" datetime="2026-11-01T10:00:00Z">1 Nov</time></article></body></html>
                        """)
                site.setSource("/source/nolink", html: "<html><body><p>No link to \(target) here, only text.</p></body></html>")
                site.setSource("/source/gone", status: 410, html: "gone")

                // Checked at once: 400 with a reason.
                for (source, target, reason) in [
                    ("not a url", target, "source"), (site.url + "/source/links", "ftp://x/y", "target"), (target, target, "same"),
                    (site.url + "/source/links", node.url + "/wiki/No_Such_Page", "not a page"),
                    (site.url + "/source/links", "https://elsewhere.example/wiki/Welcome", "not a page"),
                    (site.url + "/source/links", node.url + "/wiki/a%00b", "not a page"),
                    (String(repeating: "h", count: 3000), target, "source"),
                ] {
                    let reply = try await Self.webmention(node, source: source, target: target)
                    #expect(reply.status == 400, "\(source.prefix(40)) → \(target)")
                    #expect(reply.body.contains(reason), "\(reply.body)")
                }
                #expect(
                    try await NodeCluster.request(
                        node.url + "/webmention", method: .POST, headers: [("Content-Type", "text/plain")], body: Data("x".utf8)
                    ).status == 415)
                #expect(try node.database().allReceivedMentions().isEmpty)

                // Queued, verified, shown with what the source's microformats say; text escaped.
                let accepted = try await Self.webmention(node, source: site.url + "/source/links", target: target + "#comments")
                #expect(accepted.status == 202)
                let verified = try #require(try await Self.settled(node, source: site.url + "/source/links"))
                #expect(verified.status == .verified && verified.moderation == .approved)
                #expect(verified.title == "Thoughts on the welcome page")
                #expect(verified.authorName.hasPrefix("Alice"))
                #expect(verified.authorURL == "https://alice.example/")
                #expect(verified.excerpt.contains("liked it"))
                #expect(verified.nextAttemptAt.map { $0 > Date() + 6 * 86_400 } == true, "checked again in a week")
                let page = try await NodeCluster.request(target)
                #expect(page.body.contains("Mentioned on the web"))
                #expect(page.body.contains("Thoughts on the welcome page"))
                #expect(!page.body.contains("<script>alert(1)</script>"))
                // Advertised on every page.
                #expect(
                    page.header("Link")?.contains("<\(node.url)/webmention>; rel=\"webmention\"") == true
                        || page.headers.contains { $0.0.lowercased() == "link" && $0.1.contains("rel=\"webmention\"") })
                #expect(page.header("X-Pingback") == node.url + "/pingback")
                #expect(page.body.contains("<link rel=\"webmention\" href=\"\(node.url)/webmention\">"))
                #expect(page.body.contains("trackback:ping=\"\(node.url)/trackback/Welcome\""))

                // A source that does not link, or is gone, is not shown.
                #expect(try await Self.webmention(node, source: site.url + "/source/nolink", target: target).status == 202)
                #expect(try await Self.settled(node, source: site.url + "/source/nolink")?.status == .rejected)
                #expect(try await Self.webmention(node, source: site.url + "/source/gone", target: target).status == 202)
                #expect(try await Self.settled(node, source: site.url + "/source/gone")?.status == .rejected)
                #expect(try await Self.webmention(node, source: site.url + "/source/missing", target: target).status == 202)
                #expect(try await Self.settled(node, source: site.url + "/source/missing")?.status == .rejected)
                // Redirects are followed; slow and endless sources are cut off.
                #expect(try await Self.webmention(node, source: site.url + "/source/moved", target: target).status == 202)
                #expect(try await Self.settled(node, source: site.url + "/source/moved")?.status == .verified)
                #expect(try await Self.webmention(node, source: site.url + "/source/endless", target: target).status == 202)
                #expect(try await Self.settled(node, source: site.url + "/source/endless")?.status == .rejected)
                #expect(try Self.mention(node, source: site.url + "/source/endless")?.lastError?.contains("bytes") == true)
                // A source that does not answer in time is tried again later, not shown meanwhile.
                #expect(try await Self.webmention(node, source: site.url + "/source/slow", target: target).status == 202)
                let retried = try await NodeCluster.waitUntil(timeout: .seconds(8)) {
                    try Self.mention(node, source: site.url + "/source/slow")?.attempts == 1
                }
                #expect(retried != nil)
                let slow = try #require(try Self.mention(node, source: site.url + "/source/slow"))
                #expect(slow.status == .queued && slow.nextAttemptAt != nil && slow.lastError?.contains("in time") == true)

                // Repeated: updated, never duplicated; the link removed: the mention goes.
                #expect(try await Self.webmention(node, source: site.url + "/source/links", target: target).status == 202)
                _ = try await Self.settled(node, source: site.url + "/source/links")
                #expect(try node.database().allReceivedMentions().filter { $0.mention.sourceURL == site.url + "/source/links" }.count == 1)
                site.setSource("/source/links", html: "<html><body>Changed my mind.</body></html>")
                for source in ["/source/links", "/source/moved"] {
                    #expect(try await Self.webmention(node, source: site.url + source, target: target).status == 202)
                    #expect(try await Self.settled(node, source: site.url + source)?.status == .rejected)
                }
                #expect(!(try await NodeCluster.request(target).body.contains("Thoughts on the welcome page")))
            }
        }
    }

    @Test func pingbackAndTrackbackAreVerifiedTheSameWay() async throws {
        try await LinkbackTestSite.run { site in
            try await NodeCluster.run(count: 1) { cluster in
                let node = cluster[0]
                let target = node.url + "/wiki/Welcome"
                site.setSource(
                    "/source/pinging",
                    html: "<html><head><title>Pinging post</title></head><body><p>See <a href=\"\(target)\">this</a>.</p></body></html>")
                site.setSource("/source/silent", html: "<html><head><title>No link</title></head><body>nothing</body></html>")
                func call(_ method: String, _ params: [String]) -> Data {
                    Data(
                        ("<?xml version=\"1.0\"?><methodCall><methodName>\(method)</methodName><params>"
                            + params.map { "<param><value><string>\($0)</string></value></param>" }.joined() + "</params></methodCall>").utf8)
                }
                func pingback(_ body: Data) async throws -> String {
                    let reply = try await NodeCluster.request(
                        node.url + "/pingback", method: .POST, headers: [("Content-Type", "text/xml")], body: body)
                    return reply.body
                }
                #expect(try await pingback(call("pingback.ping", [site.url + "/source/pinging", target])).contains("<string>"))
                #expect(try await Self.settled(node, source: site.url + "/source/pinging")?.status == .verified)
                #expect(try await pingback(call("pingback.ping", [site.url + "/source/pinging", target])).contains("<int>48</int>"))
                #expect(
                    try await pingback(call("pingback.ping", [site.url + "/source/pinging", node.url + "/wiki/Nothing_Here"])).contains(
                        "<int>32</int>"))
                #expect(
                    try await pingback(call("pingback.ping", [site.url + "/source/pinging", "https://elsewhere.example/"])).contains("<int>33</int>"))
                #expect(try await pingback(call("pingback.ping", ["javascript:alert(1)", target])).contains("<int>16</int>"))
                #expect(try await pingback(call("pingback.ping", [target])).contains("<int>0</int>"))
                #expect(try await pingback(call("system.listMethods", [])).contains("<int>-32601</int>"))
                #expect(try await pingback(Data("<methodCall><unclosed>".utf8)).contains("<int>-32700</int>"))
                let bomb =
                    "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><methodCall><methodName>&lol2;</methodName></methodCall>"
                #expect(try await pingback(Data(bomb.utf8)).contains("<int>-32700</int>"))
                #expect(try await pingback(call("pingback.ping", [site.url + "/source/silent", target])).contains("<string>"))
                #expect(try await Self.settled(node, source: site.url + "/source/silent")?.status == .rejected)

                // Trackback: XML answers, and the same verification.
                func trackback(_ fields: [(String, String)], title: String = "Welcome") async throws -> String {
                    let reply = try await NodeCluster.request(
                        node.url + "/trackback/" + title, method: .POST,
                        headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                        body: Self.form(fields))
                    return reply.body
                }
                site.setSource("/source/tracking", html: "<html><body><a href=\"\(target)\">welcome</a></body></html>")
                let ok = try await trackback([
                    ("url", site.url + "/source/tracking"), ("title", "Tracked"), ("excerpt", "An excerpt"), ("blog_name", "Bob's blog"),
                ])
                #expect(ok.contains("<error>0</error>"))
                let tracked = try #require(try await Self.settled(node, source: site.url + "/source/tracking"))
                #expect(tracked.status == .verified && tracked.protocol == .trackback)
                #expect(tracked.title == "Tracked" && tracked.authorName == "Bob's blog")
                #expect(try await trackback([("title", "no url")]).contains("<error>1</error>"))
                #expect(try await trackback([("url", "javascript:alert(1)")]).contains("<error>1</error>"))
                #expect(try await trackback([("url", site.url + "/source/tracking")], title: "No_Such_Page").contains("<error>1</error>"))
                #expect(try await trackback([("url", site.url + "/source/silent")]).contains("<error>0</error>"))
                #expect(try await Self.settled(node, source: site.url + "/source/silent")?.status == .rejected)
            }
        }
    }

    @Test func theOwnerModeratesMentionsFromOutsideTheFollowedNodes() async throws {
        try await LinkbackTestSite.run { site in
            try await NodeCluster.run(count: 1) { cluster in
                let node = cluster[0]
                let database = try node.database()
                try database.setSetting("moderateMentions", to: "on")
                let target = node.url + "/wiki/Welcome"
                site.setSource("/source/a", html: "<html><head><title>Moderated</title></head><body><a href=\"\(target)\">x</a></body></html>")
                site.setSource("/source/b", html: "<html><head><title>Blocked later</title></head><body><a href=\"\(target)\">x</a></body></html>")
                #expect(try await Self.webmention(node, source: site.url + "/source/a", target: target).status == 202)
                let waiting = try #require(try await Self.settled(node, source: site.url + "/source/a"))
                #expect(waiting.status == .verified && waiting.moderation == .pending)
                #expect(!(try await NodeCluster.request(target).body.contains("Moderated")))
                try database.moderateMention(id: waiting.id!, approve: true)
                #expect(try await NodeCluster.request(target).body.contains("Moderated"))
                try database.blockDomain("127.0.0.1")
                #expect(try Self.mention(node, source: site.url + "/source/a")?.moderation == .refused)
                #expect(try await Self.webmention(node, source: site.url + "/source/b", target: target).status == 400)
            }
        }
    }

    @Test func theOwnerModeratesInTheBrowserAndSeesWhatWasSent() async throws {
        try await LinkbackTestSite.run { site in
            try await NodeCluster.run(count: 2) { cluster in
                let (node, peer) = (cluster[0], cluster[1])
                let database = try node.database()
                try database.setSetting("moderateMentions", to: "on")
                _ = try database.addUser(named: "owner", password: "a linkback test password", hasher: PasswordHasher(costLog2: 10))
                try await node.peering().follow(peer.url)
                let target = node.url + "/wiki/Welcome"
                // From a followed node: shown at once, even with moderation on.
                try await peer.database().savePage(PageEdit(title: try PageTitle("Peer Says"), markdown: "[welcome](\(target))", author: "p"))
                let fromPeer = try await NodeCluster.waitUntil(timeout: .seconds(10)) {
                    try database.allReceivedMentions().contains {
                        $0.mention.sourceURL == peer.url + "/wiki/Peer_Says" && $0.mention.moderation == .approved
                    }
                }
                #expect(fromPeer != nil)
                // From elsewhere: waits.
                site.setSource("/source/stranger", html: "<html><head><title>Stranger</title></head><body><a href=\"\(target)\">x</a></body></html>")
                #expect(try await Self.webmention(node, source: site.url + "/source/stranger", target: target).status == 202)
                let waiting = try #require(try await Self.settled(node, source: site.url + "/source/stranger"))
                #expect(waiting.moderation == .pending)
                try await database.savePage(
                    PageEdit(title: try PageTitle("Outgoing"), markdown: "[t](\(site.url)/target/link-element)", author: "owner"))
                _ = try await NodeCluster.waitUntil(timeout: .seconds(10)) {
                    try database.allSentMentions().allSatisfy { $0.mention.status != .pending }
                }

                try await node.testNode.test(.router) { client in
                    #expect(try await client.execute(uri: "/mentions", method: .get).status == .seeOther)
                    var browser = BrowserSession()
                    browser.origin = node.url
                    try await browser.signIn(client, name: "owner", password: "a linkback test password")
                    let list = try await browser.get(client, "/mentions")
                    #expect(list.text.contains("Stranger") && list.text.contains("Approve"))
                    #expect(
                        try await browser.post(client, "/mentions/\(waiting.id!)/approve", [], csrf: false).status != .seeOther, "no token, no change"
                    )
                    #expect(try await browser.post(client, "/mentions/\(waiting.id!)/approve", []).status == .seeOther)
                    try await browser.get(client, "/mentions")
                    #expect(try await browser.post(client, "/mentions/999999/approve", []).status == .notFound)
                    #expect(try await browser.post(client, "/mentions/x/reject", []).status == .badRequest)
                    #expect(try await client.execute(uri: "/wiki/Welcome", method: .get).text.contains("Stranger"))
                    try await browser.get(client, "/mentions")
                    #expect(try await browser.post(client, "/mentions/block", [("domain", "127.0.0.1")]).status == .seeOther)
                    #expect(!(try await client.execute(uri: "/wiki/Welcome", method: .get).text.contains("Stranger")))
                    try await browser.get(client, "/mentions")
                    #expect(try await browser.post(client, "/mentions/block", [("domain", "")]).status == .badRequest)
                    // The owner sees on a page's links what telling its targets did.
                    let links = try await browser.get(client, "/wiki/Outgoing/links")
                    #expect(links.text.contains("Telling the sites this page links to"))
                    #expect(links.text.contains("webmention: \(site.url)/endpoint/link-element"))
                    #expect(!(try await client.execute(uri: "/wiki/Outgoing/links", method: .get).text.contains("Telling the sites")))
                }
            }
        }
    }

    @Test func aLinkBetweenWikinodesBecomesABacklinkThere() async throws {
        try await NodeCluster.run(count: 2) { cluster in
            let (a, b) = (cluster[0], cluster[1])
            try await b.database().savePage(PageEdit(title: try PageTitle("Bob Page"), markdown: "Bob's page.", author: "bob"))
            // A does not follow B: the link travels as a Webmention.
            try await a.database().savePage(
                PageEdit(title: try PageTitle("Alice Links"), markdown: "See [Bob's page](\(b.url)/wiki/Bob_Page).", author: "alice"))
            let shown = try await NodeCluster.waitUntil(timeout: .seconds(10)) {
                try await NodeCluster.request(b.url + "/wiki/Bob_Page").body.contains("\(a.url)/wiki/Alice_Links")
            }
            #expect(shown != nil)
            let sent = try #require(try a.database().allSentMentions().first?.mention)
            #expect(sent.status == .sent && sent.protocol == "webmention" && sent.endpoint == b.url + "/webmention")
        }
    }
}
