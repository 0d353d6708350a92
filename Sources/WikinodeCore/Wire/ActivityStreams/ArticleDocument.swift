/// A weblog post as ActivityStreams: an `Article` whose `id` and `url` are the post's
/// permanent address. Mastodon shows it as its name, its content and a link to it.
public struct ArticleDocument: Codable, Sendable, Equatable {
    public struct Hashtag: Codable, Sendable, Equatable {
        public var type = "Hashtag"
        public var href: String
        public var name: String
    }

    public var context: ActivityContext?
    public var id: String
    public var type = "Article"
    public var url: String
    public var name: String
    /// HTML, with absolute addresses.
    public var content: String
    public var mediaType = "text/html"
    public var published: String
    public var updated: String?
    public var attributedTo: String
    public var to: [String]
    public var cc: [String]
    public var tag: [Hashtag]
    public var inReplyTo: String?

    enum CodingKeys: String, CodingKey {
        case context = "@context"
        case id, type, url, name, content, mediaType, published, updated, attributedTo, to, cc, tag, inReplyTo
    }

    /// - Parameters:
    ///   - tags: the post's tags, each with the address of its page.
    ///   - inReplyTo: the first address the post replies to, if any.
    ///   - id: the object's id: the permanent address, or a new one for a post published again
    ///     after a `Delete` (servers keep a tombstone for the first).
    public init(
        id: String, permalink: String, baseURL: String, title: String, contentHTML: String, published: String, updated: String?,
        tags: [(name: String, url: String)], inReplyTo: String?, withContext: Bool = true
    ) {
        context = withContext ? ActivityContext() : nil
        self.id = id
        url = permalink
        name = title
        content = contentHTML
        self.published = published
        self.updated = updated
        attributedTo = baseURL + NodeAddress.actor
        to = [ActivityContext.publicAudience]
        cc = [baseURL + NodeAddress.actorFollowers]
        tag = tags.map { Hashtag(href: $0.url, name: "#" + $0.name) }
        self.inReplyTo = inReplyTo
    }
}

/// An activity about an object of ours (`Create`, `Update`, `Delete` of an `Article`), as the
/// outbox lists it and as followers receive it.
public struct ArticleActivity: Codable, Sendable, Equatable {
    public var context: ActivityContext?
    public var id: String
    public var type: String
    public var actor: String
    public var published: String
    public var to: [String]
    public var cc: [String]
    public var object: ArticleDocument

    enum CodingKeys: String, CodingKey {
        case context = "@context"
        case id, type, actor, published, to, cc, object
    }

    public init(id: String, type: String, article: ArticleDocument, published: String, withContext: Bool = true) {
        context = withContext ? ActivityContext() : nil
        self.id = id
        self.type = type
        actor = article.attributedTo
        self.published = published
        to = article.to
        cc = article.cc
        var object = article
        object.context = nil
        self.object = object
    }
}

/// The `Delete` of a post that is no longer public: its object becomes a `Tombstone`.
public struct DeleteActivity: Codable, Sendable, Equatable {
    public struct Tombstone: Codable, Sendable, Equatable {
        public var id: String
        public var type = "Tombstone"
    }

    public var context = ActivityContext()
    public var id: String
    public var type = "Delete"
    public var actor: String
    public var to: [String]
    public var cc: [String]
    public var object: Tombstone

    enum CodingKeys: String, CodingKey {
        case context = "@context"
        case id, type, actor, to, cc, object
    }

    public init(id: String, objectId: String, baseURL: String) {
        self.id = id
        actor = baseURL + NodeAddress.actor
        to = [ActivityContext.publicAudience]
        cc = [baseURL + NodeAddress.actorFollowers]
        object = Tombstone(id: objectId)
    }
}

/// An `OrderedCollection`: the outbox (its latest items), the followers and the following
/// (their counts; who they are is not published).
public struct OrderedCollectionDocument<Item: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var context = ActivityContext()
    public var id: String
    public var type = "OrderedCollection"
    public var totalItems: Int
    public var orderedItems: [Item]?

    enum CodingKeys: String, CodingKey {
        case context = "@context"
        case id, type, totalItems, orderedItems
    }

    public init(id: String, totalItems: Int, orderedItems: [Item]?) {
        self.id = id
        self.totalItems = totalItems
        self.orderedItems = orderedItems
    }
}
