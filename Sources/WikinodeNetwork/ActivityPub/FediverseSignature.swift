import Crypto
import Foundation
import HTTPTypes
import WikinodeCore
import _CryptoExtras

/// HTTP Signatures as the fediverse uses them, with RSA keys (RSASSA-PKCS1-v1_5, SHA-256).
///
/// Requests the node sends are signed in the form every Mastodon version accepts, the
/// draft-cavage one: `Signature: keyId="…",algorithm="rsa-sha256",headers="(request-target) host
/// date digest",signature="…"` with `Digest: SHA-256=…` of the body. Requests it receives are
/// verified in that form or in RFC 9421's (`FediverseSignature+RFC9421.swift`).
public enum FediverseSignature {
    /// How far a signature's date may be from now, either way (Mastodon allows 12 hours).
    public static let window: TimeInterval = 12 * 3600

    /// `Digest` (RFC 3230) of a body: `SHA-256=base64`.
    public static func digest(_ body: Data) -> String {
        "SHA-256=" + Data(SHA256.hash(data: body)).base64EncodedString()
    }

    /// The headers to add to a request to `url`: `Host`, `Date`, for a body `Digest` and
    /// `Content-Type`, and `Signature` over them.
    public static func sign(
        method: String, url: URL, body: Data?, contentType: String = ActivityFields.contentType, keyId: String, key: _RSA.Signing.PrivateKey,
        date: Date = Date()
    ) throws -> HTTPFields {
        guard let host = url.host else { throw RemoteError.invalidURL(url.absoluteString) }
        let hostField = url.port.map { "\(host):\($0)" } ?? host
        // `Host` is covered by the signature; HTTPTypes keeps it out of header fields (it is the
        // request's authority), so it is named by hand. AsyncHTTPClient sends this same value.
        var fields: HTTPFields = [HTTPField.Name("Host")!: hostField, .date: HTTPDate.format(date)]
        var covered = ["(request-target)", "host", "date"]
        if let body {
            fields[.digest] = digest(body)
            fields[.contentType] = contentType
            covered.append("digest")
        }
        let lines = covered.map { name -> String in
            switch name {
            case "(request-target)": "(request-target): \(method.lowercased()) \(requestTarget(of: url))"
            default: "\(name): \(fields[HTTPField.Name(name)!] ?? "")"
            }
        }
        let signature = try key.signature(for: Data(lines.joined(separator: "\n").utf8), padding: .insecurePKCS1v1_5)
        fields[.signature] =
            #"keyId="\#(keyId)",algorithm="rsa-sha256",headers="\#(covered.joined(separator: " "))",signature="\#(signature.rawRepresentation.base64EncodedString())""#
        return fields
    }

    /// The path and query of `url`, as `(request-target)` has them.
    static func requestTarget(of url: URL) -> String {
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        let path = components?.percentEncodedPath ?? "/"
        let query = components?.percentEncodedQuery.map { "?" + $0 } ?? ""
        return (path.isEmpty ? "/" : path) + query
    }

    /// What a signature says before it is checked: who signed (the key id), which form it is in.
    public struct Claim: Sendable, Equatable {
        public enum Form: Sendable, Equatable {
            case cavage
            case rfc9421
        }

        public var keyId: String
        public var form: Form

        public init(keyId: String, form: Form) {
            self.keyId = keyId
            self.form = form
        }
    }

    /// A request as the inbox received it.
    public struct SignedRequest: Sendable {
        public var method: String
        /// Path and query, as the request line had them.
        public var path: String
        /// The address the request was sent to, rebuilt from the node's own base URL.
        public var targetURI: String
        public var headers: HTTPFields
        public var body: Data

        public init(method: String, path: String, targetURI: String, headers: HTTPFields, body: Data) {
            self.method = method
            self.path = path
            self.targetURI = targetURI
            self.headers = headers
            self.body = body
        }

        func field(_ name: String) -> String? {
            guard let name = HTTPField.Name(name) else { return nil }
            let values = headers[values: name].map { $0.trimmingCharacters(in: .whitespaces) }
            return values.isEmpty ? nil : values.joined(separator: ", ")
        }
    }

    /// What a checked signature says.
    public struct Verified: Sendable, Equatable {
        public var keyId: String
        public var date: Date
        /// What identifies this signature for replay checks (its nonce, or its bytes).
        public var replayKey: String
    }

    /// Who claims to have signed the request; throws `.unauthorized` when it is not signed in a
    /// form this node reads.
    public static func claim(of request: SignedRequest) throws(RemoteError) -> Claim {
        if request.field("signature-input") != nil {
            return Claim(keyId: try RFC9421.parse(request).keyId, form: .rfc9421)
        }
        return Claim(keyId: try Cavage.parse(request).keyId, form: .cavage)
    }

    /// Checks the digest of the body, the date (±12 hours of `now`) and the signature against
    /// `publicKey`.
    public static func verify(_ request: SignedRequest, publicKey: _RSA.Signing.PublicKey, now: Date = Date()) throws(RemoteError) -> Verified {
        let verified: Verified
        if request.field("signature-input") != nil {
            verified = try RFC9421.verify(request, publicKey: publicKey)
        } else {
            verified = try Cavage.verify(request, publicKey: publicKey)
        }
        guard abs(verified.date.timeIntervalSince(now)) <= window else {
            throw .unauthorized("The signature was made at \(verified.date), more than 12 hours from now.")
        }
        return verified
    }

    static func isValid(_ signature: Data, of base: String, with key: _RSA.Signing.PublicKey) -> Bool {
        key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: Data(base.utf8), padding: .insecurePKCS1v1_5)
    }

    /// Checks every digest field the signature covers (`digest`, RFC 3230, and
    /// `content-digest`, RFC 9530) against the body; throws when it covers none, or one does not
    /// match. A digest field the signature does not cover proves nothing and is not read.
    static func checkDigests(of request: SignedRequest, covered: Set<String>) throws(RemoteError) {
        let names = ["digest", "content-digest"].filter(covered.contains)
        guard !names.isEmpty else { throw .unauthorized("The signature must cover the digest of the body.") }
        for name in names {
            guard let field = request.field(name) else { throw .unauthorized("The signature covers \(name), which the request lacks.") }
            if name == "content-digest" {
                guard MessageSignature.digestMatches(field, body: request.body) else {
                    throw .unauthorized("The Content-Digest does not match the body.")
                }
            } else {
                guard digestMatches(field, body: request.body) else { throw .unauthorized("The Digest does not match the body.") }
            }
        }
    }

    /// Whether an RFC 3230 `Digest` names the body's SHA-256 or SHA-512 (the first of those it
    /// gives decides).
    static func digestMatches(_ field: String, body: Data) -> Bool {
        for member in field.split(separator: ",") {
            let parts = member.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let value = Data(base64Encoded: parts[1]) else { continue }
            switch parts[0].lowercased() {
            case "sha-256": return value == Data(SHA256.hash(data: body))
            case "sha-512": return value == Data(SHA512.hash(data: body))
            default: continue
            }
        }
        return false
    }
}

/// The header fields of ActivityPub requests.
public enum ActivityFields {
    public static let contentType = "application/activity+json"
    /// What the node asks for when it fetches an actor or an object.
    public static let accept = #"application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams""#
}

extension HTTPField.Name {
    /// RFC 3230, as draft-cavage signatures cover it.
    public static var digest: Self { Self("Digest")! }
}
