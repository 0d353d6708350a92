import Foundation
import ServiceLifecycle
import WikinodeCore

extension Fediverse {
    /// Delivers every activity that is due, a few at a time: a signed POST to its inbox. A
    /// success removes it; a timeout, a 5xx, a 408 or a 429 waits longer each time and is given
    /// up after `maximumDeliveryAttempts`; any other answer is final.
    ///
    /// It goes in rounds of at most `deliveriesPerHostPerRound` to one server (scheme, host and
    /// port), eight at a time: a server that answers slowly, or not at all, takes two places
    /// for at most one timeout, and holds up only the rest of its own queue.
    public func deliverDueActivities() async {
        guard nodeURL.isSettled else { return }
        for _ in 0..<100 {
            let due: [ActivityDelivery]
            do {
                due = try database.dueDeliveries(now: Date())
            } catch {
                logger.warning("fediverse: reading deliveries failed", metadata: ["error": "\(error)"])
                return
            }
            var perServer: [String: Int] = [:]
            let round = due.filter { delivery in
                let server = WebOrigin(string: delivery.inbox)?.description ?? delivery.inbox
                perServer[server, default: 0] += 1
                return perServer[server]! <= Self.deliveriesPerHostPerRound
            }
            guard !round.isEmpty else { return }
            await withTaskGroup(of: Void.self) { group in
                for (index, delivery) in round.enumerated() {
                    if index >= Self.concurrentDeliveries { await group.next() }
                    group.addTask { await self.deliver(delivery) }
                }
            }
            // Nothing held back: what is due now was all tried (retries wait for their time).
            if round.count == due.count { return }
        }
    }

    private func deliver(_ delivery: ActivityDelivery) async {
        guard let id = delivery.id else { return }
        do {
            guard let inbox = WebAddress.url(delivery.inbox) else { throw RemoteError.invalidURL(delivery.inbox) }
            let body = Data(delivery.activity.utf8)
            let headers = try FediverseSignature.sign(method: "POST", url: inbox, body: body, keyId: keyId, key: try actorKey.privateKey())
            let response = try await client.post(inbox, headers: headers, body: body, limits: Self.deliveryLimits)
            switch response.status {
            case 200..<300:
                try database.deliveryDone(id: id)
            case 408, 429, 500..<600:
                throw RemoteError.unreachable("\(delivery.inbox) answers \(response.status)")
            default:
                let reason = String(decoding: response.body.prefix(200), as: UTF8.self)
                logger.info("fediverse: \(delivery.inbox) refused a delivery", metadata: ["status": "\(response.status)", "answer": "\(reason)"])
                try database.deliveryDone(id: id)
            }
        } catch let error as RemoteError where error.isPassing && delivery.attempts + 1 < Self.maximumDeliveryAttempts {
            try? database.outboxAttemptFailed(id: id, error: error.description, retryAt: Date() + timing.backoff(failures: delivery.attempts + 1))
        } catch {
            logger.info("fediverse: a delivery to \(delivery.inbox) was given up", metadata: ["error": "\(error)"])
            try? database.deliveryDone(id: id)
        }
    }
}

/// Runs the fediverse's background work for `wikinode serve`: telling followers of posts and
/// delivering what is queued, when a page changes or a delivery is queued in this process (a
/// wake-up), and once a second for retries that came due and changes made by another process.
public struct FediverseService: Service {
    let fediverse: Fediverse
    let tick: Duration

    public init(fediverse: Fediverse, tick: Duration = .seconds(1)) {
        self.fediverse = fediverse
        self.tick = tick
    }

    public func run() async throws {
        let fediverse = fediverse
        let cancellable = fediverse.database.observeCommits(to: ["pageChange"]) { fediverse.wake() }
        defer { cancellable.cancel() }
        await runWakeLoop(
            wakeups: fediverse.wakeups, tick: tick,
            onTick: {
                let delivery = (try? fediverse.database.nextOutboxDate(for: .fediverseInbox)).flatMap { $0 }.map { $0 <= Date() } ?? false
                if delivery || (try? fediverse.database.hasUnfederatedChanges()) == true { fediverse.wake() }
            },
            work: {
                fediverse.announcePosts()
                await fediverse.deliverDueActivities()
            })
    }
}
