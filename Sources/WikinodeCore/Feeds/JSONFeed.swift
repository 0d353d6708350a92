import Foundation

/// A JSON Feed 1.1 (https://jsonfeed.org/version/1.1).
public struct JSONFeed: Codable, Sendable, Equatable {
    public struct Author: Codable, Sendable, Equatable {
        public var name: String
        public var url: String?

        public init(name: String, url: String? = nil) {
            self.name = name
            self.url = url
        }
    }

    public struct Item: Codable, Sendable, Equatable {
        public var id: String
        public var url: String
        public var title: String
        public var contentHTML: String
        public var datePublished: Date
        public var dateModified: Date
        public var tags: [String]
        public var authors: [Author]

        enum CodingKeys: String, CodingKey {
            case id, url, title, tags, authors
            case contentHTML = "content_html"
            case datePublished = "date_published"
            case dateModified = "date_modified"
        }

        public init(
            id: String, url: String, title: String, contentHTML: String, datePublished: Date, dateModified: Date, tags: [String], authors: [Author]
        ) {
            self.id = id
            self.url = url
            self.title = title
            self.contentHTML = contentHTML
            self.datePublished = datePublished
            self.dateModified = dateModified
            self.tags = tags
            self.authors = authors
        }
    }

    public var version = "https://jsonfeed.org/version/1.1"
    public var title: String
    public var homePageURL: String
    public var feedURL: String
    public var authors: [Author]
    public var language: String?
    public var items: [Item]
    /// The WebSub hubs that push this feed's changes.
    public var hubs: [Hub]?

    /// A hub of the feed (JSON Feed 1.1 `hubs`): its type (`WebSub`) and address.
    public struct Hub: Codable, Sendable, Equatable {
        public var type: String
        public var url: String

        public init(type: String = "WebSub", url: String) {
            self.type = type
            self.url = url
        }
    }

    enum CodingKeys: String, CodingKey {
        case version, title, authors, language, items, hubs
        case homePageURL = "home_page_url"
        case feedURL = "feed_url"
    }

    public init(title: String, homePageURL: String, feedURL: String, authors: [Author], language: String? = nil, items: [Item]) {
        self.title = title
        self.homePageURL = homePageURL
        self.feedURL = feedURL
        self.authors = authors
        self.language = language
        self.items = items
    }

    /// The feed as JSON text (RFC 3339 dates, sorted keys).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
