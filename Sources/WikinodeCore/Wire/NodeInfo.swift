/// What `/.well-known/wikinode` says about a node: served by every node, read when following
/// one. Fields other nodes may leave out are optional.
public struct NodeInfo: Codable, Sendable, Equatable {
    public var name: String
    public var baseURL: String
    /// The Ed25519 public key, base64.
    public var publicKey: String
    public var publicKeyAlgorithm: String?
    public var software: String?
    public var version: String?
    public var protocolVersion: Int
    /// Where the node's machine addresses are, by role (`changes`, `pages`, `recent`, `search`).
    public var endpoints: [String: String]?
    /// The base URLs of the nodes it follows (at most `maximumFollowing`): how a follower
    /// learns the second ring of its neighbourhood.
    public var following: [String]?

    public static let maximumFollowing = 100

    /// The protocol this node speaks (docs/federation.md).
    public static let protocolVersion = 1

    public init(
        name: String, baseURL: String, publicKey: String, publicKeyAlgorithm: String? = "ed25519", software: String? = nil,
        version: String? = nil, protocolVersion: Int = NodeInfo.protocolVersion, endpoints: [String: String]? = nil, following: [String]? = nil
    ) {
        self.following = following
        self.name = name
        self.baseURL = baseURL
        self.publicKey = publicKey
        self.publicKeyAlgorithm = publicKeyAlgorithm
        self.software = software
        self.version = version
        self.protocolVersion = protocolVersion
        self.endpoints = endpoints
    }
}
