import Foundation

extension HTMLDocument {
    /// Elements and the attribute that holds their link, as Webmention verification reads them.
    static let linkAttributes: [String: String] = [
        "a": "href", "area": "href", "img": "src", "video": "src", "audio": "src", "source": "src",
    ]

    /// Every http(s) link of the page, resolved against `baseURL`, each once, in document order:
    /// `a[href]`, `area[href]`, and `img`, `video`, `audio` and `source` `[src]`.
    public func links() -> [URL] {
        var seen: Set<String> = []
        return linkTargets().compactMap { _, target in
            target.isHTTP && seen.insert(target.absoluteString).inserted ? target : nil
        }
    }

    /// Whether the page links to `target` (Webmention §3.2.2): some link of `links()`'s kinds,
    /// resolved, is exactly `target`.
    ///
    /// "Exactly" compares the resolved address as a string after the normalizations every
    /// browser's URL parser makes on both sides (scheme and host lowercased, default port dropped,
    /// an empty path written `/`). Nothing else is forgiven: the fragment counts
    /// (`/page#reply` is not `/page`), as do the query, a trailing slash, and `http` against
    /// `https`. The receiver strips fragments from the target it accepts, if it wants to.
    public func containsLink(to target: URL) -> Bool {
        firstLink(to: target) != nil
    }

    /// The index of the first element that links to `target`, as `containsLink(to:)` decides.
    func firstLink(to target: URL) -> Int? {
        let wanted = URLReference.normalized(target).absoluteString
        return linkTargets().first { $0.target.absoluteString == wanted }?.element
    }

    /// Each linking element with its resolved target, in document order.
    private func linkTargets() -> [(element: Int, target: URL)] {
        nodes.indices.compactMap { index in
            let node = nodes[index]
            guard node.kind == .element, node.isHTML, let attribute = Self.linkAttributes[node.name],
                let reference = node.attribute(attribute),
                let target = URLReference.resolve(reference, against: baseURL)
            else { return nil }
            return (index, target)
        }
    }
}
