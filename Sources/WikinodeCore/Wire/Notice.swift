import GRDB

/// A notice between nodes, posted signed to `/api/inbox`: a hint, never content. Content is
/// always pulled from its origin.
public struct Notice: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, DatabaseValueConvertible {
        case follow, unfollow, changed
    }

    public var type: Kind
    /// The sender's base URL; the same as the signature's key id.
    public var actor: String
    public var name: String?

    public init(type: Kind, actor: String, name: String? = nil) {
        self.type = type
        self.actor = actor
        self.name = name
    }
}
