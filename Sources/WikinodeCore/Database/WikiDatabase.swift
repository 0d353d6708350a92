import Foundation
import GRDB

/// The one door to a node's database.
///
/// Every write is one method named for what it means, and each runs in one transaction that
/// keeps every invariant together: revision, page, links, search index and change log.
public final class WikiDatabase: Sendable {
    /// The connections. Only the door's own methods use them: everything else asks the door,
    /// and a test that looks underneath opens the file by `path` on a connection of its own.
    let writer: any DatabaseWriter

    /// The database file.
    public var path: String { writer.path }

    /// Wraps `writer` and brings its schema up to date.
    public init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    /// Opens (creating if needed) the database file at `path` as a WAL-mode pool.
    public static func open(path: String) throws -> WikiDatabase {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = max(4, ProcessInfo.processInfo.activeProcessorCount * 2)
        let pool = try DatabasePool(path: path, configuration: configuration)
        return try WikiDatabase(pool)
    }

    /// Copies the database, consistent as of one moment, to a new SQLite file at `path` (which
    /// must not exist), while the node keeps running: SQLite's online backup, from a read
    /// snapshot, so writers are not held up. Then checks the copy's integrity.
    public func backup(to path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw WikiError.invalidInput("\(path) exists already; back up to a new file.")
        }
        do {
            let copy = try DatabaseQueue(path: path)
            try writer.backup(to: copy)
            let check = try copy.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
            try copy.close()
            guard check == "ok" else { throw WikiError.invalidInput("The copy at \(path) failed its integrity check: \(check ?? "no answer").") }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }

    /// Calls `onChange` after each transaction of this process that changed any of `tables`,
    /// until the returned token is cancelled or released: how background services learn of
    /// work without polling for it.
    public func observeCommits(to tables: [String], onChange: @escaping @Sendable () -> Void) -> AnyDatabaseCancellable {
        let observation = DatabaseRegionObservation(tracking: tables.map { Table($0) })
        return observation.start(in: writer, onError: { _ in }, onChange: { _ in onChange() })
    }

    /// The node's settings.
    public func settings() throws -> NodeSettings {
        // One statement: no transaction needed around it.
        try writer.unsafeRead(NodeSettings.read)
    }

    /// A date as the database keeps it, to the millisecond, rounded down: stored and compared
    /// without a rounding that would put a notice a fraction of a millisecond in the future.
    static func wholeMilliseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}
