import Foundation

extension HTMLDocument {
    /// The Webmention endpoint this page advertises (Webmention §3.1.2), or nil.
    ///
    /// The first `Link` header link with the relation type `webmention` wins, resolved against
    /// `url` (headers know nothing of `<base>`); else the first `<link>` or `<a>` element, in
    /// document order, whose `rel` holds the token `webmention` and that has an `href`, resolved
    /// against `baseURL` (an empty `href` is the page itself). Query strings are kept. Only
    /// http(s) endpoints are returned: a page must not be able to point a sender at another
    /// scheme (a file, or a Unix socket through `http+unix`).
    ///
    /// - Parameter linkHeaders: the values of every `Link` header of the response, in order.
    public func webmentionEndpoint(linkHeaders: [String]) -> URL? {
        for link in LinkHeader.parse(linkHeaders) where link.rels.contains("webmention") {
            if let endpoint = URLReference.resolve(link.url, against: url), endpoint.isHTTP { return endpoint }
        }
        return firstElementLink(rel: "webmention", in: ["link", "a"])
    }

    /// The Pingback server this page advertises (Pingback 1.0 §2), or nil: the `X-Pingback`
    /// header, else the first `<link rel="pingback" href>`. Only http(s) URLs are returned.
    ///
    /// - Parameter xPingbackHeaders: the values of every `X-Pingback` header, in order.
    public func pingbackServer(xPingbackHeaders: [String]) -> URL? {
        for value in xPingbackHeaders where !value.trimmingWhitespace().isEmpty {
            if let server = URLReference.resolve(value, against: url), server.isHTTP { return server }
        }
        return firstElementLink(rel: "pingback", in: ["link"])
    }

    /// The `href` of the first element named one of `names` whose `rel` holds `rel`, resolved.
    private func firstElementLink(rel: String, in names: Set<String>) -> URL? {
        for index in elements(named: names) where lowercasedTokens("rel", of: index).contains(rel) {
            guard let href = nodes[index].attribute("href") else { continue }
            if let target = URLReference.resolve(href, against: baseURL), target.isHTTP { return target }
        }
        return nil
    }
}
