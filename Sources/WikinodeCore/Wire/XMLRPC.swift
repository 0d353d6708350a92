import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The little of XML-RPC that Pingback needs: a `methodCall` with string parameters in, a
/// string or a fault out.
public enum XMLRPC {
    public struct Call: Sendable, Equatable {
        public let methodName: String
        /// Parameter values as text (`<string>`, an untyped `<value>`, or a scalar's text).
        public let parameters: [String]
    }

    public enum ParseError: Error, Sendable, Equatable {
        case malformed(String)
    }

    /// The most a call may weigh.
    public static let maximumBytes = 64 << 10

    /// Reads a `methodCall`; refuses DTDs and entities (no billion laughs, no external files).
    public static func parseCall(_ data: Data) throws(ParseError) -> Call {
        let reader = CallReader()
        try parse(data, what: "call", with: reader) { reader.error }
        guard reader.sawMethodCall, let name = reader.methodName, !name.isEmpty else {
            throw .malformed("The body is not an XML-RPC methodCall.")
        }
        return Call(methodName: name, parameters: reader.parameters)
    }

    /// Parses a small untrusted document with `delegate`: at most `maximumBytes`, UTF-8, and no
    /// DTD or entity anywhere (no billion laughs, no external files).
    static func parse(_ data: Data, what: String, with delegate: any XMLParserDelegate, error: () -> String?) throws(ParseError) {
        guard data.count <= maximumBytes else { throw .malformed("The \(what) is larger than \(maximumBytes) bytes.") }
        // UTF-8 only: another encoding could hide a declaration from the scan below.
        guard String(data: data, encoding: .utf8) != nil, !data.contains(0) else { throw .malformed("A \(what) must be UTF-8 XML.") }
        if hasDeclaration(data) {
            throw .malformed("A \(what) may not have a document type or entities.")
        }
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        guard parser.parse(), error() == nil else {
            throw .malformed(error() ?? "The \(what) is not well-formed XML.")
        }
    }

    /// Whether the document has a `<!` that is neither a comment nor CDATA: a document type,
    /// an entity or another declaration, anywhere (the whole call is scanned; it is small).
    static func hasDeclaration(_ data: Data) -> Bool {
        let bytes = [UInt8](data)
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "<") && bytes[index + 1] == UInt8(ascii: "!") {
                let rest = bytes[(index + 2)...]
                if !rest.starts(with: Array("--".utf8)) && !rest.starts(with: Array("[CDATA[".utf8)) { return true }
            }
            index += 1
        }
        return false
    }

    /// `<methodResponse>` with one string.
    public static func response(_ string: String) -> String {
        var writer = XMLWriter()
        writer.element("methodResponse") { response in
            response.element("params") { params in
                params.element("param") { param in
                    param.element("value") { value in value.element("string", text: string) }
                }
            }
        }
        return writer.output
    }

    /// `<methodResponse>` with a fault.
    public static func fault(code: Int, message: String) -> String {
        var writer = XMLWriter()
        writer.element("methodResponse") { response in
            response.element("fault") { fault in
                fault.element("value") { value in
                    value.element("struct") { members in
                        members.element("member") { member in
                            member.element("name", text: "faultCode")
                            member.element("value") { $0.element("int", text: String(code)) }
                        }
                        members.element("member") { member in
                            member.element("name", text: "faultString")
                            member.element("value") { $0.element("string", text: message) }
                        }
                    }
                }
            }
        }
        return writer.output
    }

    private final class CallReader: NSObject, XMLParserDelegate {
        var sawMethodCall = false
        var methodName: String?
        var parameters: [String] = []
        var error: String?
        private var path: [String] = []
        private var text = ""
        private var depth = 0

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            depth += 1
            if depth > 32 {
                error = "The call is nested too deeply."
                parser.abortParsing()
                return
            }
            if path.isEmpty {
                guard name == "methodCall" else {
                    error = "The body is not an XML-RPC methodCall."
                    parser.abortParsing()
                    return
                }
                sawMethodCall = true
            }
            path.append(name)
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            text += string
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            depth -= 1
            switch path {
            case ["methodCall", "methodName"]:
                methodName = text.trimmingCharacters(in: .whitespacesAndNewlines)
            case let inner where inner.count == 5 && inner.starts(with: ["methodCall", "params", "param", "value"]):
                current = text  // <value><string>…</string></value>, or another scalar type
            case ["methodCall", "params", "param", "value"]:
                if current == nil { current = text }  // an untyped <value>…</value> is a string
            case ["methodCall", "params", "param"]:
                parameters.append(current ?? "")
                current = nil
            default:
                break
            }
            path.removeLast()
            text = ""
        }

        private var current: String?

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            if error == nil { error = "The call is not well-formed XML." }
        }
    }
}
