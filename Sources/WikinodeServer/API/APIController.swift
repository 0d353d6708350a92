import Foundation
import Hummingbird
import WikinodeCore

/// Pages as JSON for scripts and peers; writes need a bearer token.
struct APIController {
    typealias Context = WikiRequestContext

    let database: WikiDatabase
    let site: SiteView

    /// The largest request body taken, in bytes: a page at its largest, JSON-escaped.
    static var maximumBodyBytes: Int { PageEdit.maximumMarkdownBytes * 2 + 16_384 }

    func addRoutes(to router: Router<Context>) {
        router.get("\(NodeAddress.pagesAPIPrefix):title", use: show)
        router.put("\(NodeAddress.pagesAPIPrefix):title", use: save)
        router.delete("\(NodeAddress.pagesAPIPrefix):title", use: delete)
        router.post("\(NodeAddress.pagesAPIPrefix):title/rename", use: rename)
        router.get("\(NodeAddress.changes)", use: changes)
    }

    /// The page document.
    struct PageDocument: Encodable {
        struct Link: Encodable {
            let title: String
            let url: String
            let exists: Bool
        }

        let title: String
        let uid: String
        let url: String
        let revision: Int64
        let created: Date
        let updated: Date
        let markdown: String
        let html: String
        let links: [Link]
        let externalLinks: [String]
        let inReplyTo: [String]
        let backlinks: [Link]
    }

    /// `GET /api/pages/{title}`
    @Sendable func show(request: Request, context: Context) async throws -> Response {
        let page = try livePage(context)
        guard let revision = try database.revision(page.revisionId, of: page) else { throw HTTPError(.notFound) }
        let document = PageDocument(
            title: page.title, uid: page.uid, url: site.baseURL + page.pageTitle.path, revision: page.revisionId,
            created: page.createdAt, updated: page.updatedAt, markdown: revision.markdown, html: page.html,
            links: try database.outgoingLinks(of: page).map { link(title: $0.title, exists: $0.exists) },
            externalLinks: try database.externalLinks(of: page), inReplyTo: try database.replyTargets(of: page),
            backlinks: try database.backlinks(of: page, visibleAt: Date()).map { link(title: $0, exists: true) })
        return Response.conditional(
            to: request, body: String(decoding: try Response.jsonData(document), as: UTF8.self), contentType: "application/json; charset=utf-8",
            lastModified: page.updatedAt)
    }

    private func link(title: String, exists: Bool) -> PageDocument.Link {
        PageDocument.Link(title: title, url: site.baseURL + PageLinkView(title: title).path, exists: exists)
    }

    struct SaveRequest: Decodable {
        let markdown: String
        let summary: String?
        let baseRevision: Int64?
    }

    struct SaveResponse: Encodable {
        let title: String
        let url: String
        let revision: Int64
        let created: Bool
        let changed: Bool
    }

    /// `PUT /api/pages/{title}` with `{"markdown", "summary", "baseRevision"}`. Without
    /// `baseRevision` the page must not exist yet; with a stale one the answer is 409.
    @Sendable func save(request: Request, context: Context) async throws -> Response {
        let token = try await authorize(request)
        let title = try PageTitle(pathSegment: try context.parameters.titleSegment())
        let body: SaveRequest = try await decodeBody(request)
        let expectation: PageEdit.Expectation = body.baseRevision.map { .revision($0) } ?? .newPage
        // Front matter (as in `wikinode import`) may make the page a post: kind, date, tags, status, slug.
        let file = try MarkdownFile(parsing: body.markdown, fileName: title.text)
        // The address names the page; a different title in the front matter is never dropped
        // silently: renaming is its own request.
        if file.title.text != title.text {
            throw HTTPError(
                .unprocessableContent,
                message:
                    "The front matter's title (\(file.title.text)) is not the page's (\(title.text)). To rename the page, POST {\"title\": \"\(file.title.text)\"} to /api/pages/\(title.pathSegment)/rename first; or leave the title out of the front matter."
            )
        }
        let edit = PageEdit(
            title: title, markdown: file.markdown, summary: body.summary ?? "", author: token.name, expectation: expectation,
            inReplyTo: file.inReplyTo)
        let result = try await database.savePage(edit, post: file.postSettings)
        let url = site.baseURL + result.page.pageTitle.path
        let response = SaveResponse(
            title: result.page.title, url: url, revision: result.page.revisionId, created: result.isCreated, changed: result.isChanged)
        return try Response.json(response, status: result.isCreated ? .created : .ok, headers: [.location: url])
    }

