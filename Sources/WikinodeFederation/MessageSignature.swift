import Crypto
import Foundation

/// HTTP Message Signatures (RFC 9421) with Ed25519, and Content-Digest (RFC 9530), as notices
/// between nodes use them.
///
/// A notice covers `@method`, `@target-uri`, `content-digest` and `content-type`, with the
/// parameters `created`, `keyid` (the sender's base URL), `alg="ed25519"` and a random `nonce`.
/// The verifier rebuilds the signature base from the request it received and the covered
/// components the sender listed, so another implementation may cover more.
public enum MessageSignature {
    public static let label = "wikinode"
    static let requiredComponents: Set<String> = ["@method", "@target-uri", "content-digest"]

    /// `Content-Digest` for a body: `sha-256=:base64:`.
    public static func contentDigest(_ body: Data) -> String {
        "sha-256=:\(Data(SHA256.hash(data: body)).base64EncodedString()):"
    }

    /// The headers to add to a POST of `body` to `targetURI`.
    public static func sign(
        method: String, targetURI: String, contentType: String, body: Data, keyId: String,
        key: Curve25519.Signing.PrivateKey, created: Date = Date(), nonce: String = randomNonce()
    ) throws -> [(String, String)] {
        let digest = contentDigest(body)
        let parameters =
            "(\"@method\" \"@target-uri\" \"content-digest\" \"content-type\");created=\(Int(created.timeIntervalSince1970));keyid=\(quoted(keyId));alg=\"ed25519\";nonce=\(quoted(nonce))"
        let base = [
            "\"@method\": \(method.uppercased())", "\"@target-uri\": \(targetURI)", "\"content-digest\": \(digest)",
            "\"content-type\": \(contentType)", "\"@signature-params\": \(parameters)",
        ].joined(separator: "\n")
        let signature = try key.signature(for: Data(base.utf8))
        return [
            ("Content-Type", contentType), ("Content-Digest", digest), ("Signature-Input", "\(label)=\(parameters)"),
            ("Signature", "\(label)=:\(signature.base64EncodedString()):"),
        ]
    }

    public static func randomNonce() -> String {
        Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    }

    /// What a valid signature says.
    public struct Verified: Sendable, Equatable {
        public let keyId: String
        public let created: Date
        public let nonce: String
    }

    /// The parts of a signed request the verifier reads.
    public struct SignedRequest: Sendable {
        public var method: String
        public var targetURI: String
        public var headers: [(name: String, value: String)]
        public var body: Data

        public init(method: String, targetURI: String, headers: [(name: String, value: String)], body: Data) {
            self.method = method
            self.targetURI = targetURI
            self.headers = headers
            self.body = body
        }

