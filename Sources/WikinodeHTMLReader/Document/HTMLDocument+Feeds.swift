import Foundation

/// A feed a page advertises, with the type it gives.
public struct FeedLink: Sendable, Equatable {
    public let url: URL
    public let type: String
}

extension HTMLDocument {
    /// Types of `<link rel=alternate>` that are feeds this node reads.
    static let feedTypes: Set<String> = [
        "application/atom+xml", "application/rss+xml", "application/feed+json", "application/json", "application/rdf+xml",
        "text/xml", "application/xml",
    ]

    /// The feeds the page names with `<link rel="alternate" type="…">` in document order, http(s)
    /// only and resolved against the base URL; comment feeds (a title or address that says
    /// "comments") come last, since the page's own entries are what a follower wants.
    public func feedLinks() -> [FeedLink] {
        var links: [(link: FeedLink, isComments: Bool)] = []
        for index in elements(named: ["link"]) {
            let node = nodes[index]
            guard lowercasedTokens("rel", of: index).contains("alternate"),
                let type = node.attribute("type")?.lowercased().split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespaces) }),
                Self.feedTypes.contains(type),
                let href = node.attribute("href"), let url = URLReference.resolve(href, against: baseURL), url.isHTTP,
                !links.contains(where: { $0.link.url == url })
            else { continue }
            let isComments = (node.attribute("title") ?? "").lowercased().contains("comment") || url.path.lowercased().contains("comments")
            links.append((FeedLink(url: url, type: type), isComments))
        }
        return links.filter { !$0.isComments }.map(\.link) + links.filter(\.isComments).map(\.link)
    }
}
