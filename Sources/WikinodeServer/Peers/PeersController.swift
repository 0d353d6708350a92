import Foundation
import Hummingbird
import WikinodeCore
import WikinodeNetwork

/// What people see of the federation: `/peers`, and a page's twins on followed peers (view,
/// compare, fork).
struct PeersController {
    typealias Context = WikiRequestContext

    let database: WikiDatabase
    let peering: Peering
    let renderer: TemplateRenderer
    let site: SiteView
    let csrf: CSRFGuard

    func addRoutes(to router: Router<Context>) {
        router.get("\(NodeAddress.peers)", use: peers)
        router.post("\(NodeAddress.peers)/follow", use: follow)
        router.post("\(NodeAddress.peers)/unfollow", use: unfollow)
        router.get("\(NodeAddress.wikiPrefix):title\(NodeAddress.PageSuffix.twins):peer", use: twin)
        router.get("\(NodeAddress.wikiPrefix):title\(NodeAddress.PageSuffix.twins):peer/diff", use: twinDiff)
        router.post("\(NodeAddress.wikiPrefix):title\(NodeAddress.PageSuffix.twins):peer/fork", use: fork)
    }

    // MARK: - /peers

    /// `GET /peers`
    @Sendable func peers(request: Request, context: Context) async throws -> Response {
        let query = try QueryParameters(request)
        return try peersPage(
            request: request, context: context, message: query["followed"].map { "Now following \($0); its pages are being pulled." }, error: nil)
    }

    private func peersPage(
        request: Request, context: Context, message: String?, error: String?, status: HTTPResponse.Status = .ok, followURL: String = ""
    ) throws -> Response {
        let rows = PeersView.rows(try database.peerStates(), timeZone: site.timeZone)
        let followers = try database.fediverseFollowers().map { PeersView.FollowerRow($0, timeZone: site.timeZone) }
        let view = PeersView(
            site: site, peers: rows, hasPeers: !rows.isEmpty, fediverseFollowers: followers, hasFediverseFollowers: !followers.isEmpty,
            pendingDeliveries: try database.pendingDeliveryCount(), canManage: context.visitor.user?.role == .owner,
            csrfToken: context.visitor.csrfToken ?? "", message: message, error: error, followURL: followURL)
        let html = try renderer.render(view, template: "peers", viewer: context.viewer(for: request))
        return Response.conditional(to: request, body: html, contentType: "text/html; charset=utf-8", status: status)
    }

    /// Only the owner follows and unfollows.
    private func requireOwner(_ request: Request, _ context: Context, form: FormBody) throws {
        try csrf.verify(request, visitor: context.visitor, token: form["csrf"])
        guard context.visitor.user?.role == .owner else {
            throw HTTPError(.forbidden, message: "Only the node's owner may follow and unfollow peers.")
        }
    }

    /// `POST /peers/follow` with `url`: discovers and subscribes now; the pull runs in the
    /// background and `/peers` shows how it goes.
    @Sendable func follow(request: Request, context: Context) async throws -> Response {
        let form = try await FormBody(request)
        try requireOwner(request, context, form: form)
        let address = try form.required("url", label: "peer address").trimmingCharacters(in: .whitespacesAndNewlines)
        guard address.utf8.count <= 2000 else { throw HTTPError(.badRequest, message: "That address is too long.") }
        do {
            let peer = try await peering.follow(address, pullNow: false)
            return .redirecting(to: NodeAddress.peers + "?followed=" + URLEncoding.component(peer.url), status: .seeOther)
        } catch let error as RemoteError {
            return try peersPage(
                request: request, context: context, message: nil, error: "Cannot follow \(address): \(error)", status: .badRequest, followURL: address
            )
        } catch let error as WikiError {
            return try peersPage(
                request: request, context: context, message: nil, error: "Cannot follow \(address): \(error)", status: .conflict, followURL: address)
        }
    }

    /// `POST /peers/unfollow` with `url`.
    @Sendable func unfollow(request: Request, context: Context) async throws -> Response {
        let form = try await FormBody(request)
        try requireOwner(request, context, form: form)
        let address = try form.required("url", label: "peer address")
        do {
            try await peering.unfollow(address)
        } catch let error as RemoteError {
            return try peersPage(request: request, context: context, message: nil, error: error.description, status: .badRequest)
        }
        return .redirecting(to: NodeAddress.peers, status: .seeOther)
    }

    // MARK: - Twins

    /// The title, our page if any, and the twin on the peer in the address; a redirect for a
    /// non-canonical spelling.
    private func resolveTwin(_ request: Request, _ context: Context, suffix: (Int64) -> String) throws -> (PageTitle, Page?, Twin)? {
        guard let peerId = context.parameters.get("peer", as: Int64.self) else {
            throw HTTPError(.badRequest, message: "A peer is given by its number.")
        }
        let title: PageTitle
        var page: Page?
        switch try TitleResolver(database: database).resolve(
            try context.parameters.titleSegment(), suffix: suffix(peerId), request: request, visibleAt: Date())
        {
        case .redirect: return nil
        case .page(let found, let found2):
            page = found
            title = found2
        case .deleted(_, let found): title = found
        case .missing(let found): title = found
        }
        guard let twin = try database.twin(of: title.key, peerId: peerId) else {
            throw HTTPError(.notFound, message: "No followed peer with that number has a page titled \(title.text).")
        }
        return (title, page, twin)
    }

