import Foundation
import Synchronization

/// A port the system has free on `host` right now, for `serve --port 0`: the node must know
/// its own address (for absolute links and feeds) before it starts listening. Within one
/// process no port is handed out twice, so that servers started side by side (tests) cannot
/// be given the same one between its release here and their bind.
public enum FreePort {
    private static let handedOut = Mutex<Set<Int>>([])

    public static func find(host: String) throws -> Int {
        for _ in 0..<100 {
            let port = try findOnce(host: host)
            if handedOut.withLock({ $0.insert(port).inserted }) { return port }
        }
        throw FreePortError("Cannot find a free port on \(host) that this process has not used.")
    }

    private static func findOnce(host: String) throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw FreePortError("Cannot open a socket to find a free port.") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr(host == "localhost" ? "127.0.0.1" : host)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw FreePortError("Cannot find a free port on \(host).") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// No free port could be found.
public struct FreePortError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
