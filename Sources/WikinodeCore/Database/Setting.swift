import GRDB

/// One row of the `setting` table: a node setting (`NodeSettings`) or, with a dot in its key,
/// the node's own bookkeeping (the address it serves at, the change it last told followers of).
struct Setting: Codable, Sendable, Equatable {
    var key: String
    var value: String
}

extension Setting: FetchableRecord, PersistableRecord {
    static let databaseTableName = "setting"

    enum Columns {
        static let key = Column(CodingKeys.key)
        static let value = Column(CodingKeys.value)
    }

    /// Writes `value` under `key`, replacing what was there.
    static func write(_ key: String, _ value: String, in db: Database) throws {
        try Setting(key: key, value: value).upsert(db)
    }

    /// The value under `key`, if any.
    static func value(of key: String, in db: Database) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM setting WHERE key = ?"), arguments: [key])
    }
}
