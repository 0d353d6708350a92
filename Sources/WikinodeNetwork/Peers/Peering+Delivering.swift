import Foundation
import Logging
import WikinodeCore

extension Peering {
    /// Sends every notice that is due (to one peer, or all), a few at a time; a failure waits
    /// longer each time, and a follower that fails too often is dropped.
    public func deliverDueNotices(toPeer peerId: Int64? = nil) async throws {
        let startedAt = Date()
        let due = try database.dueNotices(now: startedAt).filter { peerId == nil || $0.peer.id == peerId }
        await withTaskGroup(of: Void.self) { group in
            for (index, item) in due.enumerated() {
                if index >= 8 { await group.next() }
                group.addTask { await self.deliver(item, startedAt: startedAt) }
            }
        }
    }

    private func deliver(_ item: OutboxItem, startedAt: Date) async {
        let type = item.type
        guard let peerId = item.peer.id else { return }
        do {
            try await send(type, to: item.peer)
            try database.noticeDelivered(item, queuedBefore: startedAt)
            if type == .unfollow { try database.forgetPeerIfUnused(peerId: peerId) }
        } catch {
            try? database.outboxAttemptFailed(id: item.id, error: "\(error)", retryAt: Date() + backoff(failures: item.attempts + 1))
            try? database.recordPeerError(peerId: peerId, error: "The \(type.rawValue) notice failed: \(error)")
            if type == .changed, item.attempts + 1 >= WikiDatabase.maximumFailedNotices {
                try? database.recordFollowerLeft(peerId: peerId)
                try? database.recordPeerError(peerId: peerId, error: "Dropped as a follower after \(item.attempts + 1) failed notices: \(error)")
            }
            logger.info("\(type.rawValue) notice to \(item.peer.url) failed", metadata: ["error": "\(error)"])
        }
    }

    /// Signs and posts one notice of `type` to a peer's inbox.
    func send(_ type: Notice.Kind, to peer: Peer) async throws {
        let name = (try? database.settings().name) ?? "wikinode"
        _ = try await post(Notice(type: type, actor: ownURL, name: name), to: peer)
    }

    /// Signs and posts a notice to a peer's inbox; throws unless it answers 2xx.
    func post(_ notice: Notice, to peer: Peer) async throws -> RemoteClient.Response {
        let body = try JSONEncoder().encode(notice)
        let target = peer.url + NodeAddress.inbox
        let headers = try MessageSignature.sign(
            method: "POST", targetURI: target, contentType: "application/json", body: body, keyId: ownURL, key: identity.privateKey)
        var limits = timing.limits
        limits.maximumBodyBytes = 64 << 10
        let response = try await client.post(URL(string: target)!, headers: headers, body: body, limits: limits)
        guard (200..<300).contains(response.status) else {
            let reason = String(decoding: response.body.prefix(300), as: UTF8.self)
            throw RemoteError.refused("\(target) answers \(response.status): \(reason)")
        }
        return response
    }
}
