import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization
import WikinodeCore

/// A rendered body with what conditional requests need.
struct CachedBody: Sendable {
    /// The body, in pieces: each a power of two long but the last, which is at most
    /// `smallestPiece`. NIO gives every buffer a power of two of memory, so a body kept in one
    /// would hold up to twice its size (the 1,000 pages of the benchmark, 20.8 MiB, would take
    /// 28.6); in pieces it holds at most `smallestPiece` more.
    let pieces: [ByteBuffer]
    let byteCount: Int
    let etag: String
    let contentType: String
    let lastModified: Date?
    /// Every header of a 200 for this body (with its `Content-Length`), and those of a 304.
    let headers: HTTPFields
    let validatorHeaders: HTTPFields
    /// The same headers as HTTP/1.1 writes them, one `name: value` line each.
    let headerLines: ByteBuffer
    let validatorLines: ByteBuffer

    /// `value` as JSON, written as every endpoint writes it (`Response.jsonData`).
    static func json(_ value: some Encodable, lastModified: Date?) throws -> CachedBody {
        CachedBody(
            String(decoding: try Response.jsonData(value), as: UTF8.self), contentType: "application/json; charset=utf-8",
            lastModified: lastModified)
    }

    /// `topic`, the path of the feed of this body's changes, is advertised for WebSub.
    init(_ body: String, contentType: String, lastModified: Date?, topic: String? = nil) {
        pieces = Self.pieces(of: body)
        byteCount = body.utf8.count
        etag = Self.etag(of: pieces)
        self.contentType = contentType
        self.lastModified = lastModified
        var (headers, validatorHeaders) = Response.headers(etag: etag, lastModified: lastModified, contentType: contentType, topic: topic)
        headers[.contentLength] = String(byteCount)
        self.headers = headers
        self.validatorHeaders = validatorHeaders
        headerLines = Self.lines(headers)
        validatorLines = Self.lines(validatorHeaders)
    }

    /// `fields` as HTTP/1.1 header lines.
    static func lines(_ fields: some Sequence<HTTPField>) -> ByteBuffer {
        var buffer = ByteBuffer()
        for field in fields {
            buffer.writeString(field.name.rawName)
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
        return buffer
    }

    static let smallestPiece = 4096

    /// `body`'s UTF-8 in pieces of the largest power of two that fits, down to `smallestPiece`.
    static func pieces(of body: String) -> [ByteBuffer] {
        var body = body
        return body.withUTF8 { bytes in
            var pieces: [ByteBuffer] = []
            var start = 0
            while start < bytes.count {
                let left = bytes.count - start
                let size = left <= smallestPiece ? left : 1 << (Int.bitWidth - 1 - left.leadingZeroBitCount)
                pieces.append(ByteBuffer(bytes: UnsafeBufferPointer(rebasing: bytes[start..<(start + size)])))
                start += size
            }
            return pieces
        }
    }

    static func etag(of pieces: [ByteBuffer]) -> String {
        var hash = Insecure.SHA1()
        for piece in pieces { hash.update(data: piece.readableBytesView) }
        return "\"" + Hex.encode(hash.finalize().prefix(12)) + "\""
    }
}

/// Rendered views, each kept until something it is made from changes.
///
/// Every view is stored with its dependencies (`ViewDependency`: its page, its title, the
/// lists, the site). Writes log the keys of what they change in the database's `viewChange`
/// table, by triggers, whichever process writes; the cache follows that log the way a follower
/// follows a change feed, and drops just the views that depend on a logged key. A commit that
/// logs nothing (a session, the outbox, a sync cursor) costs this process's cache nothing, and
/// another process's cache one look at the log. Bounded in entries and bytes.
///
/// Looking costs a read lock on the database's shared memory, so the cache does not look on
/// every request: this process's own commits to the log are announced to it at once (an
/// observation of the `viewChange` table), and another process's (`wikinode import`) are seen
/// at most `foreignCommitDelay` later (a millisecond, unless told otherwise).
final class ResponseCache: Sendable {
    private struct Entry {
        let body: CachedBody
        let dependencies: [String]
    }

    private struct State {
        /// SQLite's data version when the log was last read.
        var dataVersion: Int64?
        /// The last log entry applied; nil before the first look.
        var position: Int64?
        /// When the cache last read the log to its end, and how many of this process's commits
        /// to the log had been announced before that look.
        var currentAt: ContinuousClock.Instant?
        var commitsSeen = 0
        var entries: [String: Entry] = [:]
        /// For each dependency, the views made from it.
        var dependents: [String: Set<String>] = [:]
        var bytes = 0

