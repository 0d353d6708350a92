import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import WikinodeCore
import WikinodeNetwork
import WikinodeServer

/// Several real nodes in one test process, each a live server on 127.0.0.1 (a free port, its
/// own temporary data directory), built by the same `buildApplication` as `wikinode serve`.
/// Nodes can be stopped and started again on the same address and data.
public final class NodeCluster: Sendable {
    public final class Node: Sendable {
        public let index: Int
        public let directory: TemporaryDirectory
        /// Port 0 until the first start; then the port the system gave, kept for restarts, so
        /// that peers find the node again where they know it.
        private let settings: Mutex<ServerConfiguration>
        let running = Mutex<Task<Void, Error>?>(nil)

        init(index: Int, timing: PeeringTiming) throws {
            self.index = index
            directory = try TemporaryDirectory()
            var configuration = ServerConfiguration(
                host: "127.0.0.1", port: 0, dataDirectory: DataDirectory(path: directory.path("data").path),
                resourcesDirectory: TestNode.repositoryRoot, logLevel: .critical, allowPrivateAddresses: true, federationTiming: timing)
            configuration.loopbackOnly = true
            settings = Mutex(configuration)
            // Named node0, node1…: each name is also the node's interwiki prefix on its followers.
            try configuration.dataDirectory.open().database.setSetting("name", to: "node\(index)")
        }

        public var configuration: ServerConfiguration { settings.withLock { $0 } }
        public var port: Int { configuration.port }

        /// The node's routes over its data, for tests that browse it (forms, sessions).
        public var testNode: TestNode { TestNode(configuration: configuration, directory: directory) }

        /// `http://127.0.0.1:PORT`
        public var url: String { configuration.baseURL }

        /// The node's database, opened as another process would (as `wikinode` commands do).
        public func database() throws -> WikiDatabase {
            try configuration.dataDirectory.open().database
        }

        /// The node's federation as `wikinode follow` uses it, beside the running server.
        public func peering() throws -> Peering {
            let (database, identity, _) = try configuration.dataDirectory.open()
            return Peering(
                database: database, identity: identity, ownURL: url, policy: .testsOnLoopback,
                timing: configuration.federationTiming, logger: Logger(label: "test-follow"))
        }

        /// Starts the server and waits until it listens; throws if it cannot (its port taken
        /// meanwhile, say) instead of waiting for ever.
        public func start() async throws {
            guard running.withLock({ $0 == nil }) else { throw NodeClusterError("node\(index) is running already") }
            let start = ServerStart()
            let app = try await buildApplication(configuration: configuration, onServerRunning: start.onServerRunning)
            let task = Task { try await app.runService(gracefulShutdownSignals: []) }
            running.withLock { $0 = task }
            do {
                let port = try await start.port(of: task, describing: "node\(index)")
                settings.withLock { $0 = $0.listening(on: port) }
            } catch {
                running.withLock { $0 = nil }
                throw error
            }
        }

        /// Stops the server (gracefully) and waits until it is down.
        public func stop() async {
            guard
                let task = running.withLock({ value in
                    defer { value = nil }
                    return value
                })
            else { return }
            task.cancel()
            _ = await task.result
        }

        /// A token for the API.
        public func makeToken(named name: String = "tester") throws -> String {
            try database().createToken(named: name)
        }
    }

    public let nodes: [Node]

    /// Timing for tests: pulls come from notices; a failed notice is retried within a second; a
    /// fediverse key may be fetched again at once (a test rotates one right after using it).
    public static let testTiming = PeeringTiming(
        pollInterval: .seconds(60), firstBackoff: .milliseconds(200), maximumBackoff: .seconds(1), signatureWindow: .seconds(300), batchSize: 200,
        limits: RemoteClient.Limits(timeout: .seconds(5), maximumBodyBytes: 8 << 20, maximumRedirects: 3),
        webLimits: RemoteClient.Limits(timeout: .seconds(2), maximumBodyBytes: 1 << 20, maximumRedirects: 5), keyRefetchInterval: .zero)

    init(count: Int, timing: PeeringTiming) throws {
        nodes = try (0..<count).map { try Node(index: $0, timing: timing) }
    }

    /// Runs `body` with `count` started nodes, and stops them all afterwards.
    public static func run<Value: Sendable>(
        count: Int, timing: PeeringTiming = NodeCluster.testTiming, _ body: (NodeCluster) async throws -> Value
    ) async throws -> Value {
        let cluster = try NodeCluster(count: count, timing: timing)
        do {
            for node in cluster.nodes { try await node.start() }
            let value = try await body(cluster)
            for node in cluster.nodes { await node.stop() }
            return value
        } catch {
            for node in cluster.nodes { await node.stop() }
            throw error
        }
    }

    public subscript(index: Int) -> Node { nodes[index] }

    // MARK: - HTTP, to 127.0.0.1 only

    public struct Reply: Sendable {
        public let status: Int
        public let headers: [(String, String)]
        public let body: String

        public func header(_ name: String) -> String? {
            headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
        }

        /// The body as a JSON object.
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
    }

    /// Sends a request to a URL on 127.0.0.1.
    public static func request(
        _ url: String, method: HTTPMethod = .GET, headers: [(String, String)] = [], body: Data? = nil
    ) async throws -> Reply {
        precondition(url.hasPrefix("http://127.0.0.1:"), "tests talk to 127.0.0.1 only")
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: String(buffer: buffer))
    }

    /// Writes a page through the node's API with `token`.
    @discardableResult
    public static func putPage(_ node: Node, title: String, markdown: String, token: String, baseRevision: Int64? = nil) async throws -> Reply {
        var document: [String: Any] = ["markdown": markdown]
        if let baseRevision { document["baseRevision"] = baseRevision }
        let path = try PageTitle(title).path.dropFirst("/wiki/".count)
        return try await request(
            node.url + "/api/pages/" + path, method: .PUT,
            headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
            body: try JSONSerialization.data(withJSONObject: document))
    }

    /// Waits until `condition` holds, checking every 20 ms, for at most `timeout`; returns how
    /// long it took, or nil when it never held.
    public static func waitUntil(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async rethrows -> Duration? {
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < timeout {
            if try await condition() { return clock.now - start }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return try await condition() ? clock.now - start : nil
    }
}

/// A cluster node did not come up.
public struct NodeClusterError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
