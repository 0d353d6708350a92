import Crypto
import Foundation

/// The node's Ed25519 key pair, kept in the data directory. Peers pin its public key.
public struct NodeIdentity: Sendable {
    /// The private key's raw 32 bytes (the Crypto key type is not `Sendable`).
    private let privateKeyBytes: Data

    init(privateKey: Curve25519.Signing.PrivateKey) {
        privateKeyBytes = privateKey.rawRepresentation
    }

    public var privateKey: Curve25519.Signing.PrivateKey {
        try! Curve25519.Signing.PrivateKey(rawRepresentation: privateKeyBytes)  // checked when loaded
    }

    public var publicKey: Curve25519.Signing.PublicKey { privateKey.publicKey }

    /// A secret key for `purpose` (HKDF-SHA256 from the private key): the node's own, for
    /// tokens only it can make and check.
    public func derivedKey(for purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: privateKeyBytes), info: Data(purpose.utf8), outputByteCount: 32)
    }

    /// The public key as base64, as `/.well-known/wikinode` publishes it.
    public var publicKeyBase64: String { publicKey.rawRepresentation.base64EncodedString() }

    /// Loads the key from `file`, creating it (readable by the owner only) on first run.
    public static func loadOrCreate(at file: URL) throws -> NodeIdentity {
        if FileManager.default.fileExists(atPath: file.path) {
            let text = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let data = Data(base64Encoded: text) else {
                throw WikiError.invalidInput("\(file.path) does not hold a base64 Ed25519 private key.")
            }
            return NodeIdentity(privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: data))
        }
        let key = Curve25519.Signing.PrivateKey()
        let created = FileManager.default.createFile(
            atPath: file.path, contents: Data(key.rawRepresentation.base64EncodedString().utf8), attributes: [.posixPermissions: 0o600])
        guard created else { throw WikiError.invalidInput("Cannot write the node key to \(file.path).") }
        return NodeIdentity(privateKey: key)
    }
}
