import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// What a Trackback endpoint answered: `<response><error>0</error></response>` for success, or
/// an error code with a `<message>`.
public struct TrackbackReply: Sendable, Equatable {
    public let error: Int
    public let message: String?

    public var isSuccess: Bool { error == 0 }

    public init(error: Int, message: String?) {
        self.error = error
        self.message = message
    }

    /// Reads a reply from another site (untrusted: the limits of XML-RPC's parsing apply).
    public static func parse(_ data: Data) throws(XMLRPC.ParseError) -> TrackbackReply {
        let reader = Reader()
        try XMLRPC.parse(data, what: "reply", with: reader) { reader.problem }
        guard let code = reader.error.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
            throw .malformed("The reply is not a Trackback response with an error code.")
        }
        return TrackbackReply(error: code, message: reader.message?.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private final class Reader: NSObject, XMLParserDelegate {
        var error: String?
        var message: String?
        var problem: String?
        private var path: [String] = []
        private var text = ""

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            if path.isEmpty, name != "response" || path.count >= 32 {
                problem = "The body is not a Trackback response."
                parser.abortParsing()
            }
            path.append(name)
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            text += string
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if path == ["response", "error"] { error = text }
            if path == ["response", "message"] { message = text }
            path.removeLast()
            text = ""
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            if problem == nil { problem = "The reply is not well-formed XML." }
        }
    }
}
