import Foundation
import Testing
import WikinodeHTMLReader

/// One discovery case: a page, its `Link` headers and HTML, and the endpoint a sender must find.
struct DiscoveryCase: Sendable, CustomTestStringConvertible {
    var name: String
    var page: String
    var linkHeaders: [String] = []
    var html: String
    var endpoint: String?

    var testDescription: String { name }
}

/// An HTML page with `head` in its head and `body` in its body.
func page(head: String = "", body: String = "") -> String {
    "<!doctype html><html><head><meta charset=utf-8><title>Test</title>\(head)</head><body>\(body)</body></html>"
}

@Suite("Webmention endpoint discovery")
struct WebmentionDiscoveryTests {
    /// The discovery tests of webmention.rocks, 1 to 23, rebuilt as fixtures.
    static let webmentionRocks: [DiscoveryCase] = [
        DiscoveryCase(
            name: "1 HTTP Link header, unquoted rel, relative URL", page: "https://webmention.rocks/test/1",
            linkHeaders: ["</test/1/webmention?head=true>; rel=webmention"], html: page(),
            endpoint: "https://webmention.rocks/test/1/webmention?head=true"),
        DiscoveryCase(
            name: "2 HTTP Link header, unquoted rel, absolute URL", page: "https://webmention.rocks/test/2",
            linkHeaders: ["<https://webmention.rocks/test/2/webmention?head=true>; rel=webmention"], html: page(),
            endpoint: "https://webmention.rocks/test/2/webmention?head=true"),
        DiscoveryCase(
            name: "3 HTML <link> tag, relative URL", page: "https://webmention.rocks/test/3",
            html: page(head: #"<link rel="webmention" href="/test/3/webmention">"#),
            endpoint: "https://webmention.rocks/test/3/webmention"),
        DiscoveryCase(
            name: "4 HTML <link> tag, absolute URL", page: "https://webmention.rocks/test/4",
            html: page(head: #"<link rel="webmention" href="https://webmention.rocks/test/4/webmention">"#),
            endpoint: "https://webmention.rocks/test/4/webmention"),
        DiscoveryCase(
            name: "5 HTML <a> tag, relative URL", page: "https://webmention.rocks/test/5",
            html: page(body: #"<p>This post has an <a rel="webmention" href="/test/5/webmention">endpoint</a>.</p>"#),
            endpoint: "https://webmention.rocks/test/5/webmention"),
        DiscoveryCase(
            name: "6 HTML <a> tag, absolute URL", page: "https://webmention.rocks/test/6",
            html: page(body: #"<a rel="webmention" href="https://webmention.rocks/test/6/webmention">endpoint</a>"#),
            endpoint: "https://webmention.rocks/test/6/webmention"),
        DiscoveryCase(
            name: "7 HTTP Link header with strange casing (the caller gathers LinK)",
            page: "https://webmention.rocks/test/7",
            linkHeaders: ["<https://webmention.rocks/test/7/webmention?head=true>; rel=webmention"], html: page(),
            endpoint: "https://webmention.rocks/test/7/webmention?head=true"),
        DiscoveryCase(
            name: "8 HTTP Link header, quoted rel", page: "https://webmention.rocks/test/8",
            linkHeaders: [#"<https://webmention.rocks/test/8/webmention?head=true>; rel="webmention""#], html: page(),
            endpoint: "https://webmention.rocks/test/8/webmention?head=true"),
        DiscoveryCase(
            name: "9 Multiple rel values on a <link> tag", page: "https://webmention.rocks/test/9",
            html: page(head: #"<link rel="webmention somethingelse" href="/test/9/webmention">"#),
            endpoint: "https://webmention.rocks/test/9/webmention"),
        DiscoveryCase(
            name: "10 Multiple rel values on a Link header", page: "https://webmention.rocks/test/10",
            linkHeaders: [#"<https://webmention.rocks/test/10/webmention?head=true>; rel="webmention somethingelse""#],
            html: page(), endpoint: "https://webmention.rocks/test/10/webmention?head=true"),
        DiscoveryCase(
            name: "11 Multiple endpoints advertised: Link, <link>, <a>", page: "https://webmention.rocks/test/11",
            linkHeaders: [#"<https://webmention.rocks/test/11/webmention>; rel="webmention""#],
            html: page(
                head: #"<link rel="webmention" href="/test/11/webmention/error">"#,
                body: #"<a rel="webmention" href="/test/11/webmention/error">x</a>"#),
            endpoint: "https://webmention.rocks/test/11/webmention"),
        DiscoveryCase(
            name: "12 Checking for exact match of rel=webmention", page: "https://webmention.rocks/test/12",
            html: page(
                head: #"<link rel="not-webmention" href="/test/12/webmention/error"><link rel="webmention" href="/test/12/webmention">"#
            ),
            endpoint: "https://webmention.rocks/test/12/webmention"),
        DiscoveryCase(
            name: "13 False endpoint inside an HTML comment", page: "https://webmention.rocks/test/13",
            html: page(
                head: #"<!-- <link rel="webmention" href="/test/13/webmention/error"> -->"#,
                body: #"<p>This post has a real <a rel="webmention" href="/test/13/webmention">endpoint</a>.</p>"#),
            endpoint: "https://webmention.rocks/test/13/webmention"),
        DiscoveryCase(
            name: "14 False endpoint in escaped HTML", page: "https://webmention.rocks/test/14",
            html: page(
                body: #"<code>&lt;a href="/test/14/webmention/error" rel="webmention"&gt;&lt;/a&gt;</code>"#
                    + #"<a rel="webmention" href="/test/14/webmention">endpoint</a>"#),
            endpoint: "https://webmention.rocks/test/14/webmention"),
        DiscoveryCase(
            name: "15 Webmention href is an empty string", page: "https://webmention.rocks/test/15",
            html: page(head: #"<link rel="webmention" href="">"#), endpoint: "https://webmention.rocks/test/15"),
        DiscoveryCase(
            name: "16 Multiple endpoints advertised: <a>, <link>", page: "https://webmention.rocks/test/16",
            html: page(
                body: #"<a rel="webmention" href="/test/16/webmention">first</a><link rel="webmention" href="/test/16/webmention/error">"#
            ),
            endpoint: "https://webmention.rocks/test/16/webmention"),
        DiscoveryCase(
            name: "17 Multiple endpoints advertised: <link>, <a>", page: "https://webmention.rocks/test/17",
            html: page(
                body: #"<link rel="webmention" href="/test/17/webmention"><a rel="webmention" href="/test/17/webmention/error">second</a>"#
            ),
            endpoint: "https://webmention.rocks/test/17/webmention"),
        DiscoveryCase(
            name: "18 Multiple HTTP Link headers", page: "https://webmention.rocks/test/18",
            linkHeaders: [
                #"<https://webmention.rocks/test/18/webmention/error>; rel="other""#,
                #"<https://webmention.rocks/test/18/webmention?head=true>; rel="webmention""#,
            ],
            html: page(), endpoint: "https://webmention.rocks/test/18/webmention?head=true"),
        DiscoveryCase(
            name: "19 Single HTTP Link header with multiple values", page: "https://webmention.rocks/test/19",
            linkHeaders: [
                #"<https://webmention.rocks/test/19/webmention/error>; rel="other", <https://webmention.rocks/test/19/webmention?head=true>; rel="webmention""#
            ],
            html: page(), endpoint: "https://webmention.rocks/test/19/webmention?head=true"),
        DiscoveryCase(
            name: "20 Link tag with no href attribute", page: "https://webmention.rocks/test/20",
            html: page(
                head: #"<link rel="webmention">"#, body: #"<a rel="webmention" href="/test/20/webmention">endpoint</a>"#),
            endpoint: "https://webmention.rocks/test/20/webmention"),
        DiscoveryCase(
            name: "21 Webmention endpoint has query string parameters", page: "https://webmention.rocks/test/21",
            html: page(head: #"<link rel="webmention" href="/test/21/webmention?query=yes">"#),
            endpoint: "https://webmention.rocks/test/21/webmention?query=yes"),
        DiscoveryCase(
            name: "22 Webmention endpoint is relative to the path", page: "https://webmention.rocks/test/22",
            html: page(head: #"<link rel="webmention" href="22/webmention">"#),
            endpoint: "https://webmention.rocks/test/22/webmention"),
        DiscoveryCase(
            name: "23 Target is a redirect; endpoint relative to the final URL",
            page: "https://webmention.rocks/test/23/page/dd9e0",
            linkHeaders: [#"<webmention-endpoint/dd9e0>; rel="webmention""#],
            html: page(head: #"<link rel="webmention" href="webmention-endpoint/error">"#),
            endpoint: "https://webmention.rocks/test/23/page/webmention-endpoint/dd9e0"),
    ]

    /// Further cases: places where markup is not an element, `<base>`, casing, schemes.
    static let further: [DiscoveryCase] = [
        DiscoveryCase(
            name: "endpoint text inside <script> is not an element", page: "https://example.com/post",
            html: page(
                head: #"<script>document.write('<link rel="webmention" href="/error">')</script>"#,
                body: #"<a rel="webmention" href="/real">x</a>"#),
            endpoint: "https://example.com/real"),
        DiscoveryCase(
            name: "endpoint inside <template> is inert", page: "https://example.com/post",
            html: page(
                body: #"<template><a rel="webmention" href="/error">x</a></template><a rel="webmention" href="/real">x</a>"#
            ),
            endpoint: "https://example.com/real"),
        DiscoveryCase(
            name: "endpoint inside <textarea> is text", page: "https://example.com/post",
            html: page(body: #"<textarea><link rel="webmention" href="/error"></textarea>"#), endpoint: nil),
        DiscoveryCase(
            name: "comment in body only", page: "https://example.com/post",
            html: page(body: #"<!-- <a rel="webmention" href="/error">x</a> -->"#), endpoint: nil),
        DiscoveryCase(
            name: "no endpoint at all", page: "https://example.com/post", html: page(body: "<p>Hello</p>"),
            endpoint: nil),
        DiscoveryCase(
            name: "rel is case-insensitive", page: "https://example.com/post",
            html: page(head: #"<link rel="WebMention" href="/endpoint">"#), endpoint: "https://example.com/endpoint"),
        DiscoveryCase(
            name: "rel tokens split on any whitespace", page: "https://example.com/post",
            html: page(head: "<link rel=\"me\twebmention\n\" href=\"/endpoint\">"),
            endpoint: "https://example.com/endpoint"),
        DiscoveryCase(
            name: "<base href> applies to elements", page: "https://example.com/blog/post",
            html: page(head: #"<base href="https://static.example.net/root/"><link rel="webmention" href="wm">"#),
            endpoint: "https://static.example.net/root/wm"),
        DiscoveryCase(
            name: "relative <base href> resolves against the page", page: "https://example.com/blog/post",
            html: page(head: #"<base href="/other/"><link rel="webmention" href="wm?x=1&amp;y=2">"#),
            endpoint: "https://example.com/other/wm?x=1&y=2"),
        DiscoveryCase(
            name: "<base href> does not apply to the Link header", page: "https://example.com/blog/post",
            linkHeaders: ["<wm>; rel=webmention"], html: page(head: #"<base href="https://elsewhere.example/">"#),
            endpoint: "https://example.com/blog/wm"),
        DiscoveryCase(
            name: "empty href with <base> is the base", page: "https://example.com/post#top",
            html: page(head: #"<base href="https://example.com/base/"><link rel="webmention" href="">"#),
            endpoint: "https://example.com/base/"),
        DiscoveryCase(
            name: "empty href drops the page's fragment", page: "https://example.com/post?a=1#top",
            html: page(head: #"<link rel="webmention" href="">"#), endpoint: "https://example.com/post?a=1"),
        DiscoveryCase(
            name: "href with surrounding whitespace", page: "https://example.com/post",
            html: page(head: "<link rel=\"webmention\" href=\"  /endpoint\n\">"), endpoint: "https://example.com/endpoint"),
        DiscoveryCase(
            name: "scheme-relative href", page: "https://example.com/post",
            html: page(head: #"<link rel="webmention" href="//mentions.example.org/in">"#),
            endpoint: "https://mentions.example.org/in"),
        DiscoveryCase(
            name: "non-http endpoints are refused, the next one counts", page: "https://example.com/post",
            linkHeaders: ["<file:///etc/passwd>; rel=webmention"],
            html: page(
                head: #"<link rel="webmention" href="javascript:alert(1)"><link rel="webmention" href="http+unix://%2Fvar%2Frun%2Fx.sock/">"#,
                body: #"<a rel="webmention" href="/real">x</a>"#),
            endpoint: "https://example.com/real"),
        DiscoveryCase(
            name: "Link header without webmention falls back to HTML", page: "https://example.com/post",
            linkHeaders: [#"<https://example.com/hub>; rel="hub", <https://example.com/post>; rel="self""#],
            html: page(head: #"<link rel="webmention" href="/wm">"#), endpoint: "https://example.com/wm"),
        DiscoveryCase(
            name: "rel=\"webmention\" in an SVG <a> does not count", page: "https://example.com/post",
            html: page(body: #"<svg><a rel="webmention" href="/error"><text>x</text></a></svg>"#), endpoint: nil),
        DiscoveryCase(
            name: "an <a> without href is skipped", page: "https://example.com/post",
            html: page(body: #"<a rel="webmention">no href</a><a rel="webmention" href="/second">x</a>"#),
            endpoint: "https://example.com/second"),
    ]

    @Test(arguments: webmentionRocks)
    func webmentionRocksDiscovery(_ testCase: DiscoveryCase) {
        // Given the page as webmention.rocks serves it, after redirects
        let document = HTMLDocument(html: testCase.html, url: URL(string: testCase.page)!)
        // When the endpoint is discovered / Then it is the one the test names
        #expect(document.webmentionEndpoint(linkHeaders: testCase.linkHeaders)?.absoluteString == testCase.endpoint)
    }

    @Test(arguments: further)
    func furtherDiscovery(_ testCase: DiscoveryCase) {
        let document = HTMLDocument(html: testCase.html, url: URL(string: testCase.page)!)
        #expect(document.webmentionEndpoint(linkHeaders: testCase.linkHeaders)?.absoluteString == testCase.endpoint)
    }

    @Test func baseURLIsTheFirstBaseWithHref() {
        let document = HTMLDocument(
            html: page(head: #"<base target="_blank"><base href="/first/"><base href="/second/">"#),
            url: URL(string: "https://example.com/a/b")!)
        #expect(document.baseURL.absoluteString == "https://example.com/first/")
    }

    @Test func nonHTTPBaseIsIgnored() {
        let document = HTMLDocument(
            html: page(head: #"<base href="javascript:void(0)//"><link rel="webmention" href="/wm">"#),
            url: URL(string: "https://example.com/a")!)
        #expect(document.baseURL.absoluteString == "https://example.com/a")
        #expect(document.webmentionEndpoint(linkHeaders: [])?.absoluteString == "https://example.com/wm")
    }
}
