import Foundation
import Hummingbird
import WikinodeCore

/// Editing in the browser: the form and its save side by side, previews, conflicts, reverts.
struct EditController {
    typealias Context = WikiRequestContext

    let database: WikiDatabase
    let renderer: TemplateRenderer
    let site: SiteView
    let cookies: SessionCookies
    let csrf: CSRFGuard

    func addRoutes(to router: Router<Context>) {
        router.get("\(NodeAddress.wikiPrefix):title\(NodeAddress.PageSuffix.edit)", use: editForm)
        router.post("\(NodeAddress.wikiPrefix):title\(NodeAddress.PageSuffix.edit)", use: save)
        router.post("\(NodeAddress.wikiPrefix):title\(NodeAddress.PageSuffix.preview)", use: preview)
        router.post("\(NodeAddress.wikiPrefix):title\(NodeAddress.PageSuffix.revert)", use: revert)
    }

    /// The page being edited: a live or deleted page, or a title to create.
    struct Target {
        let title: PageTitle
        let page: Page?
        var isLive: Bool { page.map { !$0.isDeleted } ?? false }
    }

    /// Resolves `{title}` to the page being edited, or to the redirect that non-canonical
    /// spellings and old titles answer with.
    private func target(_ request: Request, _ context: Context, suffix: String) throws -> (target: Target?, redirect: Response?) {
        switch try TitleResolver(database: database).resolve(try context.parameters.titleSegment(), suffix: suffix, request: request) {
        case .redirect(let response): return (nil, response)
        case .page(let page, let title), .deleted(let page, let title): return (Target(title: title, page: page), nil)
        case .missing(let title): return (Target(title: title, page: nil), nil)
        }
    }

    private func editor(_ visitor: Visitor) -> EditPolicy.Editor {
        visitor.user.map { .account($0) } ?? .visitor
    }

    /// Nil when the visitor may edit; a redirect to sign in for a visitor who is not signed in;
    /// a 403 for an account that the policy leaves out.
    private func refusal(_ target: Target, _ context: Context, policy: EditPolicy) throws -> Response? {
        if policy.allows(editor(context.visitor)) { return nil }
        if !context.visitor.isSignedIn {
            return .redirecting(to: ViewerView.signInPath(returningTo: target.title.path + "/edit"), status: .seeOther)
        }
        throw HTTPError(.forbidden, message: "On this node only the owner may edit pages.")
    }

    /// Unpublished posts are edited by accounts only, even where visitors may edit.
    private func refuseHiddenPost(_ target: Target, _ context: Context) throws {
        if !context.visitor.isSignedIn, let page = target.page, try database.isHiddenPost(page, at: Date()) {
            throw HTTPError(.forbidden, message: "This is an unpublished post; sign in to edit it.")
        }
    }

    /// `GET /wiki/{title}/edit`, optionally `?draft=ID` to bring back text saved from a lost session.
    @Sendable func editForm(request: Request, context: Context) async throws -> Response {
        let (found, redirect) = try self.target(request, context, suffix: "/edit")
        guard let target = found else { return redirect! }
        let policy = try database.settings().editPolicy
        if let response = try refusal(target, context, policy: policy) { return response }
        try refuseHiddenPost(target, context)

        var response = Response.html("", status: .ok)
        let token = cookies.ensureToken(context.visitor, csrf: csrf, response: &response)
        var markdown = try target.page.flatMap { $0.isDeleted ? nil : try database.currentMarkdown(of: $0) } ?? ""
        var summary = ""
        var base = target.isLive ? target.page?.revisionId : nil
        var notice: String? = target.page?.isDeleted == true ? "This page was deleted; saving brings it back, with its history." : nil
        if try QueryParameters(request)["draft"] != nil, let draftId = request.cookies[SessionMiddleware.draftCookieName]?.value,
            let draft = try database.draft(draftId), draft.title == target.title.text
        {
            markdown = draft.markdown
            summary = draft.summary
            base = draft.baseRevision
            notice = "Here is the text you were saving when your session ended. Check it and save again."
        }
        var postForm = PostFormView.none
        if let page = target.page, let (post, tags) = try database.post(of: page) {
            postForm = PostFormView(
                isPost: true, isDraft: post.status == .draft, date: PostFormView.dateField(post.publishedAt), tags: tags.joined(separator: ", "),
                permalink: post.permalinkPath)
        }
        // What the page replies to, and an address a "Reply" link asks to reply to.
        var replies = try target.page.flatMap { $0.isDeleted ? nil : try database.replyTargets(of: $0) } ?? []
        if let wanted = try QueryParameters(request)["in-reply-to"], !replies.contains(wanted) { replies.append(wanted) }
        let view = EditView(
            site: site, title: target.title.text, tools: PageToolsView(target.title), isNew: !target.isLive,
            markdownHTML: HTMLEscaping.escape(markdown),
            summary: summary, baseRevision: base.map(String.init) ?? "", csrfToken: token,
            asksForName: !context.visitor.isSignedIn, name: "", previewHTML: nil, notice: notice, error: nil, conflict: nil, post: postForm,
            inReplyTo: replies.joined(separator: "\n"))
        response.body = .init(byteBuffer: ByteBuffer(string: try renderer.render(view, template: "edit", viewer: context.viewer(for: request))))
        return response
    }

