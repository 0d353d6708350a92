import Crypto
import Foundation
import GRDB

/// A signed-in (or not yet signed-in) visitor, as a request sees them.
public struct SessionState: Sendable, Equatable {
    public let session: Session
    public let user: User?
    /// Whether this use pushed the expiry back: the browser's cookie should then last as long.
    public var wasRenewed = false

    public init(session: Session, user: User?, wasRenewed: Bool = false) {
        self.session = session
        self.user = user
        self.wasRenewed = wasRenewed
    }
}

extension WikiDatabase {
    /// How long a session lasts without use.
    public static let sessionLifetime: TimeInterval = 14 * 24 * 3600

    // MARK: Accounts

    /// Adds an account; the first one is the node's owner.
    @discardableResult
    public func addUser(named name: String, password: String, hasher: PasswordHasher = PasswordHasher()) throws -> User {
        let name = try Self.validUserName(name)
        try PasswordHasher.validateNew(password)
        let hash = try hasher.hash(password)
        return try writer.write { db in
            if try User.filter(User.Columns.nameKey == name.lowercased()).fetchCount(db) > 0 {
                throw WikiError.invalidInput("There is already an account named \(name).")
            }
            let isFirst = try User.fetchCount(db) == 0
            var user = User(id: nil, name: name, nameKey: name.lowercased(), passwordHash: hash, role: isFirst ? .owner : .member, createdAt: Date())
            try user.insert(db)
            return user
        }
    }

    /// Sets a new password and signs the account out everywhere.
    public func setPassword(ofUser name: String, to password: String, hasher: PasswordHasher = PasswordHasher()) throws {
        try PasswordHasher.validateNew(password)
        let hash = try hasher.hash(password)
        try writer.write { db in
            guard var user = try User.filter(User.Columns.nameKey == name.lowercased()).fetchOne(db) else {
                throw WikiError.notFound("There is no account named \(name).")
            }
            user.passwordHash = hash
            try user.update(db)
            try Session.filter(Column("userId") == user.id!).deleteAll(db)
        }
    }

    /// The account whose name and password these are. Takes as long when the name is unknown.
    public func authenticate(name: String, password: String, hasher: PasswordHasher = PasswordHasher()) throws -> User? {
        let user = try writer.read { db in try User.filter(User.Columns.nameKey == name.lowercased()).fetchOne(db) }
        guard let user else {
            _ = hasher.verify(password, against: Self.dummyHash)
            return nil
        }
        return hasher.verify(password, against: user.passwordHash) ? user : nil
    }

    /// A hash of nothing in particular, verified when the name is unknown so timing tells nothing.
    private static let dummyHash = (try? PasswordHasher().hash("not a real password at all")) ?? ""

    /// The owner's account name, if there is an owner yet.
    public func ownerName() throws -> String? {
        try writer.read { db in try String.fetchOne(db, sql: "SELECT name FROM user WHERE role = 'owner' ORDER BY id LIMIT 1") }
    }

    public func userCount() throws -> Int {
        try writer.read { db in try User.fetchCount(db) }
    }

