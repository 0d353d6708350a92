import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization
import WikinodeCore

/// A rendered body with what conditional requests need.
struct CachedBody: Sendable {
    let bytes: ByteBuffer
    let etag: String
    let contentType: String
    let lastModified: Date?
    /// Every header of a 200 for this body, and those of a 304.
    let headers: HTTPFields
    let validatorHeaders: HTTPFields

    init(_ body: String, contentType: String, lastModified: Date?) {
        bytes = ByteBuffer(string: body)
        etag = Self.etag(of: bytes)
        self.contentType = contentType
        self.lastModified = lastModified
        (headers, validatorHeaders) = Response.headers(etag: etag, lastModified: lastModified, contentType: contentType)
    }

    static func etag(of bytes: ByteBuffer) -> String {
        "\"" + Hex.encode(Insecure.SHA1.hash(data: bytes.readableBytesView).prefix(12)) + "\""
    }
}

/// Rendered page views, kept until anything in the database changes.
///
/// Page views vastly outnumber writes, and a page's HTML depends on other pages (backlinks,
/// links to missing pages), so the whole cache is tied to SQLite's data version: a commit by
/// any process makes every entry stale. Bounded in entries and bytes.
final class ResponseCache: Sendable {
    private struct State {
        var version: Int64 = -1
        var entries: [String: CachedBody] = [:]
        var bytes = 0
    }

    private let probe: DataVersionProbe
    private let state = Mutex(State())
    private let maximumEntries: Int
    private let maximumBytes: Int

    init(probe: DataVersionProbe, maximumEntries: Int = 5_000, maximumBytes: Int = 64 << 20) {
        self.probe = probe
        self.maximumEntries = maximumEntries
        self.maximumBytes = maximumBytes
    }

    /// The database's version now; read it before rendering, and store under it.
    func currentVersion() throws -> Int64 {
        try probe.current()
    }

    func body(for key: String, version: Int64) -> CachedBody? {
        state.withLock { state in
            guard state.version == version else { return nil }
            return state.entries[key]
        }
    }

    func store(_ body: CachedBody, for key: String, version: Int64) {
        state.withLock { state in
            if state.version != version {
                guard version > state.version || state.version == -1 else { return }
                state = State(version: version)
            }
            if state.entries.count >= maximumEntries || state.bytes + body.bytes.readableBytes > maximumBytes {
                state.entries.removeAll(keepingCapacity: true)
                state.bytes = 0
            }
            state.entries[key] = body
            state.bytes += body.bytes.readableBytes
        }
    }
}
