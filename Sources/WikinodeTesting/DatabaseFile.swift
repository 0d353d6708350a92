import GRDB
import WikinodeCore

/// A second connection of its own to a node's database file, for tests that look underneath the
/// door (counting rows, ageing a session). It sees what the node committed, as any SQLite
/// client of the file would.
public struct DatabaseFile {
    let queue: DatabaseQueue

    public init(_ database: WikiDatabase) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        queue = try DatabaseQueue(path: database.path, configuration: configuration)
    }

    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.read(body)
    }

    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.write(body)
    }
}
