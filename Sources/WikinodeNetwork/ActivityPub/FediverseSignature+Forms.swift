import Foundation
import RawStructuredFieldValues
import WikinodeCore
import _CryptoExtras

extension FediverseSignature {
    /// draft-cavage-http-signatures, as Mastodon sends it: the `Signature` field (or
    /// `Authorization: Signature …`), a list of `name="value"` parameters.
    enum Cavage {
        struct Parsed {
            var keyId: String
            var headers: [String]
            var signature: Data
            var created: Date?
        }

        /// The parameters of the field, read with quotes respected (a comma inside quotes is
        /// part of the value); nil for a field that is not such a list.
        static func parameters(_ field: String) -> [String: String]? {
            var result: [String: String] = [:]
            var rest = Substring(field)
            while true {
                rest = rest.drop { $0 == " " || $0 == "," }
                if rest.isEmpty { return result }
                guard let equals = rest.firstIndex(of: "=") else { return nil }
                let name = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
                rest = rest[rest.index(after: equals)...]
                var value = ""
                if rest.first == "\"" {
                    rest = rest.dropFirst()
                    guard let close = rest.firstIndex(of: "\"") else { return nil }
                    value = String(rest[..<close])
                    rest = rest[rest.index(after: close)...]
                } else {
                    let end = rest.firstIndex(of: ",") ?? rest.endIndex
                    value = rest[..<end].trimmingCharacters(in: .whitespaces)
                    rest = rest[end...]
                }
                guard !name.isEmpty, result[name] == nil else { return nil }
                result[name] = value
            }
        }

        static func parse(_ request: SignedRequest) throws(RemoteError) -> Parsed {
            var field = request.field("signature")
            if field == nil, let authorization = request.field("authorization"), authorization.lowercased().hasPrefix("signature ") {
                field = String(authorization.dropFirst("signature ".count))
            }
            guard let field else {
                throw .unauthorized("The request is not signed: send an HTTP Signature (draft-cavage, as Mastodon does, or RFC 9421).")
            }
            guard field.utf8.count <= 8192, let parameters = parameters(field) else { throw .unauthorized("The Signature field cannot be read.") }
            guard let keyId = parameters["keyid"], !keyId.isEmpty else { throw .unauthorized("The signature has no keyId.") }
            if let algorithm = parameters["algorithm"]?.lowercased(), algorithm != "rsa-sha256", algorithm != "hs2019" {
                throw .unauthorized("The signature algorithm \(algorithm) is not accepted here (rsa-sha256 is).")
            }
            guard let encoded = parameters["signature"], let signature = Data(base64Encoded: encoded), (128...1024).contains(signature.count)
            else { throw .unauthorized("The signature is not a base64 RSA signature.") }
            let headers = (parameters["headers"] ?? "date").lowercased().split(separator: " ").map(String.init)
            guard Set(headers).count == headers.count else { throw .unauthorized("The signature lists a header twice.") }
            // Whole seconds, as the draft writes them, in a range a date can be (no 1e300, no nan).
            var created: Date?
            if let text = parameters["created"] {
                guard let seconds = Int64(text), (0...4_102_444_800).contains(seconds) else {
                    throw .unauthorized("The signature's created is not a time in whole seconds.")
                }
                created = Date(timeIntervalSince1970: TimeInterval(seconds))
            }
            return Parsed(keyId: keyId, headers: headers, signature: signature, created: created)
        }

        static func verify(_ request: SignedRequest, publicKey: _RSA.Signing.PublicKey) throws(RemoteError) -> Verified {
            let parsed = try parse(request)
            let covered = Set(parsed.headers)
            guard covered.contains("(request-target)"), covered.contains("host"), covered.contains("date") || covered.contains("(created)")
            else { throw .unauthorized("The signature must cover (request-target), host and date.") }
            if !request.body.isEmpty { try checkDigests(of: request, covered: covered) }
            var lines: [String] = []
            for name in parsed.headers {
                switch name {
                case "(request-target)":
                    lines.append("(request-target): \(request.method.lowercased()) \(request.path)")
                case "(created)":
                    guard let created = parsed.created else { throw .unauthorized("The signature covers (created) but gives none.") }
                    lines.append("(created): \(Int(created.timeIntervalSince1970))")
                case let pseudo where pseudo.hasPrefix("("):
                    throw .unauthorized("The signature covers \(pseudo), which this node does not read.")
                default:
                    guard let value = request.field(name) else { throw .unauthorized("The signature covers \(name), which the request lacks.") }
                    lines.append("\(name): \(value)")
                }
            }
            guard isValid(parsed.signature, of: lines.joined(separator: "\n"), with: publicKey) else {
                throw .unauthorized("The signature does not verify with the key of \(parsed.keyId).")
            }
            let date = covered.contains("date") ? request.field("date").flatMap(HTTPDate.parse) : parsed.created
            guard let date else { throw .unauthorized("The signed Date cannot be read.") }
            return Verified(keyId: parsed.keyId, date: date, replayKey: "cavage:" + parsed.signature.base64EncodedString())
        }
    }

