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
        router.get("\(NodeAddress.mentions)", use: list)
        router.post("\(NodeAddress.mentions)/:id/approve", use: approve)
        router.post("\(NodeAddress.mentions)/:id/reject", use: reject)
        router.post("\(NodeAddress.mentions)/block", use: block)
    }

    struct MentionsView: Sendable {
        let site: SiteView
        let pending: [ReceivedMentionRow]
        let hasPending: Bool
        let received: [ReceivedMentionRow]
        let hasReceived: Bool
        let sent: [SentMentionRow]
        let hasSent: Bool
        let csrfToken: String
        let isModerated: Bool
    }

    private func requireOwner(_ context: Context) throws {
        guard context.visitor.user?.role == .owner else {
            throw HTTPError(.forbidden, message: "Only the node's owner sees and moderates mentions.")
        }
    }

    /// `GET /mentions`
    @Sendable func list(request: Request, context: Context) async throws -> Response {
        guard context.visitor.isSignedIn else {
            return .redirecting(to: ViewerView.signInPath(returningTo: NodeAddress.mentions), status: .seeOther)
        }
        try requireOwner(context)
        let pending = try database.mentionsAwaitingApproval().map { ReceivedMentionRow($0.mention, pageTitle: $0.title, timeZone: site.timeZone) }
        let received = try database.allReceivedMentions(limit: 100).map {
            ReceivedMentionRow($0.mention, pageTitle: $0.title, timeZone: site.timeZone)
        }
        let sent = try database.allSentMentions(limit: 100).map { SentMentionRow($0.mention, pageTitle: $0.title, timeZone: site.timeZone) }
        let view = MentionsView(
            site: site, pending: pending, hasPending: !pending.isEmpty, received: received, hasReceived: !received.isEmpty, sent: sent,
            hasSent: !sent.isEmpty, csrfToken: context.visitor.csrfToken ?? "", isModerated: try database.settings().moderateMentions)
        return Response.html(try renderer.render(view, template: "mentions", viewer: context.viewer(for: request)), status: .ok)
    }

    private func moderate(_ request: Request, _ context: Context, approve: Bool) async throws -> Response {
        let form = try await FormBody(request)
        try csrf.verify(request, visitor: context.visitor, token: form["csrf"])
        try requireOwner(context)
        guard let id = context.parameters.get("id", as: Int64.self) else {
            throw HTTPError(.badRequest, message: "A mention is given by its number.")
        }
        do {
            try database.moderateMention(id: id, approve: approve)
        } catch let error as WikiError {
            throw HTTPError(.notFound, message: error.description)
        }
        return .redirecting(to: NodeAddress.mentions, status: .seeOther)
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
        return .redirecting(to: NodeAddress.mentions, status: .seeOther)
    }
}