    /// `POST /wiki/{title}/edit`: preview, or save (merging with changes made meanwhile).
    @Sendable func save(request: Request, context: Context) async throws -> Response {
        let (found, redirect) = try self.target(request, context, suffix: "/edit")
        guard let target = found else { return redirect! }
        let form = try await FormBody(request)
        let submission = try Submission(form)
        guard csrf.isSameOrigin(request) else {
            throw HTTPError(.forbidden, message: "This form was sent from another site; nothing was changed.")
        }
        let policy = try database.settings().editPolicy
        let tokenMatches = (try? csrf.verify(request, visitor: context.visitor, token: form["csrf"])) != nil
        if !tokenMatches || (!policy.allows(editor(context.visitor)) && !context.visitor.isSignedIn) {
            // The session ended (or never was) while they typed: keep the text, and bring it back.
            // Only for a form this node served to this browser (its token proves it, even with
            // the session gone) and sent from this node's page; the draft's id goes into a
            // cookie of that browser alone, so nobody can hand someone else a planted text.
            guard let token = form["csrf"], csrf.isIssued(token, toBrowserOf: request), csrf.isFromThisNodesPage(request) else {
                throw HTTPError(.forbidden, message: "The form has no valid security token; nothing was changed.")
            }
            try Self.refuseOversized(submission.markdown, "so it was not kept; nothing was changed")
            let draft = try database.stashDraft(
                title: target.title, markdown: submission.markdown, summary: submission.summary, baseRevision: submission.baseRevision,
                client: WikiDatabase.tokenHash(token), network: ClientNetwork.key(for: context.visitor.address))
            var response: Response
            if policy.allows(editor(context.visitor)) {
                response = .redirecting(to: target.title.path + "/edit?draft=1", status: .seeOther)
            } else {
                let back = URLEncoding.component(target.title.path + "/edit")
                response = .redirecting(to: "\(NodeAddress.login)?draft=1&return=\(back)", status: .seeOther)
            }
            response.setCookie(cookies.draftCookie(draft))
            return response
        }
        guard policy.allows(editor(context.visitor)) else {
            throw HTTPError(.forbidden, message: "On this node only the owner may edit pages.")
        }
        try refuseHiddenPost(target, context)
        let author: String
        if let user = context.visitor.user {
            author = user.name
        } else if submission.name.isEmpty || submission.name.count > 60 {
            return try editForm(
                target, submission, context, request, error: "Give your name (up to 60 characters): it is shown in the page's history.")
        } else {
            author = submission.name + " (not signed in)"
        }
        if let problem = submission.postError ?? submission.replyError {
            return try editForm(target, submission, context, request, error: problem)
        }
        if submission.isPreview {
            return try editForm(target, submission, context, request, preview: try database.preview(submission.markdown, title: target.title))
        }
        do {
            var response = try await commit(target, submission, author: author, context: context, request: request)
            if response.status == .seeOther, let draftId = request.cookies[SessionMiddleware.draftCookieName]?.value {
                try database.deleteDraft(draftId)
                response.setCookie(cookies.expiredDraftCookie())
            }
            return response
        } catch WikiError.invalidInput(let message) {
            return try editForm(target, submission, context, request, error: message)
        }
    }

    /// Saves, merging three ways when the page changed since the form was opened; a clash
    /// answers the conflict page.
    private func commit(_ target: Target, _ submission: Submission, author: String, context: Context, request: Request) async throws -> Response {
        let edit = PageEdit(
            title: target.title, markdown: submission.markdown, summary: submission.summary, author: author, inReplyTo: submission.inReplyTo)
        // An unticked weblog box unpublishes the post in the same transaction as the save.
        switch try await database.saveMerging(edit, baseRevision: submission.baseRevision, post: submission.post, unpublishing: submission.wasPost) {
        case .saved(let result):
            return .redirecting(to: result.page.pageTitle.path, status: .seeOther)
        case .conflict(let page, let base, let theirs, let merge):
            return try conflictForm(target, submission, page: page, base: base, theirs: theirs, merge: merge, context: context, request: request)
        }
    }

