import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Makes Graphviz's SVG fit to inline in a page, and checks it once more before it is: only the
/// elements and attributes Graphviz draws with, no event handlers, no styles, and links only
/// to http(s) addresses or this node's paths. The DOT it came from already allowed nothing
/// else; this holds even if a Graphviz version wrote something new.
public enum SVGCheck {
    static let elements: Set<String> = ["svg", "g", "title", "path", "polygon", "polyline", "ellipse", "text", "a", "desc"]
    static let attributes: Set<String> = [
        "width", "height", "viewBox", "xmlns", "xmlns:xlink", "id", "class", "transform", "fill", "stroke", "stroke-width",
        "stroke-dasharray", "points", "d", "cx", "cy", "rx", "ry", "x", "y", "text-anchor", "font-family", "font-size", "font-weight",
        "font-style", "xlink:href", "xlink:title", "href", "target",
    ]

    /// The `<svg>` element of `document` and what is in it, or nil if anything in it is not
    /// allowed.
    public static func inlineSVG(_ document: String) -> String? {
        guard let start = document.range(of: "<svg") else { return nil }
        let svg = String(document[start.lowerBound...])
        let parser = XMLParser(data: Data(svg.utf8))
        let delegate = Checker()
        parser.delegate = delegate
        parser.shouldResolveExternalEntities = false
        guard parser.parse(), delegate.isSafe, delegate.sawSVG else { return nil }
        return svg
    }

    final class Checker: NSObject, XMLParserDelegate {
        var isSafe = true
        var sawSVG = false

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]
        ) {
            if name == "svg" { sawSVG = true }
            guard SVGCheck.elements.contains(name) else { return fail(parser) }
            for (attribute, value) in attributes {
                guard SVGCheck.attributes.contains(attribute) else { return fail(parser) }
                if attribute.hasSuffix("href"), !SVGCheck.isAllowedLink(value) { return fail(parser) }
            }
        }

        func parser(_ parser: XMLParser, foundProcessingInstructionWithTarget target: String, data: String?) { fail(parser) }
        func parser(_ parser: XMLParser, foundCDATA block: Data) { fail(parser) }

        private func fail(_ parser: XMLParser) {
            isSafe = false
            parser.abortParsing()
        }
    }

    /// An http(s) address or a path of this node.
    public static func isAllowedLink(_ value: String) -> Bool {
        let lowered = value.lowercased()
        return lowered.hasPrefix("https://") || lowered.hasPrefix("http://") || (value.hasPrefix("/") && !value.hasPrefix("//"))
    }
}
