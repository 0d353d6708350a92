import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization
import WikinodeServer

/// A small website on 127.0.0.1 for linkback tests: target pages with every endpoint
/// discovery variant the Webmention specification allows (and Pingback and Trackback ones),
/// source pages that link (or not) to a node, and endpoints that record what they receive.
public final class LinkbackTestSite: LoopbackServer {
    public struct Received: Sendable, Equatable {
        public let path: String
        public let contentType: String
        public let body: String

        /// The body's form fields.
        public var form: [String: String] { FormFields.parse(body) }
    }

    /// Port 0 until the site listens; then the port the system gave it.
    private let boundPort = Mutex(0)
    public var port: Int { boundPort.withLock { $0 } }
    public var url: String { "http://127.0.0.1:\(port)" }
    let received = Mutex<[Received]>([])
    /// Source pages by path, changeable during a test.
    let sources = Mutex<[String: (status: Int, html: String)]>([:])
    private let server = ServerTask()

    public required init() {}

    /// What the endpoints received so far.
    public var requests: [Received] { received.withLock { $0 } }

    /// Serves `html` (with `status`) at `path` from now on.
    public func setSource(_ path: String, status: Int = 200, html: String) {
        sources.withLock { $0[path] = (status, html) }
    }

    /// The target pages, by path, and the endpoint each advertises (relative to the site).
    public static let webmentionTargets: [(path: String, endpoint: String)] = [
        ("/target/header-absolute", "/endpoint/header-absolute"),
        ("/target/header-relative", "/endpoint/header-relative"),
        ("/target/header-unquoted", "/endpoint/header-unquoted"),
        ("/target/header-multiple-rels", "/endpoint/header-multiple-rels"),
        ("/target/header-several-links", "/endpoint/header-several-links"),
        ("/target/header-second-field", "/endpoint/header-second-field"),
        ("/target/header-uppercase", "/endpoint/header-uppercase"),
        ("/target/link-element", "/endpoint/link-element"),
        ("/target/a-element", "/endpoint/a-element"),
        ("/target/html-multiple-rels", "/endpoint/html-multiple-rels"),
        ("/target/document-order", "/endpoint/document-order"),
        ("/target/after-comment", "/endpoint/after-comment"),
        ("/target/after-escaped", "/endpoint/after-escaped"),
        ("/target/no-href-first", "/endpoint/no-href-first"),
        ("/target/empty-href", "/target/empty-href"),
        ("/target/query", "/endpoint/query?kept=yes"),
        ("/target/redirect", "/final/endpoint-relative"),
        ("/target/header-over-html", "/endpoint/header-over-html"),
    ]

