import Foundation
import Synchronization
import _CryptoExtras

#if canImport(Glibc)
import Glibc
#endif

/// The RSA-2048 key of the node's ActivityPub actor, kept in the data directory beside the
/// Ed25519 node key (`actor-key.pem`, readable by the owner only). Mastodon verifies RSA
/// signatures only (RSASSA-PKCS1-v1_5 with SHA-256), so the fediverse needs a key of its own.
///
/// It is made the first time it is needed (making one takes a good part of a second), once:
/// a second process that makes one at the same moment keeps the first one written.
public final class ActorKey: Sendable {
    public let file: URL
    /// The key, once read or made.
    private let key = Mutex<_RSA.Signing.PrivateKey?>(nil)

    public init(file: URL) {
        self.file = file
    }

    public func privateKey() throws -> _RSA.Signing.PrivateKey {
        try key.withLock { cached in
            if let cached { return cached }
            let made = try _RSA.Signing.PrivateKey(pemRepresentation: try Self.loadOrCreate(at: file))
            cached = made
            return made
        }
    }

    /// The public key as the actor publishes it (`-----BEGIN PUBLIC KEY-----`, SPKI).
    public func publicKeyPEM() throws -> String {
        try privateKey().publicKey.pemRepresentation
    }

    static func loadOrCreate(at file: URL) throws -> String {
        if let text = try? String(contentsOf: file, encoding: .utf8) {
            // The PEM initializer refuses keys under 2048 bits.
            guard (try? _RSA.Signing.PrivateKey(pemRepresentation: text)) != nil else {
                throw WikiError.invalidInput("\(file.path) does not hold an RSA private key of at least 2048 bits in PEM.")
            }
            return text
        }
        let text = try _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation
        // Written aside and linked into place, which fails when another process was first.
        let aside = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString)")
        // Made readable by the owner only from its first byte (not written, then restricted).
        let descriptor = open(aside.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw WikiError.invalidInput("Cannot write the actor key beside \(file.path).") }
        defer { try? FileManager.default.removeItem(at: aside) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == bytes.count else { throw WikiError.invalidInput("Cannot write the actor key beside \(file.path).") }
        do {
            try FileManager.default.linkItem(at: aside, to: file)
            return text
        } catch {
            guard let first = try? String(contentsOf: file, encoding: .utf8) else { throw error }
            return first
        }
    }
}
