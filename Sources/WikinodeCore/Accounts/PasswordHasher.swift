import Crypto
import Foundation
import _CryptoExtras

/// Password hashes with scrypt, a memory-hard KDF, stored as
/// `scrypt$<log2 N>$<r>$<p>$<salt base64>$<hash base64>` so the cost can rise later.
public struct PasswordHasher: Sendable {
    /// log2 of scrypt's N (CPU and memory cost); 15 is 32 MiB and ~0.1 s per hash here.
    public var costLog2: Int
    public var blockSize: Int
    public var parallelism: Int

    public init(costLog2: Int = 15, blockSize: Int = 8, parallelism: Int = 1) {
        self.costLog2 = costLog2
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    /// The shortest password accepted, in characters.
    public static let minimumLength = 10
    /// The longest, so that hashing stays bounded.
    public static let maximumLength = 1024

    /// Checks the rules a new password must meet.
    public static func validateNew(_ password: String) throws {
        guard password.count >= minimumLength else {
            throw WikiError.invalidInput("A password needs at least \(minimumLength) characters.")
        }
        guard password.count <= maximumLength else {
            throw WikiError.invalidInput("A password can have at most \(maximumLength) characters.")
        }
    }

    public func hash(_ password: String) throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = generator.next() }
        let key = try derive(password, salt: salt, costLog2: costLog2, blockSize: blockSize, parallelism: parallelism)
        return ["scrypt", "\(costLog2)", "\(blockSize)", "\(parallelism)", Data(salt).base64EncodedString(), key.base64EncodedString()]
            .joined(separator: "$")
    }

    /// Whether `password` matches `stored`, compared in constant time.
    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let cost = Int(parts[1]), let block = Int(parts[2]),
            let parallel = Int(parts[3]), (10...20).contains(cost), let salt = Data(base64Encoded: parts[4]),
            let expected = Data(base64Encoded: parts[5]), password.count <= Self.maximumLength,
            let derived = try? derive(password, salt: Array(salt), costLog2: cost, blockSize: block, parallelism: parallel)
        else { return false }
        return Self.constantTimeEqual(derived, expected)
    }

    private func derive(_ password: String, salt: [UInt8], costLog2: Int, blockSize: Int, parallelism: Int) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: 1 << costLog2, blockSize: blockSize,
            parallelism: parallelism)
        return key.withUnsafeBytes { Data($0) }
    }

    public static func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
