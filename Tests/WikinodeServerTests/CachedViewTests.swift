import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WikinodeCore
import WikinodeServer
import WikinodeTesting

/// An anonymous reader's cached page view is answered on the connection's event loop
/// (`CachedViewHandler`), over a real socket: what it answers is what the router answers, in
/// order, and the connection's idle timeout still holds.
@Suite struct CachedViewTests {
    let node: TestNode

    init() throws {
        node = try TestNode()
        let database = try node.database()
        try database.savePage(PageEdit(title: try PageTitle("Front Page"), markdown: "Hello. See [[Other Page]].", author: "alice"))
        try database.savePage(PageEdit(title: try PageTitle("Other Page"), markdown: "Back to [[Front Page]].", author: "bob"))
        try database.addUser(named: "alice", password: "alice's long secret", hasher: PasswordHasher(costLog2: 10))
    }

    /// Every header but the date, sorted.
    static func fields(_ response: TestResponse) -> [String] {
        response.headers.filter { $0.name != .date }.map { "\($0.name): \($0.value)" }.sorted()
    }

    @Test func aCachedViewIsWhatTheRouterAnswers() async throws {
        try await node.test(.live) { client in
            // The first view is the router's, and is cached; the second comes from the cache
            let first = try await client.execute(uri: "/wiki/Front_Page", method: .get)
            let again = try await client.execute(uri: "/wiki/Front_Page", method: .get)
            #expect(first.status == .ok && again.status == .ok)
            #expect(again.text == first.text)
            #expect(first.text.hasPrefix("<!doctype html>\n"), "the pragma line leaves nothing behind")
            #expect(Self.fields(again) == Self.fields(first))
            #expect(again.headers[.contentLength] == "\(again.body.readableBytes)")
            #expect(again.headers[.server] == "wikinode" && again.headers[.date] != nil)
            #expect(again.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(again.headers[values: HTTPField.Name("Link")!].contains { $0.hasSuffix(#"/webmention>; rel="webmention""#) })
            #expect(again.headers[HTTPField.Name("X-Pingback")!]?.hasSuffix("/pingback") == true)
            // Its 304 is the router's 304 too (a cookie, any cookie, sends a request to the router)
            let etag = try #require(first.headers[.eTag])
            let revalidated = try await client.execute(uri: "/wiki/Front_Page", method: .get, headers: [.ifNoneMatch: etag])
            let routers = try await client.execute(uri: "/wiki/Front_Page", method: .get, headers: [.ifNoneMatch: etag, .cookie: "theme=dark"])
            #expect(revalidated.status == .notModified && revalidated.body.readableBytes == 0)
            #expect(routers.status == .notModified)
            #expect(Self.fields(revalidated) == Self.fields(routers))
            #expect(revalidated.headers[HTTPField.Name("X-Pingback")!] == nil, "the linkback headers go on HTML only")
            // An ETag on the second of two If-None-Match lines counts, as it does for the router
            let port = try #require(client.port)
            let connection = try await RawConnection.open(port: port)
            await connection.send("GET /wiki/Front_Page HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-None-Match: \"other\"\r\nIf-None-Match: \(etag)\r\n\r\n")
            #expect(await connection.receiveResponse().hasPrefix("HTTP/1.1 304 Not Modified\r\n"))
            connection.close()
            // HEAD and a query go through the router and get the same headers
            let head = try await client.execute(uri: "/wiki/Front_Page", method: .head)
            #expect(head.status == .ok && head.body.readableBytes == 0)
            let withQuery = try await client.execute(uri: "/wiki/Front_Page?from=feed", method: .get)
            #expect(withQuery.text == first.text)
        }
    }

    @Test func aSignedInReaderNeverGetsTheAnonymousView() async throws {
        try await node.test(.live) { client in
            let anonymous = try await client.execute(uri: "/wiki/Front_Page", method: .get)
            #expect(try await client.execute(uri: "/wiki/Front_Page", method: .get).text == anonymous.text)
            var browser = BrowserSession()
            try await browser.signIn(client, name: "alice", password: "alice's long secret")
            let signedIn = try await browser.get(client, "/wiki/Front_Page")
            #expect(signedIn.status == .ok)
            #expect(signedIn.text != anonymous.text)
            #expect(signedIn.text.contains("alice"))
            #expect(signedIn.headers[.cacheControl] == "private, no-cache")
        }
    }

    @Test func pipelinedRequestsAreAnsweredInTheirOrder() async throws {
        try await node.test(.live) { client in
            let port = try #require(client.port)
            _ = try await client.execute(uri: "/wiki/Front_Page", method: .get)
            // Cached, made by the router, cached, missing (the router), cached, and the last one
            // asks the node to close.
            let paths = ["/wiki/Front_Page", "/wiki/Other_Page", "/wiki/Front_Page", "/wiki/Nowhere", "/wiki/Front_Page", "/wiki/Other_Page"]
            let requests = paths.enumerated().map { index, path in
                "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (index == paths.count - 1 ? "Connection: close\r\n" : "") + "\r\n"
            }
            let connection = try await RawConnection.open(port: port)
            await connection.send(requests.joined())
            let (text, closed) = await connection.receive(upTo: 4 << 20, within: .seconds(5))
            #expect(closed)
            let headings = text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { response -> String in
                let status = response.prefix(3)
                let heading = response.range(of: "<h1").flatMap { response[$0.upperBound...].range(of: ">") }
                let title = heading.map { response[$0.upperBound...].prefix { $0 != "<" } } ?? ""
                return "\(status) \(title)"
            }
            #expect(headings == ["200 Front Page", "200 Other Page", "200 Front Page", "404 Nowhere", "200 Front Page", "200 Other Page"])
        }
    }

    @Test func aMalformedRequestBehindACachedOneGetsA400AndTheNodeServesOn() async throws {
        try await node.test(.live) { client in
            let port = try #require(client.port)
            _ = try await client.execute(uri: "/wiki/Front_Page", method: .get)
            let connection = try await RawConnection.open(port: port)
            await connection.send("GET /wiki/Front_Page HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /wiki/Front Page\u{1} HTTP/9\r\n\r\n")
            let (text, closed) = await connection.receive(upTo: 4 << 20, within: .seconds(5))
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(text.contains("HTTP/1.1 400 Bad Request\r\n"))
            #expect(closed)
            let fresh = try await RawConnection.open(port: port)
            await fresh.send("GET /wiki/Front_Page HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(await fresh.receiveResponse().hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test func aConnectionServedFromTheCacheStaysOpenWhileUsedAndClosesWhenIdle() async throws {
        var node = node
        // (3 s rather than 1: under the whole suite's start a gap of over a second between two
        // requests happened once, and the node rightly closed the connection)
        node.configuration.connectionLimits.idleTimeout = .seconds(3)
        try await node.test(.live) { client in
            let port = try #require(client.port)
            // The test client's own connection is not used: on a loaded machine it may sit
            // idle for the timeout before its first request, and be closed.
            let connection = try await RawConnection.open(port: port)
            // A view every 300 ms for 6 seconds, twice the idle timeout: the connection stays
            let start = ContinuousClock.now
            while ContinuousClock.now - start < .seconds(6) {
                await connection.send("GET /wiki/Front_Page HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                #expect(await connection.receiveResponse().hasPrefix("HTTP/1.1 200"))
                try await Task.sleep(for: .milliseconds(300))
            }
            // Then, asked nothing, the node closes it after the idle timeout
            let quiet = ContinuousClock.now
            #expect(await connection.receive(within: .seconds(6)).closed)
            #expect(ContinuousClock.now - quiet < .seconds(5))
        }
    }
}
