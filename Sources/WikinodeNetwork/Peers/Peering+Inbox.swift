import Crypto
import Foundation
import Logging
import WikinodeCore

extension Peering {
    /// What the inbox did with a notice.
    public enum InboxOutcome: Sendable, Equatable {
        case accepted(String)
        case ignored(String)
        /// A `mention` was queued: the linkback service should look at its work.
        case mentionQueued(String)
    }

    /// Verifies and acts on a notice. Throws `RemoteError.unauthorized` for an unsigned,
    /// forged, stale or replayed notice, `.badResponse`/`.invalidURL` for a malformed one.
    public func receive(_ request: MessageSignature.SignedRequest, now: Date = Date()) async throws -> InboxOutcome {
        let keyId = try MessageSignature.keyId(of: request)
        guard let sender = Self.normalized(keyId) else { throw RemoteError.unauthorized("The keyid must be the sender's base URL.") }
        guard sender != ownURL else { throw RemoteError.unauthorized("A node does not send notices to itself.") }
        let notice: Notice
        do {
            notice = try JSONDecoder().decode(Notice.self, from: request.body)
        } catch {
            throw RemoteError.badResponse(
                "The body is not a notice: {\"type\": \"follow\"|\"unfollow\"|\"changed\"|\"mention\", \"actor\": base URL}.")
        }
        guard Self.normalized(notice.actor) == sender else {
            throw RemoteError.unauthorized("The notice's actor is not the key id that signed it.")
        }
        let known = try database.peer(url: sender)
        let publicKey: String
        if let known {
            publicKey = known.publicKey
        } else if notice.type == .follow {
            // A new follower: its key comes from its own address, and is pinned from now on. A
            // few such fetches at a time, and a bounded number of followers, so that strangers
            // cannot tie the node up.
            guard try database.followerCount() < Self.maximumFollowers else {
                throw RemoteError.refused("This node has as many followers as it serves (\(Self.maximumFollowers)).")
            }
            guard
                keyFetches.withLock({ count in
                    guard count < Self.maximumKeyFetches else { return false }
                    count += 1
                    return true
                })
            else { throw RemoteError.refused("Too many new followers at once; try again in a minute.") }
            defer { keyFetches.withLock { $0 -= 1 } }
            let info: NodeInfo
            do {
                info = try await nodeInfo(of: sender, timeout: .seconds(5))
            } catch {
                throw RemoteError.unauthorized("The sender's key cannot be fetched from \(sender)/.well-known/wikinode: \(error)")
            }
            publicKey = info.publicKey
        } else {
            throw RemoteError.unauthorized("\(sender) is not a peer of this node; it must follow first.")
        }
        guard let keyData = Data(base64Encoded: publicKey), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyData) else {
            throw RemoteError.unauthorized("No usable key is pinned for \(sender).")
        }
        let verified = try MessageSignature.verify(request, publicKey: key)
        let window = TimeInterval(timing.signatureWindow.components.seconds)
        guard abs(verified.created.timeIntervalSince(now)) <= window else {
            throw RemoteError.unauthorized("The signature was made at \(verified.created), too far from now.")
        }
        guard try database.rememberNonce(keyId: sender, nonce: verified.nonce, expiresAt: now + 2 * window, now: now) else {
            throw RemoteError.unauthorized("This notice was received before (its nonce is used).")
        }
        switch notice.type {
        case .follow:
            let name = ValidName.clean(notice.name ?? "")
            do {
                try database.recordFollower(url: sender, name: name.isEmpty ? (URL(string: sender)?.host ?? sender) : name, publicKey: publicKey)
            } catch let error as WikiError {
                throw RemoteError.unauthorized(error.description)
            }
            return .accepted("\(sender) now follows this node.")
        case .unfollow:
            guard let known else { return .ignored("\(sender) did not follow this node.") }
            try database.recordFollowerLeft(peerId: known.id!)
            try database.forgetPeerIfUnused(peerId: known.id!)
            return .accepted("\(sender) no longer follows this node.")
        case .changed:
            guard let known, known.isFollowing else { return .ignored("This node does not follow \(sender).") }
            try database.requestPull(peerId: known.id!, now: now)
            wake()
            return .accepted("A pull of \(sender) is on its way.")
        case .mention:
            return .mentionQueued(try receiveMention(notice, from: sender))
        }
    }
}
