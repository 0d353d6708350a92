import Foundation
import HTTPTypes
import WikinodeCore
import WikinodeHTMLReader

extension Peering {
    /// The most pages of a fedwiki site read in one pull; the rest come in the next, soon after.
    static let maximumFedwikiPagesPerPull = 200
    /// The most entries of a fedwiki sitemap read.
    static let maximumFedwikiSitemapEntries = 10_000

    /// The Federated Wiki site at `url`'s origin, if `url` is its root and it serves a sitemap.
    func fedwikiSite(at url: URL) async throws -> DiscoveredSite? {
        guard url.path.isEmpty || url.path == "/", url.query == nil, let origin = WebOrigin(url)?.description,
            let sitemapURL = URL(string: origin + NodeAddress.fedwikiSitemap)
        else { return nil }
        let response: RemoteClient.Response
        do {
            response = try await client.get(sitemapURL, headers: [.accept: "application/json"], limits: timing.siteLimits, sameOriginOnly: true)
        } catch let error as RemoteError where !error.isPassing {
            return nil
        }
        guard response.status == 200, (try? Self.fedwikiSitemap(response.body)) != nil else { return nil }
        return DiscoveredSite(kind: .fedwiki, url: origin, sourceURL: sitemapURL.absoluteString, name: url.host ?? origin)
    }

    /// Reads a followed fedwiki site, as fedwiki's own client does, slowly: its sitemap with a
    /// conditional GET, then, one at a time, the pages whose date is newer than their copy here.
    /// Pages gone from the sitemap go from the mirror.
    func pullFedwiki(of peer: Peer) async throws {
        guard let source = peer.sourceURL.flatMap(URL.init(string:)) else { throw RemoteError.invalidURL("\(peer.url) has no sitemap address") }
        var headers: HTTPFields = [.accept: "application/json"]
        if let etag = peer.etag { headers[.ifNoneMatch] = etag }
        if let lastModified = peer.lastModified { headers[.ifModifiedSince] = lastModified }
        let readAt = Date()
        let response = try await client.get(source, headers: headers, limits: timing.siteLimits, sameOriginOnly: true)
        if response.status == 304 {
            try database.recordPullSuccess(peerId: peer.id!, nextAttemptAt: Date() + jittered(timing.pollInterval))
            return
        }
        guard response.status == 200 else { throw RemoteError.badResponse("\(source.absoluteString) answers \(response.status)") }
        let sitemap: [FedwikiSitemapItem]
        do {
            sitemap = try Self.fedwikiSitemap(response.body)
        } catch {
            throw RemoteError.badResponse("\(source.absoluteString) is not a fedwiki sitemap (\(error))")
        }
        let slugs = Set(sitemap.map(\.slug))
        try database.removeMirroredPages(peerId: peer.id!, except: slugs)
        let known = try database.mirroredVersions(peerId: peer.id!)
        // Read again when its date is another, earlier or later: a page restored from an older
        // copy goes back in time.
        let due = sitemap.filter { item in known[item.slug].map { $0 != item.date } ?? true }
        var invalid: [String] = []
        var batch: [SiteEntry] = []
        for item in due.prefix(Self.maximumFedwikiPagesPerPull) {
            do {
                batch.append(try await fedwikiPage(item, of: peer, siteSlugs: slugs))
            } catch {
                invalid.append("\(item.slug): \(error)")
            }
            if batch.count >= 50 {
                _ = try await database.applySiteEntries(peerId: peer.id!, entries: batch, ownBaseURL: ownURL, readAt: readAt)
                batch.removeAll()
            }
        }
        _ = try await database.applySiteEntries(peerId: peer.id!, entries: batch, ownBaseURL: ownURL, readAt: readAt)
        let isComplete = due.count <= Self.maximumFedwikiPagesPerPull && invalid.isEmpty
        // More pages waiting come a second later, but only after a pull that read some: pages
        // that cannot be read wait for the next poll, so a broken site cannot keep the node busy.
        let hasMoreToRead = due.count > Self.maximumFedwikiPagesPerPull && invalid.count < Self.maximumFedwikiPagesPerPull
        // The validators are kept only once every page is read: a sitemap that did not change
        // would otherwise answer 304 with pages still unread.
        try database.recordSourceValidators(
            peerId: peer.id!, etag: isComplete ? response.headers[.eTag] : nil, lastModified: isComplete ? response.headers[.lastModified] : nil)
        try database.recordPullSuccess(peerId: peer.id!, nextAttemptAt: Date() + (hasMoreToRead ? 1 : jittered(timing.pollInterval)))
        if !invalid.isEmpty {
            try database.recordPeerError(
                peerId: peer.id!, error: "\(invalid.count) pages could not be read and were skipped: \(invalid.prefix(3).joined(separator: "; "))")
        }
    }

