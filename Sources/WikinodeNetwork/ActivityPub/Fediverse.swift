import Foundation
import Logging
import Synchronization
import WikinodeCore

/// The node's side of ActivityPub: the inbox (checking signatures against the keys of the
/// actors that sent them, fetched with limits and kept), and deliveries to fediverse inboxes,
/// retried with backoff by the background service.
public final class Fediverse: Sendable {
    public let database: WikiDatabase
    let client: RemoteClient
    let nodeURL: NodeBaseURL
    public let actorKey: ActorKey
    let timing: PeeringTiming
    let logger: Logger
    private let wakeup: AsyncStream<Void>.Continuation
    let wakeups: AsyncStream<Void>
    /// Fetches of actors and objects for the inbox under way: strangers cannot tie the node up.
    let fetchesUnderWay = Mutex(0)
    static let maximumFetchesUnderWay = 8
    /// When each key was last fetched (or tried), and how many keys each host was asked for
    /// in the current minute: see `actor(holdingKey:)`.
    let recentKeyFetches = Mutex(KeyFetchLog())
    /// Keys fetched from one host in a minute, at most.
    static let keyFetchesPerHostPerMinute = 30

    /// Limits on fetching an actor, a key or an object from another server.
    static let fetchLimits = RemoteClient.Limits(timeout: .seconds(10), maximumBodyBytes: 256 << 10, maximumRedirects: 3)
    /// Limits on a delivery (the answer is read but not kept).
    static let deliveryLimits = RemoteClient.Limits(timeout: .seconds(15), maximumBodyBytes: 64 << 10, maximumRedirects: 0)
    /// How long a fetched actor's key is trusted before it is fetched again.
    static let actorLifetime: TimeInterval = 86_400
    /// Deliveries that fail this often in a row are given up.
    public static let maximumDeliveryAttempts = 12
    /// Deliveries under way at once, and to one host in a round: a dead server holds up only its own.
    static let concurrentDeliveries = 8
    static let deliveriesPerHostPerRound = 2

    public init(database: WikiDatabase, client: RemoteClient, nodeURL: NodeBaseURL, actorKey: ActorKey, timing: PeeringTiming, logger: Logger) {
        self.database = database
        self.client = client
        self.nodeURL = nodeURL
        self.actorKey = actorKey
        self.timing = timing
        self.logger = logger
        (wakeups, wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The node's actor, `{base}/actor`.
    public var actorURL: String { nodeURL.string + NodeAddress.actor }
    /// The id of the actor's key: what its signatures name.
    public var keyId: String { actorURL + NodeAddress.actorKeyFragment }

    /// Asks the background service to look at its work now.
    public func wake() {
        wakeup.yield()
    }
}

/// Which keys were fetched when, and from which hosts lately.
struct KeyFetchLog {
    var lastFetch: [String: Date] = [:]
    var perHost: [String: (minute: Int, count: Int)] = [:]
}

/// Reading ActivityStreams JSON as plain JSON with the compacted names: an activity from
/// another server is a dictionary whose fields may be a string, an object or a list.
struct ActivityJSON {
    let object: [String: Any]

    init(_ object: [String: Any]) {
        self.object = object
    }

    /// The body as a JSON object; nil when it is not one.
    init?(data: Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: data, options: [])) as? [String: Any] else { return nil }
        self.object = object
    }

    func string(_ key: String) -> String? {
        object[key] as? String
    }

    /// A field that names something: its address, or the `id` of the object it holds.
    func reference(_ key: String) -> String? {
        Self.reference(object[key])
    }

    static func reference(_ value: Any?) -> String? {
        switch value {
        case let text as String: text
        case let object as [String: Any]: object["id"] as? String
        case let list as [Any]: list.lazy.compactMap(reference).first
        default: nil
        }
    }

    /// The embedded object of `key`, when it is one.
    func embedded(_ key: String) -> ActivityJSON? {
        (object[key] as? [String: Any]).map(ActivityJSON.init)
    }

    /// `type`, the first when it is a list.
    var type: String? {
        (object["type"] as? String) ?? (object["type"] as? [Any])?.first as? String
    }
}
