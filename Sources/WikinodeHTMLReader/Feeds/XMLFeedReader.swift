import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads Atom 1.0, RSS 2.0 and RSS 1.0 with Foundation's `XMLParser` (libxml2's SAX parser),
/// never with patterns over the text.
///
/// A document that declares entities of its own is refused before parsing: feeds never need
/// them, and they are how a small document expands into gigabytes. External entities are never
/// resolved. Elements nested deeper than `maximumDepth` end the parse with an error.
final class XMLFeedReader: NSObject, XMLParserDelegate {
    static let atom = "http://www.w3.org/2005/Atom"
    static let rss1 = "http://purl.org/rss/1.0/"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let content = "http://purl.org/rss/1.0/modules/content/"
    static let dublinCore = "http://purl.org/dc/elements/1.1/"
    static let xhtml = "http://www.w3.org/1999/xhtml"
    static let maximumDepth = 256

    static func read(_ data: Data, url: URL) throws(FeedError) -> FeedDocument {
        if declaresEntities(data) {
            throw .refused("it declares XML entities (a DOCTYPE with an internal subset), which feeds never need")
        }
        let reader = XMLFeedReader(url: url)
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        let parsed = parser.parse()
        if let failure = reader.failure { throw failure }
        guard let document = reader.document else {
            throw .notAFeed("its root element is not an Atom feed, an RSS channel or an RDF document")
        }
        guard parsed else {
            let line = parser.lineNumber
            throw .malformed("XML error at line \(line): \(parser.parserError.map { "\($0.localizedDescription)" } ?? "unreadable")")
        }
        return document
    }

    private let url: URL
    private let dates = FeedDateParser()
    private(set) var document: FeedDocument?
    private(set) var failure: FeedError?
    private var path: [(namespace: String, name: String)] = []
    private var entry: FeedEntry?
    private var entryLinks: (alternate: String?, other: String?) = (nil, nil)
    /// Whether the RSS item's guid is a permalink (`isPermaLink` other than "false").
    private var guidIsPermalink = true
    /// The text of the element being read, when it is one of the fields read.
    private var text = ""
    private var isCollecting = false
    /// Atom text constructs of type `xhtml`: the depth of their `div`, and the markup rebuilt.
    private var xhtmlDepth: Int?
    /// The `type` of the Atom text construct being read.
    private var textType = "text"

    private init(url: URL) {
        self.url = url
    }

