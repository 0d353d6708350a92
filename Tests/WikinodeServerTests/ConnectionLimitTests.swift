import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WikinodeCore
import WikinodeServer
import WikinodeTesting

/// One client must not be able to hold a node's connections: unread bodies, idle and slow
/// clients, and more connections than the node takes. Real sockets on 127.0.0.1, short limits
/// set through the configuration.
@Suite(.serialized) struct ConnectionLimitTests {
    static func node(_ limits: ConnectionLimits) throws -> TestNode {
        var node = try TestNode()
        node.configuration.connectionLimits = limits
        return node
    }

    /// Each test shortens the limit it is about; the idle timeout is long unless a test is
    /// about it, so that it closes nothing the other limits should close.
    static let shortLimits = ConnectionLimits(
        idleTimeout: .seconds(30), requestBodyTimeout: .seconds(1), sendTimeout: .seconds(1), lingerTimeout: .milliseconds(500),
        maximumConnections: 1024)

    /// A request the handler answers without reading its body: the head, and as much of the
    /// megabyte-sized body as the server takes in `sending`.
    static func unreadBody(_ head: String, port: Int, sending: Duration = .milliseconds(300)) async throws -> String {
        let connection = try await RawConnection.open(port: port)
        await connection.send(head)
        await connection.send([UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20), within: sending)
        let response = await connection.receiveResponse(within: .seconds(3))
        connection.close()
        return response
    }

    static func connections(_ count: Int, port: Int) async throws -> [RawConnection] {
        var connections: [RawConnection] = []
        for _ in 0..<count { connections.append(try await RawConnection.open(port: port)) }
        return connections
    }

    @Test func unreadBodiesWithConnectionCloseLeaveNoSocketOpen() async throws {
        // Given a live node, and the sockets open once it serves
        let node = try Self.node(Self.shortLimits)
        try await node.test(.live) { client in
            let port = try #require(client.port)
            _ = try await client.execute(uri: "/wiki/Welcome", method: .get)
            let before = OpenFiles.acceptedSockets(onPort: port)
            // (the test client's own connection is one of them: the count sees real sockets)
            #expect(before >= 1, "open: \(OpenFiles.acceptedSocketStates(onPort: port))")
            // When 40 clients send a megabyte that nobody reads, with Connection: close, and hang up
            for index in 0..<40 {
                let head =
                    index.isMultiple(of: 2)
                    ? "GET /wiki/Seed HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 1048576\r\n\r\n"
                    : "PUT /api/pages/Seed HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n"
                let response = try await Self.unreadBody(head, port: port)
                #expect(response.hasPrefix(index.isMultiple(of: 2) ? "HTTP/1.1 404" : "HTTP/1.1 401"), "\(response.prefix(80))")
            }
            // Then every one of their sockets is closed again, soon (with room for a machine
            // busy with the rest of the suite: it took 28 s there once, 10 s alone)
            let settled = await NodeCluster.waitUntil(timeout: .seconds(15)) { OpenFiles.acceptedSockets(onPort: port) <= before }
            #expect(settled != nil, "open: \(OpenFiles.acceptedSocketStates(onPort: port)), \(before) before")
            #expect(try await client.execute(uri: "/wiki/Welcome", method: .get).status == .ok)
        }
    }

    @Test func aClientThatKeepsSendingIsCutOffAfterTheLingerTimeout() async throws {
        // Given a closing exchange answered at once, by a node that would wait long for a body
        var limits = Self.shortLimits
        limits.requestBodyTimeout = .seconds(30)
        let node = try Self.node(limits)
        try await node.test(.live) { client in
            let port = try #require(client.port)
            let connection = try await RawConnection.open(port: port)
            await connection.send("GET /wiki/Seed HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 100000000\r\n\r\n")
            // When the client goes on sending for longer than the node lingers
            let start = ContinuousClock.now
            while ContinuousClock.now - start < .seconds(4), !connection.isBroken {
                await connection.send([UInt8](repeating: 0x61, count: 65_536), within: .milliseconds(200))
            }
            // Then the node has closed the connection
            #expect(connection.isBroken)
            #expect(ContinuousClock.now - start < .seconds(3))
        }
    }

