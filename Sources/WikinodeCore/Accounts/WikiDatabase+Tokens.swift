import Crypto
import Foundation
import GRDB

extension WikiDatabase {
    /// Creates an API token named `name` and returns its secret, which is not stored.
    public func createToken(named name: String) throws -> String {
        guard !name.isEmpty, name.count <= 100, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw WikiError.invalidInput("A token name must have 1 to 100 characters.")
        }
        let secret = "wkn_" + Self.makeRandomToken()
        var token = APIToken(id: nil, name: name, tokenHash: Self.tokenHash(secret), createdAt: Date(), lastUsedAt: nil)
        try writer.write { db in try token.insert(db) }
        return secret
    }

    /// The token whose secret is `secret`, if any. Only hashes are compared, so the lookup
    /// takes the same time whatever the secret is.
    public func token(forSecret secret: String) throws -> APIToken? {
        guard secret.hasPrefix("wkn_"), secret.utf8.count < 200 else { return nil }
        let hash = Self.tokenHash(secret)
        return try writer.read { db in try APIToken.filter(APIToken.Columns.tokenHash == hash).fetchOne(db) }
    }

    public static func tokenHash(_ secret: String) -> String {
        Hex.encode(SHA256.hash(data: Data(secret.utf8)))
    }
}
