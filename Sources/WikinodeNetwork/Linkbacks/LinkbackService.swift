import Foundation
import GRDB
import ServiceLifecycle
import WikinodeCore

/// Runs linkbacks in the background for `wikinode serve`: wakes when a page is saved or a
/// mention arrives in this process, and once a second for what came due (retries, or saves
/// made by another process).
public struct LinkbackService: Service {
    let linkbacks: Linkbacks
    let tick: Duration

    public init(linkbacks: Linkbacks, tick: Duration = .seconds(1)) {
        self.linkbacks = linkbacks
        self.tick = tick
    }

    public func run() async throws {
        let linkbacks = linkbacks
        let cancellable = linkbacks.database.observeCommits(to: ["sentMention", "replyContext"]) { linkbacks.wake() }
        defer { cancellable.cancel() }
        await runWakeLoop(
            wakeups: linkbacks.wakeups, tick: tick,
            onTick: {
                let now = Date()
                let due = [
                    try? linkbacks.database.nextMentionDate(), try? linkbacks.database.nextSentMentionDate(),
                    try? linkbacks.database.nextReplyContextDate(),
                ].compactMap { $0 ?? nil }
                if due.contains(where: { $0 <= now }) { linkbacks.wake() }
            },
            work: { await linkbacks.runDueWork() })
    }
}
