import Crypto
import Foundation
import WikinodeCore
import _CryptoExtras

extension Fediverse {
    /// What the inbox did with an activity.
    public enum InboxOutcome: Sendable, Equatable {
        case accepted(String)
        case ignored(String)
    }

    /// Checks and acts on an activity posted to the inbox. Throws `.unauthorized` for anything
    /// unsigned, forged, stale, replayed or signed by another actor than the activity's,
    /// `.badResponse` for a body that is not an activity this node can act on.
    public func receive(_ request: FediverseSignature.SignedRequest, now: Date = Date()) async throws -> InboxOutcome {
        guard let activity = ActivityJSON(data: request.body) else { throw RemoteError.badResponse("The body is not a JSON object.") }
        guard let type = activity.type, !type.isEmpty, type.count <= 100 else { throw RemoteError.badResponse("The activity has no type.") }
        guard let actorID = activity.reference("actor"), let actorURL = WebAddress.url(actorID), let actorHost = actorURL.host?.lowercased() else {
            throw RemoteError.badResponse("The activity has no actor (an http(s) address).")
        }
        guard try !database.isBlocked(host: actorHost) else {
            throw RemoteError.badResponse("Activities from \(actorHost) are not accepted here.")
        }
        // Servers tell every server they know when an account is deleted; for one this node
        // never knew there is nothing to check or to do (and its key is gone with it).
        if type == "Delete", activity.reference("object") == actorID, try database.fediverseActor(url: actorID) == nil {
            return .ignored("\(actorID.prefix(200)) was not known here.")
        }
        let claim = try FediverseSignature.claim(of: request)
        guard WebAddress.url(claim.keyId)?.host?.lowercased() == actorHost else {
            throw RemoteError.unauthorized("The key \(claim.keyId.prefix(200)) is not on the actor's host, \(actorHost).")
        }
        let isGoodbye = type == "Delete" && activity.reference("object") == actorID
        let verified = try await verify(request, keyId: claim.keyId, acceptingKept: isGoodbye, now: now)
        guard verified.actor.actorURL == actorID else {
            throw RemoteError.unauthorized("The activity's actor is not the owner of the key that signed it.")
        }
        let replay = Data(SHA256.hash(data: Data(verified.signature.replayKey.utf8))).base64EncodedString()
        let window = FediverseSignature.window
        guard try database.rememberNonce(keyId: claim.keyId, nonce: replay, expiresAt: now + 2 * window, now: now) else {
            throw RemoteError.unauthorized("This activity was received before (its signature is used).")
        }
        do {
            return try await act(on: activity, type: type, actorID: actorID, keyId: claim.keyId, actor: verified.actor, now: now)
        } catch RemoteError.refused(let reason) {
            // Not acted on now: the sender's retry of this same request must not be a replay.
            try? database.forgetNonce(keyId: claim.keyId, nonce: replay)
            throw RemoteError.refused(reason)
        }
    }

    /// What the inbox does with a checked activity of `type` from `actor`.
    private func act(
        on activity: ActivityJSON, type: String, actorID: String, keyId: String, actor: FediverseActor, now: Date
    ) async throws -> InboxOutcome {
        switch type {
        case "Follow":
            return try receiveFollow(activity, from: actor, now: now)
        case "Undo":
            return try receiveUndo(activity, from: actor)
        case "Delete" where activity.reference("object") == actorID:
            // The account is gone: it follows no more.
            try database.removeFediverseFollower(actorId: actor.id!)
            return .accepted("\(actor.handle.isEmpty ? actorID : actor.handle) is gone.")
        case "Update" where activity.reference("object") == actorID:
            // The account's profile changed (its name, its picture, its key): read again.
            _ = try await self.actor(holdingKey: keyId, refresh: true, now: now)
            return .accepted("The profile of \(actor.handle.isEmpty ? actorID : actor.handle) is read again.")
        case "Create", "Update":
            return try await receivePost(activity, from: actor, isUpdate: type == "Update")
        case "Delete":
            return try removeResponse(activity.reference("object"), from: actor)
        case "Like":
            return try receiveReaction(activity, from: actor, kind: .like)
        case "Announce":
            return try receiveReaction(activity, from: actor, kind: .repost)
        default:
            return .ignored("This node does not act on \(type.prefix(100)) activities.")
        }
    }