    private func redirect(_ request: Request, _ context: Context, suffix: @escaping (Int64) -> String) throws -> Response {
        let peerId = context.parameters.get("peer", as: Int64.self) ?? 0
        guard
            case .redirect(let response) = try TitleResolver(database: database).resolve(
                try context.parameters.titleSegment(), suffix: suffix(peerId), request: request, visibleAt: Date())
        else { throw HTTPError(.notFound) }
        return response
    }

    private func ours(_ page: Page?) throws -> (updatedAt: Date, contentHash: String, markdown: String)? {
        guard let page, !page.isDeleted, let revision = try database.revision(page.revisionId, of: page) else { return nil }
        return (page.updatedAt, revision.contentHash, revision.markdown)
    }

    /// `GET /wiki/{title}/twins/{peer}`
    @Sendable func twin(request: Request, context: Context) async throws -> Response {
        let suffix = { (peer: Int64) in "/twins/\(peer)" }
        guard let (title, page, twin) = try resolveTwin(request, context, suffix: suffix) else {
            return try redirect(request, context, suffix: suffix)
        }
        let ours = try ours(page)
        let view = TwinPageView(
            site: site, title: title.text, tools: PageToolsView(title),
            twin: TwinView(twin, title: title, ours: ours.map { ($0.updatedAt, $0.contentHash) }, timeZone: site.timeZone),
            html: twin.html, revision: twin.revision, summary: twin.summary, hasSummary: !twin.summary.isEmpty,
            csrfToken: try mayEdit(context) ? context.visitor.csrfToken : nil, hasOurs: ours != nil)
        let html = try renderer.render(view, template: "twin", viewer: context.viewer(for: request))
        return Response.conditional(to: request, body: html, contentType: "text/html; charset=utf-8", lastModified: twin.updatedAt)
    }

    /// `GET /wiki/{title}/twins/{peer}/diff`: from our text to theirs.
    @Sendable func twinDiff(request: Request, context: Context) async throws -> Response {
        let suffix = { (peer: Int64) in "/twins/\(peer)/diff" }
        guard let (title, page, twin) = try resolveTwin(request, context, suffix: suffix) else {
            return try redirect(request, context, suffix: suffix)
        }
        let ours = try ours(page)
        let diff = LineDiff(old: ours?.markdown ?? "", new: twin.markdown)
        let view = TwinDiffView(
            site: site, title: title.text, tools: PageToolsView(title),
            twin: TwinView(twin, title: title, ours: ours.map { ($0.updatedAt, $0.contentHash) }, timeZone: site.timeZone),
            hunks: DiffView.hunks(of: diff), isSame: diff.isEmpty, addedCount: diff.addedCount, removedCount: diff.removedCount,
            hasOurs: ours != nil, csrfToken: try mayEdit(context) ? context.visitor.csrfToken : nil)
        let html = try renderer.render(view, template: "twin-diff", viewer: context.viewer(for: request))
        return Response.conditional(to: request, body: html, contentType: "text/html; charset=utf-8")
    }

    private func mayEdit(_ context: Context) throws -> Bool {
        try database.settings().editPolicy.allows(context.visitor.user.map { .account($0) } ?? .visitor)
    }

    /// `POST /wiki/{title}/twins/{peer}/fork`: their text becomes a new revision here, which
    /// records the peer's page, its revision there and its date.
    @Sendable func fork(request: Request, context: Context) async throws -> Response {
        let form = try await FormBody(request)
        try csrf.verify(request, visitor: context.visitor, token: form["csrf"])
        let suffix = { (peer: Int64) in "/twins/\(peer)/fork" }
        guard let (title, page, twin) = try resolveTwin(request, context, suffix: suffix) else {
            return try redirect(request, context, suffix: suffix)
        }
        guard try mayEdit(context) else {
            if !context.visitor.isSignedIn {
                return .redirecting(to: ViewerView.signInPath(returningTo: title.path + "/twins/\(twin.peerId)"), status: .seeOther)
            }
            throw HTTPError(.forbidden, message: "On this node only the owner may edit pages.")
        }
        let pageTitle = page.map(\.pageTitle) ?? title
        let edit = PageEdit(
            title: pageTitle, markdown: twin.markdown, summary: "Forked from \(twin.peerName), revision \(twin.revision)",
            author: context.visitor.user?.name ?? "visitor", fork: ForkSource(url: twin.url, revision: twin.revision, date: twin.updatedAt))
        do {
            try await database.savePage(edit)
        } catch let error as WikiError {
            throw HTTPError(.badRequest, message: error.description)
        }
        return .redirecting(to: pageTitle.path, status: .seeOther)
    }
}