    /// RFC 9421 HTTP Message Signatures with an RSA key (`alg="rsa-v1_5-sha256"`, or no `alg`).
    enum RFC9421 {
        struct Parsed {
            var keyId: String
            var components: [String]
            var parameters: String
            var signature: Data
            var created: Date
            var nonce: String?
        }

        static func parse(_ request: SignedRequest) throws(RemoteError) -> Parsed {
            guard let input = request.field("signature-input"), let signatureField = request.field("signature") else {
                throw .unauthorized("Signature-Input comes with Signature.")
            }
            guard input.utf8.count <= 8192, signatureField.utf8.count <= 8192, let inputs = MessageSignature.dictionary(input),
                let signatures = MessageSignature.dictionary(signatureField)
            else { throw .unauthorized("Signature-Input and Signature must be structured-field dictionaries (RFC 8941).") }
            guard let label = inputs.map(\.0).first(where: { signatures[$0] != nil }), case .innerList(let list) = inputs[label],
                case .item(let signatureItem) = signatures[label], case .undecodedByteSequence(let encoded) = signatureItem.rfc9651BareItem,
                let signature = Data(base64Encoded: encoded), (128...1024).contains(signature.count)
            else { throw .unauthorized("Signature-Input and Signature name no common RSA signature.") }
            var components: [String] = []
            for item in list.bareInnerList {
                guard case .string(let name) = item.rfc9651BareItem, item.rfc9651Parameters.count == 0, name == name.lowercased(), !name.isEmpty,
                    !components.contains(name)
                else { throw .unauthorized("Signature-Input lists a component this node cannot read.") }
                components.append(name)
            }
            let parameters = list.rfc9651Parameters
            if let algorithm = parameters["alg"] {
                guard case .string("rsa-v1_5-sha256") = algorithm else { throw .unauthorized("The signature algorithm is not rsa-v1_5-sha256.") }
            }
            guard case .string(let keyId) = parameters["keyid"], !keyId.isEmpty else { throw .unauthorized("The signature has no keyid.") }
            guard case .integer(let created) = parameters["created"] else { throw .unauthorized("The signature has no creation time.") }
            var nonce: String?
            if case .string(let value) = parameters["nonce"] { nonce = String(value.prefix(200)) }
            guard let serialized = try? MessageSignature.serialized(list) else { throw .unauthorized("Signature-Input cannot be serialised again.") }
            return Parsed(
                keyId: keyId, components: components, parameters: serialized, signature: signature,
                created: Date(timeIntervalSince1970: TimeInterval(created)), nonce: nonce)
        }

        static func verify(_ request: SignedRequest, publicKey: _RSA.Signing.PublicKey) throws(RemoteError) -> Verified {
            let parsed = try parse(request)
            let covered = Set(parsed.components)
            guard covered.contains("@method"), covered.contains("@target-uri") || (covered.contains("@authority") && covered.contains("@path"))
            else { throw .unauthorized("The signature must cover @method and @target-uri (or @authority and @path).") }
            if !request.body.isEmpty { try checkDigests(of: request, covered: covered) }
            let target = URLComponents(string: request.targetURI)
            let path = String(request.path.prefix { $0 != "?" })
            let query = request.path.firstIndex(of: "?").map { String(request.path[$0...]) } ?? "?"
            let authority = (target?.host?.lowercased() ?? "") + (target?.port.map { ":\($0)" } ?? "")
            let base = try MessageSignature.signatureBase(
                components: parsed.components, parameters: parsed.parameters, field: request.field,
                derived: { name in
                    switch name {
                    case "@method": request.method.uppercased()
                    case "@target-uri": request.targetURI
                    case "@authority": authority
                    case "@path": path.isEmpty ? "/" : path
                    case "@query": query
                    case "@request-target": request.path
                    default: nil
                    }
                })
            guard isValid(parsed.signature, of: base, with: publicKey) else {
                throw .unauthorized("The signature does not verify with the key of \(parsed.keyId).")
            }
            return Verified(
                keyId: parsed.keyId, date: parsed.created, replayKey: "rfc9421:" + (parsed.nonce ?? parsed.signature.base64EncodedString()))
        }
    }
}
