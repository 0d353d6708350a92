import Foundation
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypesHTTP1
import Synchronization

/// Hummingbird's HTTP/1 channel with the limits of `ConnectionLimits` around it: idle and slow
/// connections are closed, a request body must arrive in time, a connection the node closes is
/// drained and then really closed, and past the connection cap a client gets a 503 at once
/// instead of waiting in the accept queue; and a cached page view for an anonymous reader is
/// answered on the event loop (`CachedViewHandler`).
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let inner: HTTP1Channel
    let limits: ConnectionLimits
    let maximumConnections: Int
    let openConnections: OpenConnections
    let cachedViews: CachedViews

    init(responder: @escaping HTTPChannelHandler.Responder, limits: ConnectionLimits, fileLimit: Int, cachedViews: CachedViews) {
        let bodyTimeout = limits.requestBodyTimeout
        // The idle timeout is CachedViewHandler's: it sees every request, Hummingbird's handler
        // only those it passes on.
        inner = HTTP1Channel(
            responder: responder,
            configuration: .init(additionalChannelHandlers: [RequestBodyDeadlineHandler(timeout: bodyTimeout)], idleTimeout: nil))
        self.limits = limits
        maximumConnections = limits.effectiveMaximum(fileLimit: fileLimit)
        openConnections = OpenConnections()
        self.cachedViews = cachedViews
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        let isCapped = !(limits.exemptsLoopbackFromClientCap && ClientNetwork.isLoopback(address))
        let client = isCapped ? ClientNetwork.key(for: address) : nil
        let (total, fromClient) = openConnections.opened(by: client)
        channel.closeFuture.whenComplete { [openConnections] _ in openConnections.closed(by: client) }
        var refusal: String?
        if total > maximumConnections {
            refusal = Self.refusal("This node has too many open connections (\(maximumConnections)); try again in a few seconds.")
        } else if limits.maximumConnectionsPerClient > 0, fromClient > limits.maximumConnectionsPerClient {
            refusal = Self.refusal(
                "Your network has too many connections open to this node (\(limits.maximumConnectionsPerClient)); close some and try again.")
        }
        if refusal != nil, openConnections.shouldWarnOfRefusal() {
            logger.warning(
                "Too many connections: refusing new ones with 503",
                metadata: ["open": "\(total)", "maximum": "\(maximumConnections)", "client": "\(client ?? address)", "fromClient": "\(fromClient)"])
        }
        do {
            // First in the pipeline, next to the socket: it sees the bytes before the HTTP
            // decoder and the close requests after everything else.
            try channel.pipeline.syncOperations.addHandler(ConnectionGuardHandler(limits: limits, refusal: refusal), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger).flatMapThrowing { [cachedViews, limits] value in
            // Next to NIO's HTTP/1 decoder, before the conversion to HTTPTypes.
            let pipeline = channel.pipeline.syncOperations
            let codec = try pipeline.handler(type: HTTP1ToHTTPServerCodec.self)
            try pipeline.addHandler(CachedViewHandler(views: cachedViews, idleTimeout: limits.idleTimeout), position: .before(codec))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }

    /// The whole answer to a connection over a cap, written before its request is read.
    static func refusal(_ message: String) -> String {
        let body = message + "\n"
        return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Retry-After: 5\r\nConnection: close\r\nX-Content-Type-Options: nosniff\r\n\r\n" + body
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 with `limits` on every connection, answering `cachedViews` on the event loop.
    static func guardedHTTP1(limits: ConnectionLimits, fileLimit: Int, cachedViews: CachedViews) -> HTTPServerBuilder {
        .init { responder in GuardedHTTP1Channel(responder: responder, limits: limits, fileLimit: fileLimit, cachedViews: cachedViews) }
    }
}

/// How many client connections are open, in all and per client network, across the event
/// loops.
final class OpenConnections: Sendable {
    private struct Counts {
        var total = 0
        var byClient: [String: Int] = [:]
    }

    private let counts = Mutex(Counts())
    private let lastWarning = Atomic<Int>(0)

    /// Counts one more, from `client` unless it is nil (exempt), and returns the counts with it.
    func opened(by client: String?) -> (total: Int, fromClient: Int) {
        counts.withLock { counts in
            counts.total += 1
            guard let client else { return (counts.total, 0) }
            let fromClient = counts.byClient[client, default: 0] + 1
            counts.byClient[client] = fromClient
            return (counts.total, fromClient)
        }
    }

    func closed(by client: String?) {
        counts.withLock { counts in
            counts.total -= 1
            guard let client, let count = counts.byClient[client] else { return }
            counts.byClient[client] = count > 1 ? count - 1 : nil
        }
    }

    /// True at most once a minute: a flood of refused connections is one line in the log.
    func shouldWarnOfRefusal() -> Bool {
        let minute = Int(Date().timeIntervalSince1970 / 60)
        return lastWarning.exchange(minute, ordering: .relaxed) != minute
    }
}
