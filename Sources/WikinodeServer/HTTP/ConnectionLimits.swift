import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How long a client may take, and how many may be connected at once: what keeps one client
/// from holding a node's connections or file descriptors. `docs/connections.md` compares these
/// with nginx's defaults.
public struct ConnectionLimits: Sendable {
    /// A connection with no request in progress is closed after this: an idle keep-alive
    /// connection, and one whose request head has not fully arrived (slowloris).
    public var idleTimeout: Duration
    /// A request's body must have fully arrived this long after its head.
    public var requestBodyTimeout: Duration
    /// A client that takes none of a response for this long (the send buffer stays full) is
    /// cut off.
    public var sendTimeout: Duration
    /// When the node closes a connection after its response, what the client still sends (a
    /// body the node did not need) is read and dropped for at most this long, then the
    /// connection is closed whatever the client does.
    public var lingerTimeout: Duration
    /// At most this many connections at once; the next is answered 503 and closed. The node
    /// takes fewer when its file limit is too small for this many (see `effectiveMaximum`).
    public var maximumConnections: Int
    /// At most this many of them from one client's network (an IPv4 address, an IPv6 /64), so
    /// that one client cannot take them all; 0 for no such cap (behind a proxy on another
    /// machine, every client comes from its address).
    public var maximumConnectionsPerClient: Int
    /// Whether connections from the machine itself are exempt from the per-client cap: a
    /// reverse proxy on the same machine brings every client from 127.0.0.1.
    public var exemptsLoopbackFromClientCap: Bool

    public init(
        idleTimeout: Duration = .seconds(15), requestBodyTimeout: Duration = .seconds(60), sendTimeout: Duration = .seconds(60),
        lingerTimeout: Duration = .seconds(5), maximumConnections: Int = 1024, maximumConnectionsPerClient: Int = 64,
        exemptsLoopbackFromClientCap: Bool = true
    ) {
        self.idleTimeout = idleTimeout
        self.requestBodyTimeout = requestBodyTimeout
        self.sendTimeout = sendTimeout
        self.lingerTimeout = lingerTimeout
        self.maximumConnections = maximumConnections
        self.maximumConnectionsPerClient = maximumConnectionsPerClient
        self.exemptsLoopbackFromClientCap = exemptsLoopbackFromClientCap
    }

    /// File descriptors kept for everything but client connections: the database, peers,
    /// linkback fetches, static files.
    static let reservedDescriptors = 128

    /// `maximumConnections`, or fewer when the process may not open that many files besides
    /// what it needs for the rest.
    public func effectiveMaximum(fileLimit: Int) -> Int {
        max(16, min(maximumConnections, fileLimit - Self.reservedDescriptors))
    }
}

/// The process's limit on open files.
public enum FileLimit {
    /// The soft limit now.
    public static var current: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        return Int(clamping: limit.rlim_cur)
    }

    /// Raises the soft limit to the hard limit, so that the node may hold as many connections
    /// as the system lets it (`current` tells the limit in force afterwards).
    public static func raiseToHardLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