    /// The signature checked against the key of the actor that holds it; fetched again once
    /// when the kept key does not verify (the actor may have a new one).
    private func verify(
        _ request: FediverseSignature.SignedRequest, keyId: String, acceptingKept: Bool, now: Date
    ) async throws -> (
        actor: FediverseActor, signature: FediverseSignature.Verified
    ) {
        let first = try await actor(holdingKey: keyId, acceptingKept: acceptingKept, now: now)
        do {
            return (first.actor, try Self.check(request, against: first.actor, now: now))
        } catch RemoteError.unauthorized(let reason) where !first.fetched && reason.contains("does not verify") {
            let again = try await actor(holdingKey: keyId, refresh: true, acceptingKept: acceptingKept, now: now)
            return (again.actor, try Self.check(request, against: again.actor, now: now))
        }
    }

    private static func check(
        _ request: FediverseSignature.SignedRequest, against actor: FediverseActor, now: Date
    ) throws
        -> FediverseSignature.Verified
    {
        guard let key = try? _RSA.Signing.PublicKey(pemRepresentation: actor.publicKeyPem) else {
            throw RemoteError.unauthorized("The key kept for \(actor.actorURL) cannot be read.")
        }
        return try FediverseSignature.verify(request, publicKey: key, now: now)
    }

    private func receiveFollow(_ activity: ActivityJSON, from actor: FediverseActor, now: Date) throws -> InboxOutcome {
        guard let followID = activity.string("id"), WebAddress.url(followID) != nil else {
            throw RemoteError.badResponse("A Follow needs an id (an http(s) address).")
        }
        guard activity.reference("object") == actorURL else {
            throw RemoteError.badResponse("This Follow is for \(activity.reference("object")?.prefix(200) ?? "nobody"), not for \(actorURL).")
        }
        let follow: [String: Any] = ["id": followID, "type": "Follow", "actor": actor.actorURL, "object": actorURL]
        let accept: [String: Any] = [
            "@context": ActivityContext.activityStreams, "id": actorURL + "#accept/" + Self.hexDigest(Data(followID.utf8), bytes: 16),
            "type": "Accept",
            "actor": actorURL, "object": follow,
        ]
        let json = String(
            decoding: try JSONSerialization.data(withJSONObject: accept, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        do {
            try database.recordFediverseFollower(actorId: actor.id!, followActivity: followID, accept: (actor.inbox, json), now: now)
        } catch let error as WikiError {
            throw RemoteError.refused(error.description)
        }
        wake()
        return .accepted("\(actor.handle.isEmpty ? actor.actorURL : actor.handle) now follows this node.")
    }

    private func receiveUndo(_ activity: ActivityJSON, from actor: FediverseActor) throws -> InboxOutcome {
        let object = activity.embedded("object")
        let undone = object?.type ?? "an activity"
        if undone == "Like" || undone == "Announce" { return try removeResponse(object?.string("id"), from: actor) }
        guard object == nil || undone == "Follow" else { return .ignored("This node does not act on Undo of \(undone.prefix(100)).") }
        if let object {
            guard object.reference("actor") == actor.actorURL else {
                throw RemoteError.unauthorized("An actor can only undo its own Follow.")
            }
            guard let followID = object.string("id"), try database.removeFediverseFollower(actorId: actor.id!, followActivity: followID) else {
                return .ignored("\(actor.actorURL) did not follow this node with that Follow.")
            }
        } else {
            // `object` is only the address of what is undone: a Follow, or a like or boost.
            guard let undoneID = activity.string("object") else { throw RemoteError.badResponse("An Undo needs an object.") }
            if try !database.removeFediverseFollower(actorId: actor.id!, followActivity: undoneID) {
                return try removeResponse(undoneID, from: actor)
            }
        }
        return .accepted("\(actor.handle.isEmpty ? actor.actorURL : actor.handle) no longer follows this node.")
    }

    /// The SHA-256 of `data` in hex, its first `bytes` bytes: a short, stable name for an
    /// address, or what decides whether an article changed.
    static func hexDigest(_ data: Data, bytes: Int = 32) -> String {
        SHA256.hash(data: data).prefix(bytes).map { String(format: "%02x", $0) }.joined()
    }
}
