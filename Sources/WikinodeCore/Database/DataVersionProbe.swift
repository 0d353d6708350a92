import GRDBSQLite
import Synchronization

/// Tells whether anything was committed to the database, by this process or any other, since
/// the last look (SQLite's `PRAGMA data_version`), and what the commits changed of what views
/// are made from (the `viewChange` log), on a read-only connection of its own.
///
/// Page views ask it on every request, so these are prepared statements on a raw connection
/// behind a mutex, not a trip through a GRDB queue.
public final class DataVersionProbe: Sendable {
    private struct Handle: @unchecked Sendable {  // only used under the mutex
        let connection: OpaquePointer
        let statement: OpaquePointer
        let latest: OpaquePointer
        let changes: OpaquePointer
    }

    private let handle: Mutex<Handle>

    public init(path: String) throws {
        var connection: OpaquePointer?
        let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &connection, flags, nil) == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(connection)
            throw ProbeError(message: "Cannot open \(path): \(message)")
        }
        sqlite3_busy_timeout(connection, 10_000)
        var statements: [OpaquePointer] = []
        for sql in [
            "PRAGMA data_version", "SELECT IFNULL(MAX(seq), 0) FROM viewChange",
            "SELECT seq, key FROM viewChange WHERE seq > ? ORDER BY seq LIMIT ?",
        ] {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(connection, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
                let message = String(cString: sqlite3_errmsg(connection))
                statements.forEach { sqlite3_finalize($0) }
                sqlite3_close(connection)
                throw ProbeError(message: "Cannot read the data version of \(path): \(message)")
            }
            statements.append(statement)
        }
        handle = Mutex(Handle(connection: connection, statement: statements[0], latest: statements[1], changes: statements[2]))
    }

    deinit {
        handle.withLock { handle in
            sqlite3_finalize(handle.statement)
            sqlite3_finalize(handle.latest)
            sqlite3_finalize(handle.changes)
            sqlite3_close(handle.connection)
        }
    }

    /// A number that changes whenever another connection commits.
    public func current() throws -> Int64 {
        try handle.withLock { handle in
            defer { sqlite3_reset(handle.statement) }
            guard sqlite3_step(handle.statement) == SQLITE_ROW else {
                throw ProbeError(message: "Cannot read the data version: \(String(cString: sqlite3_errmsg(handle.connection)))")
            }
            return sqlite3_column_int64(handle.statement, 0)
        }
    }
}

extension DataVersionProbe {
    /// The position of the newest entry of the view-change log (0 when it is empty).
    public func latestViewChange() throws -> Int64 {
        try handle.withLock { handle in
            defer { sqlite3_reset(handle.latest) }
            guard sqlite3_step(handle.latest) == SQLITE_ROW else { throw Self.error(handle) }
            return sqlite3_column_int64(handle.latest, 0)
        }
    }

    /// The entries of the view-change log after `seq`, oldest first, at most `limit`.
    public func viewChanges(after seq: Int64, limit: Int) throws -> [(seq: Int64, key: String)] {
        try handle.withLock { handle in
            defer {
                sqlite3_reset(handle.changes)
                sqlite3_clear_bindings(handle.changes)
            }
            sqlite3_bind_int64(handle.changes, 1, seq)
            sqlite3_bind_int64(handle.changes, 2, Int64(limit))
            var changes: [(seq: Int64, key: String)] = []
            while true {
                switch sqlite3_step(handle.changes) {
                case SQLITE_ROW:
                    let key = sqlite3_column_text(handle.changes, 1).map { String(cString: $0) } ?? ""
                    changes.append((sqlite3_column_int64(handle.changes, 0), key))
                case SQLITE_DONE:
                    return changes
                default:
                    throw Self.error(handle)
                }
            }
        }
    }

    private static func error(_ handle: Handle) -> ProbeError {
        ProbeError(message: "Cannot read the view changes: \(String(cString: sqlite3_errmsg(handle.connection)))")
    }
}

/// The database could not be read; a server error, not the client's.
public struct ProbeError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
