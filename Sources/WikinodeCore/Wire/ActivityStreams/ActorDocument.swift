/// The node's ActivityPub actor: a `Person` named by the owner's account, whose posts are the
/// node's weblog. What `GET /actor` answers to an ActivityPub client.
public struct ActorDocument: Codable, Sendable, Equatable {
    public struct PublicKey: Codable, Sendable, Equatable {
        public var id: String
        public var owner: String
        public var publicKeyPem: String

        public init(id: String, owner: String, publicKeyPem: String) {
            self.id = id
            self.owner = owner
            self.publicKeyPem = publicKeyPem
        }
    }

    public struct Endpoints: Codable, Sendable, Equatable {
        public var sharedInbox: String
    }

    public struct Image: Codable, Sendable, Equatable {
        public var type = "Image"
        public var url: String
    }

    public var context = ActivityContext()
    public var id: String
    public var type = "Person"
    public var preferredUsername: String
    public var name: String
    public var summary: String
    public var url: String
    public var inbox: String
    public var outbox: String
    public var followers: String
    public var following: String
    public var endpoints: Endpoints
    public var icon: Image?
    public var publicKey: PublicKey
    public var manuallyApprovesFollowers = false
    public var discoverable = true
    public var indexable = true
    public var published: String?

    enum CodingKeys: String, CodingKey {
        case context = "@context"
        case id, type, preferredUsername, name, summary, url, inbox, outbox, followers, following, endpoints, icon, publicKey
        case manuallyApprovesFollowers, discoverable, indexable, published
    }

    /// The actor of the node at `baseURL`, whose owner's account is `userName`.
    public init(
        baseURL: String, userName: String, name: String, summary: String, iconURL: String?, publicKeyPEM: String, published: String?
    ) {
        let id = baseURL + NodeAddress.actor
        self.id = id
        preferredUsername = userName
        self.name = name
        self.summary = summary
        url = baseURL + "/"
        inbox = baseURL + NodeAddress.actorInbox
        outbox = baseURL + NodeAddress.actorOutbox
        followers = baseURL + NodeAddress.actorFollowers
        following = baseURL + NodeAddress.actorFollowing
        endpoints = Endpoints(sharedInbox: baseURL + NodeAddress.actorInbox)
        icon = iconURL.map { Image(url: $0) }
        publicKey = PublicKey(id: id + NodeAddress.actorKeyFragment, owner: id, publicKeyPem: publicKeyPEM)
        self.published = published
    }
}

/// A WebFinger answer (RFC 7033, a JRD): who `acct:user@host` is, and where its actor is.
public struct WebFingerDocument: Codable, Sendable, Equatable {
    public struct Link: Codable, Sendable, Equatable {
        public var rel: String
        public var type: String?
        public var href: String
    }

    public var subject: String
    public var aliases: [String]
    public var links: [Link]

    public static let mediaType = "application/jrd+json"

    public init(user: String, host: String, baseURL: String) {
        subject = "acct:\(user)@\(host)"
        let actor = baseURL + NodeAddress.actor
        aliases = [actor, baseURL + "/"]
        links = [
            Link(rel: "self", type: ActivityContext.mediaType, href: actor),
            Link(rel: "http://webfinger.net/rel/profile-page", type: "text/html", href: baseURL + "/"),
        ]
    }
}

/// NodeInfo 2.1 (nodeinfo.diaspora.software): what fediverse servers and crawlers read to learn
/// which software a server runs and what it speaks.
public struct NodeInfoDocument: Codable, Sendable, Equatable {
    public struct Software: Codable, Sendable, Equatable {
        public var name = "wikinode"
        public var version: String
    }

    public struct Services: Codable, Sendable, Equatable {
        public var inbound: [String] = []
        public var outbound = ["atom1.0", "rss2.0"]
    }

    public struct Usage: Codable, Sendable, Equatable {
        public struct Users: Codable, Sendable, Equatable {
            public var total: Int
        }

        public var users: Users
        public var localPosts: Int
    }

    public var version = "2.1"
    public var software: Software
    public var protocols = ["activitypub"]
    public var services = Services()
    public var openRegistrations = false
    public var usage: Usage
    public var metadata: [String: String]

    public static let profile = "http://nodeinfo.diaspora.software/ns/schema/2.1"

    /// A node of `name`, whose one fediverse account exists once it has an owner.
    public init(version: String, name: String, hasOwner: Bool, posts: Int) {
        software = Software(version: version)
        usage = Usage(users: .init(total: hasOwner ? 1 : 0), localPosts: posts)
        metadata = ["nodeName": name]
    }
}
