import Foundation
import HTTPTypes
import WikinodeCore
import WikinodeHTMLReader

extension PeeringTiming {
    /// How fetching a followed feed or fedwiki site is limited: it may redirect to another host
    /// (a feed service, `https`), each hop checked against the address policy.
    var siteLimits: RemoteClient.Limits {
        RemoteClient.Limits(timeout: webLimits.timeout, maximumBodyBytes: 4 << 20, maximumRedirects: 5)
    }
}

/// A site that is not a wikinode, as discovery found it.
struct DiscoveredSite {
    let kind: Peer.Kind
    /// The site's own address (a feed's home page, a fedwiki site's origin).
    let url: String
    /// What is fetched to read it.
    let sourceURL: String
    let name: String
}

extension Peering {
    static let feedAccept =
        "application/atom+xml, application/rss+xml, application/feed+json, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, text/html;q=0.7, */*;q=0.1"

    /// Follows a site that is not a wikinode: a feed given directly, a page that names its feed,
    /// or a Federated Wiki site.
    func followSite(_ address: String, pullNow: Bool) async throws -> Peer {
        let site = try await discoverSite(address)
        guard !site.sourceURL.hasPrefix(ownURL + "/"), site.url != ownURL else {
            throw RemoteError.refused("\(address) is this node's own; a node never follows itself")
        }
        // A wikinode's feed is not followed as a feed: the node itself is, with its changes
        // pushed and its pages whole.
        if let origin = WebOrigin(string: site.sourceURL)?.description,
            let info = try? await nodeInfo(of: origin, timeout: .seconds(5))
        {
            throw RemoteError.refused("\(address) belongs to the wikinode \(info.name); follow it at \(info.baseURL)")
        }
        let peer: Peer
        do {
            peer = try database.recordFollowingSite(kind: site.kind, url: site.url, sourceURL: site.sourceURL, name: site.name)
        } catch let error as WikiError {
            throw RemoteError.refused(error.description)
        }
        if pullNow { try await pull(peerId: peer.id!) }
        wake()
        return try database.peer(id: peer.id!) ?? peer
    }

    /// What kind of site `address` is, from what it answers: a feed itself; the root of a
    /// Federated Wiki site (it has `/system/sitemap.json`); or a page that names its feeds
    /// with `<link rel=alternate>`, of which the first that reads as a feed is taken.
    func discoverSite(_ address: String) async throws -> DiscoveredSite {
        guard var components = URLComponents(string: address.trimmingCharacters(in: .whitespaces)),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https", components.host?.isEmpty == false,
            components.user == nil, components.password == nil
        else { throw RemoteError.invalidURL("\(address) is not an http or https address") }
        components.fragment = nil
        guard let url = components.url else { throw RemoteError.invalidURL("\(address) is not an http or https address") }
        let response = try await client.get(url, headers: [.accept: Self.feedAccept], limits: timing.siteLimits, sameOriginOnly: false)
        if response.status == 200, let feed = try? FeedDocument.parse(response.body, url: response.url) {
            return Self.site(ofFeed: feed, at: response.url)
        }
        if let fedwiki = try await fedwikiSite(at: url) { return fedwiki }
        guard response.status == 200 else {
            throw RemoteError.badResponse("\(url.absoluteString) answers \(response.status); it is not a wikinode, a feed or a fedwiki site")
        }
        let page = HTMLDocument(html: String(decoding: response.body, as: UTF8.self), url: response.url)
        var reasons: [String] = []
        for link in page.feedLinks().prefix(3) {
            do {
                let (feed, feedURL) = try await fetchFeed(link.url)
                return Self.site(ofFeed: feed, at: feedURL)
            } catch {
                reasons.append("\(link.url.absoluteString): \(error)")
            }
        }
        guard reasons.isEmpty else {
            throw RemoteError.badResponse("None of the feeds \(url.absoluteString) names can be read (\(reasons.joined(separator: "; ")))")
        }
        throw RemoteError.badResponse(
            "\(url.absoluteString) is not a wikinode, names no feed (<link rel=\"alternate\" type=\"application/atom+xml\">) and is not a fedwiki site"
        )
    }

    /// Fetches and reads a feed once, without validators; returns it with its final address.
    func fetchFeed(_ url: URL) async throws -> (FeedDocument, URL) {
        let response = try await client.get(url, headers: [.accept: Self.feedAccept], limits: timing.siteLimits, sameOriginOnly: false)
        guard response.status == 200 else { throw RemoteError.badResponse("\(url.absoluteString) answers \(response.status)") }
        do {
            return (try FeedDocument.parse(response.body, url: response.url), response.url)
        } catch {
            throw RemoteError.badResponse("\(response.url.absoluteString) is not a readable feed (\(error))")
        }
    }

    static func site(ofFeed feed: FeedDocument, at feedURL: URL) -> DiscoveredSite {
        let home = feed.homePageURL.flatMap { normalized($0.absoluteString) }
        let name = ValidName.clean(feed.title ?? "")
        return DiscoveredSite(
            kind: .feed, url: home ?? feedURL.absoluteString, sourceURL: feedURL.absoluteString,
            name: name.isEmpty ? feedURL.host ?? feedURL.absoluteString : name)
    }
}
