import Crypto
import Foundation
import HTTPTypes
import RawStructuredFieldValues
import Testing
import WikinodeCore
import WikinodeNetwork
import _CryptoExtras

/// Fediverse HTTP Signatures with RSA: what the node signs (draft-cavage, as Mastodon) verifies,
/// and what others sign in either form is checked strictly.
@Suite struct FediverseSignatureTests {
    static let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let other = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    let body = Data(#"{"type":"Follow","actor":"https://social.example/users/ann"}"#.utf8)
    let url = URL(string: "https://wiki.example/actor/inbox")!
    let keyId = "https://social.example/users/ann#main-key"

    /// A request as the inbox sees it, made from the headers a signer produced.
    func received(
        _ headers: HTTPFields, body: Data? = nil, path: String = "/actor/inbox", method: String = "POST"
    ) -> FediverseSignature.SignedRequest {
        FediverseSignature.SignedRequest(
            method: method, path: path, targetURI: "https://wiki.example" + path, headers: headers, body: body ?? self.body)
    }

    func signed(date: Date = Date(), edit: (inout HTTPFields) -> Void = { _ in }) throws -> FediverseSignature.SignedRequest {
        var headers = try FediverseSignature.sign(method: "POST", url: url, body: body, keyId: keyId, key: Self.key, date: date)
        edit(&headers)
        return received(headers)
    }

    @Test func whatTheNodeSignsVerifies() throws {
        let request = try signed()
        let signature = try #require(request.headers[.signature])
        #expect(
            signature.hasPrefix(
                #"keyId="https://social.example/users/ann#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest""#))
        #expect(request.headers[.digest] == "SHA-256=" + Data(SHA256.hash(data: body)).base64EncodedString())
        #expect(try FediverseSignature.claim(of: request) == .init(keyId: keyId, form: .cavage))
        let verified = try FediverseSignature.verify(request, publicKey: Self.key.publicKey)
        #expect(verified.keyId == keyId)
        #expect(verified.replayKey.hasPrefix("cavage:"))
    }

    @Test func aSignedGetCoversNoDigest() throws {
        let get = URL(string: "https://social.example/users/ann?page=1")!
        let headers = try FediverseSignature.sign(method: "GET", url: get, body: nil, keyId: keyId, key: Self.key)
        #expect(headers[.signature]?.contains(#"headers="(request-target) host date""#) == true)
        #expect(headers[.digest] == nil)
        let request = FediverseSignature.SignedRequest(
            method: "GET", path: "/users/ann?page=1", targetURI: get.absoluteString, headers: headers, body: Data())
        #expect(throws: Never.self) { try FediverseSignature.verify(request, publicKey: Self.key.publicKey) }
    }

    @Test func forgedTamperedAndStaleSignaturesAreRefused() throws {
        // Another key.
        #expect(throws: RemoteError.self) { try FediverseSignature.verify(try signed(), publicKey: Self.other.publicKey) }
        // The body changed after signing; the digest changed to match it, but it is signed.
        var tampered = try signed()
        tampered.body = Data(#"{"type":"Undo"}"#.utf8)
        #expect(throws: RemoteError.self) { try FediverseSignature.verify(tampered, publicKey: Self.key.publicKey) }
        tampered.headers[.digest] = FediverseSignature.digest(tampered.body)
        #expect(throws: RemoteError.self) { try FediverseSignature.verify(tampered, publicKey: Self.key.publicKey) }
        // Sent to another path than the one signed.
        var elsewhere = try signed()
        elsewhere.path = "/actor/outbox"
        #expect(throws: RemoteError.self) { try FediverseSignature.verify(elsewhere, publicKey: Self.key.publicKey) }
        // Dated 13 hours away, either way.
        for offset in [-13.0 * 3600, 13.0 * 3600] {
            #expect(throws: RemoteError.self) { try FediverseSignature.verify(try signed(date: Date() + offset), publicKey: Self.key.publicKey) }
        }
        #expect(throws: Never.self) { try FediverseSignature.verify(try signed(date: Date() - 11 * 3600), publicKey: Self.key.publicKey) }
    }

    @Test func signaturesThatCoverTooLittleOrCannotBeReadAreRefused() throws {
        let good = try signed()
        let value = try #require(good.headers[.signature])
        let signature = try #require(value.components(separatedBy: #"signature=""#).last?.dropLast())
        let cases: [String] = [
            // Not covering the request target, the host, the digest; no keyId; another algorithm.
            #"keyId="\#(keyId)",algorithm="rsa-sha256",headers="host date digest",signature="\#(signature)""#,
            #"keyId="\#(keyId)",algorithm="rsa-sha256",headers="(request-target) date digest",signature="\#(signature)""#,
            #"keyId="\#(keyId)",algorithm="rsa-sha256",headers="(request-target) host date",signature="\#(signature)""#,
            #"algorithm="rsa-sha256",headers="(request-target) host date digest",signature="\#(signature)""#,
            #"keyId="\#(keyId)",algorithm="hmac-sha256",headers="(request-target) host date digest",signature="\#(signature)""#,
            // Unterminated quote, a repeated parameter, a signature that is not base64 or too short.
            #"keyId="\#(keyId),algorithm="rsa-sha256""#,
            #"keyId="\#(keyId)",keyId="https://evil.example/k",headers="(request-target) host date digest",signature="\#(signature)""#,
            #"keyId="\#(keyId)",headers="(request-target) host date digest",signature="not base64!""#,
            #"keyId="\#(keyId)",headers="(request-target) host date digest",signature="AAAA""#,
            "", String(repeating: "x", count: 9000),
        ]
        for field in cases {
            var request = good
            request.headers[.signature] = field
            #expect(throws: RemoteError.self, "\(field.prefix(60))") { try FediverseSignature.verify(request, publicKey: Self.key.publicKey) }
        }
        var unsigned = good
        unsigned.headers[.signature] = nil
        #expect(throws: RemoteError.self) { try FediverseSignature.claim(of: unsigned) }
    }

    /// An RFC 9421 signature made by hand from the RFC's rules, as another server would.
    func rfc9421(
        components: [String], alg: String? = "rsa-v1_5-sha256", key: _RSA.Signing.PrivateKey = key, created: Date = Date()
    ) throws
        -> FediverseSignature.SignedRequest
    {
        var headers: HTTPFields = [.contentType: "application/activity+json"]
        headers[.contentDigest] = MessageSignature.contentDigest(body)
        let list = components.map { #""\#($0)""# }.joined(separator: " ")
        var parameters = #"(\#(list));created=\#(Int(created.timeIntervalSince1970));keyid="\#(keyId)""#
        if let alg { parameters += #";alg="\#(alg)""# }
        var lines: [String] = []
        for component in components {
            switch component {
            case "@method": lines.append(#""@method": POST"#)
            case "@target-uri": lines.append(#""@target-uri": https://wiki.example/actor/inbox"#)
            case "@authority": lines.append(#""@authority": wiki.example"#)
            case "@path": lines.append(#""@path": /actor/inbox"#)
            default: lines.append(#""\#(component)": \#(headers[HTTPField.Name(component)!] ?? "")"#)
            }
        }
        lines.append(#""@signature-params": \#(parameters)"#)
        let signature = try key.signature(for: Data(lines.joined(separator: "\n").utf8), padding: .insecurePKCS1v1_5)
        headers[.signatureInput] = "sig1=" + parameters
        headers[.signature] = "sig1=:\(signature.rawRepresentation.base64EncodedString()):"
        return received(headers)
    }

    @Test func rfc9421SignaturesWithRSAVerifyAndAreCheckedAsStrictly() throws {
        let good = try rfc9421(components: ["@method", "@target-uri", "content-digest"])
        #expect(try FediverseSignature.claim(of: good) == .init(keyId: keyId, form: .rfc9421))
        #expect(try FediverseSignature.verify(good, publicKey: Self.key.publicKey).keyId == keyId)
        #expect(throws: Never.self) {
            try FediverseSignature.verify(
                try rfc9421(components: ["@method", "@authority", "@path", "content-digest"], alg: nil), publicKey: Self.key.publicKey)
        }
        // Another key; no digest covered; no target covered; another algorithm; stale.
        #expect(throws: RemoteError.self) { try FediverseSignature.verify(good, publicKey: Self.other.publicKey) }
        for bad in [
            try rfc9421(components: ["@method", "@target-uri"]), try rfc9421(components: ["@method", "content-digest"]),
            try rfc9421(components: ["@method", "@target-uri", "content-digest"], alg: "rsa-pss-sha512"),
            try rfc9421(components: ["@method", "@target-uri", "content-digest"], created: Date() - 86_400),
        ] {
            #expect(throws: RemoteError.self) { try FediverseSignature.verify(bad, publicKey: Self.key.publicKey) }
        }
        var tampered = good
        tampered.body = Data("{}".utf8)
        #expect(throws: RemoteError.self) { try FediverseSignature.verify(tampered, publicKey: Self.key.publicKey) }
    }
}
