import Foundation
import Logging

/// Writes each log message as one line: time (UTC), level, label, metadata, message.
///
/// Unlike swift-log's `StreamLogHandler`, which formats its metadata every time a key is set,
/// this formats only the lines it writes: the router sets a request id on every request's
/// logger, and at the usual levels nearly all of them log nothing.
public struct LineLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable (String) -> Void

    /// A handler for `label` that hands each formatted line, with its newline, to `write`.
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    /// A handler that writes to standard output, one `write` call per line so that lines from
    /// different threads never interleave.
    public static func standardOutput(label: String, metadataProvider: Logger.MetadataProvider? = nil) -> LineLogHandler {
        LineLogHandler(label: label, metadataProvider: metadataProvider) { line in
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }

    private static let time = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        var line = Date.now.formatted(Self.time)
        line += " \(event.level) \(label):"
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { line += " \(key)=\(value)" }
        line += " \(event.message)\n"
        write(line)
    }
}
