import GRDB

/// A notice between nodes, posted signed to `/api/inbox`: a hint, never content. Content is
/// always pulled from its origin.
public struct Notice: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, DatabaseValueConvertible {
        case follow, unfollow, changed
        /// A page of the sender links to, or replies to, a page of the receiver: the
        /// Webmention of the peer protocol, with `source` and `target`.
        case mention
    }

    public var type: Kind
    /// The sender's base URL; the same as the signature's key id.
    public var actor: String
    public var name: String?
    /// For `mention`: the sender's page, on the sender's site.
    public var source: String?
    /// For `mention`: the receiver's page it links to.
    public var target: String?

    public init(type: Kind, actor: String, name: String? = nil, source: String? = nil, target: String? = nil) {
        self.type = type
        self.actor = actor
        self.name = name
        self.source = source
        self.target = target
    }
}
