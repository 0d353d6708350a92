import Foundation
import HTTPTypes
import Logging
import WikinodeCore
import WikinodeHTMLReader

/// Linkbacks with the whole web, in the background: telling the sites a page links to (a
/// followed or following wikinode by a signed notice; others by Webmention, else Pingback, else
/// Trackback, as each target advertises), and verifying every
/// mention received, of any dialect, by fetching its source and finding the link.
public final class Linkbacks: Sendable {
    public let database: WikiDatabase
    public let client: RemoteClient
    /// This node's base URL: the sources of its mentions, and what it never pings.
    public var ownURL: String { nodeURL.string }
    let nodeURL: NodeBaseURL
    let homePage: PageTitle
    /// Tells peers by the peer protocol; nil where only the web's dialects are spoken.
    let peering: Peering?
    let logger: Logger
    private let wakeup: AsyncStream<Void>.Continuation
    let wakeups: AsyncStream<Void>

    /// Limits on fetching a target or a source from the web.
    let fetchLimits: RemoteClient.Limits
    /// Attempts before a sent mention or a verification that keeps failing for a passing
    /// reason (a timeout, a 5xx) is given up.
    public static let maximumAttempts = 6

    public init(
        database: WikiDatabase, client: RemoteClient, nodeURL: NodeBaseURL, homePage: PageTitle, limits: RemoteClient.Limits, peering: Peering? = nil,
        logger: Logger
    ) {
        fetchLimits = limits
        self.peering = peering
        self.database = database
        self.client = client
        self.nodeURL = nodeURL
        self.homePage = homePage
        self.logger = logger
        (wakeups, wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func wake() {
        wakeup.yield()
    }

    /// One round: verify due mentions, then send due ones.
    public func runDueWork() async {
        // Mentions name this node's pages by address: none goes out before it is known.
        guard nodeURL.isSettled else { return }
        do {
            for mention in try database.dueMentions() { await verify(mention) }
            for job in try database.dueSentMentions() { await send(job) }
            for context in try database.dueReplyContexts() { await fetch(context) }
        } catch {
            logger.warning("linkbacks: \(error)")
        }
    }

    func retryDate(attempts: Int) -> Date {
        Date() + min(3600, 5 * pow(2, Double(max(attempts, 0))) * Double.random(in: 0.8...1.2))
    }

    // MARK: - Verifying what was received

    /// Fetches the source and keeps the mention only if it links to the target.
    public func verify(_ mention: Mention) async {
        guard let id = mention.id, let source = URL(string: mention.sourceURL) else { return }
        let startedAt = Date()
        do {
            let response = try await client.get(
                source, accept: "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.5", limits: fetchLimits, sameOriginOnly: false)
            switch response.status {
            case 200..<300:
                break
            case 410:
                try database.recordMentionRejected(id: id, startedAt: startedAt, reason: "The source is gone (410).")
                return
            case 500..<600 where mention.attempts + 1 < Self.maximumAttempts:
                try database.recordMentionRetry(
                    id: id, reason: "The source answered \(response.status).", retryAt: retryDate(attempts: mention.attempts), startedAt: startedAt)
                return
            default:
                try database.recordMentionRejected(id: id, startedAt: startedAt, reason: "The source answered \(response.status).")
                return
            }
            let text = String(decoding: response.body, as: UTF8.self)
            let type = response.headers[.contentType]?.lowercased() ?? "text/html"
            if type.hasPrefix("text/plain") {
                guard text.contains(mention.targetURL) else {
                    try database.recordMentionRejected(id: id, startedAt: startedAt, reason: "The source does not link to the target.")
                    return
                }
                try database.recordMentionVerified(
                    id: id, startedAt: startedAt, content: WikinodeCore.MentionContent(title: "", excerpt: MentionText.line(text, limit: 300)))
                return
            }
            guard type.contains("html") else {
                try database.recordMentionRejected(id: id, startedAt: startedAt, reason: "The source is \(type), not HTML.")
                return
            }
            let document = HTMLDocument(html: text, url: response.url)
            guard let link = linkToTarget(in: document, mention: mention) else {
                try database.recordMentionRejected(id: id, startedAt: startedAt, reason: "The source does not link to the target.")
                return
            }
            let found = document.mention(of: link)
            try database.recordMentionVerified(
                id: id, startedAt: startedAt,
                content: WikinodeCore.MentionContent(
                    authorName: MentionText.line(found.authorName ?? "", limit: 100), authorURL: webAddress(found.authorURL),
                    authorPhoto: webAddress(found.authorPhoto), title: MentionText.line(found.title ?? "", limit: 200),
                    excerpt: MentionText.line(found.excerpt ?? "", limit: 500), published: found.published,
                    kind: Mention.Kind(rawValue: found.kind.rawValue) ?? .mention, comments: found.comments.compactMap(kept)))
        } catch let error as RemoteError {
            if error.isPassing && mention.attempts + 1 < Self.maximumAttempts {
                try? database.recordMentionRetry(
                    id: id, reason: error.description, retryAt: retryDate(attempts: mention.attempts), startedAt: startedAt)
            } else {
                try? database.recordMentionRejected(id: id, startedAt: startedAt, reason: error.description)
            }
        } catch {
            try? database.recordMentionRejected(id: id, startedAt: startedAt, reason: "\(error)")
        }
    }

    /// The link in the source that leads to the mentioned page: exactly the target, or another
    /// address of the same page (an old title, another spelling, the post's permanent address).
    func linkToTarget(in document: HTMLDocument, mention: Mention) -> URL? {
        let links = document.links()
        if let exact = links.first(where: { $0.absoluteString == mention.targetURL }) { return exact }
        for link in links where link.absoluteString.hasPrefix(ownURL + "/") || link.absoluteString == ownURL {
            if let page = try? MentionTarget.page(at: link, baseURL: ownURL, homePage: homePage, database: database), page.id == mention.pageId {
                return link
            }
        }
        return nil
    }

    /// A comment the source shows, cut to what is kept of a mention.
    func kept(_ comment: WikinodeHTMLReader.MentionComment) -> Mention.Comment? {
        guard !webAddress(comment.url).isEmpty else { return nil }
        return Mention.Comment(
            url: webAddress(comment.url), authorName: MentionText.line(comment.authorName ?? "", limit: 100),
            authorURL: webAddress(comment.authorURL), authorPhoto: webAddress(comment.authorPhoto),
            title: MentionText.line(comment.title ?? "", limit: 200), excerpt: MentionText.line(comment.excerpt ?? "", limit: 500),
            published: comment.published, comments: comment.comments.compactMap(kept))
    }

    /// An http(s) address, or empty.
    func webAddress(_ url: URL?) -> String {
        guard let url, let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.absoluteString.utf8.count <= 2000 else {
            return ""
        }
        return url.absoluteString
    }

    // MARK: - Telling the sites a page links to

    /// Discovers the target's endpoint and sends the mention in the dialect it speaks.
    public func send(_ job: SentMentionJob) async {
        let mention = job.mention
        guard let id = mention.id else { return }
        let startedAt = Date()
        func record(_ status: SentMention.Status, _ dialect: String?, _ endpoint: String?, _ code: Int?, _ response: String?, retry: Bool = false) {
            let retryAt = retry && mention.attempts + 1 < Self.maximumAttempts ? retryDate(attempts: mention.attempts) : nil
            try? database.recordSentMention(
                id: id, status: retry && retryAt == nil ? .failed : status, protocol: dialect, endpoint: endpoint, responseStatus: code,
                response: response, retryAt: retryAt, startedAt: startedAt)
        }
        if job.isHidden {
            // Not public yet: wait, and look again later.
            try? database.recordSentMention(
                id: id, status: .pending, protocol: nil, endpoint: nil, responseStatus: nil, response: "Waiting: the post is not public yet.",
                retryAt: Date() + 600, startedAt: startedAt, countsAsAttempt: false)
            return
        }
        guard let target = URL(string: mention.targetURL) else {
            record(.failed, nil, nil, nil, "Not a URL.")
            return
        }
        if mention.targetURL == ownURL || mention.targetURL.hasPrefix(ownURL + "/") {
            record(.noEndpoint, nil, nil, nil, "A page of this node: not told.")
            return
        }
        let source = ownURL + (job.postPath ?? job.title.path)
        if let peering, let peer = try? peering.peer(holding: mention.targetURL) {
            do {
                let told = try await peering.tellMention(source: source, target: mention.targetURL, to: peer)
                record(.sent, "wikinode", told.inbox, told.status, told.answer)
                return
            } catch {
                // A node of an older version, or one that does not know this one yet: it is told
                // the web's way instead.
                logger.info("mention notice to \(peer.url) failed; trying Webmention", metadata: ["error": "\(error)"])
            }
        }
        do {
            let page = try await client.get(
                target, accept: "text/html, application/xhtml+xml;q=0.9, */*;q=0.1", limits: fetchLimits, sameOriginOnly: false)
            guard (200..<300).contains(page.status) else {
                record(.failed, nil, nil, page.status, "The target answered \(page.status).", retry: page.status >= 500)
                return
            }
            let linkHeaders = page.headers[values: .link]
            let isHTML = page.headers[.contentType]?.lowercased().contains("html") ?? true
            let document = HTMLDocument(html: isHTML ? String(decoding: page.body, as: UTF8.self) : "", url: page.url)
            if let endpoint = document.webmentionEndpoint(linkHeaders: linkHeaders) {
                let body = Data("source=\(Self.formEncode(source))&target=\(Self.formEncode(mention.targetURL))".utf8)
                let answer = try await post(endpoint, contentType: "application/x-www-form-urlencoded", body: body)
                let ok = (200..<300).contains(answer.status)
                record(
                    ok ? .sent : .failed, "webmention", endpoint.absoluteString, answer.status, Self.snippet(answer.body), retry: answer.status >= 500
                )
            } else if let server = document.pingbackServer(
                xPingbackHeaders: page.headers[values: .xPingback])
            {
                let call = Self.pingbackCall(source: source, target: mention.targetURL)
                let answer = try await post(server, contentType: "text/xml", body: Data(call.utf8))
                // Fault 48 is "already registered": the target has the ping, which is what we wanted.
                let reply = try? XMLRPC.parseReply(answer.body)
                let ok: Bool
                switch reply {
                case .value: ok = (200..<300).contains(answer.status)
                case .fault(let code, _): ok = (200..<300).contains(answer.status) && code == 48
                case nil: ok = false
                }
                record(ok ? .sent : .failed, "pingback", server.absoluteString, answer.status, Self.snippet(answer.body), retry: answer.status >= 500)
            } else if let ping = document.trackbackPingURL(for: target) {
                let fields = [
                    ("url", source), ("title", job.title.text), ("excerpt", job.summary),
                    ("blog_name", (try? database.settings().name) ?? "wikinode"),
                ]
                let body = Data(fields.map { "\($0.0)=\(Self.formEncode($0.1))" }.joined(separator: "&").utf8)
                let answer = try await post(ping, contentType: "application/x-www-form-urlencoded; charset=utf-8", body: body)
                let ok = (200..<300).contains(answer.status) && (try? TrackbackReply.parse(answer.body))?.isSuccess == true
                record(ok ? .sent : .failed, "trackback", ping.absoluteString, answer.status, Self.snippet(answer.body), retry: answer.status >= 500)
            } else {
                record(.noEndpoint, nil, nil, page.status, "The target advertises no Webmention, Pingback or Trackback endpoint.")
            }
        } catch let error as RemoteError {
            record(.failed, nil, nil, nil, error.description, retry: error.isPassing)
        } catch {
            record(.failed, nil, nil, nil, "\(error)")
        }
    }

    private func post(_ endpoint: URL, contentType: String, body: Data) async throws -> RemoteClient.Response {
        try await client.post(endpoint, headers: [.contentType: contentType], body: body, limits: fetchLimits)
    }

    static func snippet(_ body: Data) -> String {
        MentionText.line(String(decoding: body.prefix(1000), as: UTF8.self), limit: 300)
    }

    /// `application/x-www-form-urlencoded` for one value (every byte but unreserved ASCII as
    /// `%XX`, which form decoders read as well as `+`).
    static func formEncode(_ value: String) -> String {
        URLEncoding.component(value)
    }

    static func pingbackCall(source: String, target: String) -> String {
        var writer = XMLWriter()
        writer.element("methodCall") { call in
            call.element("methodName", text: "pingback.ping")
            call.element("params") { params in
                for value in [source, target] {
                    params.element("param") { param in param.element("value") { $0.element("string", text: value) } }
                }
            }
        }
        return writer.output
    }
}

extension HTTPField.Name {
    /// RFC 8288 links, where Webmention endpoints are advertised.
    static var link: Self { Self("Link")! }
    /// Where a Pingback server is advertised.
    static var xPingback: Self { Self("X-Pingback")! }
    /// WebSub's signature of a content distribution request (`method=hex`), from the hubs of
    /// followed feeds and from the node's own.
    public static var xHubSignature: Self { Self("X-Hub-Signature")! }
}
