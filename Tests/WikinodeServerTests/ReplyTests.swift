import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WikinodeCore
import WikinodeHTMLReader
import WikinodeTesting

/// Replies: a page says what it replies to (editor, front matter, API), shows it marked up
/// `u-in-reply-to`, and the target hears of it by Webmention and shows it as a reply.
@Suite struct ReplyTests {
    static let cheap = PasswordHasher(costLog2: 10)

    @Test func theEditorSetsKeepsAndRefusesWhatAPageRepliesTo() async throws {
        let node = try TestNode()
        let database = try node.database()
        try database.addUser(named: "alice", password: "alice's long secret", hasher: Self.cheap)
        try await node.test { client in
            var browser = BrowserSession()
            _ = try await browser.signIn(client, name: "alice", password: "alice's long secret")

            // A "Reply" link opens the editor of a new page with the field filled in.
            let target = "https://elsewhere.example/source/posts/1?a=1&b=2"
            let path = NodeAddress.reply(to: target, about: "Their post")
            #expect(path.hasPrefix("/wiki/Reply_to_Their_post/edit?in-reply-to="))
            let form = try await browser.get(client, path)
            #expect(form.status == .ok)
            #expect(form.text.contains(#"name="inReplyTo""#))
            #expect(form.text.contains("https://elsewhere.example/source/posts/1?a=1&amp;b=2</textarea>"))

            // Not web addresses, or too many: 400 in the form, the text kept, nothing saved.
            let tooMany = (1...11).map { "https://e.example/\($0)" }.joined(separator: "\n")
            for bad in ["javascript:alert(1)", "ftp://e.example/x", "/wiki/Relative", "https://", tooMany] {
                let refused = try await browser.post(
                    client, "/wiki/Reply_to_Their_post/edit", [("markdown", "My answer"), ("inReplyTo", bad), ("action", "save")])
                #expect(refused.status == .badRequest, "\(bad.prefix(30))")
                #expect(refused.text.contains("My answer"))
                #expect(refused.text.contains("In reply to") || refused.text.contains("reply to at most"))
            }
            #expect(try database.lookup(try PageTitle("Reply to Their post")) == .missing)

            let saved = try await browser.post(
                client, "/wiki/Reply_to_Their_post/edit",
                [("markdown", "My answer"), ("inReplyTo", "  \(target)\r\n\(target)\r\nhttps://second.example/\r\n"), ("action", "save")])
            #expect(saved.status == .seeOther)
            guard case .found(let page) = try database.lookup(try PageTitle("Reply to Their post")) else {
                Issue.record("the reply was not saved")
                return
            }
            #expect(try database.replyTargets(of: page) == [target, "https://second.example/"])
            // Both addresses are told, like the sites the text links to.
            let told = try database.sentMentions(ofPageId: page.id!).map(\.targetURL).sorted()
            #expect(told == ["https://elsewhere.example/source/posts/1?a=1&b=2", "https://second.example/"])

            let view = try await browser.get(client, "/wiki/Reply_to_Their_post")
            #expect(view.text.contains(#"<article class="page h-entry">"#))
            #expect(view.text.contains(#"<a class="u-url p-name" href="https://elsewhere.example/source/posts/1?a=1&amp;b=2""#))
            #expect(view.text.components(separatedBy: #"class="u-in-reply-to h-cite"#).count == 3)
            // Read back as microformats, the page's entry replies to both.
            let entry = HTMLDocument(html: view.text, url: URL(string: "http://127.0.0.1/wiki/Reply_to_Their_post")!)
                .mention(of: URL(string: "https://second.example/")!)
            #expect(entry.kind == .reply)
            #expect(entry.inReplyTo.map(\.absoluteString) == [target, "https://second.example/"])

            // The editor shows what it replies to; an edit without the field keeps it; clearing it removes it.
            let again = try await browser.get(client, "/wiki/Reply_to_Their_post/edit")
            #expect(again.text.contains("https://elsewhere.example/source/posts/1?a=1&amp;b=2\nhttps://second.example/</textarea>"))
            try await database.savePage(PageEdit(title: page.pageTitle, markdown: "My answer, edited", author: "api"))
            #expect(try database.replyTargets(of: page).count == 2)
            let base = try #require(
                BrowserSession.hiddenValue(named: "baseRevision", in: (try await browser.get(client, "/wiki/Reply_to_Their_post/edit")).text))
            let cleared = try await browser.post(
                client, "/wiki/Reply_to_Their_post/edit",
                [("markdown", "My answer, edited"), ("inReplyTo", ""), ("baseRevision", base), ("action", "save")])
            #expect(cleared.status == .seeOther)
            #expect(try database.replyTargets(of: page).isEmpty)
            let plain = try await browser.get(client, "/wiki/Reply_to_Their_post")
            #expect(!plain.text.contains("u-in-reply-to"))
            // Changing only what it replies to is a change: a revision each time.
            let revisions = try database.history(of: page).count
            #expect(revisions == 3)
        }
    }

    @Test func frontMatterAndTheAPICarryInReplyTo() async throws {
        let node = try TestNode()
        let database = try node.database()
        let token = try database.createToken(named: "robot")
        try await node.test { client in
            let markdown = "---\nin-reply-to: [\"https://a.example/1\", \"https://b.example/2\"]\n---\nAn answer by API.\n"
            let body = try JSONSerialization.data(withJSONObject: ["markdown": markdown])
            let saved = try await client.execute(
                uri: "/api/pages/By_API", method: .put,
                headers: [.authorization: "Bearer \(token)", .contentType: "application/json"], body: ByteBuffer(bytes: body))
            #expect(saved.status == .created || saved.status == .ok)
            let read = try await client.execute(uri: "/api/pages/By_API", method: .get)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(buffer: read.body)) as? [String: Any])
            #expect(document["inReplyTo"] as? [String] == ["https://a.example/1", "https://b.example/2"])
            #expect(document["markdown"] as? String == "An answer by API.\n")

            let hostile = try JSONSerialization.data(withJSONObject: ["markdown": "---\nin-reply-to: \"javascript:alert(1)\"\n---\nx"])
            let refused = try await client.execute(
                uri: "/api/pages/Hostile", method: .put,
                headers: [.authorization: "Bearer \(token)", .contentType: "application/json"], body: ByteBuffer(bytes: hostile))
            #expect((400..<500).contains(refused.status.code))
            #expect(try database.lookup(try PageTitle("Hostile")) == .missing)
        }
        // Export writes it as front matter, and import reads it back.
        let folder = node.directory.path("export")
        try FolderTransfer(database: database).exportFolder(folder)
        let text = try String(contentsOf: folder.appendingPathComponent("By API.md"), encoding: .utf8)
        #expect(text.contains(#"in-reply-to: ["https://a.example/1", "https://b.example/2"]"#))
        let other = try TestNode()
        try FolderTransfer(database: try other.database()).importFolder(folder)
        guard case .found(let imported) = try other.database().lookup(try PageTitle("By API")) else {
            Issue.record("not imported")
            return
        }
        #expect(try other.database().replyTargets(of: imported) == ["https://a.example/1", "https://b.example/2"])
    }

    @Test func aReplyFromAnotherNodeIsToldAndShownAsAReply() async throws {
        try await NodeCluster.run(count: 2) { cluster in
            let target = cluster[0].url + "/wiki/Welcome"
            let token = try cluster[1].makeToken()
            let markdown = "---\nin-reply-to: \(target)\n---\nI agree with <b>everything</b> on your welcome page.\n"
            let saved = try await NodeCluster.request(
                cluster[1].url + "/api/pages/Answer", method: .PUT,
                headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
                body: try JSONSerialization.data(withJSONObject: ["markdown": markdown]))
            #expect(saved.status == 201, "\(saved.body)")

            // The reply's node tells the target; the target verifies it and files it as a reply.
            let arrived = try await NodeCluster.waitUntil(timeout: .seconds(15)) {
                try cluster[0].database().allReceivedMentions().contains { $0.mention.status == .verified }
            }
            #expect(arrived != nil)
            let mention = try #require(try cluster[0].database().allReceivedMentions().first?.mention)
            #expect(mention.kind == .reply)
            #expect(mention.sourceURL == cluster[1].url + "/wiki/Answer")
            #expect(mention.title == "Answer")
            #expect(mention.excerpt.contains("I agree with everything"))

            let page = try await NodeCluster.request(target)
            #expect(page.body.contains(#"<h2 id="replies-heading">Replies</h2>"#))
            #expect(page.body.contains(#"<li class="p-comment h-cite">"#))
            #expect(page.body.contains(#"href="\#(cluster[1].url)/wiki/Answer""#))
            #expect(!page.body.contains("Mentioned on the web"))
            // A reply link on the reply answers it in turn.
            #expect(page.body.contains("/wiki/Reply_to_Answer/edit?in-reply-to="))
        }
    }
}