    static func validUserName(_ raw: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespaces)
        guard (1...40).contains(name.count),
            name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0.properties.numericType != nil || "-_. ".unicodeScalars.contains($0) })
        else {
            throw WikiError.invalidInput("An account name has 1 to 40 letters, digits, spaces, dots, dashes or underscores.")
        }
        return name
    }

    // MARK: Sessions

    /// Starts a session (signed in when `user` is given) and returns the cookie's secret.
    public func createSession(for user: User?) throws -> (secret: String, state: SessionState) {
        let secret = Self.makeRandomToken()
        let now = Date()
        let session = Session(
            idHash: Self.tokenHash(secret), userId: user?.id, createdAt: now,
            expiresAt: now.addingTimeInterval(Self.sessionLifetime))
        try writer.write { db in
            try session.insert(db)
            try Session.filter(Session.Columns.expiresAt < now).deleteAll(db)
        }
        return (secret, SessionState(session: session, user: user))
    }

    /// The live session whose cookie secret is `secret`, with its account; expired ones are nil.
    /// Use pushes the expiry back, at most once an hour.
    public func session(forSecret secret: String) throws -> SessionState? {
        guard secret.utf8.count < 200 else { return nil }
        let hash = Self.tokenHash(secret)
        let now = Date()
        let found: (Session, User?)? = try writer.unsafeRead { db in
            // Every request with a cookie asks this: cached statements, prepared once.
            guard let session = try Session.fetchOne(db.cachedStatement(sql: "SELECT * FROM session WHERE idHash = ?"), arguments: [hash]),
                session.expiresAt > now
            else { return nil }
            let user = try session.userId.flatMap {
                try User.fetchOne(db.cachedStatement(sql: "SELECT * FROM user WHERE id = ?"), arguments: [$0])
            }
            return (session, user)
        }
        guard let found else { return nil }
        var session = found.0
        let user = found.1
        if session.userId != nil, user == nil { return nil }
        let renewed = now.addingTimeInterval(Self.sessionLifetime)
        if renewed.timeIntervalSince(session.expiresAt) > 3600 {
            session.expiresAt = renewed
            try writer.write { db in try session.update(db) }
            return SessionState(session: session, user: user, wasRenewed: true)
        }
        return SessionState(session: session, user: user)
    }

    /// Ends a session.
    public func deleteSession(secret: String) throws {
        _ = try writer.write { db in try Session.deleteOne(db, key: Self.tokenHash(secret)) }
    }

    // MARK: Drafts

    /// Keeps text that could not be saved (the session had ended) for `client` (a browser) on
    /// `network`, and returns its id. The text is limited like a page's; the oldest drafts
    /// beyond `limits` go, first the client's own, then its network's, then anyone's.
    public func stashDraft(
        title: PageTitle, markdown: String, summary: String, baseRevision: Int64?, client: String, network: String,
        limits: DraftLimits = DraftLimits(), now: Date = Date()
    ) throws -> String {
        try PageEdit(title: title, markdown: markdown, summary: summary, author: "draft").validate()
        let id = Self.makeRandomToken()
        let draft = Draft(
            id: id, title: title.text, markdown: markdown, summary: summary, baseRevision: baseRevision, createdAt: now, client: client,
            network: network, byteCount: markdown.utf8.count + summary.utf8.count)
        try writer.write { db in
            try draft.insert(db)
            try Draft.filter(Draft.Columns.createdAt < now.addingTimeInterval(-limits.lifetime)).deleteAll(db)
            try Self.pruneDrafts(in: db, where: "client = ?", [client], rows: limits.perClient, bytes: .max)
            try Self.pruneDrafts(in: db, where: "network = ?", [network], rows: limits.perNetwork, bytes: limits.bytesPerNetwork)
            try Self.pruneDrafts(in: db, where: "1", [], rows: limits.total, bytes: limits.totalBytes)
        }
        return id
    }

    /// Deletes the drafts matching `condition` beyond the newest `rows`, or beyond `bytes` in all
    /// counted from the newest (the newest one always stays).
    private static func pruneDrafts(in db: Database, where condition: String, _ arguments: StatementArguments, rows: Int, bytes: Int) throws {
        try db.execute(
            sql: """
                DELETE FROM draft WHERE id IN (
                    SELECT id FROM (
                        SELECT id,
                            ROW_NUMBER() OVER newest AS position,
                            SUM(byteCount) OVER newest AS runningBytes
                        FROM draft WHERE \(condition)
                        WINDOW newest AS (ORDER BY createdAt DESC, rowid DESC)
                    ) WHERE position > ? OR (position > 1 AND runningBytes > ?))
                """,
            arguments: arguments + [rows, bytes])
    }

    /// The draft with this id, if it is still kept.
    public func draft(_ id: String) throws -> Draft? {
        guard id.utf8.count < 100 else { return nil }
        return try writer.read { db in try Draft.fetchOne(db, key: id) }
    }

    public func deleteDraft(_ id: String) throws {
        _ = try writer.write { db in try Draft.deleteOne(db, key: id) }
    }

    /// 32 random bytes, base64url: for secrets and CSRF tokens.
    public static func makeRandomToken() -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        return Data(bytes).base64URLEncodedString
    }
}
