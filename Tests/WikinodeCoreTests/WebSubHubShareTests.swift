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

    func subscribe(_ topic: String, _ callback: String, mode: String = "subscribe") throws {
        try database.recordHubRequest(mode: mode, topicPath: topic, callbackURL: callback, secret: nil, leaseSeconds: nil)
    }

    func refusal(_ topic: String, _ callback: String, mode: String = "subscribe") -> String? {
        do {
            try subscribe(topic, callback, mode: mode)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Verifies every request waiting, as the hub does when their callbacks confirm.
    func verifyAll() throws {
        for request in try database.pendingHubRequests(limit: 1_000) {
            try database.recordHubVerification(of: request, confirmed: true, contentHash: "")
        }
    }

    @Test func oneHostMayHaveOnlyItsShareOfWaitingRequests() throws {
        // Given 20 subscriptions from one host waiting for their verification
        for index in 0..<WikiDatabase.maximumHubRequestsPerHost { try subscribe("/tag/t\(index).atom", "http://127.0.0.1:9/callback/\(index)") }
        // Then one more from that host is refused, with the reason, from another port of it too
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
            try verifyAll()
        }
        #expect(try database.hubSubscribers().count == WikiDatabase.maximumHubSubscribersPerHost)
        // Then a subscription to one more topic is refused, with the reason
        let refused = try #require(refusal("/feed.atom", "http://LOCALHOST:9/callback"))
        #expect(refused.contains("localhost") && refused.contains("\(WikiDatabase.maximumHubSubscribersPerHost)"), "\(refused)")
        #expect(refusal("/feed.atom", "http://localhost.:9/callback") != nil, "the same name with a final dot")
        // And a renewal of one it has is taken, as is a subscription from another host
        #expect(refusal("/tag/t5.atom", "http://localhost:9/callback") == nil)
        #expect(refusal("/feed.atom", "http://127.0.0.1:9/callback") == nil)
    }

    @Test func endingNothingIsRefusedSoThatItCannotOpenAWayRoundTheShare() throws {
        // Given a host with its share of waiting requests
        for index in 0..<WikiDatabase.maximumHubRequestsPerHost { try subscribe("/tag/t\(index).atom", "http://127.0.0.1:9/callback/\(index)") }
        // Then ending a subscription it never had is refused, and so is subscribing after that
        let unsubscription = try #require(refusal("/feed.atom", "http://127.0.0.1:9/callback/new", mode: "unsubscribe"))
        #expect(unsubscription.contains("nothing to end"), "\(unsubscription)")
        #expect(refusal("/feed.atom", "http://127.0.0.1:9/callback/new") != nil)
        // And a subscription waiting, ended before it was verified and asked for again, still
        // counts once
        #expect(refusal("/tag/t3.atom", "http://127.0.0.1:9/callback/3", mode: "unsubscribe") == nil)
        #expect(refusal("/tag/t3.atom", "http://127.0.0.1:9/callback/3") != nil, "it gave up its place by ending it")
        #expect(try database.pendingHubRequests(limit: 100).count == WikiDatabase.maximumHubRequestsPerHost)
    }

    @Test func renewingOrEndingASubscriptionIsTakenWhenTheQueueIsFull() throws {
        // Given a host with one verified subscription, and as many requests waiting as the hub takes
        try subscribe("/feed.atom", "http://127.0.0.1:9/kept")
        try verifyAll()
        // (callbacks on ten names that never resolve: nothing here is ever asked)
        for index in 0..<WikiDatabase.maximumHubRequests { try subscribe("/feed.atom", "http://host\(index % 10).invalid/pad/\(index)") }
        #expect(try database.pendingHubRequests(limit: 1_000).count == WikiDatabase.maximumHubRequests)
        #expect(refusal("/feed.atom", "http://127.0.0.1:9/new")?.contains("too many requests") == true)
        // Then renewing it, or ending it, is taken all the same
        #expect(refusal("/feed.atom", "http://127.0.0.1:9/kept") == nil)
        #expect(refusal("/feed.atom", "http://127.0.0.1:9/kept", mode: "unsubscribe") == nil)
    }
}
