import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WikinodeCore
import WikinodeTesting

/// A real server on 127.0.0.1 (port 0): headers and limits as they travel over a socket.
@Suite struct LiveServerTests {
    @Test func headersOverASocket() async throws {
        let node = try TestNode()
        try await node.test(.live) { client in
            let response = try await client.execute(uri: "/wiki/Welcome", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.eTag] != nil)
            #expect(response.headers[.lastModified] != nil)
            #expect(response.headers[.contentLength] == "\(response.body.readableBytes)")
            let head = try await client.execute(uri: "/wiki/Welcome", method: .head)
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
            let notModified = try await client.execute(uri: "/wiki/Welcome", method: .get, headers: [.ifNoneMatch: response.headers[.eTag]!])
            #expect(notModified.status == .notModified)
        }
    }

    @Test func oversizedBodyIsRefusedAndTheServerStaysUp() async throws {
        let node = try TestNode()
        let token = try node.makeToken()
        try await node.test(.live) { client in
            let huge = ByteBuffer(repeating: UInt8(ascii: "a"), count: 3_000_000)
            let response = try await client.execute(
                uri: "/api/pages/Big", method: .put, headers: [.authorization: "Bearer \(token)", .contentType: "application/json"], body: huge)
            #expect(response.status == .contentTooLarge)
            #expect(try await client.execute(uri: "/wiki/Welcome", method: .get).status == .ok)
        }
        #expect(try node.database().lookup(try PageTitle("Big")).isMissing)
    }
}

extension PageLookup {
    var isMissing: Bool { if case .missing = self { true } else { false } }
}
