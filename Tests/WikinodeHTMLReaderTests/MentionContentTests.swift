import Foundation
import Testing
import WikinodeHTMLReader

@Suite("What a mention says: microformats2, then the bare page")
struct MentionContentTests {
    let source = URL(string: "https://bob.example/2024/reply")!
    let target = URL(string: "https://alice.example/post")!

    func date(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }

    @Test func hEntryWithNestedHCard() {
        // Given a reply marked up as an h-entry with its author's h-card
        let html = page(
            body: """
                <article class="h-entry">
                  <h1 class="p-name">Re: Alice's post</h1>
                  <a class="p-author h-card" href="/"><img class="u-photo" src="/me.jpg" alt="">Bob Example</a>
                  <time class="dt-published" datetime="2024-03-05T10:11:12+01:00">5 March</time>
                  <div class="e-content"><p>I agree with <a class="u-in-reply-to" href="https://alice.example/post">Alice</a>.</p>
                  <p>Second   paragraph.</p></div>
                </article>
                """)
        // When its mention of the target is read
        let mention = HTMLDocument(html: html, url: source).mention(of: target)
        // Then every field comes from the microformats
        #expect(mention.isFromMicroformats)
        #expect(mention.title == "Re: Alice's post")
        #expect(mention.excerpt == "I agree with Alice. Second paragraph.")
        #expect(mention.published == date("2024-03-05T09:11:12Z"))
        #expect(mention.authorName == "Bob Example")
        #expect(mention.authorURL?.absoluteString == "https://bob.example/")
        #expect(mention.authorPhoto?.absoluteString == "https://bob.example/me.jpg")
    }

    @Test func impliedNameURLAndPhotoOfTheAuthorCard() {
        // An h-card with no properties: name, url and photo are implied.
        let html = page(
            body: """
                <div class="h-entry"><p class="p-summary">A short note about <a href="https://alice.example/post">this</a>.</p>
                <span class="p-author h-card"><a href="https://bob.example/"><img src="/bob.png" alt="Bob B."></a></span></div>
                """)
        let mention = HTMLDocument(html: html, url: source).mention(of: target)
        #expect(mention.authorName == "Bob B.")
        #expect(mention.authorURL?.absoluteString == "https://bob.example/")
        #expect(mention.authorPhoto?.absoluteString == "https://bob.example/bob.png")
        #expect(mention.excerpt == "A short note about this.")
        #expect(mention.title == "Test")  // no name (it has p-* properties), so the page's <title>
    }

