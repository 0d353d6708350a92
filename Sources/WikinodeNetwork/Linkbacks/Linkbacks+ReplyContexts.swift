import Foundation
import WikinodeCore
import WikinodeHTMLReader

extension Linkbacks {
    /// Fetches what an address a page replies to says, with the limits of every fetch from the
    /// web (size, time, addresses), and keeps it cut to size; this node's own pages are read
    /// from the database. A failure keeps what was known and tries again later.
    func fetch(_ context: ReplyContext) async {
        guard let url = URL(string: context.url) else {
            try? database.recordReplyContextFailed(url: context.url, reason: "Not a URL.", retryAt: nil)
            return
        }
        if context.url == ownURL || context.url.hasPrefix(ownURL + "/") {
            do {
                let page = try MentionTarget.page(at: url, baseURL: ownURL, homePage: homePage, database: database)
                try database.recordReplyContext(
                    url: context.url, content: try database.localReplyContext(of: page, site: url.host ?? ""),
                    refreshAfter: ReplyContext.localRefreshInterval)
            } catch {
                try? database.recordReplyContextFailed(url: context.url, reason: "\(error)", retryAt: nil)
            }
            return
        }
        do {
            let response = try await client.get(
                url, accept: "text/html, application/xhtml+xml;q=0.9", limits: fetchLimits, sameOriginOnly: false)
            guard (200..<300).contains(response.status) else {
                let passing = response.status >= 500 && context.attempts + 1 < Self.maximumAttempts
                try database.recordReplyContextFailed(
                    url: context.url, reason: "The address answered \(response.status).",
                    retryAt: passing ? retryDate(attempts: context.attempts) : nil)
                return
            }
            let type = response.headers[.contentType]?.lowercased() ?? "text/html"
            guard type.contains("html") else {
                try database.recordReplyContextFailed(url: context.url, reason: "The address is \(type), not HTML.", retryAt: nil)
                return
            }
            let document = HTMLDocument(html: String(decoding: response.body, as: UTF8.self), url: response.url)
            let found = document.mention(of: response.url)
            let inReplyTo = found.inReplyTo.map { webAddress($0) }.filter { !$0.isEmpty }
            try database.recordReplyContext(
                url: context.url,
                content: ReplyContextContent(
                    title: MentionText.line(found.title ?? "", limit: 200), authorName: MentionText.line(found.authorName ?? "", limit: 100),
                    authorURL: webAddress(found.authorURL), authorPhoto: webAddress(found.authorPhoto),
                    site: MentionText.line(document.siteName ?? url.host ?? "", limit: 100),
                    excerpt: MentionText.line(found.excerpt ?? "", limit: 500), published: found.published,
                    inReplyTo: Array(inReplyTo.prefix(PageEdit.maximumReplyTargets))))
        } catch let error as RemoteError {
            try? database.recordReplyContextFailed(
                url: context.url, reason: error.description,
                retryAt: error.isPassing && context.attempts + 1 < Self.maximumAttempts ? retryDate(attempts: context.attempts) : nil)
        } catch {
            try? database.recordReplyContextFailed(url: context.url, reason: "\(error)", retryAt: nil)
        }
    }
}