    @Test func idleAndSlowlorisConnectionsAreClosedWhileOthersAreServed() async throws {
        // Given a node that closes connections idle for a second
        var limits = Self.shortLimits
        limits.idleTimeout = .seconds(1)
        let node = try Self.node(limits)
        try await node.test(.live) { client in
            let port = try #require(client.port)
            // When 30 clients connect and say nothing, 10 drip a header a byte every 100 ms, and
            // 5 keep a connection alive after one request
            let idle = try await Self.connections(30, port: port)
            let dripping = try await Self.connections(10, port: port)
            let kept = try await Self.connections(5, port: port)
            for connection in kept {
                await connection.send("GET /wiki/Welcome HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                #expect(await connection.receiveResponse().hasPrefix("HTTP/1.1 200"))
            }
            let header = Array("GET /wiki/Welcome HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8) + [UInt8](repeating: 0x61, count: 100)
            let start = ContinuousClock.now
            var sent = 0
            while ContinuousClock.now - start < .seconds(2), sent < header.count {
                for connection in dripping { await connection.send([header[sent]], within: .milliseconds(50)) }
                sent += 1
                // Meanwhile a new client is answered at once (the test client's own connection
                // would be idle between these, and closed like the others)
                if sent.isMultiple(of: 5) {
                    let fresh = try await RawConnection.open(port: port)
                    await fresh.send("GET /wiki HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    #expect(await fresh.receiveResponse(within: .seconds(2)).hasPrefix("HTTP/1.1 200"))
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            // Then every one of them has been closed by the node
            for connection in idle + dripping + kept {
                #expect(await connection.receive(within: .seconds(2)).closed)
            }
            #expect(ContinuousClock.now - start < .seconds(5))
        }
    }

    @Test func aBodyThatArrivesTooSlowlyIsCutOff() async throws {
        // Given a node that wants a body within a second of its head
        let node = try Self.node(Self.shortLimits)
        let token = try node.makeToken()
        try await node.test(.live) { client in
            let port = try #require(client.port)
            let connection = try await RawConnection.open(port: port)
            await connection.send(
                "PUT /api/pages/Slow HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
            )
            // When it comes a byte every 300 ms, each well inside the idle timeout
            let start = ContinuousClock.now
            var closed = false
            while ContinuousClock.now - start < .seconds(4) {
                if await connection.send([0x20], within: .milliseconds(100)) == 0 {
                    closed = true
                    break
                }
                if await connection.receive(within: .milliseconds(300)).closed {
                    closed = true
                    break
                }
            }
            // Then the node closes it after about the body timeout, and saved nothing
            #expect(closed)
            #expect(ContinuousClock.now - start < .seconds(3))
        }
        #expect(try node.database().lookup(try PageTitle("Slow")).isMissing)
    }

    @Test func aClientThatReadsNothingOfItsResponsesIsCutOff() async throws {
        // Given a page of 900 KB
        let node = try Self.node(Self.shortLimits)
        let line = String(repeating: "word ", count: 19) + "\n"
        try await node.database().savePage(
            PageEdit(title: try PageTitle("Big"), markdown: String(repeating: line, count: 9_000), summary: "", author: "test"))
        try await node.test(.live) { client in
            let port = try #require(client.port)
            // When a client asks for it 20 times on one connection and reads none of it
            let connection = try await RawConnection.open(port: port)
            await connection.send(String(repeating: "GET /wiki/Big.md HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", count: 20))
            try await Task.sleep(for: .seconds(2.5))
            // Then the node has given up on it: what it had sent arrives, then the end, far
            // short of 20 answers
            let (text, closed) = await connection.receive(upTo: 30 << 20, within: .seconds(5))
            #expect(closed)
            #expect(text.utf8.count < 10 * 900_000)
        }
    }

    /// What each of `connections` is told within `timeout`, read side by side; with whether the
    /// node closed it.
    static func answers(of connections: [RawConnection], within timeout: Duration) async -> [(text: String, closed: Bool)] {
        await withTaskGroup(of: (Int, (text: String, closed: Bool)).self) { group in
            for (index, connection) in connections.enumerated() {
                group.addTask { (index, await connection.receive(within: timeout)) }
            }
            var answers = [(text: String, closed: Bool)](repeating: ("", false), count: connections.count)
            for await (index, answer) in group { answers[index] = answer }
            return answers
        }
    }

    @Test func pastTheCapANewConnectionGetsA503AtOnce() async throws {
        // Given a node that takes 16 connections, one of them the test client's
        var limits = Self.shortLimits
        limits.maximumConnections = 16
        let node = try Self.node(limits)
        try await node.test(.live) { client in
            let port = try #require(client.port)
            #expect(try await client.execute(uri: "/wiki/Welcome", method: .get).status == .ok)
            // When 16 more connect (the event loops set them up in any order)
            let connections = try await Self.connections(16, port: port)
            // Then exactly one is told at once, and closed; the others wait for their request
            let answers = await Self.answers(of: connections, within: .seconds(1.5))
            let refused = answers.filter { $0.text.hasPrefix("HTTP/1.1 503 Service Unavailable") }
            #expect(refused.count == 1, "\(answers.map { $0.text.prefix(20) })")
            #expect(refused.allSatisfy { $0.closed && $0.text.contains("Retry-After: 5") && $0.text.contains("too many open connections") })
            #expect(answers.filter { $0.text.isEmpty && !$0.closed }.count == 15)
            // And once a held connection goes, a new one is served again
            for connection in connections { connection.close() }
            let served = await NodeCluster.waitUntil(timeout: .seconds(3)) {
                guard let connection = try? await RawConnection.open(port: port) else { return false }
                await connection.send("GET /wiki/Welcome HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                return await connection.receiveResponse().hasPrefix("HTTP/1.1 200")
            }
            #expect(served != nil)
        }
    }

    @Test func oneClientCannotTakeEveryConnection() async throws {
        // Given a node that takes 8 connections from one client, counting this machine as one
        var limits = Self.shortLimits
        limits.maximumConnectionsPerClient = 8
        limits.exemptsLoopbackFromClientCap = false
        let node = try Self.node(limits)
        try await node.test(.live) { client in
            let port = try #require(client.port)
            #expect(try await client.execute(uri: "/wiki/Welcome", method: .get).status == .ok)
            // When it opens 8 more
            let connections = try await Self.connections(8, port: port)
            // Then one of them is told why, and closed
            let answers = await Self.answers(of: connections, within: .seconds(1.5))
            let refused = answers.filter { $0.text.hasPrefix("HTTP/1.1 503 Service Unavailable") }
            #expect(refused.count == 1, "\(answers.map { $0.text.prefix(20) })")
            #expect(refused.allSatisfy { $0.closed && $0.text.contains("Your network has too many connections") })
        }
    }

    @Test func theConnectionCapFollowsTheFileLimit() {
        let limits = ConnectionLimits(maximumConnections: 1024)
        #expect(limits.effectiveMaximum(fileLimit: 1_048_576) == 1024)
        #expect(limits.effectiveMaximum(fileLimit: 256) == 128)
        #expect(limits.effectiveMaximum(fileLimit: 64) == 16)
    }
}
