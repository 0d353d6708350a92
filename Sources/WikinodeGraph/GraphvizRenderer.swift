import CGraphviz
import Foundation

/// Graphviz, wrapped once: lays out DOT text and renders it as SVG. Graphviz keeps global state
/// and is not thread-safe, so every call runs on one thread of its own (this actor's executor),
/// one at a time, for the whole process; the context is made once and freed with the renderer, and
/// every graph and rendering is freed after its call.
public actor GraphvizRenderer {
    public enum Engine: String, Sendable {
        /// Layered, for a page's neighbourhood: what links here on one side, what it links to on the other.
        case dot
        /// Radial around a root, for the rings of the sites a node knows.
        case twopi
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Every renderer in the process shares this thread: Graphviz's state is global.
    private static let thread = OneThreadExecutor(name: "graphviz")
    nonisolated public var unownedExecutor: UnownedSerialExecutor { Self.thread.asUnownedSerialExecutor() }

    /// The one renderer of the process.
    public static let shared = GraphvizRenderer()

    /// Made on first use, on the renderer's thread (an initializer runs on its caller's).
    private var context: OpaquePointer?

    private init() {}

    isolated deinit {
        if let context { gvFreeContext(context) }
    }

    private func madeContext() throws -> OpaquePointer {
        if let context { return context }
        // Warnings (a label it cannot fit, a font it lacks) are not failures; errors are
        // answered by return codes.
        _ = agseterr(AGMAX)
        guard let made = gvContext() else { throw Failure(description: "Graphviz could not start.") }
        context = made
        return made
    }

    /// The SVG document of `dot` laid out by `engine`.
    public func svg(_ dot: String, engine: Engine) throws -> String {
        let context = try madeContext()
        guard let graph = agmemread(dot) else { throw Failure(description: "The graph could not be read.") }
        defer { agclose(graph) }
        guard gvLayout(context, graph, engine.rawValue) == 0 else { throw Failure(description: "The graph could not be laid out.") }
        defer { gvFreeLayout(context, graph) }
        var data: UnsafeMutablePointer<CChar>?
        var length: UInt32 = 0
        guard gvRenderData(context, graph, "svg", &data, &length) == 0, let data else {
            throw Failure(description: "The graph could not be drawn.")
        }
        defer { gvFreeRenderData(data) }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }
}

/// A serial executor that runs every job on one thread it owns, in order.
final class OneThreadExecutor: SerialExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    init(name: String) {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedSerialExecutor())
        }
    }
}
