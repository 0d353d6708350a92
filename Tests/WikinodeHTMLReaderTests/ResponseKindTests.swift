import Foundation
import Testing
import WikinodeHTMLReader

@Suite("What kind of response a mention is, from the source's microformats")
struct ResponseKindTests {
    let source = URL(string: "https://bob.example/notes/7")!
    let target = URL(string: "https://alice.example/wiki/Welcome")!

    func kind(_ body: String) -> ResponseKind {
        HTMLDocument(html: page(body: body), url: source).mention(of: target).kind
    }

    @Test(arguments: [
        (#"<a class="u-in-reply-to" href="https://alice.example/wiki/Welcome">re</a>"#, ResponseKind.reply),
        (#"<a class="u-like-of" href="https://alice.example/wiki/Welcome">liked</a>"#, .like),
        (#"<a class="u-repost-of" href="https://alice.example/wiki/Welcome">shared</a>"#, .repost),
        (#"<a class="u-bookmark-of" href="https://alice.example/wiki/Welcome">saved</a>"#, .bookmark),
        // Relative, differently cased host, default port, fragment: still the target.
        (#"<a class="u-in-reply-to" href="HTTPS://Alice.Example:443/wiki/Welcome#top">re</a>"#, .reply),
        // An h-cite whose url is the target.
        (
            #"<div class="u-in-reply-to h-cite"><a class="u-url" href="https://alice.example/wiki/Welcome">Welcome</a> by Alice</div>"#,
            .reply
        ),
        // A reply to something else that links to the target is a plain mention of it.
        (
            #"<a class="u-in-reply-to" href="https://carol.example/x">re</a> see <a href="https://alice.example/wiki/Welcome">this</a>"#,
            .mention
        ),
        (#"<p class="e-content">see <a href="https://alice.example/wiki/Welcome">this</a></p>"#, .mention),
        // Reply comes first when an entry is several things to the target.
        (
            #"<a class="u-like-of" href="https://alice.example/wiki/Welcome">l</a><a class="u-in-reply-to" href="https://alice.example/wiki/Welcome">r</a>"#,
            .reply
        ),
        // A value that is not a URL at all.
        (#"<span class="p-in-reply-to">javascript:alert(1)</span> <a href="https://alice.example/wiki/Welcome">x</a>"#, .mention),
    ])
    func kindOfAnEntry(_ pair: (String, ResponseKind)) {
        #expect(kind(#"<article class="h-entry">\#(pair.0)</article>"#) == pair.1, "\(pair.0)")
    }

    @Test func withoutMicroformatsEveryLinkIsAMention() {
        #expect(kind(#"<a class="u-in-reply-to" href="https://alice.example/wiki/Welcome">re</a>"#) == .mention)
    }

    @Test func theEntryThatHoldsTheLinkDecides() {
        // A feed of two entries: only the second replies to the target, and holds the link.
        let body = """
            <div class="h-feed">
              <article class="h-entry"><a class="u-like-of" href="https://carol.example/">c</a></article>
              <article class="h-entry"><a class="u-in-reply-to" href="https://alice.example/wiki/Welcome">re</a></article>
            </div>
            """
        #expect(kind(body) == .reply)
    }

    // MARK: - The responses an entry shows (Salmention)

    func comments(_ body: String) -> [MentionComment] {
        HTMLDocument(html: page(body: body), url: source).mention(of: target).comments
    }

    static func cite(_ url: String, _ text: String, inner: String = "") -> String {
        #"<div class="p-comment h-cite"><a class="u-url p-name" href="\#(url)">\#(text)</a><span class="p-author h-card">Ann</span><p class="p-content">\#(text) says</p>\#(inner)</div>"#
    }

    @Test func nestedCommentsAreReadAsTheyNest() throws {
        let inner = Self.cite("https://carol.example/c", "Carol")
        let body =
            #"<article class="h-entry"><a class="u-in-reply-to" href="https://alice.example/wiki/Welcome">re</a>"#
            + Self.cite("https://dan.example/d", "Dan", inner: inner) + "</article>"
        let found = comments(body)
        #expect(found.count == 1)
        let dan = try #require(found.first)
        #expect(dan.url.absoluteString == "https://dan.example/d")
        #expect(dan.title == "Dan")
        #expect(dan.excerpt == "Dan says")
        #expect(dan.authorName == "Ann")
        #expect(dan.comments.map(\.url.absoluteString) == ["https://carol.example/c"])
    }

    @Test func commentsAreBoundedInDepthCountAndLoops() {
        // Nested ten deep: three levels are read.
        var nested = ""
        for level in (1...10).reversed() { nested = Self.cite("https://s\(level).example/", "L\(level)", inner: nested) }
        var found = comments(#"<article class="h-entry">\#(nested)<a href="https://alice.example/wiki/Welcome">x</a></article>"#)
        var depth = 0
        while let first = found.first {
            depth += 1
            found = first.comments
        }
        #expect(depth == HTMLDocument.maximumCommentDepth)
        // Two hundred side by side: fifty are read.
        let many = (1...200).map { Self.cite("https://s\($0).example/", "N\($0)") }.joined()
        #expect(comments(#"<article class="h-entry">\#(many)<a href="https://alice.example/wiki/Welcome">x</a></article>"#).count == 50)
        // The target itself, the source itself, a repeat of a parent, a script address, no url: left out.
        let hostile =
            Self.cite("https://alice.example/wiki/Welcome#c", "Self", inner: Self.cite("https://x.example/", "X"))
            + Self.cite("https://bob.example/notes/7", "Source")
            + Self.cite("https://loop.example/", "Loop", inner: Self.cite("https://loop.example/", "Again"))
            + Self.cite("javascript:alert(1)", "Script") + #"<div class="p-comment h-cite">no url at all</div>"#
        let kept = comments(#"<article class="h-entry">\#(hostile)<a href="https://alice.example/wiki/Welcome">x</a></article>"#)
        #expect(kept.map(\.url.absoluteString) == ["https://loop.example/"])
        #expect(kept.first?.comments.isEmpty == true)
    }
}
