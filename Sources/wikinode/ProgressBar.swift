import Foundation

/// A progress bar on standard error, drawn only when it is a terminal.
final class ProgressBar: @unchecked Sendable {  // used by one task at a time
    private let label: String
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastDrawn = -1

    init(label: String) {
        self.label = label
    }

    func update(_ done: Int, of total: Int) {
        guard isTerminal, total > 0 else { return }
        let width = 30
        let filled = done * width / total
        guard filled != lastDrawn || done == total else { return }
        lastDrawn = filled
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(done)/\(total)".utf8))
    }

    func finish() {
        if isTerminal, lastDrawn >= 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
