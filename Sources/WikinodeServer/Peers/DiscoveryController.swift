import Foundation
import Hummingbird
import WikinodeCore

/// What machines read to learn about the node: node info, robots.txt, sitemap, and the icon
/// browsers ask for.
struct DiscoveryController {
    typealias Context = WikiRequestContext

    let database: WikiDatabase
    let site: SiteView
    let identity: NodeIdentity
    /// `Public/favicon.ico`, read once.
    let favicon: ByteBuffer

    static var softwareVersion: String { "0.1.0" }

    func addRoutes(to router: Router<Context>) {
        router.get("\(NodeAddress.nodeInfo)", use: nodeInfo)
        router.get("/robots.txt", use: robots)
        router.get("/sitemap.xml", use: sitemap)
        router.get("/favicon.ico", use: faviconICO)
    }

    /// `GET /favicon.ico`: browsers ask for it on their first visit whatever the page links.
    @Sendable func faviconICO(request: Request, context: Context) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "image/x-icon", .cacheControl: "public, max-age=86400"],
            body: .init(byteBuffer: favicon))
    }

    /// `GET /.well-known/wikinode`
    @Sendable func nodeInfo(request: Request, context: Context) async throws -> Response {
        let info = NodeInfo(
            name: site.name, baseURL: site.baseURL, publicKey: identity.publicKeyBase64, publicKeyAlgorithm: "ed25519",
            software: "wikinode", version: Self.softwareVersion,
            endpoints: [
                "changes": site.baseURL + NodeAddress.changes, "pages": site.baseURL + NodeAddress.pagesAPIPrefix,
                "recent": site.baseURL + NodeAddress.recentFeed, "search": site.baseURL + NodeAddress.search,
            ], following: try database.followedPeerURLs())
        return try Response.json(info, headers: [.accessControlAllowOrigin: "*"])
    }

    /// `GET /robots.txt`
    @Sendable func robots(request: Request, context: Context) async throws -> Response {
        let body = """
            User-agent: *
            Disallow: /api/
            Disallow: /search
            Disallow: /wiki/*/diff
            Sitemap: \(site.baseURL)/sitemap.xml

            """
        return Response.conditional(to: request, body: body, contentType: "text/plain; charset=utf-8")
    }

    /// `GET /sitemap.xml`
    @Sendable func sitemap(request: Request, context: Context) async throws -> Response {
        let pages = try database.allTitles(visibleAt: Date())
        var writer = XMLWriter()
        writer.element("urlset", ["xmlns": "http://www.sitemaps.org/schemas/sitemap/0.9"]) { set in
            for page in pages {
                set.element("url") { url in
                    url.element("loc", text: site.baseURL + PageLinkView(title: page.title).path)
                    url.element("lastmod", text: page.updatedAt.formatted(Date.ISO8601FormatStyle()))
                }
            }
        }
        return Response.conditional(
            to: request, body: writer.output, contentType: "application/xml; charset=utf-8", lastModified: pages.map(\.updatedAt).max())
    }
}
