import Foundation
import HTTPTypes
import Hummingbird
import WikinodeCore

/// What the fediverse reads of the node: its WebFinger address `@{owner}@{host}`, its actor
/// (a `Person` with an RSA key), and the actor's outbox (the latest posts), followers and
/// following (their counts). A post's permanent address answers its `Article` too
/// (`BlogController.post`).
struct ActivityPubController {
    typealias Context = WikiRequestContext

    let database: WikiDatabase
    let site: SiteView
    let actorKey: ActorKey

    /// Posts the outbox lists.
    static let outboxSize = 20

    func addRoutes(to router: Router<Context>) {
        router.get("\(NodeAddress.webFinger)", use: webFinger)
        router.get("\(NodeAddress.actor)", use: actor)
        router.get("\(NodeAddress.actorOutbox)", use: outbox)
        router.get("\(NodeAddress.actorFollowers)", use: followers)
        router.get("\(NodeAddress.actorFollowing)", use: following)
        router.get("\(NodeAddress.nodeInfoDiscovery)", use: nodeInfoDiscovery)
        router.get("\(NodeAddress.nodeInfo21)", use: nodeInfo)
    }

    /// The host part of the node's fediverse address: the base URL's host, with `:port` when
    /// it is not the scheme's default; also the `Host` that requests to this node carry.
    static func accountHost(of baseURL: String) -> String {
        guard let components = URLComponents(string: baseURL), let host = components.host else { return baseURL }
        guard let port = components.port, port != (components.scheme == "https" ? 443 : 80) else { return host.lowercased() }
        return "\(host.lowercased()):\(port)"
    }

    /// The owner's account name: the user part of the node's address. A node without an owner
    /// has no fediverse address yet.
    func accountName() throws -> String {
        guard let name = try database.ownerName() else {
            throw HTTPError(.notFound, message: "This node has no owner account yet, so no fediverse address (see `wikinode user add`).")
        }
        return name
    }

    // MARK: - WebFinger

