import Foundation

/// A node's data directory: the database and the key pair. Everything a node knows lives here.
public struct DataDirectory: Sendable {
    public let url: URL

    public init(path: String) {
        url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    }

    public var databasePath: String { url.appendingPathComponent("wikinode.sqlite").path }
    public var keyFile: URL { url.appendingPathComponent("node.key") }
    /// The ActivityPub actor's RSA key (see `ActorKey`).
    public var actorKeyFile: URL { url.appendingPathComponent("actor-key.pem") }

    public func actorKey() -> ActorKey { ActorKey(file: actorKeyFile) }

    /// The default: `$WIKINODE_DATA`, else `./wikinode-data`.
    public static var defaultPath: String {
        ProcessInfo.processInfo.environment["WIKINODE_DATA"].flatMap { $0.isEmpty ? nil : $0 } ?? "wikinode-data"
    }

    /// Opens the node's database and key, creating the directory, database, key pair and welcome
    /// pages on first use. `isNew` tells whether this call created them. An import into a new
    /// directory passes `seedsWelcomePages: false`, so that what it imports is all there is.
    public func open(seedsWelcomePages: Bool = true) throws -> (database: WikiDatabase, identity: NodeIdentity, isNew: Bool) {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let isNew = !FileManager.default.fileExists(atPath: databasePath)
        let database = try WikiDatabase.open(path: databasePath)
        let identity = try NodeIdentity.loadOrCreate(at: keyFile)
        if seedsWelcomePages, try database.latestChangeSeq() == 0 {
            try WelcomePages.seed(database)
        }
        return (database, identity, isNew)
    }
}
