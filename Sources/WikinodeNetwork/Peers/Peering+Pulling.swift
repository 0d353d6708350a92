import Foundation
import Logging
import WikinodeCore

extension Peering {
    /// Pulls a followed site and records the outcome on it (with backoff after a failure).
    ///
    /// Every kind of followed site is pulled here, each as it is read (a wikinode's change feed,
    /// a weblog's feed, a fedwiki site's sitemap and pages), into the one mirror.
    public func pull(peerId: Int64, progress: @Sendable (Double, Int) -> Void = { _, _ in }) async throws {
        guard let peer = try database.peer(id: peerId), peer.isFollowing else { return }
        try database.recordPullStarted(peerId: peerId)
        do {
            switch peer.kind {
            case .wikinode: try await pullChangeFeed(of: peer, progress: progress)
            case .feed: try await pullFeed(of: peer)
            case .fedwiki: try await pullFedwiki(of: peer)
            }
        } catch {
            let failures = (try? database.peer(id: peerId)?.failures) ?? 0
            try? database.recordPullFailure(peerId: peerId, error: "\(error)", nextAttemptAt: Date() + backoff(failures: failures + 1))
            throw error
        }
    }

    /// Reads a wikinode's change feed from its cursor to the end, one transaction per batch.
    private func pullChangeFeed(of peer: Peer, progress: @Sendable (Double, Int) -> Void) async throws {
        let peerId = peer.id!
        var mirrored = 0
        var invalid = 0
        var reasons: [String] = []
        var feed = try await changes(of: peer, since: peer.cursor)
        while true {
            // The next batch is on its way while this one is rendered and stored; if storing
            // fails, leaving the scope cancels it.
            let current = feed
            async let upcoming = changes(of: peer, after: current)
            let result = try await database.applyPeerChanges(peerId: peerId, feed: current, ownBaseURL: ownURL)
            mirrored += result.applied
            invalid += result.skippedInvalid
            reasons += result.invalidReasons
            progress(current.latest > 0 ? min(1, Double(result.cursor) / Double(current.latest)) : 1, mirrored)
            guard let following = try await upcoming else { break }
            if !following.changes.isEmpty, following.cursor <= current.cursor {
                throw RemoteError.badResponse("\(peer.url) sent a change feed that does not move forward")
            }
            feed = following
        }
        try database.recordPullSuccess(peerId: peerId, nextAttemptAt: Date() + jittered(timing.pollInterval))
        if try database.peerFollowsAreDue(peerId: peerId) {
            // Whom it follows is not worth failing a pull for: tried again at the next.
            if let info = try? await nodeInfo(of: peer.url, timeout: .seconds(10)) {
                try database.recordPeerFollows(peerId: peerId, urls: info.following ?? [])
            }
        }
        if invalid > 0 {
            try database.recordPeerError(
                peerId: peerId, error: "\(invalid) entries of its feed were invalid and skipped: \(reasons.prefix(3).joined(separator: "; "))")
        }
    }

    /// The batch after `feed`, or nil when `feed` reached the end of the peer's feed.
    func changes(of peer: Peer, after feed: ChangeFeedDocument) async throws -> ChangeFeedDocument? {
        guard !feed.changes.isEmpty, feed.cursor < feed.latest else { return nil }
        return try await changes(of: peer, since: feed.cursor)
    }

    func changes(of peer: Peer, since cursor: Int64) async throws -> ChangeFeedDocument {
        let url = URL(string: "\(peer.url)\(NodeAddress.changes)?since=\(cursor)&limit=\(timing.batchSize)")!
        let response = try await client.get(url, limits: timing.limits)
        guard response.status == 200 else { throw RemoteError.badResponse("\(url.absoluteString) answers \(response.status)") }
        guard response.isJSON else { throw RemoteError.badResponse("\(url.absoluteString) is not JSON") }
        do {
            return try ChangeFeedDocument.decoder.decode(ChangeFeedDocument.self, from: response.body)
        } catch {
            throw RemoteError.badResponse("\(url.absoluteString) is not a change feed")
        }
    }

    /// Pulls every followed peer that is due, four at a time; errors are recorded on the peers.
    public func pullDuePeers() async {
        let due = (try? database.peersDueForPull()) ?? []
        await withTaskGroup(of: Void.self) { group in
            for (index, peer) in due.enumerated() {
                if index >= 4 { await group.next() }
                group.addTask {
                    do {
                        try await self.pull(peerId: peer.id!)
                    } catch {
                        self.logger.info("pull of \(peer.url) failed", metadata: ["error": "\(error)"])
                    }
                }
            }
        }
    }
}