    /// Starts the site and waits until it answers.
    public func start() async throws {
        let router = Router()
        @Sendable func page(_ body: String, headers: HTTPFields = [:]) -> Response {
            var headers = headers
            headers[.contentType] = "text/html; charset=utf-8"
            return Response(
                status: .ok, headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: "<!doctype html><html><head><title>Target</title>\(body)</html>")))
        }
        let link = HTTPField.Name("Link")!
        router.get("/target/header-absolute") { _, _ in
            page("</head><body>Target", headers: [link: "<\(self.url)/endpoint/header-absolute>; rel=\"webmention\""])
        }
        router.get("/target/header-relative") { _, _ in
            page("</head><body>Target", headers: [link: "</endpoint/header-relative>; rel=\"webmention\""])
        }
        router.get("/target/header-unquoted") { _, _ in page("</head><body>Target", headers: [link: "</endpoint/header-unquoted>; rel=webmention"]) }
        router.get("/target/header-multiple-rels") { _, _ in
            page("</head><body>Target", headers: [link: "</endpoint/header-multiple-rels>; rel=\"webmention somethingelse\""])
        }
        router.get("/target/header-several-links") { _, _ in
            page("</head><body>Target", headers: [link: "</nothing>; rel=\"other\", </endpoint/header-several-links>; rel=\"webmention\""])
        }
        router.get("/target/header-second-field") { _, _ in
            var headers = HTTPFields()
            headers.append(HTTPField(name: link, value: "</nothing>; rel=\"other\""))
            headers.append(HTTPField(name: link, value: "</endpoint/header-second-field>; rel=\"webmention\""))
            return page("</head><body>Target", headers: headers)
        }
        router.get("/target/header-uppercase") { _, _ in
            page("</head><body>Target", headers: [HTTPField.Name("LINK")!: "</endpoint/header-uppercase>; rel=\"webmention\""])
        }
        router.get("/target/link-element") { _, _ in page("<link rel=\"webmention\" href=\"/endpoint/link-element\"></head><body>Target") }
        router.get("/target/a-element") { _, _ in page("</head><body><a rel=\"webmention\" href=\"/endpoint/a-element\">endpoint</a>") }
        router.get("/target/html-multiple-rels") { _, _ in
            page("<link rel=\"webmention somethingelse\" href=\"/endpoint/html-multiple-rels\"></head><body>Target")
        }
        router.get("/target/document-order") { _, _ in
            page("</head><body><a rel=\"webmention\" href=\"/endpoint/document-order\">first</a><link rel=\"webmention\" href=\"/endpoint/wrong\">")
        }
        router.get("/target/after-comment") { _, _ in
            page(
                "<!-- <link rel=\"webmention\" href=\"/endpoint/wrong\"> --></head><body><a rel=\"webmention\" href=\"/endpoint/after-comment\">e</a>"
            )
        }
        router.get("/target/after-escaped") { _, _ in
            page(
                "</head><body><code>&lt;a rel=\"webmention\" href=\"/endpoint/wrong\"&gt;</code><a rel=\"webmention\" href=\"/endpoint/after-escaped\">e</a>"
            )
        }
        router.get("/target/no-href-first") { _, _ in
            page("<link rel=\"webmention\"></head><body><a rel=\"webmention\" href=\"/endpoint/no-href-first\">e</a>")
        }
        router.get("/target/empty-href") { _, _ in page("<link rel=\"webmention\" href=\"\"></head><body>Target") }
        router.post("/target/empty-href") { request, _ in try await self.record(request) }
        router.get("/target/query") { _, _ in page("<link rel=\"webmention\" href=\"/endpoint/query?kept=yes\"></head><body>Target") }
        router.get("/target/redirect") { _, _ in Response(status: .found, headers: [.location: "/final/page"]) }
        router.get("/final/page") { _, _ in page("<link rel=\"webmention\" href=\"endpoint-relative\"></head><body>Target") }
        router.post("/final/endpoint-relative") { request, _ in try await self.record(request) }
        router.get("/target/header-over-html") { _, _ in
            page(
                "<link rel=\"webmention\" href=\"/endpoint/wrong\"></head><body>Target",
                headers: [link: "</endpoint/header-over-html>; rel=\"webmention\""])
        }
        router.get("/target/pingback-header") { _, _ in page("</head><body>Target", headers: [HTTPField.Name("X-Pingback")!: "\(self.url)/xmlrpc"]) }
        router.get("/target/pingback-link") { _, _ in page("<link rel=\"pingback\" href=\"\(self.url)/xmlrpc\"></head><body>Target") }
        router.get("/target/trackback") { _, _ in
            page(
                """
                </head><body>Target
                <!--
                <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:trackback="http://madskills.com/public/xml/rss/module/trackback/">
                <rdf:Description rdf:about="\(self.url)/target/trackback" dc:identifier="\(self.url)/target/trackback" dc:title="Target" trackback:ping="\(self.url)/tb/target" />
                </rdf:RDF>
                -->
                """)
        }
        router.get("/target/none") { _, _ in page("</head><body>No endpoint here.") }
        router.get("/target/broken") { _, _ in Response(status: .internalServerError) }
        router.post("/endpoint/wrong") { request, _ in try await self.record(request) }
        router.post("/endpoint/:name") { request, _ in try await self.record(request) }
        router.post("/xmlrpc") { request, _ in
            _ = try await self.record(request)
            let answer =
                "<?xml version=\"1.0\"?><methodResponse><params><param><value><string>Thanks</string></value></param></params></methodResponse>"
            return Response(status: .ok, headers: [.contentType: "text/xml"], body: .init(byteBuffer: ByteBuffer(string: answer)))
        }
        router.post("/tb/:name") { request, _ in
            _ = try await self.record(request)
            return Response(
                status: .ok, headers: [.contentType: "text/xml"],
                body: .init(byteBuffer: ByteBuffer(string: "<?xml version=\"1.0\" encoding=\"utf-8\"?><response><error>0</error></response>")))
        }
        // Sources.
        router.get("/source/**") { request, _ -> Response in
            let path = request.uri.path
            if path == "/source/slow" {
                try await Task.sleep(for: .seconds(30))
            }
            if path == "/source/endless" {
                return Response(
                    status: .ok, headers: [.contentType: "text/html"],
                    body: ResponseBody { writer in
                        let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 << 10)
                        while true { try await writer.write(chunk) }
                    })
            }
            if path == "/source/moved" {
                return Response(status: .movedPermanently, headers: [.location: "/source/links"])
            }
            guard let source = self.sources.withLock({ $0[path] }) else { return Response(status: .notFound) }
            return Response(
                status: HTTPResponse.Status(code: source.status), headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: source.html)))
        }
        let port = try await server.launch(describing: "the linkback test site") { listening in
            return Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: self.port)),
                onServerRunning: { await listening($0.localAddress?.port ?? 0) },
                logger: Self.quietLogger)
        }
        boundPort.withLock { $0 = port }
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "linkback-test-site")
        logger.logLevel = .critical
        return logger
    }

    public func stop() async {
        await server.stop()
    }

    private func record(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        received.withLock {
            $0.append(Received(path: request.uri.description, contentType: request.headers[.contentType] ?? "", body: String(buffer: body)))
        }
        return Response(status: .accepted)
    }
}
