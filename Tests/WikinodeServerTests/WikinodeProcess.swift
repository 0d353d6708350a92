import Foundation
import WikinodeTesting

/// Runs the `wikinode` executable built next to the tests.
struct WikinodeProcess {
    let process: Process
    private let lines: LineCollector

    struct Result {
        let status: Int32
        let output: String
        let errors: String
    }

    static var executable: URL {
        get throws {
            var folder = Bundle.main.bundleURL
            for _ in 0..<4 {
                let candidate = folder.appendingPathComponent("wikinode")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                folder.deleteLastPathComponent()
            }
            let fallback = TestNode.repositoryRoot.appendingPathComponent(".build/debug/wikinode")
            guard FileManager.default.isExecutableFile(atPath: fallback.path) else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "wikinode executable (run swift build first)"])
            }
            return fallback
        }
    }

    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = try executable
        process.arguments = arguments
        process.currentDirectoryURL = TestNode.repositoryRoot
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
            errors: String(decoding: errorData, as: UTF8.self))
    }

    /// Starts the executable; with `softFileLimit`, through a shell that lowers the soft limit
    /// on open files first (the process keeps the shell's id).
    static func start(_ arguments: [String], softFileLimit: Int? = nil) throws -> WikinodeProcess {
        let process = Process()
        if let softFileLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -Sn \(softFileLimit) && exec \"$0\" \"$@\"", try executable.path] + arguments
        } else {
            process.executableURL = try executable
            process.arguments = arguments
        }
        process.currentDirectoryURL = TestNode.repositoryRoot
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let collector = LineCollector()
        output.fileHandleForReading.readabilityHandler = { handle in collector.append(handle.availableData) }
        try process.run()
        return WikinodeProcess(process: process, lines: collector)
    }

    /// Waits (at most 30 s) for a line of output containing `text`.
    func waitForLine(containing text: String) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let line = lines.snapshot().first(where: { $0.contains(text) }) { return line }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "no line with \(text) in: \(lines.snapshot())"])
    }
}

/// Output lines of a running process, collected from its pipe.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = ""

    func append(_ data: Data) {
        lock.withLock { buffer += String(decoding: data, as: UTF8.self) }
    }

    func snapshot() -> [String] {
        lock.withLock { buffer.split(separator: "\n").map(String.init) }
    }
}
