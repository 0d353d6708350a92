import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A website on 127.0.0.1 that serves what a test gives it, as a weblog's server or a Federated
/// Wiki server would: documents by path (and query), answering conditional GETs with 304, plus
/// an endless answer (`/endless`), a huge one (`/huge`, 6 MiB) and a slow one (`/slow`).
public final class SiteTestServer: LoopbackServer {
    public struct Document: Sendable {
        public var status: Int
        public var contentType: String
        public var body: Data
        public var etag: String?
        public var lastModified: String?
    }

    /// A request the site answered, with its validators.
    public struct Received: Sendable, Equatable {
        public let path: String
        public let ifNoneMatch: String?
        public let ifModifiedSince: String?
        /// Whether the answer was 304.
        public let wasNotModified: Bool
    }

    private let boundPort = Mutex(0)
    public var port: Int { boundPort.withLock { $0 } }
    public var url: String { "http://127.0.0.1:\(port)" }
    private let documents = Mutex<[String: Document]>([:])
    private let received = Mutex<[Received]>([])
    private let server = ServerTask()

    public required init() {}

    /// Serves `body` at `path` (which may have a query) from now on.
    public func serve(
        _ path: String, contentType: String, body: String, status: Int = 200, etag: String? = nil, lastModified: String? = nil
    ) {
        documents.withLock {
            $0[path] = Document(status: status, contentType: contentType, body: Data(body.utf8), etag: etag, lastModified: lastModified)
        }
    }

    /// Serves the fedwiki pages in `directory` (one `slug.json` each) as a fedwiki server does:
    /// `/{slug}.json`, and `/system/sitemap.json` listing them with the date of each page's
    /// last journal entry. The sitemap's Last-Modified is the newest page's.
    public func serveFedwikiPages(from directory: URL) throws {
        var sitemap: [[String: Any]] = []
        var newest = 0.0
        for file in try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        where file.pathExtension == "json" {
            let data = try Data(contentsOf: file)
            let page = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
            let slug = file.deletingPathExtension().lastPathComponent
            let journal = page["journal"] as? [[String: Any]] ?? []
            let date = journal.compactMap { ($0["date"] as? NSNumber)?.doubleValue }.max() ?? 0
            newest = max(newest, date)
            let story = page["story"] as? [[String: Any]] ?? []
            sitemap.append(["slug": slug, "title": page["title"] ?? slug, "date": date, "synopsis": story.first?["text"] ?? ""])
            documents.withLock {
                $0["/\(slug).json"] = Document(
                    status: 200, contentType: "application/json", body: data, etag: nil, lastModified: Self.httpDate(date / 1000))
            }
        }
        let body = try JSONSerialization.data(withJSONObject: sitemap.sorted { "\($0["slug"]!)" < "\($1["slug"]!)" })
        documents.withLock {
            $0["/system/sitemap.json"] = Document(
                status: 200, contentType: "application/json", body: body, etag: nil, lastModified: Self.httpDate(newest / 1000))
        }
    }

    /// Stops serving `path`: it answers 404.
    public func remove(_ path: String) {
        documents.withLock { _ = $0.removeValue(forKey: path) }
    }

    /// Requests answered so far, oldest first.
    public var requests: [Received] { received.withLock { $0 } }

    /// Requests answered so far for `path`.
    public func requests(to path: String) -> [Received] { requests.filter { $0.path == path } }

    static func httpDate(_ seconds: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: Date(timeIntervalSince1970: seconds.rounded(.down)))
    }

    /// Starts the site and waits until it listens.
    public func start() async throws {
        let router = Router()
        @Sendable func answer(_ request: Request) async throws -> Response {
            let path = request.uri.path + (request.uri.query.map { "?\($0)" } ?? "")
            switch request.uri.path {
            case "/endless":
                return Response(
                    status: .ok, headers: [.contentType: "application/atom+xml"],
                    body: ResponseBody { writer in
                        try await writer.write(ByteBuffer(string: "<feed xmlns=\"http://www.w3.org/2005/Atom\">"))
                        let chunk = ByteBuffer(string: String(repeating: "<entry><id>x</id></entry>", count: 2_000))
                        while true { try await writer.write(chunk) }
                    })
            case "/huge":
                let entry = "<item><guid>g</guid><title>\(String(repeating: "t", count: 1_000))</title></item>"
                let body = "<rss><channel>" + String(repeating: entry, count: 6_000) + "</channel></rss>"
                return Response(status: .ok, headers: [.contentType: "application/rss+xml"], body: .init(byteBuffer: ByteBuffer(string: body)))
            case "/slow":
                try await Task.sleep(for: .seconds(30))
                return Response(status: .noContent)
            default:
                break
            }
            let ifNoneMatch = request.headers[.ifNoneMatch]
            let ifModifiedSince = request.headers[.ifModifiedSince]
            guard let document = documents.withLock({ $0[path] }) else {
                received.withLock {
                    $0.append(Received(path: path, ifNoneMatch: ifNoneMatch, ifModifiedSince: ifModifiedSince, wasNotModified: false))
                }
                return Response(status: .notFound)
            }
            let notModified =
                document.status == 200
                && ((document.etag != nil && ifNoneMatch == document.etag)
                    || (ifNoneMatch == nil && document.lastModified != nil && ifModifiedSince == document.lastModified))
            received.withLock {
                $0.append(Received(path: path, ifNoneMatch: ifNoneMatch, ifModifiedSince: ifModifiedSince, wasNotModified: notModified))
            }
            var headers: HTTPFields = [.contentType: document.contentType]
            if let etag = document.etag { headers[.eTag] = etag }
            if let lastModified = document.lastModified { headers[.lastModified] = lastModified }
            if notModified { return Response(status: .notModified, headers: headers) }
            return Response(
                status: HTTPResponse.Status(code: document.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: document.body)))
        }
        router.get("/") { request, _ in try await answer(request) }
        router.get("/**") { request, _ in try await answer(request) }
        let port = try await server.launch(router, describing: "the site test server")
        boundPort.withLock { $0 = port }
    }

    public func stop() async {
        await server.stop()
    }
}
