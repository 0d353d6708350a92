import Foundation

/// An Atom 1.0 feed (RFC 4287), written with `XMLWriter` so untrusted text is always escaped.
public struct AtomFeed: Sendable {
    public struct Entry: Sendable {
        public var id: String
        public var title: String
        public var updated: Date
        public var author: String
        public var link: String
        public var summary: String?
        public var published: Date?
        public var categories: [String]
        public var contentHTML: String?

        public init(
            id: String, title: String, updated: Date, author: String, link: String, summary: String? = nil, published: Date? = nil,
            categories: [String] = [], contentHTML: String? = nil
        ) {
            self.id = id
            self.title = title
            self.updated = updated
            self.author = author
            self.link = link
            self.summary = summary
            self.published = published
            self.categories = categories
            self.contentHTML = contentHTML
        }
    }

    public var id: String
    public var title: String
    public var selfURL: String
    public var alternateURL: String
    /// Base for relative links inside entry content (`xml:base`).
    public var baseURL: String
    public var author: String
    public var updated: Date
    public var entries: [Entry]
    /// The WebSub hub that pushes this feed's changes (`rel=hub`), if any.
    public var hubURL: String?

    public init(id: String, title: String, selfURL: String, alternateURL: String, baseURL: String, author: String, updated: Date, entries: [Entry]) {
        self.id = id
        self.title = title
        self.selfURL = selfURL
        self.alternateURL = alternateURL
        self.baseURL = baseURL
        self.author = author
        self.updated = updated
        self.entries = entries
    }

    public func xml() -> String {
        var writer = XMLWriter()
        writer.element("feed", ["xmlns": "http://www.w3.org/2005/Atom", "xml:base": baseURL + "/"]) { feed in
            feed.element("id", text: id)
            feed.element("title", text: title)
            feed.element("updated", text: Self.timestamp(updated))
            feed.emptyElement("link", ["rel": "self", "type": "application/atom+xml", "href": selfURL])
            if let hubURL { feed.emptyElement("link", ["rel": "hub", "href": hubURL]) }
            feed.emptyElement("link", ["rel": "alternate", "type": "text/html", "href": alternateURL])
            feed.element("author") { $0.element("name", text: author) }
            feed.element("generator", text: "wikinode")
            for entry in entries {
                feed.element("entry") { item in
                    item.element("id", text: entry.id)
                    item.element("title", ["type": "text"], text: entry.title)
                    item.element("updated", text: Self.timestamp(entry.updated))
                    if let published = entry.published { item.element("published", text: Self.timestamp(published)) }
                    for category in entry.categories { item.emptyElement("category", ["term": category]) }
                    item.element("author") { $0.element("name", text: entry.author) }
                    item.emptyElement("link", ["rel": "alternate", "type": "text/html", "href": entry.link])
                    if let summary = entry.summary { item.element("summary", ["type": "text"], text: summary) }
                    if let html = entry.contentHTML { item.element("content", ["type": "html"], text: html) }
                }
            }
        }
        return writer.output + "\n"
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}
