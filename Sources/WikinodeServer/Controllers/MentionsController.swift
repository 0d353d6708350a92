import Foundation
import Hummingbird
import WikinodeCore

/// `/mentions`: the owner's view of linkbacks: mentions waiting for approval (approve, reject,
/// block the domain) and the latest ones received and sent.
struct MentionsController {
    typealias Context = WikiRequestContext

    let database: WikiDatabase
    let renderer: TemplateRenderer
    let site: SiteView
    let csrf: CSRFGuard

    func addRoutes(to router: Router<Context>) {
        router.get("/mentions", use: list)
        router.post("/mentions/:id/approve", use: approve)
        router.post("/mentions/:id/reject", use: reject)
        router.post("/mentions/block", use: block)
    }

    struct Row: Sendable {
        let id: Int64
        let pageTitle: String
        let pagePath: String
        let sourceURL: String
        let sourceHost: String
        let dialect: String
        let status: String
        let moderation: String
        let isPending: Bool
        let author: String
        let title: String
        let excerpt: String
        let note: String?
        let date: DateView
    }

    struct SentRow: Sendable {
        let pageTitle: String
        let pagePath: String
        let targetURL: String
        let status: String
        let dialect: String?
        let endpoint: String?
        let response: String?
        let attempts: Int
        let date: DateView?
    }

    struct MentionsView: Sendable {
        let site: SiteView
        let pending: [Row]
        let hasPending: Bool
        let received: [Row]
        let hasReceived: Bool
        let sent: [SentRow]
        let hasSent: Bool
        let csrfToken: String
        let isModerated: Bool
    }

    private func requireOwner(_ context: Context) throws {
        guard context.visitor.user?.role == .owner else {
            throw HTTPError(.forbidden, message: "Only the node's owner sees and moderates mentions.")
        }
    }

    func row(_ title: String, _ mention: Mention) -> Row {
        Row(
            id: mention.id ?? 0, pageTitle: title, pagePath: PageLinkView(title: title).path, sourceURL: mention.sourceURL, sourceHost: mention.sourceHost,
            dialect: mention.protocol.rawValue, status: mention.status.rawValue, moderation: mention.moderation.rawValue,
            isPending: mention.status == .verified && mention.moderation == .pending, author: mention.authorName, title: mention.title,
            excerpt: mention.excerpt, note: mention.lastError, date: DateView(mention.receivedAt, in: site.timeZone))
    }

    func sentRow(item mention: SentMention, title: String) -> SentRow {
        SentRow(
            pageTitle: title, pagePath: PageLinkView(title: title).path, targetURL: mention.targetURL, status: mention.status.rawValue,
            dialect: mention.protocol, endpoint: mention.endpoint,
            response: mention.responseStatus.map { "\($0) \(mention.response ?? "")" } ?? mention.response, attempts: mention.attempts,
            date: mention.lastAttemptAt.map { DateView($0, in: site.timeZone) })
    }

    /// `GET /mentions`
    @Sendable func list(request: Request, context: Context) async throws -> Response {
        guard context.visitor.isSignedIn else {
            return .redirecting(to: ViewerView.signInPath(returningTo: "/mentions"), status: .seeOther)
        }
        try requireOwner(context)
        let pending = try database.mentionsAwaitingApproval().map { row($0.title, $0.mention) }
        let received = try database.allReceivedMentions(limit: 100).map { row($0.title, $0.mention) }
        let sent = try database.allSentMentions(limit: 100).map { sentRow(item: $0.mention, title: $0.title) }
        let view = MentionsView(
            site: site, pending: pending, hasPending: !pending.isEmpty, received: received, hasReceived: !received.isEmpty, sent: sent,
            hasSent: !sent.isEmpty, csrfToken: context.visitor.csrfToken ?? "", isModerated: try database.settings().moderateMentions)
        return Response.html(try renderer.render(view, template: "mentions", viewer: context.viewer(for: request)), status: .ok)
    }

    private func moderate(_ request: Request, _ context: Context, approve: Bool) async throws -> Response {
        let form = try await FormBody(request)
        try csrf.verify(request, visitor: context.visitor, token: form["csrf"])
        try requireOwner(context)
        guard let id = context.parameters.get("id", as: Int64.self) else { throw HTTPError(.badRequest, message: "A mention is given by its number.") }
        do {
            try database.moderateMention(id: id, approve: approve)
        } catch let error as WikiError {
            throw HTTPError(.notFound, message: error.description)
        }
        return .redirecting(to: "/mentions", status: .seeOther)
    }

    @Sendable func approve(request: Request, context: Context) async throws -> Response {
        try await moderate(request, context, approve: true)
    }

    @Sendable func reject(request: Request, context: Context) async throws -> Response {
        try await moderate(request, context, approve: false)
    }

    /// `POST /mentions/block` with `domain`: its mentions are refused from now on.
    @Sendable func block(request: Request, context: Context) async throws -> Response {
        let form = try await FormBody(request)
        try csrf.verify(request, visitor: context.visitor, token: form["csrf"])
        try requireOwner(context)
        do {
            try database.blockDomain(try form.required("domain", label: "domain"))
        } catch let error as WikiError {
            throw HTTPError(.badRequest, message: error.description)
        }
        return .redirecting(to: "/mentions", status: .seeOther)
    }
}
