import Crypto
import Foundation
import Testing
import WikinodeFederation

/// RFC 9421 signatures on notices, with their structured fields read by the RFC 8941 parser.
@Suite struct MessageSignatureTests {
    let key = Curve25519.Signing.PrivateKey()
    let body = Data(#"{"type":"changed"}"#.utf8)
    let target = "https://b.example.org/api/inbox"

    func signed(keyId: String = "https://a.example.org", edit: (inout [(name: String, value: String)]) -> Void = { _ in }) throws -> MessageSignature.SignedRequest {
        var headers = try MessageSignature.sign(
            method: "POST", targetURI: target, contentType: "application/json", body: body, keyId: keyId, key: key
        ).map { (name: $0.0, value: $0.1) }
        edit(&headers)
        return MessageSignature.SignedRequest(method: "POST", targetURI: target, headers: headers, body: body)
    }

    func replace(_ name: String, _ transform: @escaping (String) -> String) -> (inout [(name: String, value: String)]) -> Void {
        { headers in headers = headers.map { $0.name == name ? (name: $0.name, value: transform($0.value)) : $0 } }
    }

    @Test func aSignedNoticeVerifies() throws {
        let verified = try MessageSignature.verify(try signed(), publicKey: key.publicKey)
        #expect(verified.keyId == "https://a.example.org")
        #expect(try MessageSignature.keyId(of: try signed()) == "https://a.example.org")
    }

    @Test func quotedCommasAndEscapesInParametersAreRead() throws {
        // A key id with a comma, a semicolon and a quote: a hand-made splitter breaks on these.
        let id = #"https://a.example.org/x,y;z"q"#
        #expect(try MessageSignature.verify(try signed(keyId: id), publicKey: key.publicKey).keyId == id)
    }

    @Test func ourLabelIsFoundAmongOthersAndAcrossFieldLines() throws {
        let request = try signed { headers in
            headers = headers.map {
                switch $0.name {
                case "Signature-Input": (name: $0.name, value: #"other=("@method");created=1;keyid="x", "# + $0.value)
                case "Signature": (name: $0.name, value: "other=:AAAA:, " + $0.value)
                default: $0
                }
            }
            // The same field may come as two lines; they are one dictionary.
            headers.append((name: "Signature-Input", value: #"third=("@method");created=2"#))
        }
        #expect(throws: Never.self) { try MessageSignature.verify(request, publicKey: key.publicKey) }
    }

    @Test(arguments: [
        "not a dictionary ((",
        #"wikinode="a string, not an inner list""#,
        #"wikinode=("@method" "@target-uri" "content-digest";sf "content-type");created=1;keyid="k";nonce="n""#,
        #"wikinode=("@method" "content-digest");created=1;keyid="k";nonce="n""#,
        #"wikinode=("@method" "@target-uri" "content-digest" "@method");created=1;keyid="k";nonce="n""#,
        #"wikinode=("@method" "@target-uri" "content-digest");created=1;keyid="k";nonce="n";alg="rsa-v1_5-sha256""#,
        #"wikinode=("@method" "@target-uri" "content-digest");created="soon";keyid="k";nonce="n""#,
        #"wikinode=(@method @target-uri content-digest);created=1;keyid="k";nonce="n""#,
    ])
    func malformedSignatureInputsAreRefused(input: String) throws {
        let request = try signed(edit: replace("Signature-Input") { _ in input })
        #expect(throws: FederationError.self) { try MessageSignature.verify(request, publicKey: key.publicKey) }
    }

    @Test func tamperedSignaturesAndDigestsAreRefused() throws {
        let wrongBytes = try signed(edit: replace("Signature") { _ in "wikinode=:\(Data(repeating: 1, count: 64).base64EncodedString()):" })
        #expect(throws: FederationError.self) { try MessageSignature.verify(wrongBytes, publicKey: key.publicKey) }
        let notBytes = try signed(edit: replace("Signature") { _ in #"wikinode="a string""# })
        #expect(throws: FederationError.self) { try MessageSignature.verify(notBytes, publicKey: key.publicKey) }
        let wrongDigest = try signed(edit: replace("Content-Digest") { _ in MessageSignature.contentDigest(Data("other".utf8)) })
        #expect(throws: FederationError.self) { try MessageSignature.verify(wrongDigest, publicKey: key.publicKey) }
        let otherKey = Curve25519.Signing.PrivateKey().publicKey
        #expect(throws: FederationError.self) { try MessageSignature.verify(try signed(), publicKey: otherKey) }
        // A re-spaced Signature-Input is the same structured field: it still verifies.
        let respaced = try signed(edit: replace("Signature-Input") { $0.replacingOccurrences(of: "=(", with: "=(  ").replacingOccurrences(of: ")", with: "  )") })
        #expect(throws: Never.self) { try MessageSignature.verify(respaced, publicKey: key.publicKey) }
    }
}
