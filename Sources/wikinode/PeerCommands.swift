import ArgumentParser
import Foundation
import Logging
import WikinodeCore
import WikinodeNetwork

/// The federation as a command sees it: the node's data, key and address, without a server.
struct FederationOptions: ParsableArguments {
    @OptionGroup var dataOptions: DataOptions
    @Option(help: "This node's public base URL (default: the address `wikinode serve` last ran at).") var url: String?
    @Flag(help: "Allow fetching from and sending to loopback and private addresses (tests, private networks).")
    var allowPrivateAddresses = false
    @Flag(help: ArgumentHelp("Reach 127.0.0.1 and ::1 only (for test suites).", visibility: .hidden))
    var loopbackOnly = false

    func peering() throws -> Peering {
        let (database, identity, _) = try dataOptions.directory.open()
        guard let ownURL = try url ?? database.ownBaseURL() else {
            throw CommandError("This node's address is not known yet: run `wikinode serve` once, or pass --url.")
        }
        var logger = Logger(label: "wikinode")
        logger.logLevel = .error
        return Peering(
            database: database, identity: identity, ownURL: ownURL,
            policy: AddressPolicy(allowPrivateAddresses: allowPrivateAddresses, loopbackOnly: loopbackOnly),
            logger: logger)
    }
}

struct Follow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Follow a wikinode, a weblog (its page or its feed) or a Federated Wiki site: discover it, subscribe, and pull all of its pages and posts. Works whether or not serve runs."
    )

    @OptionGroup var options: FederationOptions
    @Argument(help: "The site's address, such as https://wiki.example.org, a weblog's home page or its feed.") var peerURL: String

    func run() async throws {
        let peering = try options.peering()
        let bar = ProgressBar(label: "Pulling")
        do {
            let peer = try await peering.follow(peerURL) { share, _ in bar.update(Int(share * 1000), of: 1000) }
            bar.finish()
            let state = try peering.database.peerStates().first { $0.peer.id == peer.id }
            print("Following \(peer.name) at \(peer.url): \(state?.pagesMirrored ?? 0) pages mirrored.")
            if let error = state?.peer.lastError { print("Note: \(error)") }
        } catch {
            bar.finish()
            throw CommandError("Cannot follow \(peerURL): \(error)")
        }
    }
}

struct Unfollow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop following a peer; its mirrored pages are removed and it is told.")

    @OptionGroup var options: FederationOptions
    @Argument(help: "The peer's base URL.") var peerURL: String

    func run() async throws {
        let peering = try options.peering()
        do {
            try await peering.unfollow(peerURL, deliverNow: true)
        } catch {
            throw CommandError("Cannot unfollow \(peerURL): \(error)")
        }
        print("No longer following \(peerURL).")
    }
}

struct Peers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Followed peers and followers (wikinodes and fediverse accounts), with their sync state.")

    @OptionGroup var dataOptions: DataOptions

    func run() async throws {
        let (database, _, _) = try dataOptions.directory.open()
        let states = try database.peerStates()
        let followers = try database.fediverseFollowers()
        if states.isEmpty {
            print("No peers yet. Follow a wikinode, a weblog or a fedwiki site with: wikinode follow <url>")
        } else {
            let header = ["site", "kind", "name", "pages", "last sync", "last error", "next attempt", "relation"]
            let rows = states.map { state -> [String] in
                let peer = state.peer
                let relation = [peer.isFollowing ? "following" : nil, peer.isFollower ? "follower" : nil].compactMap { $0 }.joined(separator: "+")
                return [
                    peer.url, peer.kind.rawValue, peer.name, peer.isFollowing ? String(state.pagesMirrored) : "-", Self.date(peer.lastSyncAt),
                    peer.lastError.map { String($0.prefix(60)) } ?? "-", peer.isFollowing ? Self.date(peer.nextAttemptAt) : "-",
                    relation.isEmpty ? "-" : relation,
                ]
            }
            Table.print(header, rows)
        }
        guard !followers.isEmpty else { return }
        print("")
        print("Followers on the fediverse:")
        Table.print(
            ["account", "name", "since", "posts go to"],
            followers.map {
                [$0.actor.handle.isEmpty ? $0.actor.actorURL : $0.actor.handle, $0.actor.name, Self.date($0.since), $0.actor.deliveryInbox]
            })
    }

    static func date(_ date: Date?) -> String {
        date.map { $0.formatted(Date.ISO8601FormatStyle().year().month().day().time(includingFractionalSeconds: false).dateTimeSeparator(.space)) }
            ?? "-"
    }
}

struct Mentions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Linkbacks: the mentions this node's pages sent (target, endpoint, dialect, answer, attempts) and those it received.")

    @OptionGroup var dataOptions: DataOptions
    @Flag(help: "Only the mentions sent.") var sent = false
    @Flag(help: "Only the mentions received.") var received = false

    func run() async throws {
        let (database, _, _) = try dataOptions.directory.open()
        if !received {
            print("Sent:")
            Table.print(
                ["page", "target", "state", "endpoint", "answer", "attempts", "last attempt"],
                try database.allSentMentions().map { item in
                    let mention = item.mention
                    return [
                        item.title, mention.targetURL, mention.status.rawValue,
                        mention.endpoint.map { "\(mention.protocol ?? ""): \($0)" } ?? "-",
                        String(((mention.responseStatus.map { "\($0) " } ?? "") + (mention.response ?? "")).prefix(50)),
                        String(mention.attempts), Peers.date(mention.lastAttemptAt),
                    ]
                })
        }
        if !sent {
            print("Received:")
            Table.print(
                ["page", "source", "dialect", "state", "shown", "received", "note"],
                try database.allReceivedMentions().map { item in
                    let mention = item.mention
                    return [
                        item.title, mention.sourceURL, mention.protocol.rawValue, mention.status.rawValue, mention.moderation.rawValue,
                        Peers.date(mention.receivedAt), String((mention.lastError ?? "").prefix(50)),
                    ]
                })
        }
    }
}

/// A plain table on standard output, columns padded to their widest cell.
enum Table {
    static func print(_ header: [String], _ rows: [[String]]) {
        guard !rows.isEmpty else {
            Swift.print("  (none)")
            return
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            Swift.print(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
    }
}
