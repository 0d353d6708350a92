import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which addresses a node may fetch from or send to.
///
/// By default only public addresses: never loopback, private, shared (CGNAT), link-local,
/// multicast, reserved or unspecified ones, so that a page or a peer cannot make the node
/// reach into the network it runs in (server-side request forgery). The host is resolved and
/// every address it resolves to is checked, before each request and each redirect.
public struct AddressPolicy: Sendable {
    public var allowPrivateAddresses: Bool
    /// Only 127.0.0.1 and ::1, nothing else: what test nodes use, so that no test ever reaches
    /// beyond the machine whatever its pages link to.
    public var loopbackOnly: Bool

    public init(allowPrivateAddresses: Bool = false, loopbackOnly: Bool = false) {
        self.allowPrivateAddresses = allowPrivateAddresses
        self.loopbackOnly = loopbackOnly
    }

    /// The policy of test nodes.
    public static let testsOnLoopback = AddressPolicy(allowPrivateAddresses: true, loopbackOnly: true)

    /// Throws `FederationError.forbiddenAddress` unless `url` is http(s) to an allowed host.
    public func check(_ url: URL) throws {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw FederationError.invalidURL("\(url.absoluteString) is not an http or https address")
        }
        guard var host = url.host, !host.isEmpty else { throw FederationError.invalidURL("\(url.absoluteString) has no host") }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if loopbackOnly {
            // Literal addresses only: not even a name is looked up.
            guard let address = Self.parse(host), address == [127, 0, 0, 1] || address == [UInt8](repeating: 0, count: 15) + [1] else {
                throw FederationError.forbiddenAddress("\(host) is not 127.0.0.1 or ::1, and this node reaches only those")
            }
            return
        }
        if allowPrivateAddresses { return }
        let addresses = try Self.resolve(host)
        guard !addresses.isEmpty else { throw FederationError.unreachable("\(host) does not resolve") }
        for address in addresses where !Self.isPublic(address) {
            throw FederationError.forbiddenAddress("\(host) resolves to \(Self.describe(address)), which is not a public address; start the node with --allow-private-addresses to allow it")
        }
    }

    /// `check` on a thread of its own: name resolution blocks, and must hold up neither the
    /// threads that run requests nor a deadline (the caller's deadline still applies).
    public func checkOffThread(_ url: URL) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(with: Result { try check(url) })
            }
        }
    }

    /// An address as its bytes: 4 for IPv4, 16 for IPv6.
    typealias Address = [UInt8]

    static func resolve(_ host: String) throws -> [Address] {
        if let literal = parse(host) { return [literal] }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &result)
        guard status == 0, let first = result else {
            throw FederationError.unreachable("\(host) does not resolve")
        }
        defer { freeaddrinfo(first) }
        var addresses: [Address] = []
        var current: UnsafeMutablePointer<addrinfo>? = first
        while let info = current {
            if let sockaddr = info.pointee.ai_addr {
                switch Int32(info.pointee.ai_family) {
                case AF_INET:
                    sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        var address = pointer.pointee.sin_addr
                        addresses.append(withUnsafeBytes(of: &address) { Array($0) })
                    }
                case AF_INET6:
                    sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        var address = pointer.pointee.sin6_addr
                        addresses.append(withUnsafeBytes(of: &address) { Array($0) })
                    }
                default:
                    break
                }
            }
            current = info.pointee.ai_next
        }
        return addresses
    }

    /// A literal IPv4 or IPv6 address.
    static func parse(_ host: String) -> Address? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    static func isPublic(_ address: Address) -> Bool {
        if address.count == 4 { return isPublicV4(address) }
        guard address.count == 16 else { return false }
        let a = address
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses: judge the IPv4.
        if a[0..<10].allSatisfy({ $0 == 0 }) && ((a[10] == 0xFF && a[11] == 0xFF) || (a[10] == 0 && a[11] == 0)) {
            return isPublicV4(Array(a[12..<16]))
        }
        if a[0] == 0x20 && a[1] == 0x02 { return isPublicV4(Array(a[2..<6])) }  // 6to4 carries an IPv4 address
        if a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xFF && a[3] == 0x9B { return isPublicV4(Array(a[12..<16])) }  // NAT64
        if a[0] == 0xFF { return false }  // multicast
        if a[0] == 0xFE && (a[1] & 0xC0) == 0x80 { return false }  // link-local fe80::/10
        if a[0] == 0xFE && (a[1] & 0xC0) == 0xC0 { return false }  // site-local fec0::/10
        if (a[0] & 0xFE) == 0xFC { return false }  // unique local fc00::/7
        if a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0D && a[3] == 0xB8 { return false }  // documentation
        if a[0] == 0x01 && a[1] == 0x00 && a[2..<8].allSatisfy({ $0 == 0 }) { return false }  // discard 100::/64
        return (a[0] & 0xE0) == 0x20  // global unicast 2000::/3 only
    }

    static func isPublicV4(_ a: Address) -> Bool {
        switch (a[0], a[1]) {
        case (0, _), (10, _), (127, _): return false  // this network, private, loopback
        case (100, 64...127): return false  // shared address space (CGNAT)
        case (169, 254): return false  // link-local
        case (172, 16...31): return false  // private
        case (192, 168): return false  // private
        case (198, 18...19): return false  // benchmarking
        case (192, 0) where a[2] == 0 || a[2] == 2: return false  // IETF protocol assignments, documentation
        case (198, 51) where a[2] == 100, (203, 0) where a[2] == 113: return false  // documentation
        case (224...255, _): return false  // multicast, reserved, broadcast
        default: return true
        }
    }

    static func describe(_ address: Address) -> String {
        if address.count == 4 { return address.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(address[$0]) << 8 | UInt16(address[$0 + 1]), radix: 16) }.joined(separator: ":")
    }
}
