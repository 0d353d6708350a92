import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import WikinodeCore

extension Response {
    /// A cacheable response: `ETag` from the body, `Last-Modified` when known, and 304 when the
    /// request's `If-None-Match` (or, without it, `If-Modified-Since`) says the client is current.
    static func conditional(
        to request: Request, body: String, contentType: String, lastModified: Date? = nil, topic: String? = nil,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        conditional(to: request, body: CachedBody(body, contentType: contentType, lastModified: lastModified, topic: topic), status: status)
    }

    static func conditional(to request: Request, body: CachedBody, status: HTTPResponse.Status = .ok) -> Response {
        if status == .ok, isNotModified(request.head, etag: body.etag, lastModified: body.lastModified) {
            return Response(status: .notModified, headers: body.validatorHeaders)
        }
        return Response(status: status, headers: body.headers, body: .init(contentsOf: body.pieces))
    }

    /// The headers every cacheable response carries, made once per body (cached bodies are
    /// served many times). A 304 carries the same validators, `Cache-Control` and `Vary`.
    static func headers(etag: String, lastModified: Date?, contentType: String, topic: String?) -> (all: HTTPFields, validators: HTTPFields) {
        var validators: HTTPFields = [.eTag: etag, .cacheControl: sharedCacheControl, .vary: "Cookie"]
        if let lastModified { validators[.lastModified] = HTTPDate.format(lastModified) }
        var all = validators
        all[.contentType] = contentType
        if let links = links(contentType: contentType, topic: topic) { all[link] = links }
        return (all, validators)
    }

    /// The `Link` header of a cacheable response: an HTML page names the node's feeds, and every
    /// page and feed names the node's WebSub hub and its topic (WebSub §4): a feed is its own,
    /// a page's is the feed of its changes (its history, its weblog's feed), any other page's
    /// the node's recent changes.
    static func links(contentType: String, topic: String?) -> String? {
        let hub = "<\(NodeAddress.webSubHub)>; rel=\"hub\""
        if contentType.hasPrefix("text/html") {
            return discoveryLinks + ", " + hub + ", <\(topic ?? NodeAddress.recentFeed)>; rel=\"self\""
        }
        return topic.map { hub + ", <\($0)>; rel=\"self\"" }
    }

    /// What an anonymous reader's cacheable response allows (docs/caching.md): a browser
    /// revalidates every time (a 304 is cheap); a shared cache (a reverse proxy, a CDN) may
    /// serve it for 5 seconds, then serve it stale for up to 30 more while it revalidates.
    static let sharedCacheControl = "public, max-age=0, s-maxage=5, stale-while-revalidate=30"

    /// What the same response allows when it is someone's own (signed in, a form token, a
    /// draft, a cookie being set): kept by the browser only, and revalidated every time.
    static let privateCacheControl = "private, no-cache"

    static func isNotModified(_ request: HTTPRequest, etag: String, lastModified: Date?) -> Bool {
        guard request.method == .get || request.method == .head else { return false }
        return isNotModified(
            ifNoneMatch: request.headerFields[.ifNoneMatch], ifModifiedSince: request.headerFields[.ifModifiedSince], etag: etag,
            lastModified: lastModified)
    }

    /// Whether a `GET` or `HEAD` with these conditional headers is current with `etag`.
    static func isNotModified(ifNoneMatch: String?, ifModifiedSince: String?, etag: String, lastModified: Date?) -> Bool {
        if let ifNoneMatch {
            return ifNoneMatch.split(separator: ",").contains { candidate in
                var tag = candidate.trimmingCharacters(in: .whitespaces)
                if tag == "*" { return true }
                if tag.hasPrefix("W/") { tag.removeFirst(2) }
                return tag == etag
            }
        }
        if let lastModified, let header = ifModifiedSince, let since = HTTPDate.parse(header) {
            return lastModified.timeIntervalSince1970.rounded(.down) <= since.timeIntervalSince1970
        }
        return false
    }

    /// A redirect to `location`.
    static func redirecting(to location: String, status: HTTPResponse.Status = .movedPermanently) -> Response {
        Response(
            status: status, headers: [.location: location, .contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: "Moved to \(location)\n")))
    }

    /// A JSON response from an `Encodable` value.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try jsonData(value))))
    }

    /// JSON as every endpoint writes it: sorted keys, RFC 3339 dates.
    static func jsonData(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(value)
    }

    /// An HTML page that is never cached (forms carry per-session tokens).
    static func html(_ html: String, status: HTTPResponse.Status, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[link] = discoveryLinks
        headers[.vary] = "Cookie"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static let link = HTTPField.Name("Link")!

    /// What every HTML page advertises in a `Link` header (and in its `<head>`), so feed readers
    /// and peers find it from any page.
    static let discoveryLinks = [
        "</feed.atom>; rel=\"alternate\"; type=\"application/atom+xml\"; title=\"Weblog\"",
        "</feed.rss>; rel=\"alternate\"; type=\"application/rss+xml\"; title=\"Weblog\"",
        "</feed.json>; rel=\"alternate\"; type=\"application/feed+json\"; title=\"Weblog\"",
        "</recent.atom>; rel=\"alternate\"; type=\"application/atom+xml\"; title=\"Recent changes\"",
    ].joined(separator: ", ")
}
