import Foundation
import Hummingbird
import Logging
import Synchronization

/// A test's own server on 127.0.0.1 (a site to link to, a fediverse server, a weblog), started
/// for one test and stopped after it.
public protocol LoopbackServer: AnyObject, Sendable {
    init()
    /// Starts the server and waits until it listens.
    func start() async throws
    func stop() async
}

extension LoopbackServer {
    /// Runs `body` with a started server, and stops it afterwards (also when `body` throws).
    public static func run<Value: Sendable>(_ body: (Self) async throws -> Value) async throws -> Value {
        let server = Self()
        try await server.start()
        do {
            let value = try await body(server)
            await server.stop()
            return value
        } catch {
            await server.stop()
            throw error
        }
    }
}

/// The task a loopback server's application runs in.
final class ServerTask: Sendable {
    private let task = Mutex<Task<Void, Error>?>(nil)

    /// Runs the application `makeApplication` builds (passing it what its `onServerRunning`
    /// must call with the port) and returns the port once it listens.
    func launch<App: ApplicationProtocol>(
        describing server: String, _ makeApplication: (_ listening: @escaping @Sendable (Int) async -> Void) -> App
    ) async throws -> Int {
        let start = ServerStart()
        let app = makeApplication(start.onServerRunning)
        let running = Task { try await app.runService(gracefulShutdownSignals: []) }
        task.withLock { $0 = running }
        return try await start.port(of: running, describing: server)
    }

    /// Runs `router` on 127.0.0.1 (a port the system gives), logging only what is critical,
    /// and returns the port once it listens.
    func launch(_ router: Router<BasicRequestContext>, describing server: String) async throws -> Int {
        try await launch(describing: server) { listening in
            var logger = Logger(label: server)
            logger.logLevel = .critical
            return Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { await listening($0.localAddress?.port ?? 0) }, logger: logger)
        }
    }

    /// Stops the application, if it runs, and waits until it has.
    func stop() async {
        let running = task.withLock { value in
            defer { value = nil }
            return value
        }
        running?.cancel()
        _ = await running?.result
    }
}
