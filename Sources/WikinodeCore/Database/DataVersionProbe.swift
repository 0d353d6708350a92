import GRDBSQLite
import Synchronization

/// Tells whether anything was committed to the database, by this process or any other, since
/// the last look: SQLite's `PRAGMA data_version`, on a read-only connection of its own.
///
/// Page views ask it on every request, so it is one prepared statement on a raw connection
/// behind a mutex, not a trip through a GRDB queue.
public final class DataVersionProbe: Sendable {
    private struct Handle: @unchecked Sendable {  // only used under the mutex
        let connection: OpaquePointer
        let statement: OpaquePointer
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
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(connection, "PRAGMA data_version", -1, &statement, nil) == SQLITE_OK, let statement else {
            let message = String(cString: sqlite3_errmsg(connection))
            sqlite3_close(connection)
            throw ProbeError(message: "Cannot read the data version of \(path): \(message)")
        }
        handle = Mutex(Handle(connection: connection, statement: statement))
    }

    deinit {
        handle.withLock { handle in
            sqlite3_finalize(handle.statement)
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

/// The database could not be read; a server error, not the client's.
public struct ProbeError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
