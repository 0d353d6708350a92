import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import WikinodeCore
import WikinodeServer

/// A node in a temporary data directory, built by the same `buildApplication` as `wikinode serve`.
public struct TestNode: Sendable {
    public let directory: TemporaryDirectory
    public var configuration: ServerConfiguration

    /// A node whose data lives in a new temporary directory.
    public init(baseURL: String = "http://127.0.0.1:8080") throws {
        directory = try TemporaryDirectory()
        var configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, baseURL: baseURL, dataDirectory: DataDirectory(path: directory.path("data").path),
            resourcesDirectory: Self.repositoryRoot, logLevel: .warning)
        configuration.loopbackOnly = true
        self.configuration = configuration
    }

    /// A node over an existing configuration and directory (another node's, as a second
    /// process would open it).
    public init(configuration: ServerConfiguration, directory: TemporaryDirectory) {
        self.configuration = configuration
        self.directory = directory
    }

    /// The checkout this test runs from; it holds `Templates/` and `Public/`.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The node's database, opened (and on first use created, with its welcome pages).
    public func database() throws -> WikiDatabase {
        try configuration.dataDirectory.open().database
    }

    /// A token for the API.
    public func makeToken(named name: String = "tester") throws -> String {
        try database().createToken(named: name)
    }

    /// Runs `test` against the node's router, or a live server on 127.0.0.1 with `.live`.
    public func test<Value: Sendable>(
        _ setup: TestingSetup = .router, _ test: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let app = try await buildApplication(configuration: configuration)
        return try await app.test(setup) { client in try await test(client) }
    }
}

extension TestResponse {
    /// The body as UTF-8 text.
    public var text: String { String(buffer: body) }
}
