import Foundation

/// A page as Federated Wiki reads it from `/{slug}.json`: a title, a story of items and the
/// journal of actions that built the story.
public struct FedwikiPage: Encodable, Sendable, Equatable {
    public let title: String
    public let story: [FedwikiItem]
    public let journal: [FedwikiAction]

    public init(title: String, story: [FedwikiItem], journal: [FedwikiAction]) {
        self.title = title
        self.story = story
        self.journal = journal
    }
}

/// One item of a story. wikinode writes every block as a `markdown` item, which fedwiki's
/// Markdown plugin renders, `[[Title]]` links included.
public struct FedwikiItem: Encodable, Sendable, Equatable {
    public let type: String
    /// 16 lowercase hex digits.
    public let id: String
    public let text: String

    public init(type: String, id: String, text: String) {
        self.type = type
        self.id = id
        self.text = text
    }
}

/// One journal action. Fields that an action of its kind does not use are left out of the JSON.
public struct FedwikiAction: Encodable, Sendable, Equatable {
    public enum Kind: String, Encodable, Sendable {
        case create, add, edit, move, remove, fork
    }

    /// What `create` starts the page with.
    public struct Snapshot: Encodable, Sendable, Equatable {
        public let title: String
        public let story: [FedwikiItem]
    }

    public let type: Kind
    /// The item acted on (`add`, `edit`, `move`, `remove`).
    public var id: String?
    /// The new item (`add`, `edit`).
    public var item: FedwikiItem?
    /// The page as created (`create`).
    public var page: Snapshot?
    /// The item an `add` goes after; absent for the top of the story.
    public var after: String?
    /// The whole story's order after a `move`.
    public var order: [String]?
    /// The site a `fork` came from.
    public var site: String?
    /// Milliseconds since 1970.
    public let date: Int64

    public init(_ type: Kind, date: Date) {
        self.type = type
        self.date = Self.milliseconds(date)
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    enum CodingKeys: String, CodingKey {
        case type, id, item, after, order, site, date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encodeIfPresent(id, forKey: .id)
        // fedwiki names both the created page and an added item `item`.
        if let page {
            try container.encode(page, forKey: .item)
        } else {
            try container.encodeIfPresent(item, forKey: .item)
        }
        try container.encodeIfPresent(after, forKey: .after)
        try container.encodeIfPresent(order, forKey: .order)
        try container.encodeIfPresent(site, forKey: .site)
        try container.encode(date, forKey: .date)
    }
}

/// One page in `/system/sitemap.json`.
public struct FedwikiSitemapEntry: Encodable, Sendable, Equatable {
    public let slug: String
    public let title: String
    /// Milliseconds since 1970 of the last change.
    public let date: Int64
    public let synopsis: String
    /// The slug of each page linked to, with the id of the first item that links there.
    public let links: [String: String]

    public init(slug: FedwikiSlug, title: String, updatedAt: Date, story: FedwikiStory, options: MarkdownOptions) {
        self.slug = slug.text
        self.title = title
        date = FedwikiAction.milliseconds(updatedAt)
        synopsis = story.synopsis
        links = story.links(options: options)
    }
}
