import Synchronization

/// The node's own base URL (no trailing slash), shared by everything that writes absolute
/// addresses or signs as the node. It is fixed before the server starts, except under
/// `serve --port 0`: the system picks the port when the server binds, and the URL is settled
/// then, before anyone can have learnt the address.
public final class NodeBaseURL: Sendable {
    /// The URL when it was known from the start: read on every request, without a lock.
    public let fixed: String?
    private let settled: Mutex<(url: String, isFinal: Bool)>

    /// A URL known from the start.
    public init(_ url: String) {
        fixed = url
        settled = Mutex((url, true))
    }

    /// A URL that `settle` sets once the server listens; `provisional` until then.
    public init(settlingFrom provisional: String) {
        fixed = nil
        settled = Mutex((provisional, false))
    }

    public var string: String { fixed ?? settled.withLock { $0.url } }

    /// Whether the URL is the one the node is reached at: work that signs or sends this
    /// node's addresses waits for it.
    public var isSettled: Bool { fixed != nil || settled.withLock { $0.isFinal } }

    /// Sets the URL once the server listens (a URL known from the start stays as it is).
    public func settle(_ url: String) {
        settled.withLock { $0 = (url, true) }
    }
}
