import Crypto
import Foundation
import HTTPTypes
import Testing
import WikinodeNetwork

/// RFC 9421 signatures on notices, with their structured fields read by the RFC 8941 parser.
@Suite struct MessageSignatureTests {
    let key = Curve25519.Signing.PrivateKey()
    let body = Data(#"{"type":"changed"}"#.utf8)
    let target = "https://b.example.org/api/inbox"

    func signed(keyId: String = "https://a.example.org", edit: (inout HTTPFields) -> Void = { _ in }) throws -> MessageSignature.SignedRequest {
        var headers = try MessageSignature.sign(
            method: "POST", targetURI: target, contentType: "application/json", body: body, keyId: keyId, key: key)
        edit(&headers)
        return MessageSignature.SignedRequest(method: "POST", targetURI: target, headers: headers, body: body)
    }

    func replace(_ name: HTTPField.Name, _ transform: @escaping (String) -> String) -> (inout HTTPFields) -> Void {
        { headers in headers[name] = transform(headers[name] ?? "") }
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
            headers[.signatureInput] = #"other=("@method");created=1;keyid="x", "# + headers[.signatureInput]!
            headers[.signature] = "other=:AAAA:, " + headers[.signature]!
            // The same field may come as two lines; they are one dictionary.
            headers.append(HTTPField(name: .signatureInput, value: #"third=("@method");created=2"#))
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
        let request = try signed(edit: replace(.signatureInput) { _ in input })
        #expect(throws: RemoteError.self) { try MessageSignature.verify(request, publicKey: key.publicKey) }
    }

    @Test func tamperedSignaturesAndDigestsAreRefused() throws {
        let wrongBytes = try signed(edit: replace(.signature) { _ in "wikinode=:\(Data(repeating: 1, count: 64).base64EncodedString()):" })
        #expect(throws: RemoteError.self) { try MessageSignature.verify(wrongBytes, publicKey: key.publicKey) }
        let notBytes = try signed(edit: replace(.signature) { _ in #"wikinode="a string""# })
        #expect(throws: RemoteError.self) { try MessageSignature.verify(notBytes, publicKey: key.publicKey) }
        let wrongDigest = try signed(edit: replace(.contentDigest) { _ in MessageSignature.contentDigest(Data("other".utf8)) })
        #expect(throws: RemoteError.self) { try MessageSignature.verify(wrongDigest, publicKey: key.publicKey) }
        let otherKey = Curve25519.Signing.PrivateKey().publicKey
        #expect(throws: RemoteError.self) { try MessageSignature.verify(try signed(), publicKey: otherKey) }
        // A re-spaced Signature-Input is the same structured field: it still verifies.
        let respaced = try signed(
            edit: replace(.signatureInput) { $0.replacingOccurrences(of: "=(", with: "=(  ").replacingOccurrences(of: ")", with: "  )") })
        #expect(throws: Never.self) { try MessageSignature.verify(respaced, publicKey: key.publicKey) }
    }
}
