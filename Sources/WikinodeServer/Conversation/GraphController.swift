import Foundation
import Hummingbird
import WikinodeCore
import WikinodeGraph

/// `/wiki/{title}/graph` (`?depth=2`) and `/graph.json`: a page's neighbourhood, drawn by
/// Graphviz from what the node stores and inlined as SVG; cached like page views.
struct GraphController {
    typealias Context = WikiRequestContext

    let database: WikiDatabase
    let renderer: TemplateRenderer
    let site: SiteView
    let cache: ResponseCache
    let graphviz: GraphvizRenderer

    func addRoutes(to router: Router<Context>) {
        router.get("\(NodeAddress.wikiPrefix):title\(NodeAddress.PageSuffix.graph)") { request, context in
            try await pageGraph(request, context, suffix: NodeAddress.PageSuffix.graph, json: false)
        }
        router.get("\(NodeAddress.wikiPrefix):title\(NodeAddress.PageSuffix.graphJSON)") { request, context in
            try await pageGraph(request, context, suffix: NodeAddress.PageSuffix.graphJSON, json: true)
        }
        router.get("\(NodeAddress.PageSuffix.graph)") { request, context in try await neighbourhood(request, context, json: false) }
        router.get("\(NodeAddress.PageSuffix.graphJSON)") { request, context in try await neighbourhood(request, context, json: true) }
    }

    /// `?depth=` 1 (the default) or 2; anything else is refused.
    static func depth(of request: Request) throws -> Int {
        guard let text = request.uri.queryParameters["depth"] else { return 1 }
        guard let depth = Int(text), (1...2).contains(depth) else { throw HTTPError(.badRequest, message: "depth is 1 or 2.") }
        return depth
    }

    private func pageGraph(_ request: Request, _ context: Context, suffix: String, json: Bool) async throws -> Response {
        let depth = try Self.depth(of: request)
        let version = try cache.currentVersion()
        let key = PageController.cacheKey(request.uri.path + "?depth=\(depth)", context)
        if let cached = cache.body(for: key, version: version) { return Response.conditional(to: request, body: cached) }
        let cutoff = try DraftVisibility(database: database).cutoff(for: context.visitor)
        let page: Page
        let title: PageTitle
        switch try TitleResolver(database: database).resolve(
            try context.parameters.titleSegment(), suffix: suffix, request: request, visibleAt: cutoff)
        {
        case .redirect(let response): return response
        case .page(let found, let foundTitle): (page, title) = (found, foundTitle)
        case .deleted(let found, _): throw HTTPError(.gone, message: "The page \(found.title) was deleted.")
        case .missing(let missing): throw HTTPError(.notFound, message: "There is no page \(missing.text).")
        }
        let graph = try database.graph(of: page, depth: depth, visibleAt: cutoff ?? Date())
        let dependencies =
            ViewDependency.view(of: page.id!, titleKey: page.titleKey) + [
                ViewDependency.pages, ViewDependency.conversation, ViewDependency.neighbourhood,
            ]
        let path = title.path + NodeAddress.PageSuffix.graph
        return try await answer(
            request, context, graph: graph, json: json, key: key, version: version, dependencies: dependencies, engine: .dot,
            lastModified: max(Date(), page.updatedAt)
        ) { picture in
            GraphView(
                site: site, title: "Graph of \(title.text)", heading: "Graph of \(title.text)", tools: PageToolsView(title), graph: graph,
                svg: picture.svg, drawError: picture.error,
                depthLinks: [
                    .init(label: "neighbours", path: path, isCurrent: depth == 1),
                    .init(label: "and their neighbours", path: path + "?depth=2", isCurrent: depth == 2),
                ],
                jsonPath: title.path + NodeAddress.PageSuffix.graphJSON + (depth == 2 ? "?depth=2" : ""))
        }
    }

    /// `/graph` and `/graph.json`: the sites this node knows, in rings around it.
    private func neighbourhood(_ request: Request, _ context: Context, json: Bool) async throws -> Response {
        let version = try cache.currentVersion()
        let key = PageController.cacheKey(request.uri.path, context)
        if let cached = cache.body(for: key, version: version) { return Response.conditional(to: request, body: cached) }
        let graph = try database.neighbourhoodGraph(ownURL: site.baseURL, ownName: site.name)
        return try await answer(
            request, context, graph: graph, json: json, key: key, version: version,
            dependencies: [ViewDependency.site, ViewDependency.neighbourhood, ViewDependency.pages, ViewDependency.conversation],
            engine: .twopi, root: "n0", lastModified: Date()
        ) { picture in
            GraphView(
                site: site, title: "The neighbourhood", heading: "The neighbourhood of \(site.name)", tools: nil, graph: graph,
                svg: picture.svg, drawError: picture.error, depthLinks: [], jsonPath: NodeAddress.PageSuffix.graphJSON)
        }
    }

    /// `graph` as JSON, or drawn into the page `view` makes of the picture; kept in the cache
    /// under `key` unless the drawing failed (a 500 that still lists everything).
    private func answer(
        _ request: Request, _ context: Context, graph: PageGraph, json: Bool, key: String, version: Int64, dependencies: [String],
        engine: GraphvizRenderer.Engine, root: String? = nil, lastModified: Date,
        view: ((svg: String?, error: String?)) -> GraphView
    ) async throws -> Response {
        let body: CachedBody
        if json {
            body = try CachedBody.json(graph, lastModified: Date())
        } else {
            let picture = await draw(graph, engine: engine, root: root)
            let html = try renderer.render(view(picture), template: "graph", viewer: context.sharedViewer(for: request))
            guard picture.error == nil else { return Response.html(html, status: .internalServerError) }
            body = CachedBody(html, contentType: "text/html; charset=utf-8", lastModified: lastModified)
        }
        cache.store(body, for: key, version: version, dependsOn: dependencies)
        return Response.conditional(to: request, body: body)
    }

    /// The SVG of `graph`, checked; or why there is none.
    func draw(_ graph: PageGraph, engine: GraphvizRenderer.Engine, root: String? = nil) async -> (svg: String?, error: String?) {
        do {
            let document = try await graphviz.svg(GraphDrawing.dot(graph, engine: engine, root: root).text, engine: engine)
            guard let svg = SVGCheck.inlineSVG(document) else { return (nil, "Graphviz drew something this node does not show.") }
            return (svg, nil)
        } catch {
            return (nil, "\(error)")
        }
    }
}
