import Foundation

/// Which page of this node a linkback's target URL names.
public enum MentionTarget {
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case notHere(String)
        case noSuchPage(String)

        public var description: String {
            switch self {
            case .notHere(let url): "\(url) is not an address on this node."
            case .noSuchPage(let url): "There is no page at \(url)."
            }
        }
    }

    /// The live, visible page at `url` (its fragment ignored): `/wiki/Title` in any spelling or
    /// an old title, a post's permanent address, or the front page.
    public static func page(at url: URL, baseURL: String, homePage: PageTitle, database: WikiDatabase, now: Date = Date()) throws -> Page {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false),
            let base = URLComponents(string: baseURL),
            components.scheme?.lowercased() == base.scheme?.lowercased(), components.host?.lowercased() == base.host?.lowercased(),
            (components.port ?? defaultPort(components.scheme)) == (base.port ?? defaultPort(base.scheme))
        else { throw Problem.notHere(url.absoluteString) }
        components.fragment = nil
        var path = components.percentEncodedPath
        let basePath = base.percentEncodedPath.hasSuffix("/") ? String(base.percentEncodedPath.dropLast()) : base.percentEncodedPath
        guard path.hasPrefix(basePath) else { throw Problem.notHere(url.absoluteString) }
        path.removeFirst(basePath.count)
        let page: Page?
        if path.isEmpty || path == "/" {
            page = try database.lookup(homePage).livePage
        } else if path.hasPrefix(NodeAddress.wikiPrefix) {
            let segment = path.dropFirst(NodeAddress.wikiPrefix.count)
            guard !segment.contains("/"), let title = try? PageTitle(pathSegment: segment) else { throw Problem.noSuchPage(url.absoluteString) }
            page = try database.lookup(title).livePage
        } else if path.hasPrefix(NodeAddress.blogPrefix) {
            let parts = path.dropFirst(NodeAddress.blogPrefix.count).split(separator: "/", omittingEmptySubsequences: false)
            if parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]),
                let found = try database.post(year: year, month: month, slug: String(parts[2]))
            {
                page = found.page
            } else {
                page = nil
            }
        } else {
            page = nil
        }
        guard let page, !(try database.isHiddenPost(page, at: now)) else { throw Problem.noSuchPage(url.absoluteString) }
        return page
    }

    static func defaultPort(_ scheme: String?) -> Int {
        scheme?.lowercased() == "https" ? 443 : 80
    }
}

extension PageLookup {
    /// The page when the title names a live one (directly or as an old title).
    public var livePage: Page? {
        switch self {
        case .found(let page), .renamed(let page): page
        case .deleted, .missing: nil
        }
    }
}
