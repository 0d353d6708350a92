import Dispatch
import WikinodeCore

/// Runs password checks (scrypt: ~0.1 s and 32 MiB each) on a queue of their own, at most two
/// at a time, so that sign-ins never hold the threads that serve every other request.
struct PasswordHashing: Sendable {
    private let queue = DispatchQueue(label: "wikinode.password-hashing", attributes: .concurrent)
    private let slots = DispatchSemaphore(value: 2)

    func authenticate(_ database: WikiDatabase, name: String, password: String) async throws -> User? {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                slots.wait()
                defer { slots.signal() }
                continuation.resume(with: Result { try database.authenticate(name: name, password: password) })
            }
        }
    }
}
