import Crypto
import Foundation
import Logging
import Synchronization
import WikinodeCore

/// How often and how hard a node talks to its peers.
public struct PeeringTiming: Sendable {
    /// Time between pulls of a peer that is doing well, with a fifth of jitter either way.
    public var pollInterval: Duration
    /// The first wait after a failure; it doubles with each failure in a row, up to `maximumBackoff`.
    public var firstBackoff: Duration
    public var maximumBackoff: Duration
    /// How old a notice's signature may be, and how far in the future.
    public var signatureWindow: Duration
    /// Entries asked for per request of a peer's change feed.
    public var batchSize: Int
    /// How a request to a peer is limited.
    public var limits: RemoteClient.Limits
    /// How fetching a linkback's source or target on the web is limited.
    public var webLimits: RemoteClient.Limits
    /// How long a fediverse key that was fetched (or tried) is not fetched again, whatever
    /// signatures name it: strangers cannot make the node fetch again and again.
    public var keyRefetchInterval: Duration

    public init(
        pollInterval: Duration = .seconds(300), firstBackoff: Duration = .seconds(5), maximumBackoff: Duration = .seconds(3600),
        signatureWindow: Duration = .seconds(300), batchSize: Int = 500, limits: RemoteClient.Limits = RemoteClient.Limits(),
        webLimits: RemoteClient.Limits = RemoteClient.Limits(timeout: .seconds(10), maximumBodyBytes: 2 << 20, maximumRedirects: 5),
        keyRefetchInterval: Duration = .seconds(60)
    ) {
        self.keyRefetchInterval = keyRefetchInterval
        self.webLimits = webLimits
        self.pollInterval = pollInterval
        self.firstBackoff = firstBackoff
        self.maximumBackoff = maximumBackoff
        self.signatureWindow = signatureWindow
        self.batchSize = batchSize
        self.limits = limits
    }
}

/// This node's side of the protocol: following, pulling, sending and receiving notices.
///
/// Used by the background service of `wikinode serve`, by the inbox route, and by
/// `wikinode follow` (which works whether or not `serve` runs: both write the same database).
public final class Peering: Sendable {
    public let database: WikiDatabase
    public let identity: NodeIdentity
    /// This node's base URL, the key id of its signatures.
    public var ownURL: String {
        let url = nodeURL.string
        return Self.normalized(url) ?? url
    }
    let nodeURL: NodeBaseURL
    public let client: RemoteClient
    public let timing: PeeringTiming
    let logger: Logger
    private let wakeup: AsyncStream<Void>.Continuation
    let wakeups: AsyncStream<Void>
    /// Up to when posts that became public on schedule were logged (see `runDueWork`). A
    /// restart looks back to the beginning once: the log is not written twice for a post.
    let scheduledPostsChecked = Mutex(Date.distantPast)
    /// Key fetches for new followers under way.
    let keyFetches = Mutex(0)
    static let maximumKeyFetches = 4
    public static let maximumFollowers = 1_000

    public convenience init(
        database: WikiDatabase, identity: NodeIdentity, ownURL: String, policy: AddressPolicy, timing: PeeringTiming = PeeringTiming(), logger: Logger
    ) {
        self.init(database: database, identity: identity, nodeURL: NodeBaseURL(ownURL), policy: policy, timing: timing, logger: logger)
    }

    /// With the node's URL as the server settles it (see `NodeBaseURL`).
    public init(
        database: WikiDatabase, identity: NodeIdentity, nodeURL: NodeBaseURL, policy: AddressPolicy, timing: PeeringTiming = PeeringTiming(),
        logger: Logger
    ) {
        self.database = database
        self.identity = identity
        self.nodeURL = nodeURL
        self.timing = timing
        self.logger = logger
        client = RemoteClient(policy: policy)
        (wakeups, wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks the background service to look at its work now (a notice came, a page changed).
    public func wake() {
        wakeup.yield()
    }

    /// A base URL as nodes compare them: scheme and host lowercased, no trailing slash, no
    /// query or fragment. Nil when it is not an http(s) URL.
    public static func normalized(_ text: String) -> String? {
        guard var components = URLComponents(string: text.trimmingCharacters(in: .whitespaces)),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty, components.query == nil, components.fragment == nil,
            components.user == nil, components.password == nil
        else { return nil }
        components.scheme = scheme
        components.host = host.lowercased()
        if (scheme == "http" && components.port == 80) || (scheme == "https" && components.port == 443) { components.port = nil }
        while components.path.hasSuffix("/") { components.path.removeLast() }
        return components.string
    }

    // MARK: - Timing

    func jittered(_ duration: Duration) -> TimeInterval { timing.jittered(duration) }

    /// Exponential backoff with jitter: first, twice that, … up to the maximum.
    func backoff(failures: Int) -> TimeInterval { timing.backoff(failures: failures) }
}

extension PeeringTiming {
    /// `duration` with a fifth of jitter either way.
    func jittered(_ duration: Duration) -> TimeInterval {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds * Double.random(in: 0.8...1.2)
    }

    /// Exponential backoff with jitter: the first wait, twice that, … up to the maximum. What
    /// every retry of the node's background work waits (notices, pulls, fediverse deliveries).
    func backoff(failures: Int) -> TimeInterval {
        let first = jittered(firstBackoff)
        let maximum = Double(maximumBackoff.components.seconds)
        return min(maximum, first * pow(2, Double(min(max(failures - 1, 0), 20))))
    }
}

/// Names from other nodes: one line, no control characters, at most 100 characters.
enum ValidName {
    static func clean(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.properties.generalCategory != .control }).prefix(100))
            .trimmingCharacters(in: .whitespaces)
    }
}
