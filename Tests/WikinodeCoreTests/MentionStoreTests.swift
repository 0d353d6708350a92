import Foundation
import Testing
import WikinodeTesting

@testable import WikinodeCore

/// Mentions in the database, XML-RPC reading and the text kept from other sites.
@Suite struct MentionStoreTests {
    let directory: TemporaryDirectory
    let database: WikiDatabase

    init() throws {
        directory = try TemporaryDirectory()
        database = try WikiDatabase.open(path: directory.path("wiki.sqlite").path)
    }

    @Test func oneSourceMentionsAtMostAHundredPagesAndRepeatsNeverDuplicate() throws {
        let edits = (0...WikiDatabase.maximumMentionsPerSource).map { PageEdit(title: try! PageTitle("Page \($0)"), markdown: "x", author: "t") }
        let pages = try database.importPages(edits).map(\.page)
        let source = URL(string: "https://spam.example/post")!
        for page in pages.prefix(WikiDatabase.maximumMentionsPerSource) {
            let id = try database.receiveMention(pageId: page.id!, source: source, target: "https://node.example/wiki/x", protocol: .webmention)
            try database.recordMentionVerified(id: id, content: MentionContent())
        }
        #expect(throws: MentionRefusal.tooMany(WikiDatabase.maximumMentionsPerSource)) {
            try database.receiveMention(pageId: pages.last!.id!, source: source, target: "https://node.example/wiki/x", protocol: .webmention)
        }
        // A repeat is the same mention, checked again.
        try database.receiveMention(pageId: pages[0].id!, source: source, target: "https://node.example/wiki/x", protocol: .pingback)
        #expect(try database.allMentions(ofPageId: pages[0].id!).count == 1)
        #expect(try database.allMentions(ofPageId: pages[0].id!).first?.protocol == .pingback)
    }

    @Test func oneHostCannotFillTheQueue() throws {
        let page = try database.savePage(PageEdit(title: try PageTitle("Target"), markdown: "x", author: "t")).page
        for index in 0..<WikiDatabase.maximumQueuedPerHost {
            try database.receiveMention(
                pageId: page.id!, source: URL(string: "https://flood.example/p?n=\(index)")!, target: "t", protocol: .webmention)
        }
        #expect(throws: MentionRefusal.busy("flood.example")) {
            try database.receiveMention(pageId: page.id!, source: URL(string: "https://flood.example/p?n=x")!, target: "t", protocol: .webmention)
        }
        #expect(throws: Never.self) {
            try database.receiveMention(pageId: page.id!, source: URL(string: "https://other.example/p")!, target: "t", protocol: .webmention)
        }
    }

    @Test func blockingADomainCoversItsSubdomainsOnly() throws {
        let early = try database.savePage(PageEdit(title: try PageTitle("Early"), markdown: "x", author: "t")).page
        // Mentions from other hosts already there must not break the block.
        try database.receiveMention(pageId: early.id!, source: URL(string: "https://unrelated.example/a")!, target: "t", protocol: .webmention)
        try database.receiveMention(pageId: early.id!, source: URL(string: "https://old.example.org/a")!, target: "t", protocol: .webmention)
        let page = try database.savePage(PageEdit(title: try PageTitle("Target"), markdown: "x", author: "t")).page
        try database.blockDomain("Example.org.")
        for blocked in ["https://example.org/a", "https://blog.example.org/b", "http://a.b.example.org/c"] {
            #expect(throws: MentionRefusal.self, "\(blocked)") {
                try database.receiveMention(pageId: page.id!, source: URL(string: blocked)!, target: "t", protocol: .webmention)
            }
        }
        for allowed in ["https://notexample.org/a", "https://example.org.evil.net/b"] {
            #expect(throws: Never.self, "\(allowed)") {
                try database.receiveMention(pageId: page.id!, source: URL(string: allowed)!, target: "t", protocol: .webmention)
            }
        }
        #expect(throws: WikiError.self) { try database.blockDomain(" . ") }
        let moderations = Dictionary(uniqueKeysWithValues: try database.allMentions(ofPageId: early.id!).map { ($0.sourceHost, $0.moderation) })
        #expect(moderations["old.example.org"] == .refused && moderations["unrelated.example"] == .pending)
    }

    @Test func verifiedMentionsAreShownAndCheckedAgainWeekly() throws {
        let page = try database.savePage(PageEdit(title: try PageTitle("Target"), markdown: "x", author: "t")).page
        let id = try database.receiveMention(
            pageId: page.id!, source: URL(string: "https://a.example/p")!, target: "t", protocol: .trackback, claimedTitle: "Claimed",
            claimedSite: "A blog")
        #expect(try database.shownMentions(ofPageId: page.id!).isEmpty)
        try database.recordMentionVerified(id: id, content: MentionContent(excerpt: "Around the link"))
        let shown = try #require(try database.shownMentions(ofPageId: page.id!).first)
        #expect(shown.title == "Claimed" && shown.authorName == "A blog" && shown.excerpt == "Around the link")
        #expect(try database.dueMentions().isEmpty)
        #expect(try database.dueMentions(now: Date() + 8 * 86_400).map(\.id) == [id])
        try database.recordMentionRejected(id: id, reason: "gone")
        #expect(try database.shownMentions(ofPageId: page.id!).isEmpty)
    }

    @Test func aCheckThatBeganBeforeARepeatDoesNotOverwriteIt() throws {
        let page = try database.savePage(PageEdit(title: try PageTitle("Target"), markdown: "x", author: "t")).page
        let source = URL(string: "https://a.example/p")!
        let id = try database.receiveMention(pageId: page.id!, source: source, target: "t", protocol: .webmention)
        let checkBegan = Date()
        // The source sends again while the first check is still fetching it.
        try database.receiveMention(pageId: page.id!, source: source, target: "t", protocol: .webmention, now: checkBegan + 1)
        try database.recordMentionRejected(id: id, startedAt: checkBegan, reason: "no link (an old copy)")
        let mention = try #require(try database.allMentions(ofPageId: page.id!).first)
        #expect(mention.status == .queued && mention.nextAttemptAt != nil, "the repeat is still to be checked")
        try database.recordMentionVerified(id: id, startedAt: checkBegan, content: MentionContent(title: "old"))
        #expect(try database.shownMentions(ofPageId: page.id!).isEmpty)
        try database.recordMentionVerified(id: id, startedAt: checkBegan + 2, content: MentionContent(title: "new"))
        #expect(try database.shownMentions(ofPageId: page.id!).first?.title == "new")
    }

    @Test func xmlRPCCallsAreReadStrictly() throws {
        let typed = try XMLRPC.parseCall(
            Data(
                "<?xml version=\"1.0\"?><methodCall><methodName>pingback.ping</methodName><params><param><value><string>a &amp; b</string></value></param><param><value>untyped</value></param></params></methodCall>"
                    .utf8))
        #expect(typed == XMLRPC.Call(methodName: "pingback.ping", parameters: ["a & b", "untyped"]))
        for bad in [
            "", "not xml", "<methodResponse/>", "<methodCall><params/></methodCall>",
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><methodCall><methodName>&e;</methodName></methodCall>",
            "<methodCall><methodName>x</methodName>" + String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100) + "</methodCall>",
            "<methodCall><!-- " + String(repeating: "x", count: 5000) + " --><methodName>x</methodName></methodCall><!DOCTYPE late>",
            "<methodCall><methodName>x\u{0}</methodName></methodCall>",
        ] {
            #expect(throws: XMLRPC.ParseError.self, "\(bad.prefix(30))") { try XMLRPC.parseCall(Data(bad.utf8)) }
        }
        #expect(throws: XMLRPC.ParseError.self) { try XMLRPC.parseCall(Data(repeating: UInt8(ascii: " "), count: XMLRPC.maximumBytes + 1)) }
        let fault = XMLRPC.fault(code: 17, message: "No <link> & such")
        #expect(fault.contains("<int>17</int>") && fault.contains("No &lt;link&gt; &amp; such"))
    }

    @Test func textFromOtherSitesIsOneTrimmedLine() {
        #expect(MentionText.line("  a\n\tb\u{0}c  ", limit: 100) == "a b c")
        #expect(MentionText.line(String(repeating: "é", count: 300), limit: 10).count == 10)
        #expect(MentionText.line("\u{E000}x", limit: 5) == "x")
    }
}
