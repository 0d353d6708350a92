import Crypto
import Foundation
import Logging
import WikinodeCore

extension Peering {
    /// Follows the site at `address`. A wikinode is discovered, its key pinned, it is told,
    /// and everything pulled (or, without `pullNow`, the pull is left to the background
    /// service). Any other site is followed as what it answers: a weblog's feed (given, or named
    /// by its page) or a Federated Wiki site (see `followSite`).
    /// `progress` gets the share of the peer's feed read so far (0...1) and pages mirrored.
    @discardableResult
    public func follow(_ address: String, pullNow: Bool = true, progress: @Sendable (Double, Int) -> Void = { _, _ in }) async throws -> Peer {
        // A feed's address may have a query (`/?feed=atom`); a node's never has.
        guard let url = Self.normalized(address) else { return try await followSite(address, pullNow: pullNow) }
        guard url != ownURL else { throw RemoteError.refused("\(url) is this node; a node never follows itself") }
        let info: NodeInfo
        do {
            info = try await nodeInfo(of: url)
        } catch RemoteError.badResponse(let reason) {
            // Not a wikinode (no node info, or not one this node reads): some other site.
            do {
                return try await followSite(address, pullNow: pullNow)
            } catch RemoteError.badResponse(let other) {
                throw RemoteError.badResponse("\(reason); and as a site: \(other)")
            }
        }
        guard info.publicKey != identity.publicKeyBase64 else {
            throw RemoteError.refused("\(url) is this node (it has this node's key); a node never follows itself")
        }
        var peer = try database.recordFollowing(url: url, name: info.name, publicKey: info.publicKey)
        do {
            try await send(.follow, to: peer)
        } catch {
            // The follow is kept; the outbox tells the peer when it is back.
            try database.enqueueNotice(.follow, peerId: peer.id!)
            try database.recordPeerError(peerId: peer.id!, error: "The follow notice was not delivered yet: \(error)")
            logger.warning("follow notice to \(url) failed, queued", metadata: ["error": "\(error)"])
        }
        if pullNow {
            try await pull(peerId: peer.id!, progress: progress)
        }
        peer = try database.peer(id: peer.id!) ?? peer
        wake()
        return peer
    }

    /// Stops following `address`: its mirrored pages go and it is told (through the outbox).
    public func unfollow(_ address: String, deliverNow: Bool = false) async throws {
        let trimmed = address.trimmingCharacters(in: .whitespaces)
        guard let peer = try Self.normalized(trimmed).flatMap(database.followedPeer(address:)) ?? database.followedPeer(address: trimmed) else {
            throw RemoteError.invalidURL("This node does not follow \(address).")
        }
        guard peer.kind == .wikinode else {
            // A feed or fedwiki site is told nothing: it only stops being read.
            try database.recordUnfollowing(peerId: peer.id!)
            try database.forgetPeerIfUnused(peerId: peer.id!)
            return
        }
        try database.recordUnfollowing(peerId: peer.id!)
        try database.enqueueNotice(.unfollow, peerId: peer.id!)
        if deliverNow {
            // Without a running node (the command line), the notice goes now, or waits in the
            // outbox for `serve`.
            try await deliverDueNotices(toPeer: peer.id!)
        }
        wake()
    }

    /// Reads and checks a node's `/.well-known/wikinode`.
    func nodeInfo(of url: String, timeout: Duration? = nil) async throws -> NodeInfo {
        var limits = timing.limits
        limits.maximumBodyBytes = 64 << 10
        if let timeout { limits.timeout = timeout }
        let response = try await client.get(URL(string: url + NodeAddress.nodeInfo)!, limits: limits)
        guard response.status == 200 else {
            throw RemoteError.badResponse("\(url)/.well-known/wikinode answers \(response.status); is it a wikinode?")
        }
        guard response.isJSON else { throw RemoteError.badResponse("\(url)/.well-known/wikinode is not JSON; is it a wikinode?") }
        let info: NodeInfo
        do {
            info = try JSONDecoder().decode(NodeInfo.self, from: response.body)
        } catch {
            throw RemoteError.badResponse("\(url)/.well-known/wikinode is not a wikinode's node info")
        }
        guard info.protocolVersion == NodeInfo.protocolVersion else {
            throw RemoteError.badResponse("\(url) speaks protocol version \(info.protocolVersion); this node speaks \(NodeInfo.protocolVersion)")
        }
        guard Self.normalized(info.baseURL) == url else {
            throw RemoteError.refused("The node at \(url) says its address is \(info.baseURL); follow it at the address it gives")
        }
        guard let key = Data(base64Encoded: info.publicKey), (try? Curve25519.Signing.PublicKey(rawRepresentation: key)) != nil else {
            throw RemoteError.badResponse("\(url) publishes no valid Ed25519 public key")
        }
        let name = ValidName.clean(info.name)
        var checked = info
        checked.name = name.isEmpty ? URL(string: url)?.host ?? url : name
        checked.baseURL = url
        return checked
    }
}
