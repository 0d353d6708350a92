import Foundation
import Testing
import WikinodeHTMLReader

@Suite("Pingback and Trackback discovery")
struct PingbackTrackbackDiscoveryTests {
    let postURL = URL(string: "https://blog.example/2024/01/post/")!

    @Test func pingbackHeaderWins() {
        let document = HTMLDocument(
            html: page(head: #"<link rel="pingback" href="https://blog.example/from-html">"#), url: postURL)
        let server = document.pingbackServer(xPingbackHeaders: ["https://blog.example/xmlrpc.php"])
        #expect(server?.absoluteString == "https://blog.example/xmlrpc.php")
    }

    @Test func pingbackLinkElement() {
        let document = HTMLDocument(
            html: page(head: #"<link rel="pingback" href="https://blog.example/xmlrpc.php">"#), url: postURL)
        #expect(document.pingbackServer(xPingbackHeaders: [])?.absoluteString == "https://blog.example/xmlrpc.php")
        #expect(document.pingbackServer(xPingbackHeaders: ["  "])?.absoluteString == "https://blog.example/xmlrpc.php")
    }

    @Test func pingbackInCommentOrAnchorDoesNotCount() {
        let document = HTMLDocument(
            html: page(
                head: #"<!-- <link rel="pingback" href="https://blog.example/error"> -->"#,
                body: #"<a rel="pingback" href="https://blog.example/error">x</a>"#),
            url: postURL)
        #expect(document.pingbackServer(xPingbackHeaders: []) == nil)
    }

    @Test func pingbackRefusesOtherSchemes() {
        let document = HTMLDocument(html: page(head: #"<link rel="pingback" href="ftp://blog.example/x">"#), url: postURL)
        #expect(document.pingbackServer(xPingbackHeaders: ["file:///etc/passwd"]) == nil)
    }

    static let rdf = """
        <!--
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
                 xmlns:dc="http://purl.org/dc/elements/1.1/"
                 xmlns:trackback="http://madskills.com/public/xml/rss/module/trackback/">
        <rdf:Description
            rdf:about="https://blog.example/2024/01/other/"
            dc:identifier="https://blog.example/2024/01/other/"
            dc:title="Another post"
            trackback:ping="https://blog.example/wp-trackback.php?p=41" />
        </rdf:RDF>
        -->
        <!--
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
                 xmlns:dc="http://purl.org/dc/elements/1.1/"
                 xmlns:trackback="http://madskills.com/public/xml/rss/module/trackback/">
        <rdf:Description
            rdf:about="https://blog.example/2024/01/post/"
            dc:identifier="https://blog.example/2024/01/post/"
            dc:title="The post"
            trackback:ping="https://blog.example/wp-trackback.php?p=42&amp;x=1" />
        </rdf:RDF>
        -->
        """

    @Test func trackbackMatchesIdentifier() {
        let document = HTMLDocument(html: page(body: "<p>Post</p>" + Self.rdf), url: postURL)
        #expect(
            document.trackbackPingURL(for: postURL)?.absoluteString == "https://blog.example/wp-trackback.php?p=42&x=1")
        #expect(
            document.trackbackPingURL(for: URL(string: "https://blog.example/2024/01/other/")!)?.absoluteString
                == "https://blog.example/wp-trackback.php?p=41")
    }

    @Test(arguments: [
        "https://blog.example/2024/01/post", "https://blog.example/2024/01/post/#comments",
        "https://BLOG.example/2024/01/post/",
    ])
    func trackbackIgnoresTrailingSlashAndFragment(_ linked: String) {
        let document = HTMLDocument(html: page(body: Self.rdf), url: postURL)
        #expect(
            document.trackbackPingURL(for: URL(string: linked)!)?.absoluteString
                == "https://blog.example/wp-trackback.php?p=42&x=1")
    }

    @Test func trackbackForAnotherPageIsNil() {
        let document = HTMLDocument(html: page(body: Self.rdf), url: postURL)
        #expect(document.trackbackPingURL(for: URL(string: "https://blog.example/2024/01/third/")!) == nil)
        #expect(document.trackbackPingURL(for: URL(string: "http://blog.example/2024/01/post/")!) == nil)
    }

    @Test func trackbackWithRawAmpersandsAndStrayText() {
        // Many engines print the ping URL with a bare & and text around the RDF.
        let html = page(
            body: """
                <!-- trackback data follows
                <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:trackback="http://madskills.com/public/xml/rss/module/trackback/">
                <rdf:Description rdf:about="https://blog.example/?p=42&c=1" dc:identifier="https://blog.example/?p=42&c=1" trackback:ping="https://blog.example/tb.cgi?id=42&mode=rdf" />
                </rdf:RDF> end -->
                """)
        let document = HTMLDocument(html: html, url: postURL)
        #expect(
            document.trackbackPingURL(for: URL(string: "https://blog.example/?p=42&c=1")!)?.absoluteString
                == "https://blog.example/tb.cgi?id=42&mode=rdf")
    }

    @Test func trackbackWithOtherPrefixesAndChildElements() {
        // Namespaces count, not prefixes; identifier and ping may be child elements.
        let html = page(
            body: """
                <!--<r:RDF xmlns:r="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:d="http://purl.org/dc/elements/1.1/" xmlns:t="http://madskills.com/public/xml/rss/module/trackback/">
                <r:Description r:about="https://blog.example/2024/01/post/">
                  <d:identifier>https://blog.example/2024/01/post/</d:identifier>
                  <t:ping r:resource="https://blog.example/tb/42" />
                </r:Description></r:RDF>-->
                """)
        let document = HTMLDocument(html: html, url: postURL)
        #expect(document.trackbackPingURL(for: postURL)?.absoluteString == "https://blog.example/tb/42")
    }

    @Test func trackbackWithoutIdentifierUsesAbout() {
        let html = page(
            body: """
                <!-- <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:trackback="http://madskills.com/public/xml/rss/module/trackback/">
                <rdf:Description rdf:about="/2024/01/post/" trackback:ping="/tb/42"/></rdf:RDF> -->
                """)
        let document = HTMLDocument(html: html, url: postURL)
        #expect(document.trackbackPingURL(for: postURL)?.absoluteString == "https://blog.example/tb/42")
    }

    @Test func trackbackRDFOutsideAComment() {
        let html = page(
            body: """
                <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="https://blog.example/2024/01/post/" dc:identifier="https://blog.example/2024/01/post/" trackback:ping="https://blog.example/tb/7"></rdf:Description></rdf:RDF>
                """)
        let document = HTMLDocument(html: html, url: postURL)
        #expect(document.trackbackPingURL(for: postURL)?.absoluteString == "https://blog.example/tb/7")
    }

    @Test func trackbackRefusesEntitiesAndBrokenXML() {
        let entities = page(
            body: """
                <!-- <!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
                <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:trackback="http://madskills.com/public/xml/rss/module/trackback/">
                <rdf:Description dc:identifier="https://blog.example/2024/01/post/" trackback:ping="https://blog.example/tb/&b;"/></rdf:RDF> -->
                """)
        #expect(HTMLDocument(html: entities, url: postURL).trackbackPingURL(for: postURL) == nil)
        let broken = page(body: "<!-- <rdf:RDF><rdf:Description trackback:ping=\"https://x.example/\" <<< -->")
        #expect(HTMLDocument(html: broken, url: postURL).trackbackPingURL(for: postURL) == nil)
    }

    @Test func trackbackRefusesOtherSchemes() {
        let html = page(
            body: """
                <!-- <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:trackback="http://madskills.com/public/xml/rss/module/trackback/">
                <rdf:Description dc:identifier="https://blog.example/2024/01/post/" trackback:ping="file:///etc/passwd"/></rdf:RDF> -->
                """)
        #expect(HTMLDocument(html: html, url: postURL).trackbackPingURL(for: postURL) == nil)
    }
}
