import Foundation
import GRDB
import Logging
import ServiceLifecycle
import WikinodeCore

/// The background work of a node's federation, run by `wikinode serve`: telling followers about
/// changes (through the outbox), pulling followed peers when told or when due, retrying with
/// backoff. Nothing here runs on a request's path.
///
/// It wakes when a page changes in this process (a database observation), when a notice asks
/// for a pull, and once a second for work that came due or changes made by another process.
public struct PeeringService: Service {
    let peering: Peering
    let tick: Duration

    public init(peering: Peering, tick: Duration = .seconds(1)) {
        self.peering = peering
        self.tick = tick
    }

    public func run() async throws {
        let peering = peering
        let cancellable = peering.database.observeCommits(to: ["pageChange"]) { peering.wake() }
        defer { cancellable.cancel() }
        // A node that was down may have missed notices: every followed peer is due at start.
        try? peering.database.makeFollowedPeersDue()
        await runWakeLoop(wakeups: peering.wakeups, tick: tick, onTick: { peering.wake() }, work: { await peering.runDueWork() })
    }
}

/// The loop of a background service, until graceful shutdown: `work` runs at start and after
/// each wake-up (several wake-ups while it runs count as one); `onTick` runs every `tick`.
func runWakeLoop(
    wakeups: AsyncStream<Void>, tick: Duration, onTick: @escaping @Sendable () -> Void, work: @escaping @Sendable () async -> Void
) async {
    await cancelWhenGracefulShutdown {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: tick)
                    onTick()
                }
            }
            group.addTask {
                await work()
                for await _ in wakeups {
                    if Task.isCancelled { break }
                    await work()
                }
            }
            await group.next()
            group.cancelAll()
        }
    }
}

extension Peering {
    /// One round of background work: log posts that just became public, announce new local
    /// changes, and, side by side, send due notices and pull due peers (a slow peer holds up
    /// neither the other peers nor the notices).
    func runDueWork() async {
        // Under `serve --port 0` the node's address is known once it listens: nothing is
        // signed or pulled before (the next tick comes within a second).
        guard nodeURL.isSettled else { return }
        do {
            let now = Date()
            let after = scheduledPostsChecked.withLock { checked in
                defer { checked = now }
                return checked
            }
            try database.announceScheduledPosts(after: after, now: now)
            if try database.hasUnannouncedChanges() {
                try database.announceChanges()
            }
        } catch {
            logger.warning("federation: announcing changes failed", metadata: ["error": "\(error)"])
        }
        async let notices: Void = deliverNoticesIfDue()
        async let subscriptions: Void = sendWebSubRequestsIfDue()
        await pullDuePeers()
        await notices
        await subscriptions
    }

    private func sendWebSubRequestsIfDue() async {
        guard let next = try? database.nextWebSubRequestDate(), next <= Date() else { return }
        await sendDueWebSubRequests()
    }

    private func deliverNoticesIfDue() async {
        do {
            if let next = try database.nextOutboxDate(for: .peer), next <= Date() {
                try await deliverDueNotices()
            }
        } catch {
            logger.warning("federation: notices failed", metadata: ["error": "\(error)"])
        }
    }
}
