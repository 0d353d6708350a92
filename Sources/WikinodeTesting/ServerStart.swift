import Foundation

/// How a test server tells that it listens: pass `onServerRunning` to the application, start
/// it in `task`, then `port(of:)` waits for the port the system gave it (the server binds port
/// 0, as Hummingbird's own tests do, so no two servers can be handed the same port).
struct ServerStart: Sendable {
    private let ports: AsyncStream<Int>
    private let continuation: AsyncStream<Int>.Continuation

    init() {
        (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    }

    var onServerRunning: @Sendable (Int) async -> Void {
        { [continuation] port in continuation.yield(port) }
    }

    /// The port once the server listens; throws what ended `task` if it ends first.
    func port(of task: Task<Void, Error>, describing server: String) async throws -> Int {
        let continuation = continuation
        // The server ending before it listens ends the wait too.
        let watcher = Task {
            _ = await task.result
            continuation.finish()
        }
        defer { watcher.cancel() }
        for await port in ports { return port }
        if case .failure(let error) = await task.result { throw error }
        throw NodeClusterError("\(server) stopped before it listened")
    }
}
