import NIOCore

/// Sits next to the socket of every client connection and makes sure it ends.
///
/// Lingering close: when the server has answered and shuts its side (Hummingbird half-closes a
/// `Connection: close` exchange and then waits for the client to close), a client may still be
/// sending a body the handler never read. Nobody reads it any more, so the client's close
/// never arrives behind it and the descriptor would stay open for good. From the moment the
/// node shuts its side, this handler reads and drops whatever comes, and closes the connection
/// when the client closes or `lingerTimeout` has passed (Apache and nginx do the same,
/// `lingering_close`).
///
/// It also cuts off a client that takes none of a response for `sendTimeout`, and answers a
/// connection over the cap with `refusal` before reading anything.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let limits: ConnectionLimits
    private let refusal: String?
    private var isLingering = false
    private var lingerTask: Scheduled<Void>?
    private var sendTask: Scheduled<Void>?

    init(limits: ConnectionLimits, refusal: String?) {
        self.limits = limits
        self.refusal = refusal
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimers()
    }

    // Added when the connection is set up, before it is registered and becomes active.
    func channelActive(context: ChannelHandlerContext) {
        refuseIfOverCap(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimers()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Bytes after the node has answered for the last time are the rest of a body nobody
        // reads; bytes from a refused client are never parsed.
        guard !isLingering else { return }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if isLingering {
            // Keep reading until the client's close arrives: the stages above stopped asking.
            context.read()
            return
        }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if isLingering, let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if isLingering {
            context.close(promise: nil)  // typically a reset from a client that went away
            return
        }
        context.fireErrorCaught(error)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            sendTask?.cancel()
            sendTask = nil
        } else if sendTask == nil {
            sendTask = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(limits.sendTimeout)) {
                context.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        switch mode {
        case .output:
            shutOutputAndLinger(context, for: limits.lingerTimeout, promise: promise)
        case .all:
            cancelTimers()
            context.close(mode: .all, promise: promise)
        case .input:
            // Graceful shutdown stops reading; a response still going out keeps its timeouts.
            context.close(mode: .input, promise: promise)
        }
    }

    private func refuseIfOverCap(_ context: ChannelHandlerContext) {
        guard let refusal, !isLingering else { return }
        var buffer = context.channel.allocator.buffer(capacity: refusal.utf8.count)
        buffer.writeString(refusal)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        // Short: the answer does not depend on anything the client sends.
        shutOutputAndLinger(context, for: min(limits.lingerTimeout, .seconds(1)), promise: nil)
    }

    /// Shuts the node's side once what it wrote has gone to the socket, drops whatever the
    /// client still sends from now on, and closes for good when the client closes or `timeout`
    /// after the shutdown (not before: the end of the response must have its chance to arrive).
    private func shutOutputAndLinger(_ context: ChannelHandlerContext, for timeout: Duration, promise: EventLoopPromise<Void>?) {
        guard !isLingering else {
            context.close(mode: .output, promise: promise)
            return
        }
        isLingering = true
        // Until the shutdown is done, the response is still going out: a client that takes none
        // of it holds it back for ever unless this deadline ends it (the send timeout sees only
        // NIO's own buffer, not the kernel's).
        let outgoing = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(limits.sendTimeout)) {
            context.close(promise: nil)
        }
        lingerTask = outgoing
        let shut = context.eventLoop.makePromise(of: Void.self)
        shut.futureResult.assumeIsolated().whenComplete { [self] result in
            outgoing.cancel()
            promise?.completeWith(result)
            guard case .success = result else {
                context.close(promise: nil)
                return
            }
            lingerTask = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
                context.close(promise: nil)
            }
        }
        context.close(mode: .output, promise: shut)
        context.read()
    }

    private func cancelTimers() {
        lingerTask?.cancel()
        lingerTask = nil
        sendTask?.cancel()
        sendTask = nil
    }
}