    @Test func impliedNameOfAnEntryWithoutProperties() {
        let html = page(body: #"<div class="h-entry">Just a <a href="https://alice.example/post">like</a>.</div>"#)
        let mention = HTMLDocument(html: html, url: source).mention(of: target)
        #expect(mention.title == "Just a like.")
        #expect(mention.isFromMicroformats)
        #expect(mention.excerpt == "Just a like.")  // no content: the text around the link
    }

    @Test func impliedPhotoFromTheOnlyImage() {
        let html = page(
            body: """
                <div class="h-entry"><p class="p-name">Hi</p><div class="p-author h-card"><img src="/face.jpg" alt="Carol"></div></div>
                """)
        let mention = HTMLDocument(html: html, url: source).mention(of: target)
        #expect(mention.authorName == "Carol")
        #expect(mention.authorPhoto?.absoluteString == "https://bob.example/face.jpg")
    }

    @Test func theEntryThatContainsTheLinkWins() {
        let html = page(
            body: """
                <div class="h-feed">
                  <a class="p-author h-card" href="https://bob.example/">Bob of the feed</a>
                  <article class="h-entry"><h2 class="p-name">Other post</h2><div class="e-content">Nothing here.</div></article>
                  <article class="h-entry"><h2 class="p-name">The reply</h2>
                    <div class="e-content">Replying to <a href="https://alice.example/post">Alice</a>.</div></article>
                </div>
                """)
        let mention = HTMLDocument(html: html, url: source).mention(of: target)
        #expect(mention.title == "The reply")
        #expect(mention.excerpt == "Replying to Alice.")
        #expect(mention.authorName == "Bob of the feed")  // from the enclosing h-feed
    }

    @Test func firstEntryWhenNoneContainsTheLink() {
        let html = page(
            body: """
                <article class="h-entry"><h2 class="p-name">First</h2></article>
                <article class="h-entry"><h2 class="p-name">Second</h2></article>
                <p>Elsewhere: <a href="https://alice.example/post">Alice</a></p>
                """)
        let mention = HTMLDocument(html: html, url: source).mention(of: target)
        #expect(mention.title == "First")
        #expect(mention.excerpt == "First Second Elsewhere: Alice")
    }

    @Test func authorAsPlainTextOrURLAndRelAuthor() {
        let plain = page(body: #"<div class="h-entry"><span class="p-author">Dora</span><p class="p-name">x</p></div>"#)
        #expect(HTMLDocument(html: plain, url: source).mention(of: target).authorName == "Dora")
        let url = page(body: #"<div class="h-entry"><a class="u-author" href="/dora">Dora</a><p class="p-name">x</p></div>"#)
        let byURL = HTMLDocument(html: url, url: source).mention(of: target)
        #expect(byURL.authorURL?.absoluteString == "https://bob.example/dora")
        #expect(byURL.authorName == nil)
        let rel = page(body: #"<div class="h-entry"><p class="p-name">x</p></div><a rel="author" href="/me">Eve</a>"#)
        let byRel = HTMLDocument(html: rel, url: source).mention(of: target)
        #expect(byRel.authorName == "Eve")
        #expect(byRel.authorURL?.absoluteString == "https://bob.example/me")
    }

    @Test func withoutMicroformatsTitleAndTextAroundTheLink() {
        let before = String(repeating: "lorem ipsum ", count: 40)
        let after = String(repeating: "dolor sit ", count: 40)
        let html = """
            <html><head><title>  Bob's
            blog </title><meta property="article:published_time" content="2024-01-02T03:04:05Z">
            <link rel="author" href="https://bob.example/about"></head>
            <body><nav>Menu</nav><script>var x = "<a href='https://alice.example/post'>";</script>
            <p>\(before) Read <a href="https://alice.example/post">Alice's post</a> today. \(after)</p></body></html>
            """
        let mention = HTMLDocument(html: html, url: source).mention(of: target)
        #expect(!mention.isFromMicroformats)
        #expect(mention.title == "Bob's blog")
        #expect(mention.published == date("2024-01-02T03:04:05Z"))
        #expect(mention.authorURL?.absoluteString == "https://bob.example/about")
        #expect(mention.authorName == nil)
        let excerpt = try! #require(mention.excerpt)
        #expect(excerpt.contains("ipsum Read Alice's post today. dolor"))
        #expect(excerpt.hasPrefix("…lorem") || excerpt.hasPrefix("…ipsum"))
        #expect(excerpt.hasSuffix("…"))
        #expect(excerpt.count <= 500 && excerpt.count > 380)
        #expect(!excerpt.contains("Menu") && !excerpt.contains("var x"))
    }

    @Test func shortPageWithoutMicroformats() {
        let html = "<title>T</title><h1>Heading</h1><p>See <a href=\"https://alice.example/post\">this</a></p><p>Bye</p>"
        let mention = HTMLDocument(html: html, url: source).mention(of: target)
        #expect(mention.excerpt == "Heading See this Bye")
        #expect(mention.title == "T")
    }

    @Test func fieldsAreCleanedAndBounded() {
        let longName = String(repeating: "N", count: 300)
        let html = page(
            body: """
                <div class="h-entry"><h1 class="p-name">\(longName)</h1>
                <div class="p-author h-card"><span class="p-name">Mallory\u{202E}gnp.exe\u{0007}  \(String(repeating: "x ", count: 100))</span>
                <a class="u-url" href="javascript:alert(1)">me</a><img class="u-photo" src="data:image/png;base64,AAAA"></div>
                <div class="e-content">&lt;script&gt;alert(1)&lt;/script&gt; \(String(repeating: "word ", count: 200))</div></div>
                """)
        let mention = HTMLDocument(html: html, url: source).mention(of: target)
        let title = try! #require(mention.title)
        #expect(title.count == 200 && title.hasSuffix("…"))
        let author = try! #require(mention.authorName)
        // (gumbo itself turns the raw U+0007 into U+FFFD; the override is dropped here)
        #expect(author.count <= 100 && author.hasPrefix("Mallorygnp.exe"), "\(author.debugDescription)")
        #expect(!author.unicodeScalars.contains { $0.value == 0x202E || $0.value == 7 })
        #expect(mention.authorURL == nil && mention.authorPhoto == nil)
        let excerpt = try! #require(mention.excerpt)
        #expect(excerpt.hasPrefix("<script>alert(1)</script> word"))  // plain text: the caller escapes
        #expect(excerpt.count <= 500 && excerpt.hasSuffix("…"))
    }

    @Test func emptyPage() {
        let mention = HTMLDocument(html: "", url: source).mention(of: target)
        #expect(mention == MentionContent())
    }

    @Test(arguments: [
        ("2024-03-05T10:11:12Z", "2024-03-05T10:11:12Z"), ("2024-03-05 10:11:12+0200", "2024-03-05T08:11:12Z"),
        ("2024-03-05T10:11-05:00", "2024-03-05T15:11:00Z"), ("2024-03-05", "2024-03-05T00:00:00Z"),
        ("2024-03-05T10:11:12.250Z", "2024-03-05T10:11:12Z"), (" 2024-03-05T10:11:12z ", "2024-03-05T10:11:12Z"),
    ])
    func publishedDates(_ pair: (String, String)) throws {
        let html = page(body: #"<div class="h-entry"><p class="p-name">x</p><data class="dt-published" value="\#(pair.0)"></data></div>"#)
        let published = try #require(HTMLDocument(html: html, url: source).mention(of: target).published)
        #expect(abs(published.timeIntervalSince(date(pair.1))) < 0.5)
    }

    @Test(arguments: ["yesterday", "2024-13-01", "2024-02-30", "2024-03-05T25:00", "2024-03-05T10:11:12+99:00", ""])
    func invalidDatesAreNil(_ text: String) {
        let html = page(body: #"<div class="h-entry"><p class="p-name">x</p><time class="dt-published" datetime="\#(text)">x</time></div>"#)
        #expect(HTMLDocument(html: html, url: source).mention(of: target).published == nil)
    }
}
