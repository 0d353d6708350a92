import Foundation
import Testing
import WikinodeCore

@Suite struct WebOriginTests {
    @Test(arguments: [
        ("http://a.example", "http://a.example"),
        ("HTTP://A.Example:80/path?q#f", "http://a.example"),
        ("https://a.example:443/", "https://a.example"),
        ("https://a.example:8443/x", "https://a.example:8443"),
        ("http://127.0.0.1:8080/wiki/Home", "http://127.0.0.1:8080"),
        ("http://[::1]:8080/", "http://[::1]:8080"),
        ("http://user:pass@a.example/", "http://a.example"),
    ])
    func isSerialisedAsBrowsersSendIt(url: String, expected: String) throws {
        #expect(try #require(WebOrigin(string: url)).description == expected)
    }

    @Test func theDefaultPortIsTheSameOrigin() {
        #expect(WebOrigin(string: "http://a.example/x") == WebOrigin(string: "http://A.EXAMPLE:80/y"))
        #expect(WebOrigin(string: "http://a.example") != WebOrigin(string: "https://a.example"))
        #expect(WebOrigin(string: "http://a.example") != WebOrigin(string: "http://a.example:8080"))
        #expect(WebOrigin(string: "http://a.example") != WebOrigin(string: "http://b.example"))
    }

    @Test(arguments: ["ftp://a.example/", "javascript:alert(1)", "/relative", "http://", "mailto:a@b.example", ""])
    func onlyHttpAddressesWithAHostHaveOne(url: String) {
        #expect(WebOrigin(string: url) == nil)
    }
}
