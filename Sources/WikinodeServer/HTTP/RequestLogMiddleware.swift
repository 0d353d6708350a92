import Hummingbird
import Logging

/// Logs one structured line per request: method, path, status, duration, and the bytes of the
/// request and response bodies when their length is known.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    /// Whether it logs at all (the level may hide its lines).
    var isOn: Bool { logger.logLevel <= .info }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard isOn else { return try await next(request, context) }
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(
                request.method.rawValue, path: request.uri.path, requestBytes: request.headers[.contentLength], status: response.status.code,
                since: start, responseBytes: response.body.contentLength)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            log(request.method.rawValue, path: request.uri.path, requestBytes: request.headers[.contentLength], status: status, since: start)
            throw error
        }
    }

    func log(_ method: String, path: String, requestBytes: String?, status: Int, since start: ContinuousClock.Instant, responseBytes: Int? = nil) {
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        logger.info(
            "request",
            metadata: [
                "method": "\(method)",
                "path": "\(path)",
                "status": "\(status)",
                "ms": "\((milliseconds * 100).rounded() / 100)",
                "in": "\(requestBytes ?? "0")",
                "out": "\(responseBytes.map(String.init) ?? "?")",
            ])
    }
}