    private func conflictForm(
        _ target: Target, _ submission: Submission, page: Page, base: String, theirs: String, merge: ThreeWayMerge, context: Context,
        request: Request
    ) throws -> Response {
        let latest = try database.revisionSummary(page.revisionId, of: page)
        let conflict = ConflictView(
            otherAuthor: latest?.author ?? "someone", otherRevision: page.revisionId,
            otherDate: DateView(latest?.createdAt ?? Date(), in: site.timeZone),
            otherChange: DiffView.hunks(of: LineDiff(old: base, new: theirs)),
            regions: merge.conflicts.map {
                ConflictView.Region(
                    ours: $0.ours.joined(separator: "\n"), theirs: $0.theirs.joined(separator: "\n"), base: $0.base.joined(separator: "\n"))
            })
        // The editor keeps all their text, with the other change merged in where it does not
        // clash; saving again is against the revision now current, so nothing of theirs is lost.
        let rebased = Submission(rebasing: submission, text: merge.textKeepingOurs, onto: page.revisionId)
        return try editForm(target, rebased, context, request, conflict: conflict, status: .conflict)
    }

    private func editForm(
        _ target: Target, _ submission: Submission, _ context: Context, _ request: Request, preview: String? = nil, error: String? = nil,
        conflict: ConflictView? = nil, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let view = EditView(
            site: site, title: target.title.text, tools: PageToolsView(target.title), isNew: !target.isLive,
            markdownHTML: HTMLEscaping.escape(submission.markdown),
            summary: submission.summary, baseRevision: submission.baseRevision.map(String.init) ?? "",
            csrfToken: context.visitor.csrfToken ?? "", asksForName: !context.visitor.isSignedIn, name: submission.name,
            previewHTML: preview, notice: nil, error: error, conflict: conflict,
            post: PostFormView(
                isPost: submission.post != nil, isDraft: submission.post?.status == .draft, date: submission.postDateField,
                tags: submission.tagsField,
                permalink: nil),
            inReplyTo: submission.inReplyToField ?? "")
        return .html(try renderer.render(view, template: "edit", viewer: context.viewer(for: request)), status: error == nil ? status : .badRequest)
    }

    /// `POST /wiki/{title}/preview` with `markdown` and `csrf`: the rendered HTML alone, for the
    /// editor's live preview.
    @Sendable func preview(request: Request, context: Context) async throws -> Response {
        let title = try PageTitle(pathSegment: try context.parameters.titleSegment())
        let form = try await FormBody(request)
        try csrf.verify(request, visitor: context.visitor, token: form["csrf"])
        let markdown = try form.required("markdown", label: "text")
        try Self.refuseOversized(markdown, "so it cannot be previewed")
        return .html(try database.preview(markdown, title: title), status: .ok)
    }

    /// 413 for text larger than a page may be, saying what `consequence` that has.
    static func refuseOversized(_ markdown: String, _ consequence: String) throws {
        guard markdown.utf8.count <= PageEdit.maximumMarkdownBytes else {
            throw HTTPError(
                .contentTooLarge, message: "The text is larger than a page may be (\(PageEdit.maximumMarkdownBytes) bytes), \(consequence).")
        }
    }

    /// `POST /wiki/{title}/revert` with `revision` and `csrf`: a new revision with that old text.
    @Sendable func revert(request: Request, context: Context) async throws -> Response {
        let (found, redirect) = try self.target(request, context, suffix: "/revert")
        guard let target = found else { return redirect! }
        let form = try await FormBody(request)
        try csrf.verify(request, visitor: context.visitor, token: form["csrf"])
        let policy = try database.settings().editPolicy
        if let response = try refusal(target, context, policy: policy) { return response }
        guard let page = target.page else { throw HTTPError(.notFound, message: "There is no page \(target.title.text).") }
        guard let id = Int64(form["revision"] ?? ""), let revision = try database.revision(id, of: page) else {
            throw HTTPError(.notFound, message: "The page \(target.title.text) has no such revision.")
        }
        guard revision.kind != .delete else {
            throw HTTPError(.badRequest, message: "Revision \(id) deleted the page; revert to the one before it.")
        }
        let author = context.visitor.user?.name ?? "visitor"
        try await database.savePage(
            PageEdit(
                title: target.title, markdown: revision.markdown, summary: "Reverted to revision \(id)", author: author,
                inReplyTo: revision.replyTargets))
        return .redirecting(to: target.title.path, status: .seeOther)
    }
}
