import Synchronization

/// The node's own base URL (no trailing slash), shared by everything that writes absolute
/// addresses or signs as the node. It is fixed before the server starts, except under
/// `serve --port 0`: the system picks the port when the server binds, and the URL is settled
/// then, before anyone can have learnt the address.
public final class NodeBaseURL: Sendable {
    private let value: Mutex<String>

    public init(_ url: String) {
        value = Mutex(url)
    }

    public var string: String { value.withLock { $0 } }

    /// Sets the URL once the server listens.
    public func settle(_ url: String) {
        value.withLock { $0 = url }
    }
}
