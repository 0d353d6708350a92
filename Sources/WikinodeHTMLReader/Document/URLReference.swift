import Foundation

/// Resolves the URL references found in HTML and HTTP headers.
enum URLReference {
    /// `reference` resolved against `base`, as an absolute URL with a scheme, or nil.
    ///
    /// Follows the parts of the WHATWG URL parser that matter for real pages: surrounding
    /// whitespace and control characters are stripped and tabs and newlines inside removed; an
    /// empty reference is the base itself without its fragment. The result is normalized
    /// (`normalized(_:)`), so equal addresses compare equal as strings.
    static func resolve(_ reference: String, against base: URL) -> URL? {
        let trimmed = String(
            String.UnicodeScalarView(
                reference.unicodeScalars.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }
            )
        ).trimmingCharacters(in: .whitespacesAndNewlines.union(.controlCharacters))
        if trimmed.isEmpty { return normalized(withoutFragment(base)) }
        guard let relative = URL(string: trimmed, relativeTo: base),
            let absolute = URL(string: relative.absoluteString), absolute.scheme != nil
        else { return nil }
        return normalized(absolute)
    }

    /// `url` with what every browser's URL parser normalizes: scheme and host lowercased, the
    /// default port dropped, an empty http(s) path written `/`.
    static func normalized(_ url: URL) -> URL {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url }
        var changed = false
        if let scheme = components.scheme, scheme != scheme.lowercased() {
            components.scheme = scheme.lowercased()
            changed = true
        }
        if let host = components.percentEncodedHost, host != host.lowercased() {
            components.percentEncodedHost = host.lowercased()
            changed = true
        }
        let isHTTP = components.scheme == "http" || components.scheme == "https"
        if let port = components.port,
            (components.scheme == "http" && port == 80) || (components.scheme == "https" && port == 443)
        {
            components.port = nil
            changed = true
        }
        if isHTTP && components.host != nil && components.percentEncodedPath.isEmpty {
            components.percentEncodedPath = "/"
            changed = true
        }
        guard changed, let result = components.url else { return url }
        return result
    }

    static func withoutFragment(_ url: URL) -> URL {
        guard url.fragment != nil, var components = URLComponents(url: url, resolvingAgainstBaseURL: true)
        else { return url }
        components.fragment = nil
        return components.url ?? url
    }
}

extension URL {
    /// Whether the scheme is http or https, the only ones other sites' addresses may have here.
    var isHTTP: Bool {
        let scheme = scheme?.lowercased()
        return (scheme == "http" || scheme == "https") && host?.isEmpty == false
    }
}