        /// Records a look that found the log read to its end at `position`, unless the cache has
        /// moved on meanwhile.
        mutating func markCurrent(at time: ContinuousClock.Instant, commits: Int, position: Int64) {
            guard self.position == position, currentAt.map({ $0 < time }) ?? true else { return }
            currentAt = time
            commitsSeen = commits
        }

        mutating func removeAll() {
            entries.removeAll(keepingCapacity: true)
            dependents.removeAll(keepingCapacity: true)
            bytes = 0
        }

        mutating func remove(_ key: String) {
            guard let entry = entries.removeValue(forKey: key) else { return }
            bytes -= entry.body.byteCount
            for dependency in entry.dependencies {
                dependents[dependency]?.remove(key)
                if dependents[dependency]?.isEmpty == true { dependents[dependency] = nil }
            }
        }

        mutating func invalidate(_ dependency: String) {
            if dependency == ViewDependency.all { return removeAll() }
            guard let keys = dependents.removeValue(forKey: dependency) else { return }
            for key in keys { remove(key) }
        }
    }

    private let probe: DataVersionProbe
    private let state = Mutex(State())
    /// This process's commits that wrote to the view-change log, counted as they happen.
    private final class CommitCount: Sendable { let value = Atomic(0) }
    private let commits: CommitCount
    /// Kept for the cache's life: released, it ends the observation.
    private let observation: any Sendable
    private let maximumEntries: Int
    private let maximumBytes: Int
    /// More log entries than this at once, and the cache starts afresh rather than sift them.
    static let maximumChangesApplied = 2_000
    /// How long after a look at the log another process's commit may go unseen.
    private let foreignCommitDelay: Duration

    init(
        database: WikiDatabase, probe: DataVersionProbe, foreignCommitDelay: Duration = .milliseconds(1), maximumEntries: Int = 5_000,
        maximumBytes: Int = 64 << 20
    ) {
        self.probe = probe
        self.foreignCommitDelay = foreignCommitDelay
        self.maximumEntries = maximumEntries
        self.maximumBytes = maximumBytes
        let commits = CommitCount()
        self.commits = commits
        observation = database.observeCommits(to: ["viewChange"]) { commits.value.add(1, ordering: .releasing) }
    }

    /// Brings the cache up to what has been written, and returns the log position that views
    /// rendered now are made as of: read it before rendering, and store under it.
    func currentVersion() throws -> Int64 {
        // Counted before looking: a commit announced after this is looked for next time.
        let announced = commits.value.load(ordering: .acquiring)
        let now = ContinuousClock.now
        let recent = state.withLock { state -> Int64? in
            guard state.commitsSeen == announced, let at = state.currentAt, now - at < foreignCommitDelay else { return nil }
            return state.position
        }
        if let recent { return recent }
        let dataVersion = try probe.current()
        let (seen, position) = state.withLock { ($0.dataVersion, $0.position) }
        if seen == dataVersion, let position {
            state.withLock { $0.markCurrent(at: now, commits: announced, position: position) }
            return position
        }
        guard let position else {
            let latest = try probe.latestViewChange()
            return state.withLock { state in
                if state.position == nil {
                    state.position = latest
                    state.dataVersion = dataVersion
                }
                return state.position!
            }
        }
        let changes = try probe.viewChanges(after: position, limit: Self.maximumChangesApplied + 1)
        return state.withLock { state in
            // Another request applied these (or more) meanwhile.
            guard state.position == position else { return state.position! }
            let isComplete = changes.count <= Self.maximumChangesApplied && changes.first.map { $0.seq == position + 1 } ?? true
            if isComplete {
                for change in changes { state.invalidate(change.key) }
            } else {
                // Too far behind, or the log was pruned past us: nothing cached can be trusted.
                state.removeAll()
            }
            state.position = changes.last?.seq ?? position
            // Read to the end of the log: current as of this data version.
            if changes.count <= Self.maximumChangesApplied {
                state.dataVersion = dataVersion
                state.markCurrent(at: now, commits: announced, position: state.position!)
            }
            return state.position!
        }
    }

    func body(for key: String, version: Int64) -> CachedBody? {
        state.withLock { state in
            guard state.position == version else { return nil }
            return state.entries[key]?.body
        }
    }

    /// Keeps `body`, made as of log position `version` from `dependencies`, unless something was
    /// logged since (it may be made from what changed).
    func store(_ body: CachedBody, for key: String, version: Int64, dependsOn dependencies: [String]) {
        state.withLock { state in
            guard state.position == version else { return }
            state.remove(key)
            if state.entries.count >= maximumEntries || state.bytes + body.byteCount > maximumBytes {
                state.removeAll()
            }
            state.entries[key] = Entry(body: body, dependencies: dependencies)
            state.bytes += body.byteCount
            for dependency in dependencies { state.dependents[dependency, default: []].insert(key) }
        }
    }
}
