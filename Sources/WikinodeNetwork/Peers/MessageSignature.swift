import Crypto
import Foundation
import HTTPTypes
import RawStructuredFieldValues

/// HTTP Message Signatures (RFC 9421) with Ed25519, and Content-Digest (RFC 9530), as notices
/// between nodes use them.
///
/// A notice covers `@method`, `@target-uri`, `content-digest` and `content-type`, with the
/// parameters `created`, `keyid` (the sender's base URL), `alg="ed25519"` and a random `nonce`.
/// The verifier rebuilds the signature base from the request it received and the covered
/// components the sender listed, so another implementation may cover more. The fields are
/// structured fields (RFC 8941), read and written with swift-http-structured-headers, never
/// split by hand: on the security path a quoted comma or an odd space must mean what the RFC
/// says it means.
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
    ) throws -> HTTPFields {
        let digest = contentDigest(body)
        let components: BareInnerList = ["@method", "@target-uri", "content-digest", "content-type"].reduce(into: BareInnerList()) {
            $0.append(Item(bareItem: RFC9651BareItem.string($1), parameters: OrderedMap()))
        }
        var parameters = OrderedMap<String, RFC9651BareItem>()
        parameters["created"] = .integer(Int64(created.timeIntervalSince1970))
        parameters["keyid"] = .string(keyId)
        parameters["alg"] = .string("ed25519")
        parameters["nonce"] = .string(nonce)
        let signatureParameters = try serialized(InnerList(bareInnerList: components, parameters: parameters))
        let base = [
            "\"@method\": \(method.uppercased())", "\"@target-uri\": \(targetURI)", "\"content-digest\": \(digest)",
            "\"content-type\": \(contentType)", "\"@signature-params\": \(signatureParameters)",
        ].joined(separator: "\n")
        let signature = try key.signature(for: Data(base.utf8))
        return [
            .contentType: contentType, .contentDigest: digest, .signatureInput: "\(label)=\(signatureParameters)",
            .signature: "\(label)=:\(signature.base64EncodedString()):",
        ]
    }

    /// An inner list with its parameters as RFC 8941 serialises it: the `@signature-params`
    /// value, and a member of `Signature-Input`.
    static func serialized(_ list: InnerList) throws -> String {
        var serializer = StructuredFieldValueSerializer()
        return String(decoding: try serializer.writeListFieldValue([.innerList(list)]), as: UTF8.self)
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
        public var headers: HTTPFields
        public var body: Data

        public init(method: String, targetURI: String, headers: HTTPFields, body: Data) {
            self.method = method
            self.targetURI = targetURI
            self.headers = headers
            self.body = body
        }

        /// A field's values joined as RFC 9421 §2.1 asks, or nil when absent.
        func field(_ name: HTTPField.Name) -> String? {
            let values = headers[values: name].map { $0.trimmingCharacters(in: .whitespaces) }
            return values.isEmpty ? nil : values.joined(separator: ", ")
        }

        func field(_ name: String) -> String? {
            HTTPField.Name(name).flatMap { field($0) }
        }
    }

    /// Reads the signature's parameters without checking it: the key id tells which key to
    /// check it with.
    public static func keyId(of request: SignedRequest) throws(RemoteError) -> String {
        try parse(request).keyId
    }

    /// Checks the content digest and the signature with `publicKey`; throws
    /// `RemoteError.unauthorized` with the reason otherwise.
    public static func verify(_ request: SignedRequest, publicKey: Curve25519.Signing.PublicKey) throws(RemoteError) -> Verified {
        let parsed = try parse(request)
        guard let digestField = request.field(.contentDigest) else { throw .unauthorized("The notice has no Content-Digest.") }
        guard digestMatches(digestField, body: request.body) else { throw .unauthorized("The Content-Digest does not match the body.") }
        let base = try signatureBase(
            components: parsed.components, parameters: parsed.parameters, field: request.field,
            derived: { name in
                switch name {
                case "@method": request.method.uppercased()
                case "@target-uri": request.targetURI
                default: nil
                }
            })
        guard publicKey.isValidSignature(parsed.signature, for: Data(base.utf8)) else {
            throw .unauthorized("The signature does not verify with the key pinned for \(parsed.keyId).")
        }
        return Verified(keyId: parsed.keyId, created: parsed.created, nonce: parsed.nonce)
    }

    /// The signature base (RFC 9421 §2.5) of the covered `components`: derived ones (`@…`) from
    /// `derived` (nil: not supported), the others from the request's fields; throws
    /// `.unauthorized` for a component that cannot be had.
    static func signatureBase(
        components: [String], parameters: String, field: (String) -> String?, derived: (String) -> String?
    ) throws(RemoteError) -> String {
        var lines: [String] = []
        for component in components {
            let value: String?
            if component.hasPrefix("@") {
                value = derived(component)
                guard value != nil else { throw .unauthorized("The signature covers \(component), which this node does not support.") }
            } else {
                value = field(component)
                guard value != nil else { throw .unauthorized("The signature covers \(component), which the request lacks.") }
            }
            lines.append("\"\(component)\": \(value!)")
        }
        lines.append("\"@signature-params\": \(parameters)")
        return lines.joined(separator: "\n")
    }

    struct Parsed {
        var components: [String]
        /// The inner list and its parameters, serialised as RFC 8941 says: the
        /// `@signature-params` value.
        var parameters: String
        var keyId: String
        var created: Date
        var nonce: String
        var signature: Data
    }

    static func parse(_ request: SignedRequest) throws(RemoteError) -> Parsed {
        guard let input = request.field(.signatureInput), let signatureField = request.field(.signature) else {
            throw .unauthorized("The notice is not signed: send Signature-Input and Signature (RFC 9421).")
        }
        guard input.utf8.count <= 4096, signatureField.utf8.count <= 4096 else { throw .unauthorized("The signature headers are too long.") }
        guard let inputs = dictionary(input), let signatures = dictionary(signatureField) else {
            throw .unauthorized("Signature-Input and Signature must be structured-field dictionaries (RFC 8941).")
        }
        // Our label first, else the first signature (in the order sent) whose label has a value in both.
        let labels = inputs.map(\.0)
        guard let label = inputs[label] != nil ? label : labels.first(where: { signatures[$0] != nil }),
            case .innerList(let list) = inputs[label], case .item(let signatureItem) = signatures[label]
        else { throw .unauthorized("Signature-Input and Signature name no common signature.") }
        guard case .undecodedByteSequence(let encoded) = signatureItem.rfc9651BareItem, let signature = Data(base64Encoded: encoded),
            signature.count == 64
        else { throw .unauthorized("The Signature is not a base64 Ed25519 signature between colons.") }
        var components: [String] = []
        for item in list.bareInnerList {
            // Component parameters (;sf, ;key, ;req…) change what a component means: none is supported.
            guard case .string(let name) = item.rfc9651BareItem, item.rfc9651Parameters.count == 0 else {
                throw .unauthorized("Signature-Input lists a component this node cannot read.")
            }
            guard name == name.lowercased(), !name.isEmpty, !components.contains(name) else {
                throw .unauthorized("Signature-Input lists \(name) wrongly.")
            }
            components.append(name)
        }
        let missing = requiredComponents.subtracting(components)
        guard missing.isEmpty else { throw .unauthorized("The signature must cover \(missing.sorted().joined(separator: ", ")).") }
        let parameters = list.rfc9651Parameters
        if let algorithm = parameters["alg"] {
            guard case .string("ed25519") = algorithm else { throw .unauthorized("The signature algorithm is not ed25519.") }
        }
        guard case .string(let keyId) = parameters["keyid"], !keyId.isEmpty else { throw .unauthorized("The signature has no keyid.") }
        guard case .integer(let created) = parameters["created"] else { throw .unauthorized("The signature has no creation time.") }
        guard case .string(let nonce) = parameters["nonce"], !nonce.isEmpty, nonce.count <= 100 else {
            throw .unauthorized("The signature has no nonce.")
        }
        guard let signatureParameters = try? serialized(list) else { throw .unauthorized("Signature-Input cannot be serialised again.") }
        return Parsed(
            components: components, parameters: signatureParameters, keyId: keyId,
            created: Date(timeIntervalSince1970: TimeInterval(created)), nonce: nonce, signature: signature)
    }

    /// A structured-field dictionary, or nil when the field is not one.
    static func dictionary(_ field: String) -> OrderedMap<String, ItemOrInnerList>? {
        var parser = StructuredFieldValueParser(Array(field.utf8))
        return try? parser.parseDictionaryFieldValue()
    }

    static func digestMatches(_ field: String, body: Data) -> Bool {
        guard let members = dictionary(field) else { return false }
        func bytes(_ algorithm: String) -> Data? {
            guard case .item(let item) = members[algorithm], case .undecodedByteSequence(let encoded) = item.rfc9651BareItem else { return nil }
            return Data(base64Encoded: encoded)
        }
        if let digest = bytes("sha-512") { return digest == Data(SHA512.hash(data: body)) }
        if let digest = bytes("sha-256") { return digest == Data(SHA256.hash(data: body)) }
        return false
    }
}

extension HTTPField.Name {
    /// RFC 9530.
    public static var contentDigest: Self { Self("Content-Digest")! }
    /// RFC 9421.
    public static var signatureInput: Self { Self("Signature-Input")! }
    public static var signature: Self { Self("Signature")! }
}
