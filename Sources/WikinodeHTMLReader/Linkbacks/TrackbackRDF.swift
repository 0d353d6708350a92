import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads the Trackback autodiscovery RDF that pages hide in HTML comments (Trackback 1.2):
///
///     <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
///              xmlns:dc="http://purl.org/dc/elements/1.1/"
///              xmlns:trackback="http://madskills.com/public/xml/rss/module/trackback/">
///     <rdf:Description rdf:about="…" dc:identifier="…" trackback:ping="…" /></rdf:RDF>
///
/// The comment's text is XML, so Foundation's XMLParser reads it; names are matched by namespace,
/// with the customary prefixes assumed where a page forgot to declare them.
enum TrackbackRDF {
    struct Description: Equatable {
        var about: String?
        var identifier: String?
        var ping: String?
    }

    static let rdfNamespace = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let dublinCoreNamespace = "http://purl.org/dc/elements/1.1/"
    static let trackbackNamespace = "http://madskills.com/public/xml/rss/module/trackback/"

    /// Comments longer than this are not RDF blocks worth reading.
    static let maximumLength = 65_536

    /// Every `rdf:Description` with a ping URL in `text`, the content of one comment.
    static func descriptions(in text: String) -> [Description] {
        guard text.utf8.count <= maximumLength, text.contains("RDF") || text.contains("rdf"),
            // No document type, so no entity definitions to expand (the "billion laughs").
            text.range(of: "<!DOCTYPE", options: .caseInsensitive) == nil,
            text.range(of: "<!ENTITY", options: .caseInsensitive) == nil
        else { return [] }
        // A synthetic root lets one comment hold several RDF blocks and stray text around them.
        let document = "<trackback-comment>\(escapingBareAmpersands(in: text))</trackback-comment>"
        let reader = TrackbackRDFReader()
        let parser = XMLParser(data: Data(document.utf8))
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        // On malformed XML the parser stops; what it read before still counts.
        _ = parser.parse()
        return reader.descriptions.filter { $0.ping != nil }
    }

    /// `text` with each `&` that does not start an entity or character reference written `&amp;`:
    /// pages print ping URLs with raw ampersands (`?p=1&tb=1`), which XML refuses.
    static func escapingBareAmpersands(in text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let ampersand = rest.firstIndex(of: "&") {
            result += rest[..<ampersand]
            let afterAmpersand = rest[rest.index(after: ampersand)...]
            let name = afterAmpersand.prefix { $0 == "#" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
            let isReference = !name.isEmpty && name.count <= 10 && afterAmpersand.dropFirst(name.count).first == ";"
            result += isReference ? "&" : "&amp;"
            rest = afterAmpersand
        }
        return result + rest
    }
}

/// The XMLParser delegate behind `TrackbackRDF`; collects descriptions, both in attribute form
/// and with `dc:identifier` and `trackback:ping` as child elements.
private final class TrackbackRDFReader: NSObject, XMLParserDelegate {
    var descriptions: [TrackbackRDF.Description] = []

    private static let customaryPrefixes = [
        "rdf": TrackbackRDF.rdfNamespace, "dc": TrackbackRDF.dublinCoreNamespace,
        "trackback": TrackbackRDF.trackbackNamespace,
    ]
    /// Prefix declarations of the open elements, innermost last.
    private var scopes: [[String: String]] = []
    /// The index in `descriptions` of each open `rdf:Description`.
    private var openDescriptions: [Int] = []
    private var depthOfOpenDescriptions: [Int] = []
    private var text = ""

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes: [String: String] = [:]
    ) {
        var declarations: [String: String] = [:]
        for (name, value) in attributes where name.hasPrefix("xmlns:") {
            declarations[String(name.dropFirst("xmlns:".count))] = value
        }
        scopes.append(declarations)
        text = ""
        let (namespace, localName) = resolve(elementName)
        if namespace == TrackbackRDF.rdfNamespace && localName == "Description" {
            var description = TrackbackRDF.Description()
            for (name, value) in attributes {
                switch resolve(name) {
                case (TrackbackRDF.rdfNamespace, "about"): description.about = value
                case (TrackbackRDF.dublinCoreNamespace, "identifier"): description.identifier = value
                case (TrackbackRDF.trackbackNamespace, "ping"): description.ping = value
                default: break
                }
            }
            descriptions.append(description)
            openDescriptions.append(descriptions.count - 1)
            depthOfOpenDescriptions.append(scopes.count)
        } else if let current = openDescriptions.last, namespace == TrackbackRDF.trackbackNamespace,
            localName == "ping"
        {
            // <trackback:ping rdf:resource="…"/>
            for (name, value) in attributes where resolve(name) == (TrackbackRDF.rdfNamespace, "resource") {
                descriptions[current].ping = descriptions[current].ping ?? value
            }
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if text.utf8.count < TrackbackRDF.maximumLength { text += string }
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?
    ) {
        let (namespace, localName) = resolve(elementName)
        if let current = openDescriptions.last {
            let value = text.trimmingWhitespace()
            if depthOfOpenDescriptions.last == scopes.count {
                openDescriptions.removeLast()
                depthOfOpenDescriptions.removeLast()
            } else if !value.isEmpty {
                switch (namespace, localName) {
                case (TrackbackRDF.dublinCoreNamespace, "identifier"):
                    descriptions[current].identifier = descriptions[current].identifier ?? value
                case (TrackbackRDF.trackbackNamespace, "ping"):
                    descriptions[current].ping = descriptions[current].ping ?? value
                default: break
                }
            }
        }
        text = ""
        if !scopes.isEmpty { scopes.removeLast() }
    }

    /// The namespace and local name of a qualified name, by the declarations in scope.
    private func resolve(_ qualifiedName: String) -> (String?, String) {
        guard let colon = qualifiedName.firstIndex(of: ":") else { return (nil, qualifiedName) }
        let prefix = String(qualifiedName[..<colon])
        let localName = String(qualifiedName[qualifiedName.index(after: colon)...])
        let namespace =
            scopes.reversed().lazy.compactMap { $0[prefix] }.first ?? Self.customaryPrefixes[prefix]
        return (namespace, localName)
    }
}
