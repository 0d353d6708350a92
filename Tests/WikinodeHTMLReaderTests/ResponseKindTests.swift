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
}