    /// One page of a fedwiki site, its story made into sanitised Markdown.
    func fedwikiPage(_ item: FedwikiSitemapItem, of peer: Peer, siteSlugs: Set<String>) async throws -> SiteEntry {
        let url = URL(string: "\(peer.url)/\(item.slug).json")!
        var limits = timing.siteLimits
        limits.maximumBodyBytes = 2 << 20
        let response = try await client.get(url, headers: [.accept: "application/json"], limits: limits, sameOriginOnly: true)
        guard response.status == 200 else { throw RemoteError.badResponse("it answers \(response.status)") }
        guard let page = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] else {
            throw RemoteError.badResponse("it is not a fedwiki page (a JSON object)")
        }
        let story = (page["story"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }
        let pageURL = URL(string: "\(peer.url)/view/\(item.slug)")!
        let linked = LinkedTitles()
        let markdown = HTMLDocument(html: Self.html(ofStory: story, site: peer.url), url: pageURL).markdown(
            limit: Self.maximumEntryMarkdownBytes,
            bracketLinks: BracketLinks { title in
                let slug = FedwikiSlug(title: title).text
                guard !slug.isEmpty else { return nil }
                // A link the site cannot answer is one fedwiki looks for in the neighbourhood:
                // it may be this node's page of that name.
                if !siteSlugs.contains(slug) { linked.titles.append(title) }
                return URL(string: "\(peer.url)/view/\(slug)")
            })
        let title = (page["title"] as? String).flatMap { ValidName.clean($0).isEmpty ? nil : $0 } ?? item.title
        return SiteEntry(
            uid: item.slug, seq: item.date, type: "page", title: title, url: pageURL.absoluteString, markdown: markdown, author: peer.name,
            updated: Date(timeIntervalSince1970: Double(item.date) / 1000), linkedTitles: linked.titles)
    }

    /// A story as HTML for the sanitiser, item by item as fedwiki shows them: paragraphs as
    /// text, Markdown rendered, HTML as it is, images by address with their caption,
    /// references as links, code as code; any other item as its text.
    static func html(ofStory story: [[String: Any]], site: String) -> String {
        var html = ""
        for item in story.prefix(1_000) {
            let text = item["text"] as? String ?? ""
            switch item["type"] as? String {
            case "paragraph":
                html += paragraphs(ofText: text)
            case "markdown":
                html += MarkdownDocument(markdown: text, options: MarkdownOptions(camelCaseLinks: false, wikiLinks: false)).renderHTML { $0 }
            case "html":
                html += "<div>\(text)</div>"
            case "image":
                if let url = item["url"] as? String {
                    html += "<p><img src=\"\(HTMLEscaping.escape(url))\" alt=\"\(HTMLEscaping.escape(text))\"></p>"
                }
                html += paragraphs(ofText: text)
            case "reference":
                let title = item["title"] as? String ?? item["slug"] as? String ?? ""
                if let host = item["site"] as? String, let slug = item["slug"] as? String, FedwikiSlug(requested: Substring(slug)) != nil,
                    let target = URL(string: "http://\(host)/view/\(slug)"), target.host == host
                {
                    html += "<p><a href=\"\(HTMLEscaping.escape(target.absoluteString))\">\(HTMLEscaping.escape(title))</a></p>"
                }
                html += paragraphs(ofText: text)
            case "code":
                html += "<pre>\(HTMLEscaping.escape(text))</pre>"
            case "pagefold":
                html += "<hr>" + paragraphs(ofText: text)
            default:
                html += paragraphs(ofText: text)
            }
        }
        return html
    }

    /// A fedwiki sitemap's entries with a usable slug and date, each slug once at its latest date
    /// (one listed twice would otherwise be read again at every poll).
    static func fedwikiSitemap(_ data: Data) throws -> [FedwikiSitemapItem] {
        guard let entries = try JSONSerialization.jsonObject(with: data) as? [Any] else { throw RemoteError.badResponse("it is not a JSON list") }
        let items = entries.prefix(maximumFedwikiSitemapEntries).compactMap { entry -> FedwikiSitemapItem? in
            guard let entry = entry as? [String: Any], let slug = entry["slug"] as? String, FedwikiSlug(requested: Substring(slug)) != nil else {
                return nil
            }
            let date = (entry["date"] as? NSNumber)?.int64Value ?? 0
            return FedwikiSitemapItem(slug: slug, title: entry["title"] as? String ?? slug, date: max(0, date))
        }
        return items.latestPerKey(\.slug, isLater: { $0.date > $1.date })
    }
}

/// One entry of a fedwiki sitemap.
struct FedwikiSitemapItem: Sendable {
    let slug: String
    let title: String
    /// Milliseconds since 1970 of the page's last change.
    let date: Int64
}

/// The `[[titles]]` of a story that its own site does not have, gathered while it is read.
private final class LinkedTitles {
    var titles: [String] = []
}