        /// A header's values joined as RFC 9421 §2.1 asks, or nil when absent.
        func field(_ name: String) -> String? {
            let values = headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }
                .map { $0.value.trimmingCharacters(in: .whitespaces) }
            return values.isEmpty ? nil : values.joined(separator: ", ")
        }
    }

    /// Reads the signature's parameters without checking it: the key id tells which key to
    /// check it with.
    public static func keyId(of request: SignedRequest) throws(FederationError) -> String {
        try parse(request).keyId
    }

    /// Checks the content digest and the signature with `publicKey`; throws
    /// `FederationError.unauthorized` with the reason otherwise.
    public static func verify(_ request: SignedRequest, publicKey: Curve25519.Signing.PublicKey) throws(FederationError) -> Verified {
        let parsed = try parse(request)
        guard let digestField = request.field("Content-Digest") else { throw .unauthorized("The notice has no Content-Digest.") }
        guard digestMatches(digestField, body: request.body) else { throw .unauthorized("The Content-Digest does not match the body.") }
        var lines: [String] = []
        for component in parsed.components {
            let value: String
            switch component {
            case "@method": value = request.method.uppercased()
            case "@target-uri": value = request.targetURI
            case let name where name.hasPrefix("@"): throw .unauthorized("The signature covers \(name), which this node does not support.")
            default:
                guard let field = request.field(component) else { throw .unauthorized("The signature covers \(component), which the request lacks.") }
                value = field
            }
            lines.append("\"\(component)\": \(value)")
        }
        lines.append("\"@signature-params\": \(parsed.parameters)")
        guard publicKey.isValidSignature(parsed.signature, for: Data(lines.joined(separator: "\n").utf8)) else {
            throw .unauthorized("The signature does not verify with the key pinned for \(parsed.keyId).")
        }
        return Verified(keyId: parsed.keyId, created: parsed.created, nonce: parsed.nonce)
    }

    struct Parsed {
        var components: [String]
        /// The inner list and its parameters as sent: the `@signature-params` value.
        var parameters: String
        var keyId: String
        var created: Date
        var nonce: String
        var signature: Data
    }

    static func parse(_ request: SignedRequest) throws(FederationError) -> Parsed {
        guard let input = request.field("Signature-Input"), let signatureField = request.field("Signature") else {
            throw .unauthorized("The notice is not signed: send Signature-Input and Signature (RFC 9421).")
        }
        guard input.utf8.count <= 4096, signatureField.utf8.count <= 4096 else { throw .unauthorized("The signature headers are too long.") }
        let inputs = dictionary(input)
        let signatures = dictionary(signatureField)
        // Our label first, else the first signature whose label has a value in both headers.
        guard let label = inputs[label] != nil ? label : inputs.keys.sorted().first(where: { signatures[$0] != nil }),
            let parameters = inputs[label], let signatureValue = signatures[label]
        else { throw .unauthorized("Signature-Input and Signature name no common signature.") }
        guard signatureValue.hasPrefix(":"), signatureValue.hasSuffix(":"), signatureValue.count >= 2,
            let signature = Data(base64Encoded: String(signatureValue.dropFirst().dropLast())), signature.count == 64
        else { throw .unauthorized("The Signature is not a base64 Ed25519 signature between colons.") }
        guard parameters.hasPrefix("("), let close = parameters.firstIndex(of: ")") else {
            throw .unauthorized("Signature-Input is not an inner list of components.")
        }
        let list = parameters[parameters.index(after: parameters.startIndex)..<close]
        var components: [String] = []
        for item in list.split(separator: " ", omittingEmptySubsequences: true) {
            guard item.count >= 2, item.hasPrefix("\""), item.hasSuffix("\""), !item.dropFirst().dropLast().contains("\"") else {
                throw .unauthorized("Signature-Input lists a component this node cannot read: \(item.prefix(40)).")
            }
            let name = String(item.dropFirst().dropLast())
            guard name == name.lowercased(), !components.contains(name) else { throw .unauthorized("Signature-Input lists \(name) wrongly.") }
            components.append(name)
        }
        let missing = requiredComponents.subtracting(components)
        guard missing.isEmpty else { throw .unauthorized("The signature must cover \(missing.sorted().joined(separator: ", ")).") }
        var values: [String: String] = [:]
        for part in parameters[parameters.index(after: close)...].split(separator: ";", omittingEmptySubsequences: true) {
            guard let equals = part.firstIndex(of: "=") else { continue }
            var value = String(part[part.index(after: equals)...])
            if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            values[String(part[..<equals]).trimmingCharacters(in: .whitespaces)] = value
        }
        if let algorithm = values["alg"], algorithm != "ed25519" { throw .unauthorized("The signature algorithm \(algorithm) is not ed25519.") }
        guard let keyId = values["keyid"], !keyId.isEmpty else { throw .unauthorized("The signature has no keyid.") }
        guard let created = values["created"].flatMap(Int.init) else { throw .unauthorized("The signature has no creation time.") }
        guard let nonce = values["nonce"], !nonce.isEmpty, nonce.count <= 100 else { throw .unauthorized("The signature has no nonce.") }
        return Parsed(
            components: components, parameters: parameters, keyId: keyId, created: Date(timeIntervalSince1970: TimeInterval(created)),
            nonce: nonce, signature: signature)
    }

    /// A structured-field dictionary split at its top-level commas (commas inside quoted strings
    /// or inner lists are kept), label → raw member value.
    static func dictionary(_ field: String) -> [String: String] {
        var members: [String] = []
        var current = ""
        var inQuotes = false
        var depth = 0
        var escaped = false
        for character in field {
            if escaped { escaped = false; current.append(character); continue }
            switch character {
            case "\\" where inQuotes: escaped = true
            case "\"": inQuotes.toggle()
            case "(" where !inQuotes: depth += 1
            case ")" where !inQuotes: depth -= 1
            case "," where !inQuotes && depth == 0:
                members.append(current)
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        members.append(current)
        var result: [String: String] = [:]
        for member in members {
            let trimmed = member.trimmingCharacters(in: .whitespaces)
            guard let equals = trimmed.firstIndex(of: "=") else { continue }
            let key = String(trimmed[..<equals])
            if result[key] == nil { result[key] = String(trimmed[trimmed.index(after: equals)...]) }
        }
        return result
    }

    static func digestMatches(_ field: String, body: Data) -> Bool {
        let members = dictionary(field)
        if let value = members["sha-512"], value.hasPrefix(":"), value.hasSuffix(":"), value.count >= 2 {
            return Data(base64Encoded: String(value.dropFirst().dropLast())) == Data(SHA512.hash(data: body))
        }
        if let value = members["sha-256"], value.hasPrefix(":"), value.hasSuffix(":"), value.count >= 2 {
            return Data(base64Encoded: String(value.dropFirst().dropLast())) == Data(SHA256.hash(data: body))
        }
        return false
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
