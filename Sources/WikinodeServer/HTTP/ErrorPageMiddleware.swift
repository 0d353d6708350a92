import Foundation
import Hummingbird
import Logging
import WikinodeCore

/// Turns every thrown error into a response: an HTML page for people, JSON for machines.
/// Errors are thrown where they happen and rendered only here.
struct ErrorPageMiddleware: RouterMiddleware {
    typealias Context = WikiRequestContext

    let renderer: TemplateRenderer
    let site: SiteView
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let (status, message, extra) = describe(error)
            if status == .internalServerError {
                logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
            }
            // An error may carry headers of its own (the fedwiki addresses' CORS header, so that
            // a browser client on another site sees the 404 rather than a network error).
            var headers: HTTPFields = (error as? HTTPError)?.headers ?? [:]
            if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"wikinode\"" }
            if Self.wantsJSON(request) {
                var body: [String: String] = ["error": message]
                body.merge(extra) { first, _ in first }
                return try Response.json(body, status: status, headers: headers)
            }
            let view = ErrorView(site: site, status: Int(status.code), reason: status.reasonPhrase, message: message)
            let html = (try? renderer.render(view, template: "error", viewer: context.viewer(for: request))) ?? HTMLEscaping.escape(message)
            return Response.html(html, status: status, headers: headers)
        }
    }

    func describe(_ error: any Error) -> (HTTPResponse.Status, String, [String: String]) {
        switch error {
        case let error as WikiError:
            switch error {
            case .invalidInput(let message): return (.badRequest, message, [:])
            case .notFound(let message): return (.notFound, message, [:])
            case .conflict(let current, let message): return (.conflict, message, ["currentRevision": "\(current)"])
            }
        case let error as TitleError:
            return (.badRequest, error.description, [:])
        case let error as HTTPError:
            return (error.status, error.body ?? Self.defaultMessage(error.status), [:])
        case let error as any HTTPResponseError:
            return (error.status, Self.defaultMessage(error.status), [:])
        case is DecodingError:
            return (.badRequest, "The request body is not the JSON this address expects.", [:])
        default:
            return (.internalServerError, "Something went wrong on this node; the error was logged.", [:])
        }
    }

    static func defaultMessage(_ status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "There is nothing at this address."
        case .contentTooLarge: "The request body is too large."
        case .methodNotAllowed: "This address does not take that method."
        default: status.reasonPhrase
        }
    }

    static func wantsJSON(_ request: Request) -> Bool {
        let path = request.uri.path
        if path.hasPrefix("/api/") || path.hasPrefix("/.well-known/") { return true }
        // Machine formats (`/{slug}.json`, `/system/sitemap.json`, `/feed.json`); a page whose
        // title ends in `.json` is still a page for people.
        if path.hasSuffix(".json"), !path.hasPrefix(NodeAddress.wikiPrefix) { return true }
        let accept = request.headers[.accept] ?? ""
        return accept.contains("application/json") && !accept.contains("text/html")
    }
}