    /// `GET /.well-known/webfinger?resource=acct:{owner}@{host}` (the actor's address, or the
    /// node's, names the same account).
    @Sendable func webFinger(request: Request, context: Context) async throws -> Response {
        guard let resource = try QueryParameters(request)["resource"]?.trimmingCharacters(in: .whitespaces), !resource.isEmpty else {
            throw HTTPError(.badRequest, message: "WebFinger needs ?resource=acct:user@host.")
        }
        guard resource.utf8.count <= 500 else { throw HTTPError(.badRequest, message: "The resource is too long.") }
        let base = site.baseURL
        let host = Self.accountHost(of: base)
        let name = try accountName()
        let known: Bool
        if resource.lowercased().hasPrefix("acct:") {
            let account = resource.dropFirst(5).drop { $0 == "@" }
            guard let at = account.lastIndex(of: "@") else {
                throw HTTPError(.badRequest, message: "An acct: resource is acct:user@host.")
            }
            known = account[..<at].lowercased() == name.lowercased() && account[account.index(after: at)...].lowercased() == host
        } else {
            let trimmed = resource.hasSuffix("/") ? String(resource.dropLast()) : resource
            known = [base + NodeAddress.actor, base, base + "/@" + name].contains(trimmed)
        }
        guard known else {
            throw HTTPError(.notFound, message: "\(resource.prefix(200)) is not an account of this node; it is acct:\(name)@\(host).")
        }
        let document = WebFingerDocument(user: name, host: host, baseURL: base)
        var headers: HTTPFields = [.contentType: WebFingerDocument.mediaType, .accessControlAllowOrigin: "*"]
        headers[.cacheControl] = "public, max-age=300"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try Response.jsonData(document))))
    }

    // MARK: - NodeInfo

    /// `GET /.well-known/nodeinfo`: where the NodeInfo document is.
    @Sendable func nodeInfoDiscovery(request: Request, context: Context) async throws -> Response {
        let links = ["links": [["rel": NodeInfoDocument.profile, "href": site.baseURL + NodeAddress.nodeInfo21]]]
        return try Response.json(links, headers: [.accessControlAllowOrigin: "*"])
    }

    /// `GET /nodeinfo/2.1`
    @Sendable func nodeInfo(request: Request, context: Context) async throws -> Response {
        let document = NodeInfoDocument(
            version: DiscoveryController.softwareVersion, name: try database.settings().name, hasOwner: try database.ownerName() != nil,
            posts: try database.visiblePostCount(at: Date()))
        var response = try Response.json(document, headers: [.accessControlAllowOrigin: "*"])
        response.headers[.contentType] = #"application/json; profile="\#(NodeInfoDocument.profile)#""#
        return response
    }

    // MARK: - The actor and its collections

    /// `GET /actor`: the actor to ActivityPub clients; people are sent to the front page.
    @Sendable func actor(request: Request, context: Context) async throws -> Response {
        guard ActivityPubRequest.wantsActivity(request) else {
            var response = Response.redirecting(to: "/", status: .seeOther)
            response.headers[.vary] = "Accept"
            return response
        }
        let settings = try database.settings()
        let document = ActorDocument(
            baseURL: site.baseURL, userName: try accountName(), name: settings.name, summary: Self.summaryHTML(settings.description),
            iconURL: settings.icon.isEmpty ? nil : settings.icon, publicKeyPEM: try actorKey.publicKeyPEM(),
            published: try database.ownerSince().map(ActivityDate.format))
        return try ActivityPubRequest.answer(document, to: request)
    }

    /// The description as the one paragraph of HTML a profile's `summary` is.
    static func summaryHTML(_ description: String) -> String {
        description.isEmpty ? "" : "<p>" + HTMLEscaping.escape(description).replacingOccurrences(of: "\n", with: "<br>") + "</p>"
    }

    /// `GET /actor/outbox`: the latest posts, each as the `Create` that published it.
    @Sendable func outbox(request: Request, context: Context) async throws -> Response {
        let now = Date()
        let entries = try database.posts(visibleAt: now, limit: Self.outboxSize)
        let articles = try database.articles(of: entries, baseURL: site.baseURL, withContext: false)
        let activities = articles.map { article in
            ArticleActivity(id: article.id + "#create", type: "Create", article: article, published: article.published, withContext: false)
        }
        let collection = OrderedCollectionDocument(
            id: site.baseURL + NodeAddress.actorOutbox, totalItems: try database.visiblePostCount(at: now), orderedItems: activities)
        return try ActivityPubRequest.answer(collection, to: request)
    }

    /// `GET /actor/followers`: how many follow the node (who they are is theirs to tell).
    @Sendable func followers(request: Request, context: Context) async throws -> Response {
        let collection = OrderedCollectionDocument<String>(
            id: site.baseURL + NodeAddress.actorFollowers, totalItems: try database.fediverseFollowerCount(), orderedItems: nil)
        return try ActivityPubRequest.answer(collection, to: request)
    }

    /// `GET /actor/following`: the node follows no fediverse account.
    @Sendable func following(request: Request, context: Context) async throws -> Response {
        let collection = OrderedCollectionDocument<String>(id: site.baseURL + NodeAddress.actorFollowing, totalItems: 0, orderedItems: [])
        return try ActivityPubRequest.answer(collection, to: request)
    }
}

/// Content negotiation for ActivityPub: who asks for ActivityStreams, and how it is answered.
enum ActivityPubRequest {
    /// The type of every ActivityStreams answer.
    static let contentType = ActivityContext.mediaType + "; charset=utf-8"

    /// Whether the request's `Accept` names `application/activity+json`, or
    /// `application/ld+json` (with the ActivityStreams profile, or none), ahead of HTML.
    static func wantsActivity(_ request: Request) -> Bool {
        wantsActivity(accept: request.headers[values: .accept].joined(separator: ","))
    }

    static func wantsActivity(accept: String) -> Bool {
        var activity: Double = 0
        var html: Double = 0
        for item in accept.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parts.first else { continue }
            var quality = 1.0
            var profile: String?
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2 else { continue }
                if pair[0] == "q", let value = Double(pair[1]) { quality = value }
                if pair[0] == "profile" { profile = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            }
            switch type {
            case ActivityContext.mediaType:
                activity = max(activity, quality)
            case "application/ld+json"
            where profile == nil || profile?.split(separator: " ").contains(Substring(ActivityContext.activityStreams)) == true:
                activity = max(activity, quality)
            case "text/html", "application/xhtml+xml":
                html = max(html, quality)
            default:
                break
            }
        }
        return activity > 0 && activity >= html
    }

    /// `document` as ActivityStreams JSON, conditional (ETag), for anyone to read.
    static func answer(_ document: some Encodable, to request: Request) throws -> Response {
        let body = CachedBody(String(decoding: try Response.jsonData(document), as: UTF8.self), contentType: contentType, lastModified: nil)
        var response = Response.conditional(to: request, body: body)
        response.headers[.vary] = "Accept"
        response.headers[.accessControlAllowOrigin] = "*"
        return response
    }
}
