import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

extension XMLRPC {
    /// What a Pingback server answered: a value, or a fault with its code.
    public enum Reply: Sendable, Equatable {
        case value(String)
        case fault(code: Int, message: String)
    }

    /// Reads a `methodResponse` from another site (untrusted: the limits of `parse` apply).
    public static func parseReply(_ data: Data) throws(ParseError) -> Reply {
        let reader = ReplyReader()
        try parse(data, what: "reply", with: reader) { reader.error }
        if reader.isFault {
            guard let code = reader.faultCode.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
                throw .malformed("The fault has no integer faultCode.")
            }
            return .fault(code: code, message: reader.faultString ?? "")
        }
        guard let value = reader.value else { throw .malformed("The body is not an XML-RPC methodResponse with a value.") }
        return .value(value)
    }

    private final class ReplyReader: NSObject, XMLParserDelegate {
        var value: String?
        var isFault = false
        var faultCode: String?
        var faultString: String?
        var error: String?
        private var path: [String] = []
        private var text = ""
        private var memberName: String?
        private var memberValue: String?

        private static let faultMember = ["methodResponse", "fault", "value", "struct", "member"]
        private static let paramValue = ["methodResponse", "params", "param", "value"]

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            if path.isEmpty, name != "methodResponse" { fail(parser, "The body is not an XML-RPC methodResponse.") }
            if path.count >= 32 { fail(parser, "The reply is nested too deeply.") }
            if path == ["methodResponse"], name == "fault" { isFault = true }
            path.append(name)
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            text += string
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch path {
            case Self.paramValue + [path.last ?? ""] where path.count == 5:
                value = text  // <value><string>…</string></value>, or another scalar type
            case Self.paramValue:
                if value == nil { value = text }  // an untyped <value> is a string
            case Self.faultMember + ["name"]:
                memberName = text.trimmingCharacters(in: .whitespacesAndNewlines)
            case Self.faultMember + ["value", path.last ?? ""] where path.count == 7:
                memberValue = text
            case Self.faultMember + ["value"]:
                if memberValue == nil { memberValue = text }
            case Self.faultMember:
                if memberName == "faultCode" { faultCode = memberValue }
                if memberName == "faultString" { faultString = memberValue }
                memberName = nil
                memberValue = nil
            default:
                break
            }
            path.removeLast()
            text = ""
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            if error == nil { error = "The reply is not well-formed XML." }
        }

        private func fail(_ parser: XMLParser, _ message: String) {
            if error == nil { error = message }
            parser.abortParsing()
        }
    }
}