    private var depth: Int { path.count }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]
    ) {
        let namespace = namespaceURI ?? ""
        path.append((namespace, name))
        guard depth <= Self.maximumDepth else {
            failure = .malformed("elements are nested more than \(Self.maximumDepth) deep")
            parser.abortParsing()
            return
        }
        if let xhtmlDepth, depth > xhtmlDepth {
            // Inside XHTML content: the markup is rebuilt for the HTML sanitiser.
            text += "<" + name
            for (attribute, value) in attributes.sorted(by: { $0.key < $1.key }) where !attribute.contains(":") {
                text += " \(attribute)=\"\(Self.escaped(value))\""
            }
            text += ">"
            return
        }
        if depth == 1 {
            switch (namespace, name) {
            case (Self.atom, "feed"): document = FeedDocument(format: .atom)
            case ("", "rss"), (Self.rdf, "RDF"): document = FeedDocument(format: .rss)
            default:
                parser.abortParsing()
            }
            return
        }
        guard var document else { return }
        let isEntry =
            (document.format == .atom && namespace == Self.atom && name == "entry")
            || (document.format == .rss && (namespace == "" || namespace == Self.rss1) && name == "item")
        if isEntry {
            entry = FeedEntry(id: "")
            entryLinks = (nil, nil)
            guidIsPermalink = attributes["isPermaLink"]?.lowercased() != "false"
            return
        }
        if namespace == Self.atom, name == "link" {
            let rel = (attributes["rel"] ?? "alternate").lowercased()
            let href = attributes["href"]
            if entry != nil {
                if rel == "alternate", entryLinks.alternate == nil, (attributes["type"] ?? "text/html").contains("html") {
                    entryLinks.alternate = href
                } else if entryLinks.other == nil {
                    entryLinks.other = href
                }
            } else if let link = FeedText.url(href, base: url) {
                switch rel {
                case "hub": if document.hubURLs.count < 4 { document.hubURLs.append(link) }
                case "self": document.selfURL = document.selfURL ?? link
                case "alternate": document.homePageURL = document.homePageURL ?? link
                default: break
                }
                self.document = document
            }
            return
        }
        if entry != nil, name == "guid" {
            guidIsPermalink = attributes["isPermaLink"]?.lowercased() != "false"
        }
        text = ""
        isCollecting = true
        textType = (attributes["type"] ?? "text").lowercased()
        if namespace == Self.atom, textType == "xhtml" || textType == "application/xhtml+xml" {
            xhtmlDepth = depth
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        defer { path.removeLast() }
        if let xhtmlDepth, depth > xhtmlDepth {
            text += "</\(name)>"
            return
        }
        let namespace = namespaceURI ?? ""
        let value = text
        let type = textType
        isCollecting = false
        xhtmlDepth = nil
        text = ""
        guard var document else { return }
        if var entry {
            // An entry copied from another feed says where it came from in `source`, whose id,
            // title and links are the other feed's, not the entry's.
            if document.format == .atom, path.dropLast().contains(where: { $0.namespace == Self.atom && $0.name == "source" }) { return }
            let isEnd =
                (document.format == .atom && namespace == Self.atom && name == "entry")
                || (document.format == .rss && (namespace == "" || namespace == Self.rss1) && name == "item")
            if isEnd {
                finish(entry, in: &document)
                self.entry = nil
                self.document = document
                return
            }
            read(field: name, namespace: namespace, value: value, type: type, into: &entry)
            self.entry = entry
            return
        }
        // Feed-level fields: its title, and RSS's channel link.
        let isChannelField = path.count == 3 && (path[1].name == "channel")
        let isAtomFeedField = path.count == 2 && document.format == .atom
        if (isChannelField || isAtomFeedField) && name == "title" {
            document.title = FeedText.line(
                type == "html" ? HTMLDocument(html: value, url: url).plainText(limit: FeedDocument.titleLimit) : value, limit: FeedDocument.titleLimit
            )
        } else if isChannelField && name == "link" && namespace != Self.atom {
            document.homePageURL = document.homePageURL ?? FeedText.url(value, base: url)
        }
        self.document = document
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard isCollecting else { return }
        guard text.utf8.count <= FeedDocument.contentLimit else { return }
        if xhtmlDepth != nil {
            text += Self.escaped(string)
        } else {
            text += string
        }
    }

    func parser(_ parser: XMLParser, foundCDATA block: Data) {
        guard isCollecting, text.utf8.count <= FeedDocument.contentLimit else { return }
        let string = String(decoding: block, as: UTF8.self)
        text += xhtmlDepth != nil ? Self.escaped(string) : string
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        if failure == nil, document != nil {
            failure = .malformed("XML error at line \(parser.lineNumber)")
        }
    }

    /// One field of an entry.
    private func read(field name: String, namespace: String, value: String, type: String, into entry: inout FeedEntry) {
        let isHTML = type == "html" || type == "text/html" || type == "xhtml" || type == "application/xhtml+xml"
        switch (namespace, name) {
        case (Self.atom, "id"), ("", "guid"):
            entry.id = FeedText.line(value, limit: FeedDocument.idLimit) ?? ""
            if name == "guid", guidIsPermalink, entry.url == nil { entry.url = FeedText.url(value, base: url) }
        case (Self.atom, "title"), ("", "title"), (Self.rss1, "title"):
            // RSS titles are plain text; an Atom title says its type.
            let text = namespace == Self.atom && isHTML ? HTMLDocument(html: value, url: url).plainText(limit: FeedDocument.titleLimit) : value
            entry.title = FeedText.line(text, limit: FeedDocument.titleLimit)
        case ("", "link"), (Self.rss1, "link"):
            entry.url = FeedText.url(value, base: url) ?? entry.url
        case (Self.atom, "content"):
            if isHTML {
                entry.contentHTML = FeedText.content(value)
            } else if type == "text" || type == "text/plain" {
                entry.contentText = FeedText.content(value)
            }
        case (Self.content, "encoded"):
            entry.contentHTML = FeedText.content(value)
        case ("", "description"), (Self.rss1, "description"):
            // RSS descriptions are HTML (entity-encoded or in CDATA).
            entry.summary = FeedText.content(value)
        case (Self.atom, "summary"):
            entry.summary = FeedText.content(isHTML ? value : Self.escaped(value))
        case (Self.atom, "published"):
            entry.published = dates.date(value)
        case (Self.atom, "updated"), (Self.dublinCore, "date"):
            entry.updated = dates.date(value)
        case ("", "pubDate"):
            entry.published = dates.date(value)
        case (Self.atom, "name") where path.count >= 2 && path[path.count - 2].name == "author":
            entry.authorName = entry.authorName ?? FeedText.line(value, limit: FeedDocument.nameLimit)
        case (Self.dublinCore, "creator"), ("", "author"):
            entry.authorName = entry.authorName ?? FeedText.line(value, limit: FeedDocument.nameLimit)
        default:
            break
        }
    }

    /// An entry read to its end: identified (by its id, else its link), kept if there is room.
    private func finish(_ entry: FeedEntry, in document: inout FeedDocument) {
        var entry = entry
        if entry.url == nil {
            entry.url = FeedText.url(entryLinks.alternate ?? entryLinks.other, base: url)
        }
        if entry.id.isEmpty { entry.id = entry.url?.absoluteString ?? "" }
        // An entry nothing identifies cannot be followed from one fetch to the next.
        guard !entry.id.isEmpty, document.entries.count < FeedDocument.maximumEntries else { return }
        if entry.updated == nil { entry.updated = entry.published }
        document.entries.append(entry)
    }

    static func escaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
