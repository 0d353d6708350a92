import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import WikinodeCore

/// What an anonymous reader's `GET` of a page view that is cached and current is answered with,
/// on the connection's event loop, before the request becomes a task (`CachedViewHandler`).
///
/// It is what the router would answer: the body `PageController.show` stored for everyone who
/// is not signed in (`path` + NUL), its conditional headers (a 304 when the client is current),
/// what the middleware adds (`nosniff`; the Webmention `Link` and `X-Pingback` on HTML), what
/// Hummingbird adds (`Date`, `Server`), with the same log line. A request with any cookie goes
/// to the router, which decides who the visitor is; so do `HEAD`, a request with a body, one
/// that is not HTTP/1.1 keep-alive, and every other path.
struct CachedViews: Sendable {
    let cache: ResponseCache
    /// What adds the Webmention and Pingback headers to HTML, in the router's middleware too.
    let linkbacks: LinkbackDiscoveryMiddleware<WikiRequestContext>
    let log: RequestLogMiddleware<WikiRequestContext>
    let serverName: String
    /// The lines the middleware and Hummingbird add to every response, but the date.
    private let commonLines: ByteBuffer
    /// The linkback lines of HTML, when the node's address is known from the start.
    private let linkbackLines: ByteBuffer?

    init(
        cache: ResponseCache, linkbacks: LinkbackDiscoveryMiddleware<WikiRequestContext>, log: RequestLogMiddleware<WikiRequestContext>,
        serverName: String
    ) {
        self.cache = cache
        self.linkbacks = linkbacks
        self.log = log
        self.serverName = serverName
        commonLines = CachedBody.lines([
            HTTPField(name: NoSniffMiddleware<WikiRequestContext>.name, value: "nosniff"), HTTPField(name: .server, value: serverName),
        ])
        linkbackLines = linkbacks.fixed.map(CachedBody.lines)
    }

    /// The head of the response to `request` as HTTP/1.1 writes it, and its body; nil when the
    /// router must answer.
    func answer(_ request: HTTPRequestHead, dateLine: ByteBuffer) -> (head: ByteBuffer, body: [ByteBuffer])? {
        let fields = request.headers
        guard request.method == .GET, request.version == .http1_1, request.isKeepAlive, request.uri.hasPrefix(NodeAddress.wikiPrefix),
            !fields.contains(name: "cookie"), !fields.contains(name: "content-length"), !fields.contains(name: "transfer-encoding"),
            let version = try? cache.currentVersion()
        else { return nil }
        let path = String(request.uri.prefix { $0 != "?" })
        guard let cached = cache.body(for: PageController.cacheKey(path, signedIn: nil), version: version) else { return nil }
        let start = log.isOn ? ContinuousClock.now : nil
        // Several `If-None-Match` lines are one list, as `HTTPFields` joins them for the router.
        let tags = fields["if-none-match"]
        let notModified = Response.isNotModified(
            ifNoneMatch: tags.isEmpty ? nil : tags.joined(separator: ", "), ifModifiedSince: fields.first(name: "if-modified-since"),
            etag: cached.etag, lastModified: cached.lastModified)
        let lines = notModified ? cached.validatorLines : cached.headerLines
        let linkbacks = notModified || !cached.contentType.hasPrefix("text/html") ? nil : linkbackLines ?? CachedBody.lines(self.linkbacks.fields)
        var head = ByteBuffer()
        head.reserveCapacity(64 + lines.readableBytes + commonLines.readableBytes + (linkbacks?.readableBytes ?? 0) + dateLine.readableBytes)
        head.writeStaticString(notModified ? "HTTP/1.1 304 Not Modified\r\n" : "HTTP/1.1 200 OK\r\n")
        head.writeImmutableBuffer(lines)
        head.writeImmutableBuffer(commonLines)
        if let linkbacks { head.writeImmutableBuffer(linkbacks) }
        head.writeImmutableBuffer(dateLine)
        head.writeStaticString("\r\n")
        if let start {
            log.log(
                "GET", path: path, requestBytes: nil, status: notModified ? 304 : 200, since: start,
                responseBytes: notModified ? 0 : cached.byteCount)
        }
        return (head, notModified ? [] : cached.pieces)
    }
}