/// What a reply shows of what it replies to: fetched in the background from the target's
/// microformats, cut to size and escaped, and followed a few replies further up.
@Suite struct ReplyContextTests {
    @Test func theContextIsFetchedShownAndFollowedUpwards() async throws {
        try await LinkbackTestSite.run { site in
            let hostileName = #"Eve <script>alert(1)</script>" onmouseover="x"#
            site.setSource(
                "/source/posts/1",
                html: """
                    <!doctype html><html><head><title>ignored</title><meta property="og:site_name" content="Eve's &lt;b&gt;Blog"></head><body>
                    <article class="h-entry"><h1 class="p-name">A post worth answering</h1>
                    <a class="p-author h-card" href="/about">\(hostileName.replacingOccurrences(of: "<", with: "&lt;"))</a>
                    <time class="dt-published" datetime="2026-11-30T08:00:00Z">30 Nov</time>
                    <a class="u-in-reply-to" href="\(site.url)/source/posts/0">earlier</a>
                    <div class="e-content"><p>\(String(repeating: "Long text. ", count: 200))</p></div></article></body></html>
                    """)
            site.setSource("/source/posts/0", html: #"<article class="h-entry"><p class="p-name">The first post</p></article>"#)
            try await NodeCluster.run(count: 1) { cluster in
                let node = cluster[0]
                let target = site.url + "/source/posts/1"
                let saved = try await NodeCluster.request(
                    node.url + "/api/pages/Answer", method: .PUT,
                    headers: [("Authorization", "Bearer \(try node.makeToken())"), ("Content-Type", "application/json")],
                    body: try JSONSerialization.data(withJSONObject: ["markdown": "---\nin-reply-to: \(target)\n---\nMy answer.\n"]))
                #expect(saved.status == 201, "\(saved.body)")
                let fetched = try await NodeCluster.waitUntil(timeout: .seconds(15)) {
                    try node.database().replyContexts(of: [target, site.url + "/source/posts/0"]).count == 2
                }
                #expect(fetched != nil)
                let contexts = try node.database().replyContexts(of: [target, site.url + "/source/posts/0"])
                let context = try #require(contexts[target])
                #expect(context.title == "A post worth answering")
                #expect(context.site == "Eve's <b>Blog")
                #expect(context.authorURL == site.url + "/about")
                #expect(context.excerpt.count <= 500 && context.excerpt.hasPrefix("Long text."))
                #expect(context.replyTargets == [site.url + "/source/posts/0"])
                #expect(contexts[site.url + "/source/posts/0"]?.depth == 2)
                #expect(contexts[site.url + "/source/posts/0"]?.title == "The first post")

                // The page shows it, escaped; the cached view followed the fetch.
                let page = try await NodeCluster.request(node.url + "/wiki/Answer")
                #expect(page.body.contains(#">A post worth answering</a>"#))
                #expect(page.body.contains("on Eve&#39;s &lt;b&gt;Blog") || page.body.contains("on Eve&#x27;s &lt;b&gt;Blog"))
                #expect(page.body.contains("&lt;script&gt;"))
                #expect(!page.body.contains("<script>alert"))
                #expect(page.body.contains(#"<time class="dt-published" datetime="2026-11-30T08:00:00Z">"#))
            }
        }
    }
}
