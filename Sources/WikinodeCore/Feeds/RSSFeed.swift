import Foundation

/// An RSS 2.0 feed, written with `XMLWriter` so untrusted text is always escaped.
public struct RSSFeed: Sendable {
    public struct Item: Sendable {
        public var title: String
        /// The permanent address; also the `guid`.
        public var link: String
        public var published: Date
        public var author: String
        /// Full content as HTML with absolute URLs.
        public var contentHTML: String
        public var categories: [String]

        public init(title: String, link: String, published: Date, author: String, contentHTML: String, categories: [String]) {
            self.title = title
            self.link = link
            self.published = published
            self.author = author
            self.contentHTML = contentHTML
            self.categories = categories
        }
    }

    public var title: String
    public var link: String
    public var selfURL: String
    public var description: String
    public var items: [Item]
    /// The WebSub hub that pushes this feed's changes (`rel=hub`), if any.
    public var hubURL: String?

    public init(title: String, link: String, selfURL: String, description: String, items: [Item]) {
        self.title = title
        self.link = link
        self.selfURL = selfURL
        self.description = description
        self.items = items
    }

    public func xml() -> String {
        var writer = XMLWriter()
        writer.element("rss", ["version": "2.0", "xmlns:atom": "http://www.w3.org/2005/Atom", "xmlns:dc": "http://purl.org/dc/elements/1.1/"]) {
            rss in
            rss.element("channel") { channel in
                channel.element("title", text: title)
                channel.element("link", text: link)
                channel.element("description", text: description)
                channel.emptyElement("atom:link", ["href": selfURL, "rel": "self", "type": "application/rss+xml"])
                if let hubURL { channel.emptyElement("atom:link", ["href": hubURL, "rel": "hub"]) }
                channel.element("generator", text: "wikinode")
                if let newest = items.map(\.published).max() {
                    channel.element("lastBuildDate", text: HTTPDate.format(newest))
                }
                for item in items {
                    channel.element("item") { entry in
                        entry.element("title", text: item.title)
                        entry.element("link", text: item.link)
                        entry.element("guid", ["isPermaLink": "true"], text: item.link)
                        entry.element("pubDate", text: HTTPDate.format(item.published))
                        entry.element("dc:creator", text: item.author)
                        for category in item.categories { entry.element("category", text: category) }
                        entry.element("description", text: item.contentHTML)
                    }
                }
            }
        }
        return writer.output + "\n"
    }
}
