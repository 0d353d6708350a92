import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request body has not fully arrived `timeout` after its head.
/// Hummingbird's idle timeout only looks at the gaps between parts, so a body sent a byte at a
/// time, each just before that timeout, would hold a connection for ever.
///
/// The deadline is set when the read that brought a head is over and its request has not
/// ended: most requests (a `GET`) end in the read that brought their head and need none.
final class RequestBodyDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: Duration
    private var deadline: Scheduled<Void>?
    /// Whether a request's head has been read and its end not yet.
    private var isReadingRequest = false

    init(timeout: Duration) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            deadline?.cancel()
            deadline = nil
            isReadingRequest = true
        case .body:
            break
        case .end:
            deadline?.cancel()
            deadline = nil
            isReadingRequest = false
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if isReadingRequest, deadline == nil {
            deadline = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
                context.close(promise: nil)
            }
        }
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }
}
