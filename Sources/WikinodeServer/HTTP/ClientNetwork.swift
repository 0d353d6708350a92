import Foundation

/// What counts as one client in limits: an IPv4 address, or an IPv6 /64 (one subscriber's
/// network, which is trivially many addresses).
enum ClientNetwork {
    static func key(for address: String) -> String {
        guard address.contains(":") else { return address }
        // An IPv4 client of a node listening on `::` arrives as ::ffff:a.b.c.d: it is that IPv4
        // address, not one /64 shared by every IPv4 client.
        if address.lowercased().hasPrefix("::ffff:"), address.contains(".") { return String(address.dropFirst("::ffff:".count)) }
        let groups = address.split(separator: ":", omittingEmptySubsequences: false)
        if address.contains("::") && groups.count < 8 {
            // Expand `::` so that the first four groups are the network.
            let head = address.components(separatedBy: "::")[0].split(separator: ":").map(String.init)
            let tail = address.components(separatedBy: "::").dropFirst().joined().split(separator: ":").map(String.init)
            let zeros = [String](repeating: "0", count: max(0, 8 - head.count - tail.count))
            return (head + zeros + tail).prefix(4).joined(separator: ":") + "::/64"
        }
        return groups.prefix(4).joined(separator: ":") + "::/64"
    }

    /// 127.0.0.0/8 and ::1: the machine itself, where a reverse proxy brings every client from.
    static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }
}
