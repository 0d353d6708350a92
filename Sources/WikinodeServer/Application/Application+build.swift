import Foundation
import Hummingbird
import Logging
import WikinodeCore
import WikinodeGraph
import WikinodeNetwork

/// Builds the whole node: opens its data, loads its templates, wires the routes. Tests call this
/// too, so what they test is what `wikinode serve` runs.
public func buildApplication(
    configuration: ServerConfiguration, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "wikinode")
    logger.logLevel = configuration.logLevel
    let (database, identity, _) = try configuration.dataDirectory.open()
    let nodeURL = configuration.port == 0 ? NodeBaseURL(settlingFrom: configuration.baseURL) : NodeBaseURL(configuration.baseURL)
    // `wikinode follow` signs with the node's address: it learns it from here.
    if configuration.port != 0 { try database.recordOwnBaseURL(configuration.baseURL) }
    let peering = Peering(
        database: database, identity: identity, nodeURL: nodeURL,
        policy: configuration.addressPolicy, timing: configuration.federationTiming,
        logger: logger)
    let homePage = (try? PageTitle(try database.settings().homePage)) ?? (try! PageTitle("Welcome"))
    let linkbacks = Linkbacks(
        database: database, client: peering.client, nodeURL: nodeURL, homePage: homePage,
        limits: configuration.federationTiming.webLimits, peering: peering, logger: logger)
    let fediverse = Fediverse(
        database: database, client: peering.client, nodeURL: nodeURL, actorKey: configuration.dataDirectory.actorKey(),
        timing: configuration.federationTiming, logger: logger)
    let site = try SiteView(database: database, nodeURL: nodeURL)
    let topics = WebSubTopics(database: database, site: site)
    let hub = WebSubHub(
        database: database, client: peering.client, nodeURL: nodeURL, timing: configuration.federationTiming, logger: logger,
        topicContent: { try topics.content(of: $0) })
    let (responder, cachedViews) = try await buildResponder(
        configuration: configuration, site: site, nodeURL: nodeURL, database: database, identity: identity, peering: peering,
        linkbacks: linkbacks, fediverse: fediverse, hub: hub, logger: logger)
    return Application(
        responder: responder,
        server: .guardedHTTP1(limits: configuration.connectionLimits, fileLimit: FileLimit.current, cachedViews: cachedViews),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: cachedViews.serverName),
        services: [
            PeeringService(peering: peering), LinkbackService(linkbacks: linkbacks), FediverseService(fediverse: fediverse),
            WebSubHubService(hub: hub),
        ],
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            if configuration.port == 0 {
                // The system chose the port: the node's address is known from now on.
                nodeURL.settle(configuration.listening(on: port).baseURL)
                try? database.recordOwnBaseURL(nodeURL.string)
            }
            await onServerRunning(port)
        },
        logger: logger)
}

/// The routes and middleware of a node, and what its connections answer before them (an
/// anonymous reader's cached page views).
func buildResponder(
    configuration: ServerConfiguration, site: SiteView, nodeURL: NodeBaseURL, database: WikiDatabase, identity: NodeIdentity, peering: Peering,
    linkbacks: Linkbacks, fediverse: Fediverse, hub: WebSubHub, logger: Logger
) async throws -> (some HTTPResponder<WikiRequestContext>, CachedViews) {
    typealias Context = WikiRequestContext
    let renderer = try await TemplateRenderer(folder: configuration.resourcesDirectory.appendingPathComponent("Templates"))
    let settings = try database.settings()

    let router = Router(context: Context.self, options: .autoGenerateHeadEndpoints)
    let requestLog = RequestLogMiddleware<Context>(logger: logger)
    router.add(middleware: requestLog)
    router.add(middleware: NoSniffMiddleware())
    let csrf = CSRFGuard(nodeURL: nodeURL, identity: identity)
    let cookies = SessionCookies(baseURL: configuration.baseURL)
    router.add(middleware: SessionMiddleware(database: database, csrf: csrf, cookies: cookies))
    let linkbackHeaders = LinkbackDiscoveryMiddleware<Context>(nodeURL: nodeURL)
    router.add(middleware: linkbackHeaders)
    router.add(middleware: ErrorPageMiddleware(renderer: renderer, site: site, logger: logger))
    router.add(
        middleware: FileMiddleware(
            configuration.resourcesDirectory.appendingPathComponent("Public").path, urlBasePath: "/static",
            cacheControl: .init([(MediaType(type: .any), [.public, .maxAge(3600)])]), logger: logger))

    let cache = ResponseCache(database: database, probe: try DataVersionProbe(path: configuration.dataDirectory.databasePath))
    let pages = PageController(database: database, renderer: renderer, site: site, cache: cache)
    pages.addRoutes(to: router)
    ThreadController(database: database, renderer: renderer, site: site, cache: cache).addRoutes(to: router)
    GraphController(database: database, renderer: renderer, site: site, cache: cache, graphviz: GraphvizRenderer.shared).addRoutes(to: router)
    let homePage = (try? PageTitle(settings.homePage)) ?? (try! PageTitle("Welcome"))
    SiteController(database: database, renderer: renderer, site: site, homePage: homePage, pages: pages).addRoutes(to: router)
    APIController(database: database, site: site).addRoutes(to: router)
    BlogController(database: database, renderer: renderer, site: site, cache: cache).addRoutes(to: router)
    let faviconFile = configuration.resourcesDirectory.appendingPathComponent("Public/favicon.ico")
    guard let favicon = FileManager.default.contents(atPath: faviconFile.path) else {
        throw ResourceError.missingFile(faviconFile.path)
    }
    DiscoveryController(database: database, site: site, identity: identity, favicon: ByteBuffer(bytes: favicon)).addRoutes(to: router)
    ActivityPubController(database: database, site: site, actorKey: fediverse.actorKey).addRoutes(to: router)
    FediverseInboxController(fediverse: fediverse, site: site).addRoutes(to: router)
    InboxController(peering: peering, linkbacks: linkbacks, site: site).addRoutes(to: router)
    WebSubCallbackController(peering: peering).addRoutes(to: router)
    WebSubHubController(hub: hub, topics: WebSubTopics(database: database, site: site)).addRoutes(to: router)
    LinkbackController(database: database, linkbacks: linkbacks, site: site, homePage: homePage).addRoutes(to: router)
    FedwikiController(database: database, cache: cache).addRoutes(to: router)
    AuthController(
        database: database, renderer: renderer, site: site, cookies: cookies, csrf: csrf, limiter: LoginRateLimiter(),
        hashing: PasswordHashing()
    ).addRoutes(to: router)
    EditController(database: database, renderer: renderer, site: site, cookies: cookies, csrf: csrf).addRoutes(to: router)
    PeersController(database: database, peering: peering, renderer: renderer, site: site, csrf: csrf).addRoutes(to: router)
    MentionsController(database: database, renderer: renderer, site: site, csrf: csrf).addRoutes(to: router)
    return (router.buildResponder(), CachedViews(cache: cache, linkbacks: linkbackHeaders, log: requestLog, serverName: "wikinode"))
}
