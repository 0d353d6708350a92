import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import WikinodeCore

/// A browser as the router sees it: a session cookie, the CSRF token of the last form, and an
/// `Origin` header on every form it sends.
public struct BrowserSession: Sendable {
    /// The cookies this node set, by name.
    public var cookies: [String: String] = [:]
    public var cookie: String? { cookies["wikinode_session"] }
    public var csrfToken: String?
    public var origin = "http://127.0.0.1:8080"

    public init() {}

    /// GETs a page, keeping any session cookie it sets and the CSRF token of its form.
    @discardableResult
    public mutating func get(_ client: any TestClientProtocol, _ path: String) async throws -> TestResponse {
        let response = try await client.execute(uri: path, method: .get, headers: headers())
        absorb(response)
        return response
    }

    /// POSTs a form with the current cookie and `Origin`; `csrf` is added unless given.
    @discardableResult
    public mutating func post(
        _ client: any TestClientProtocol, _ path: String, _ fields: [(String, String)], csrf: Bool = true
    ) async throws -> TestResponse {
        var all = fields
        if csrf, !fields.contains(where: { $0.0 == "csrf" }) { all.append(("csrf", csrfToken ?? "")) }
        var headers = headers()
        headers[.contentType] = "application/x-www-form-urlencoded"
        headers[.origin] = origin
        let response = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: Self.encode(all)))
        absorb(response)
        return response
    }

    /// Signs in through `/login` and keeps the new session.
    @discardableResult
    public mutating func signIn(_ client: any TestClientProtocol, name: String, password: String) async throws -> TestResponse {
        try await get(client, "/login")
        return try await post(client, "/login", [("name", name), ("password", password), ("return", "/")])
    }

    public func headers() -> HTTPFields {
        var headers: HTTPFields = [:]
        if !cookies.isEmpty {
            headers[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        return headers
    }

    private mutating func absorb(_ response: TestResponse) {
        for value in response.headers[values: .setCookie] {
            let pair = value.prefix { $0 != ";" }
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<equals])
            let cookieValue = String(pair[pair.index(after: equals)...])
            cookies[name] = cookieValue.isEmpty ? nil : cookieValue
        }
        if let token = Self.hiddenValue(named: "csrf", in: String(buffer: response.body)) { csrfToken = token }
    }

    /// The value of `<input type="hidden" name="NAME" value="…">` in a page of ours.
    public static func hiddenValue(named name: String, in html: String) -> String? {
        guard let field = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[field.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    public static func encode(_ fields: [(String, String)]) -> String {
        fields.map { URLEncoding.component($0) + "=" + URLEncoding.component($1) }.joined(separator: "&")
    }
}
