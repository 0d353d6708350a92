import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import WikinodeCore

/// HTTP to other nodes and sites, with the limits an untrusted peer calls for: the address
/// policy before every request and redirect, a cap on the body, and a deadline on the whole
/// exchange (a peer that drips one byte a second is cut off like one that never answers).
public final class RemoteClient: Sendable {
    public struct Limits: Sendable {
        /// The whole request, from connecting to the last byte of the body.
        public var timeout: Duration
        public var maximumBodyBytes: Int
        public var maximumRedirects: Int

        public init(timeout: Duration = .seconds(15), maximumBodyBytes: Int = 32 << 20, maximumRedirects: Int = 3) {
            self.timeout = timeout
            self.maximumBodyBytes = maximumBodyBytes
            self.maximumRedirects = maximumRedirects
        }
    }

    public struct Response: Sendable {
        public let status: Int
        /// The answer's header fields (names compare without regard to case).
        public let headers: HTTPFields
        public let body: Data
        /// The address the answer came from, after redirects.
        public let url: URL

        /// Whether the body is declared JSON.
        public var isJSON: Bool {
            guard let type = headers[.contentType]?.lowercased() else { return false }
            let essence = type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            return essence == "application/json" || essence.hasSuffix("+json")
        }
    }

    public let policy: AddressPolicy
    public static let userAgent = "wikinode/0.1"

    /// One client for the process, like `HTTPClient.shared` (it lives as long as the process and
    /// needs no shutdown), but redirects are ours to follow, each one checked.
    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5), read: .seconds(10)))
        configuration.connectionPool.idleTimeout = .seconds(30)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    private var client: HTTPClient { Self.client }

    public init(policy: AddressPolicy) {
        self.policy = policy
    }

    /// GETs `url`, following redirects within the same origin only when `sameOriginOnly`.
    public func get(_ url: URL, accept: String = "application/json", limits: Limits = Limits(), sameOriginOnly: Bool = true) async throws -> Response
    {
        try await send(method: .GET, url: url, headers: [.accept: accept], body: nil, limits: limits, sameOriginOnly: sameOriginOnly)
    }

    /// GETs `url` with these header fields (an `Accept`, a signature, validators), following
    /// redirects within the same origin only when `sameOriginOnly`.
    public func get(_ url: URL, headers: HTTPFields, limits: Limits = Limits(), sameOriginOnly: Bool = true) async throws -> Response {
        try await send(method: .GET, url: url, headers: headers, body: nil, limits: limits, sameOriginOnly: sameOriginOnly)
    }

    /// POSTs `body`; redirects are not followed (a notice goes where it was addressed).
    public func post(_ url: URL, headers: HTTPFields, body: Data, limits: Limits = Limits()) async throws -> Response {
        try await send(method: .POST, url: url, headers: headers, body: body, limits: limits, sameOriginOnly: true, followRedirects: false)
    }

    private func send(
        method: NIOHTTP1.HTTPMethod, url: URL, headers: HTTPFields, body: Data?, limits: Limits, sameOriginOnly: Bool, followRedirects: Bool = true
    ) async throws -> Response {
        let deadline = ContinuousClock.now + limits.timeout
        var current = url
        for _ in 0...limits.maximumRedirects {
            let target = current
            let response = try await withDeadline(deadline, describing: target) {
                try await self.policy.checkOffThread(target)
                return try await self.exchange(method: method, url: target, headers: headers, body: body, maximumBytes: limits.maximumBodyBytes)
            }
            guard followRedirects, [301, 302, 303, 307, 308].contains(response.status) else { return response }
            guard let location = response.headers[.location], let next = URL(string: location, relativeTo: current)?.absoluteURL else {
                throw RemoteError.badResponse("\(current.absoluteString) redirects without a usable Location")
            }
            if sameOriginOnly, WebOrigin(next) == nil || WebOrigin(next) != WebOrigin(url) {
                throw RemoteError.badResponse("\(url.absoluteString) redirects to another host (\(next.absoluteString))")
            }
            current = next
        }
        throw RemoteError.badResponse("\(url.absoluteString) redirects more than \(limits.maximumRedirects) times")
    }

    private func exchange(method: NIOHTTP1.HTTPMethod, url: URL, headers: HTTPFields, body: Data?, maximumBytes: Int) async throws -> Response {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        request.headers.add(name: "User-Agent", value: Self.userAgent)
        for field in headers { request.headers.add(name: field.name.rawName, value: field.value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(30))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw RemoteError.timeout("\(url.absoluteString) did not answer in time")
        } catch is CancellationError {
            throw RemoteError.timeout("\(url.absoluteString) did not answer in time")
        } catch let error as RemoteError {
            throw error
        } catch {
            throw RemoteError.unreachable("\(url.absoluteString) cannot be reached (\(error))")
        }
        if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > maximumBytes {
            throw RemoteError.tooLarge("\(url.absoluteString) answers with \(length) bytes, more than the \(maximumBytes) accepted")
        }
        var collected = ByteBuffer()
        do {
            for try await var chunk in response.body {
                guard collected.readableBytes + chunk.readableBytes <= maximumBytes else {
                    throw RemoteError.tooLarge("\(url.absoluteString) sends more than the \(maximumBytes) bytes accepted")
                }
                collected.writeBuffer(&chunk)
            }
        } catch let error as RemoteError {
            throw error
        } catch is CancellationError {
            throw RemoteError.timeout("\(url.absoluteString) did not finish its answer in time")
        } catch {
            throw RemoteError.unreachable("\(url.absoluteString) broke off its answer (\(error))")
        }
        // A field whose name HTTP does not allow is left out; the value is kept as sent.
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        return Response(status: Int(response.status.code), headers: fields, body: Data(collected.readableBytesView), url: url)
    }
}

/// Runs `operation`, throwing `RemoteError.timeout` if `deadline` passes first.
func withDeadline<T: Sendable>(
    _ deadline: ContinuousClock.Instant, describing url: URL, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(until: deadline, clock: .continuous)
            throw RemoteError.timeout("\(url.absoluteString) did not answer in time")
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