/// Answers what `CachedViews` can answer without leaving the event loop, and passes everything
/// else on to Hummingbird.
///
/// It sits right after NIO's HTTP/1 decoder and writes its answers as bytes below NIO's encoder,
/// so an answer costs no conversion of the head to `HTTPTypes` and back and no task. It sees
/// every request of the connection and every response Hummingbird writes, so it keeps the
/// connection's idle timeout itself (Hummingbird's handler above it sees only what it passes on):
/// a connection with nothing being read or answered for `idleTimeout` is closed. A pipelined
/// request is answered here only when every request before it has been answered, so responses
/// stay in order; and only while the socket takes writes, so a client that does not read its
/// responses meets the task's back-pressure.
final class CachedViewHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let views: CachedViews
    private let idleTimeout: TimeAmount
    /// Where the answers are written: the context of NIO's response encoder, whose writes go
    /// to the socket as they are.
    private var socketSide: ChannelHandlerContext?
    /// Whether the parts of the request being read are dropped (it was answered here).
    private var isAnswering = false
    /// Whether a request passed on is being read (its end has not come).
    private var isPassingOn = false
    /// Requests passed on whose response has not ended yet. Hummingbird's answer to a request
    /// it never got as one (a malformed head) makes this negative, which sends every later
    /// request of the connection to Hummingbird: never out of order.
    private var passedOn = 0
    private var needsFlush = false
    private var lastActive = NIODeadline.now()
    private var idleCheck: Scheduled<Void>?
    private var date = (second: 0, line: ByteBuffer())

    init(views: CachedViews, idleTimeout: Duration) {
        self.views = views
        self.idleTimeout = TimeAmount(idleTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        socketSide = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
        if context.channel.isActive { scheduleIdleCheck(context, at: .now() + idleTimeout) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleCheck?.cancel()
        idleCheck = nil
        socketSide = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        scheduleIdleCheck(context, at: .now() + idleTimeout)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleCheck?.cancel()
        idleCheck = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastActive = .now()
        switch unwrapInboundIn(data) {
        case .head(let request):
            if passedOn == 0, context.channel.isWritable, let socketSide,
                let answer = views.answer(request, dateLine: currentDateLine())
            {
                isAnswering = true
                socketSide.write(NIOAny(IOData.byteBuffer(answer.head)), promise: nil)
                for piece in answer.body { socketSide.write(NIOAny(IOData.byteBuffer(piece)), promise: nil) }
                needsFlush = true
                return
            }
            isAnswering = false
            isPassingOn = true
            passedOn += 1
        case .body:
            if isAnswering { return }
        case .end:
            if isAnswering {
                isAnswering = false
                return
            }
            isPassingOn = false
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            passedOn -= 1
            lastActive = .now()
        }
        context.write(data, promise: promise)
    }

    /// Closes the connection when nothing was read or answered for `idleTimeout`, unless a
    /// request it has read is still being answered (that takes the time it takes).
    private func scheduleIdleCheck(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        guard idleCheck == nil else { return }
        idleCheck = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            idleCheck = nil
            let isBusy = passedOn > 0 && !isPassingOn
            if !isBusy, NIODeadline.now() >= lastActive + idleTimeout {
                context.close(promise: nil)
            } else {
                scheduleIdleCheck(context, at: isBusy ? .now() + idleTimeout : lastActive + idleTimeout)
            }
        }
    }

    /// The `Date` line, made once a second.
    private func currentDateLine() -> ByteBuffer {
        let now = Date()
        let second = Int(now.timeIntervalSince1970)
        if second != date.second { date = (second, CachedBody.lines([HTTPField(name: .date, value: HTTPDate.format(now))])) }
        return date.line
    }
}
