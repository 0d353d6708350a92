import Foundation
import Testing
import WikinodeTesting

@testable import WikinodeCore

/// The hub's share per callback host: one party cannot take every slot of the node's hub.
@Suite struct WebSubHubShareTests {
    let directory: TemporaryDirectory
    let database: WikiDatabase

    init() throws {
        directory = try TemporaryDirectory()
        database = try WikiDatabase.open(path: directory.path("wiki.sqlite").path)
    }

    func subscribe(_ topic: String, _ callback: String) throws {
        try database.recordHubRequest(mode: "subscribe", topicPath: topic, callbackURL: callback, secret: nil, leaseSeconds: nil)
    }

    func refusal(_ topic: String, _ callback: String) -> String? {
        do {
            try subscribe(topic, callback)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func oneHostMayHaveOnlyItsShareOfWaitingRequests() throws {
        // Given 20 subscriptions from one host waiting for their verification
        for index in 0..<WikiDatabase.maximumHubRequestsPerHost { try subscribe("/tag/t\(index).atom", "http://127.0.0.1:9/callback/\(index)") }
        // Then one more from that host is refused, with the reason, however its name is spelled
        let refused = try #require(refusal("/feed.atom", "http://127.0.0.1:9/callback/more"))
        #expect(refused.contains("127.0.0.1") && refused.contains("waiting"), "\(refused)")
        #expect(refusal("/feed.atom", "http://127.0.0.1:10/other") != nil, "another port of the same host")
        // And another host is still taken, and a request repeated replaces its earlier self
        #expect(refusal("/feed.atom", "http://[::1]:9/callback") == nil)
        #expect(refusal("/tag/t0.atom", "http://127.0.0.1:9/callback/0") == nil)
        #expect(try database.pendingHubRequests(limit: 100).count == WikiDatabase.maximumHubRequestsPerHost + 1)
    }

    @Test func oneHostMayHaveOnlyItsShareOfSubscribers() throws {
        // Given a host with as many verified subscriptions as one host may have
        for index in 0..<WikiDatabase.maximumHubSubscribersPerHost {
            try subscribe("/tag/t\(index).atom", "http://localhost:9/callback")
            let request = try #require(try database.pendingHubRequests().first)
            try database.recordHubVerification(of: request, confirmed: true, contentHash: "")
        }
        #expect(try database.hubSubscribers().count == WikiDatabase.maximumHubSubscribersPerHost)
        // Then a subscription to one more topic is refused, with the reason
        let refused = try #require(refusal("/feed.atom", "http://LOCALHOST:9/callback"))
        #expect(refused.contains("localhost") && refused.contains("\(WikiDatabase.maximumHubSubscribersPerHost)"), "\(refused)")
        // And a renewal of one it has is taken, as is a subscription from another host
        #expect(refusal("/tag/t5.atom", "http://localhost:9/callback") == nil)
        #expect(refusal("/feed.atom", "http://127.0.0.1:9/callback") == nil)
    }
}
