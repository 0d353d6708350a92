import Hummingbird
import NIOCore
import WikinodeCore

/// Who is behind a request: their session (if any) and network address.
struct Visitor: Sendable {
    /// The session, when the request carried a cookie for a live one.
    var state: SessionState?
    /// The cookie's secret for that session.
    var secret: String?
    /// The peer address, for rate limits ("unknown" in router tests).
    var address: String
    /// The token forms must carry (`CSRFGuard`): made from the session cookie, else from the
    /// visitor cookie (a visitor without a session has one of its own, so that showing a form
    /// writes nothing to the database); nil when the browser has neither.
    var csrfToken: String?

    var user: User? { state?.user }
    var isSignedIn: Bool { user != nil }
}

/// The request context of every route: Hummingbird's, plus the visitor.
struct WikiRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var visitor: Visitor

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        visitor = Visitor(state: nil, secret: nil, address: source.channel.remoteAddress?.ipAddress ?? "unknown", csrfToken: nil)
    }

    /// Forms and pages are small; JSON pages may be large (the API checks its own limit).
    var maxUploadSize: Int { 4 << 20 }
}

extension WikiRequestContext {
    /// The header's view of the visitor, with a way back to `request`'s address after signing in.
    func viewer(for request: Request) -> ViewerView {
        ViewerView(visitor: visitor, returnPath: request.uri.path + (request.uri.query.map { "?" + $0 } ?? ""))
    }

    /// The header's view for a page that is cached for everyone with this account (or none):
    /// the way back after signing in leaves out the query.
    func sharedViewer(for request: Request) -> ViewerView {
        ViewerView(visitor: visitor, returnPath: request.uri.path)
    }
}
