import Foundation
import GRDB

/// An account elsewhere on the fediverse, as its actor document said when it was last fetched:
/// where to deliver to it, how to show it, and the key its signatures are checked with.
public struct FediverseActor: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    /// The actor's `id`.
    public var actorURL: String
    /// The actor's host, lowercased: a signature's key must be on the same host as its actor.
    public var host: String
    public var inbox: String
    /// Where one delivery reaches every account of its server that follows the node.
    public var sharedInbox: String?
    /// `@user@host`.
    public var handle: String
    public var name: String
    public var profileURL: String
    public var iconURL: String
    public var publicKeyId: String
    public var publicKeyPem: String
    public var fetchedAt: Date

    public init(
        actorURL: String, host: String, inbox: String, sharedInbox: String?, handle: String, name: String, profileURL: String, iconURL: String,
        publicKeyId: String, publicKeyPem: String, fetchedAt: Date
    ) {
        self.actorURL = actorURL
        self.host = host
        self.inbox = inbox
        self.sharedInbox = sharedInbox
        self.handle = handle
        self.name = name
        self.profileURL = profileURL
        self.iconURL = iconURL
        self.publicKeyId = publicKeyId
        self.publicKeyPem = publicKeyPem
        self.fetchedAt = fetchedAt
    }

    /// Where deliveries to it go: its server's shared inbox when it has one.
    public var deliveryInbox: String { sharedInbox ?? inbox }
}

extension FediverseActor: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "fediverseActor"

    public enum Columns {
        static let actorURL = Column(CodingKeys.actorURL)
        static let publicKeyId = Column(CodingKeys.publicKeyId)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// A fediverse account that follows the node, for `/peers` and `wikinode peers`.
public struct FediverseFollower: Sendable, Equatable {
    public let actor: FediverseActor
    public let followActivity: String
    public let since: Date
}
