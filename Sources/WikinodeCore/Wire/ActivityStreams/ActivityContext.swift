/// The JSON-LD `@context` of every ActivityStreams document the node writes: the one Mastodon
/// writes, so that Mastodon and plain JSON readers see the same compacted names. Incoming
/// documents are read as plain JSON with those names; no remote context is ever fetched.
public struct ActivityContext: Codable, Sendable, Equatable {
    public static let activityStreams = "https://www.w3.org/ns/activitystreams"
    public static let security = "https://w3id.org/security/v1"
    /// The audience "everyone" (`to` of a public post).
    public static let publicAudience = "https://www.w3.org/ns/activitystreams#Public"
    /// The media type of ActivityStreams documents.
    public static let mediaType = "application/activity+json"

    /// Terms the two contexts do not define, as Mastodon maps them.
    static let extensions: [String: String] = [
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers", "Hashtag": "as:Hashtag", "sensitive": "as:sensitive",
        "toot": "http://joinmastodon.org/ns#", "discoverable": "toot:discoverable", "indexable": "toot:indexable",
    ]

    public init() {}

    public init(from decoder: any Decoder) throws {}

    public func encode(to encoder: any Encoder) throws {
        var list = encoder.unkeyedContainer()
        try list.encode(Self.activityStreams)
        try list.encode(Self.security)
        try list.encode(Self.extensions)
    }
}
