import Foundation

extension HTMLDocument {
    /// The Trackback ping URL this page gives for `permalink`, found by Trackback autodiscovery,
    /// or nil.
    ///
    /// Reads the RDF in the page's comments (and, for pages that forgot the comment, in
    /// `rdf:Description` elements) and takes the first description whose `dc:identifier` (or,
    /// without one, `rdf:about`) is `permalink`, compared without fragment and trailing slash.
    /// A page may describe several entries; one that names none of them gives nil rather than
    /// a guess. Only an http(s) ping URL is returned.
    public func trackbackPingURL(for permalink: URL) -> URL? {
        let wanted = Self.trackbackComparable(permalink)
        for description in trackbackDescriptions() {
            guard let identifier = description.identifier ?? description.about,
                let identifierURL = URLReference.resolve(identifier, against: baseURL),
                Self.trackbackComparable(identifierURL) == wanted,
                let ping = description.ping,
                let pingURL = URLReference.resolve(ping, against: baseURL), pingURL.isHTTP
            else { continue }
            return pingURL
        }
        return nil
    }

    private func trackbackDescriptions() -> [TrackbackRDF.Description] {
        var descriptions: [TrackbackRDF.Description] = []
        for node in nodes {
            switch node.kind {
            case .comment:
                descriptions += TrackbackRDF.descriptions(in: node.text)
            case .element where node.name == "rdf:description":
                // gumbo lowercases attribute names, so they are matched by their usual prefixes.
                guard let ping = node.attribute("trackback:ping") else { continue }
                descriptions.append(
                    TrackbackRDF.Description(
                        about: node.attribute("rdf:about"), identifier: node.attribute("dc:identifier"),
                        ping: ping))
            default:
                continue
            }
        }
        return descriptions
    }

    /// The address as Trackback discovery compares it: no fragment, no trailing slash.
    private static func trackbackComparable(_ url: URL) -> String {
        var address = URLReference.withoutFragment(URLReference.normalized(url)).absoluteString
        while address.hasSuffix("/") { address.removeLast() }
        return address
    }
}
