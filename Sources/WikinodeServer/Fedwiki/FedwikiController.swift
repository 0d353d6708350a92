import Foundation
import HTTPTypes
import Hummingbird
import WikinodeCore

/// What Federated Wiki's browser client reads from a neighbour site: pages as `/{slug}.json` and
/// the list of them as `/system/sitemap.json`. Read-only, public, and open to every origin.
struct FedwikiController {
    typealias Context = WikiRequestContext

    let database: WikiDatabase
    let cache: ResponseCache

    /// The most revisions a journal is made from; older ones are left out.
    static var journalLimit: Int { 500 }

    /// fedwiki clients run on other sites and read this one from the browser. Nothing here
    /// depends on cookies (everyone reads as a signed-out visitor), so `*` is safe.
    static let corsHeaders: HTTPFields = [.accessControlAllowOrigin: "*"]

    func addRoutes(to router: Router<Context>) {
        // Hummingbird's trie tries fixed segments before `{slug}.json`, so `/feed.json` stays
        // the JSON Feed (a test checks it).
        router.get("\(NodeAddress.fedwikiSitemap)", use: sitemap)
        router.get("/{slug}.json", use: page)
        router.on("\(NodeAddress.fedwikiSitemap)", method: .options, use: preflight)
        router.on("/{slug}.json", method: .options, use: preflight)
    }

    /// `GET /{slug}.json`
    @Sendable func page(request: Request, context: Context) async throws -> Response {
        // The parameter is the raw segment: anything percent-encoded, dotted or too long fails here.
        guard let raw = context.parameters.get("slug"), let slug = FedwikiSlug(requested: Substring(raw)) else {
            throw HTTPError(
                .badRequest, headers: Self.corsHeaders, message: "A page address is a slug of lowercase letters, digits and dashes, then .json.")
        }
        let now = Date()
        let version = try cache.currentVersion()
        // Scheduled posts appear by time alone, so they are part of the key.
        let key = "fedwiki\u{0}\(slug)\u{0}" + (try database.visiblePostsMark(at: now))
        if let cached = cache.body(for: key, version: version) {
            return Self.open(.conditional(to: request, body: cached))
        }
        guard let page = try livePage(slug, visibleAt: now) else {
            throw HTTPError(.notFound, headers: Self.corsHeaders, message: "There is no page \(slug).")
        }
        let revisions = try database.revisions(of: page, limit: Self.journalLimit)
        let markdown = try revisions.last(where: { $0.id == page.revisionId })?.markdown ?? database.currentMarkdown(of: page)
        let document = FedwikiPage(
            title: page.title, story: FedwikiStory(markdown: markdown, pageUID: page.uid).items,
            journal: FedwikiJournal.make(
                pageUID: page.uid, versions: revisions.map { .init(title: $0.title, markdown: $0.markdown, date: $0.createdAt) }))
        let body = try CachedBody.json(document, lastModified: page.updatedAt)
        cache.store(body, for: key, version: version, dependsOn: [ViewDependency.pages, ViewDependency.site])
        return Self.open(.conditional(to: request, body: body))
    }

    /// `GET /system/sitemap.json`
    @Sendable func sitemap(request: Request, context: Context) async throws -> Response {
        let now = Date()
        let version = try cache.currentVersion()
        let key = "fedwiki\u{0}/system/sitemap.json\u{0}" + (try database.visiblePostsMark(at: now))
        if let cached = cache.body(for: key, version: version) {
            return Self.open(.conditional(to: request, body: cached))
        }
        let options = try database.settings().markdownOptions
        var seen = Set<FedwikiSlug>()
        var entries: [FedwikiSitemapEntry] = []
        for (page, markdown) in try database.pagesWithMarkdown(visibleAt: now).map({ ($0.page, $0.markdown) }) {
            // A page whose slug is empty cannot be asked for; of pages sharing a slug, the one
            // first in title order is the one `/{slug}.json` serves.
            let slug = FedwikiSlug(title: page.title)
            guard !slug.text.isEmpty, seen.insert(slug).inserted else { continue }
            entries.append(
                FedwikiSitemapEntry(
                    slug: slug, title: page.title, updatedAt: page.updatedAt, story: FedwikiStory(markdown: markdown, pageUID: page.uid),
                    options: options))
        }
        let lastModified = entries.isEmpty ? nil : Date(timeIntervalSince1970: Double(entries.map(\.date).max()!) / 1000)
        let body = try CachedBody.json(entries, lastModified: lastModified)
        cache.store(body, for: key, version: version, dependsOn: [ViewDependency.pages, ViewDependency.site])
        return Self.open(.conditional(to: request, body: body))
    }

    /// `OPTIONS` on either address: a CORS preflight.
    @Sendable func preflight(request: Request, context: Context) async throws -> Response {
        var headers = Self.corsHeaders
        headers[.accessControlAllowMethods] = "GET, HEAD, OPTIONS"
        headers[.accessControlAllowHeaders] = "Accept, If-None-Match, If-Modified-Since"
        headers[.accessControlMaxAge] = "86400"
        return Response(status: .noContent, headers: headers)
    }

    /// The live page, not a hidden post, whose title has `slug`; the first in title order when
    /// several share it.
    ///
    /// Slugs are not stored, so this compares the slug of every visible title: a scan that is
    /// fine up to some ten thousand pages. A stored, indexed slug needs a migration; later.
    private func livePage(_ slug: FedwikiSlug, visibleAt now: Date) throws -> Page? {
        for reference in try database.allTitles(visibleAt: now) where FedwikiSlug(title: reference.title) == slug {
            guard let title = reference.pageTitle, case .found(let page) = try database.lookup(title),
                try !database.isHiddenPost(page, at: now)
            else { continue }
            return page
        }
        return nil
    }

    private static func open(_ response: Response) -> Response {
        var response = response
        response.headers.append(contentsOf: corsHeaders)
        return response
    }
}
