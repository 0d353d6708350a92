import Foundation
import Testing
import WikinodeHTMLReader

@Suite("Finding links")
struct LinkFindingTests {
    let source = URL(string: "https://alice.example/notes/1")!

    @Test func linksOfEveryKindResolvedInOrderOnce() {
        let html = page(
            body: """
                <p><a href="/about">About</a> <a href="https://bob.example/post?x=1#c">Bob</a>
                <img src="../img/cat.png" alt="cat"> <video src="v.mp4"><source src="v.webm"></video>
                <audio src="//cdn.example/a.ogg"></audio>
                <map><area href="/area" alt="area"></map>
                <a href="mailto:alice@example.com">mail</a> <a href="/about">again</a> <a>no href</a>
                <link href="/not-a-link-for-webmention"> <iframe src="/not-either"></iframe>
                <!-- <a href="/in-comment">x</a> --></p>
                """)
        let document = HTMLDocument(html: html, url: source)
        #expect(
            document.links().map(\.absoluteString) == [
                "https://alice.example/about", "https://bob.example/post?x=1#c", "https://alice.example/img/cat.png",
                "https://alice.example/notes/v.mp4", "https://alice.example/notes/v.webm",
                "https://cdn.example/a.ogg", "https://alice.example/area",
            ])
    }

    struct ContainsCase: Sendable, CustomTestStringConvertible {
        var html: String
        var target: String
        var contains: Bool
        var testDescription: String { "\(target) in \(html)" }
    }

    static let containsCases: [ContainsCase] = [
        ContainsCase(html: #"<a href="https://bob.example/post">x</a>"#, target: "https://bob.example/post", contains: true),
        ContainsCase(html: #"<a href="/post">x</a>"#, target: "https://alice.example/post", contains: true),
        ContainsCase(html: #"<a href="2">x</a>"#, target: "https://alice.example/notes/2", contains: true),
        ContainsCase(html: #"<a href="../post">x</a>"#, target: "https://alice.example/post", contains: true),
        ContainsCase(html: #"<img src="/pic.jpg">"#, target: "https://alice.example/pic.jpg", contains: true),
        ContainsCase(html: #"<video src="/v.mp4"></video>"#, target: "https://alice.example/v.mp4", contains: true),
        ContainsCase(html: #"<audio src="/a.mp3"></audio>"#, target: "https://alice.example/a.mp3", contains: true),
        ContainsCase(
            html: #"<a href="HTTPS://Bob.Example:443/post">x</a>"#, target: "https://bob.example/post", contains: true),
        ContainsCase(html: #"<a href="https://bob.example">x</a>"#, target: "https://bob.example/", contains: true),
        ContainsCase(html: #"<a href="https://bob.example/post">x</a>"#, target: "https://bob.example/post/", contains: false),
        ContainsCase(html: #"<a href="https://bob.example/post#c">x</a>"#, target: "https://bob.example/post", contains: false),
        ContainsCase(html: #"<a href="https://bob.example/post">x</a>"#, target: "https://bob.example/post#c", contains: false),
        ContainsCase(html: #"<a href="http://bob.example/post">x</a>"#, target: "https://bob.example/post", contains: false),
        ContainsCase(html: #"<a href="https://bob.example/post?a=1">x</a>"#, target: "https://bob.example/post", contains: false),
        ContainsCase(html: #"<a href="https://bob.example/Post">x</a>"#, target: "https://bob.example/post", contains: false),
        ContainsCase(html: #"<p>https://bob.example/post</p>"#, target: "https://bob.example/post", contains: false),
        ContainsCase(html: #"<!-- <a href="https://bob.example/post">x</a> -->"#, target: "https://bob.example/post", contains: false),
        ContainsCase(html: #"<code>&lt;a href="https://bob.example/post"&gt;</code>"#, target: "https://bob.example/post", contains: false),
        ContainsCase(html: #"<link rel="x" href="https://bob.example/post">"#, target: "https://bob.example/post", contains: false),
        ContainsCase(html: #"<a data-href="https://bob.example/post">x</a>"#, target: "https://bob.example/post", contains: false),
        ContainsCase(html: #"<a href="https://bob.example/a&amp;b">x</a>"#, target: "https://bob.example/a&b", contains: true),
    ]

    @Test(arguments: containsCases)
    func containsLink(_ testCase: ContainsCase) {
        let document = HTMLDocument(html: page(body: testCase.html), url: source)
        #expect(document.containsLink(to: URL(string: testCase.target)!) == testCase.contains)
    }

    @Test func linksResolveAgainstBase() {
        let html = page(head: #"<base href="https://cdn.alice.example/x/">"#, body: #"<a href="y">y</a>"#)
        let document = HTMLDocument(html: html, url: source)
        #expect(document.containsLink(to: URL(string: "https://cdn.alice.example/x/y")!))
        #expect(!document.containsLink(to: URL(string: "https://alice.example/notes/y")!))
    }
}