    struct RenameRequest: Decodable {
        let title: String
        let summary: String?
    }

    /// `POST /api/pages/{title}/rename` with `{"title": new title}`.
    @Sendable func rename(request: Request, context: Context) async throws -> Response {
        let token = try await authorize(request)
        let title = try PageTitle(pathSegment: try context.parameters.titleSegment())
        let body: RenameRequest = try await decodeBody(request)
        let result = try database.renamePage(title, to: try PageTitle(body.title), author: token.name, summary: body.summary ?? "")
        let url = site.baseURL + result.page.pageTitle.path
        return try Response.json(
            SaveResponse(title: result.page.title, url: url, revision: result.page.revisionId, created: false, changed: true),
            headers: [.location: url])
    }

    /// `DELETE /api/pages/{title}`, optionally `?baseRevision=N`.
    @Sendable func delete(request: Request, context: Context) async throws -> Response {
        let token = try await authorize(request)
        let title = try PageTitle(pathSegment: try context.parameters.titleSegment())
        let base = try QueryParameters(request).integer("baseRevision", in: 1...Int64.max)
        let result = try database.deletePage(title, author: token.name, expectation: base.map { .revision($0) } ?? .any)
        return try Response.json(
            SaveResponse(
                title: result.page.title, url: site.baseURL + result.page.pageTitle.path, revision: result.revision.id!, created: false, changed: true
            ))
    }

    /// `GET /api/changes?since=N&limit=M`: the compacted change feed after cursor N, oldest
    /// first (see `ChangeFeedDocument`).
    @Sendable func changes(request: Request, context: Context) async throws -> Response {
        let query = try QueryParameters(request)
        let since = try query.integer("since", in: 0...Int64.max) ?? 0
        let limit = Int(try query.integer("limit", in: 1...1000) ?? 100)
        let feed = try database.changeFeed(since: since, limit: limit, baseURL: site.baseURL)
        return Response.conditional(
            to: request, body: String(decoding: try ChangeFeedDocument.encoder.encode(feed), as: UTF8.self),
            contentType: "application/json; charset=utf-8")
    }

    private func livePage(_ context: Context) throws -> Page {
        let title = try PageTitle(pathSegment: try context.parameters.titleSegment())
        switch try database.lookup(title) {
        case .found(let page), .renamed(let page):
            // The API reads as anyone does: unpublished posts are not there.
            if try database.isHiddenPost(page, at: Date()) { throw HTTPError(.notFound, message: "There is no page \(title.text).") }
            return page
        case .deleted(let page): throw HTTPError(.gone, message: "The page \(page.title) was deleted.")
        case .missing: throw HTTPError(.notFound, message: "There is no page \(title.text).")
        }
    }

    /// The token the request carries, or a 401.
    private func authorize(_ request: Request) async throws -> APIToken {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw HTTPError(.unauthorized, message: "Send a token from `wikinode token create` as `Authorization: Bearer <token>`.")
        }
        let secret = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        guard let token = try database.token(forSecret: secret) else {
            throw HTTPError(.unauthorized, message: "The token is not valid.")
        }
        // The same rule as for people in the browser decides.
        guard try database.settings().editPolicy.allows(.token(token)) else {
            throw HTTPError(.forbidden, message: "This token may not change pages.")
        }
        return token
    }

    private func decodeBody<Body: Decodable>(_ request: Request) async throws -> Body {
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/json") {
            throw HTTPError(.unsupportedMediaType, message: "Send the body as application/json.")
        }
        let buffer = try await request.body.collect(upTo: Self.maximumBodyBytes)
        do {
            return try JSONDecoder().decode(Body.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw HTTPError(.badRequest, message: "The body is not the JSON this address expects: \(Self.explain(error))")
        }
    }

    static func explain(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "the field \(key.stringValue) is missing."
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "the field \(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type."
        case .dataCorrupted: "it is not valid JSON in UTF-8."
        @unknown default: "it cannot be read."
        }
    }
}
