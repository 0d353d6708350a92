import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain TCP connection to 127.0.0.1, for tests that must behave as no HTTP client library
/// would: send half a request, drip a header, never read, or hang up with a body unsent.
///
/// Its calls block in the kernel, so each runs on a thread of its own: on the tasks' few
/// shared threads they would starve the server under test, which runs in the same process.
public final class RawConnection: @unchecked Sendable {
    private var descriptor: Int32
    /// Whether a send found the connection closed by the server (reset, or broken pipe).
    public private(set) var isBroken = false

    /// Connects to 127.0.0.1 at `port`.
    public static func open(port: Int) async throws -> RawConnection {
        try await offThread { try RawConnection(port: port) }
    }

    private init(port: Int) throws {
        descriptor = try Self.loopbackSocket(port: port, "connect") { connect($0, $1, $2) }
    }

    /// A socket on 127.0.0.1 at `port`, through `call` (`connect` or `bind`).
    static func loopbackSocket(
        port: Int, _ name: String, _ call: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Int32
    ) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw RawConnectionError.system("socket", errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw RawConnectionError.system(name, code)
        }
        return descriptor
    }

    /// A socket listening on 127.0.0.1 at `port` (to take a port away from a server under
    /// test); close it with `Glibc.close`.
    public static func listen(onPort port: Int) throws -> Int32 {
        let descriptor = try loopbackSocket(port: port, "bind") { bind($0, $1, $2) }
        guard Glibc.listen(descriptor, 8) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw RawConnectionError.system("listen", code)
        }
        return descriptor
    }

    deinit { close() }

    /// Sends `bytes`, as many as the server takes within `timeout`; returns how many it took.
    @discardableResult
    public func send(_ bytes: [UInt8], within timeout: Duration = .seconds(5)) async -> Int {
        await Self.offThread { self.sendNow(bytes, within: timeout) }
    }

    @discardableResult
    public func send(_ text: String, within timeout: Duration = .seconds(5)) async -> Int {
        await send(Array(text.utf8), within: timeout)
    }

    private func sendNow(_ bytes: [UInt8], within timeout: Duration) -> Int {
        setTimeout(SO_SNDTIMEO, timeout)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 {
                if count < 0, errno == EPIPE || errno == ECONNRESET { isBroken = true }
                break
            }
            sent += count
        }
        return sent
    }

    /// Reads until the server closes, `limit` bytes have come, or `timeout` passes. `closed`
    /// tells whether the server ended the connection (end of stream or reset).
    public func receive(upTo limit: Int = 1 << 20, within timeout: Duration = .seconds(5)) async -> (text: String, closed: Bool) {
        await Self.offThread { self.receiveNow(upTo: limit, within: timeout) }
    }

    private func receiveNow(upTo limit: Int, within timeout: Duration) -> (text: String, closed: Bool) {
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while received.count < limit {
            let left = deadline - ContinuousClock.now
            if left <= .zero { return (String(decoding: received, as: UTF8.self), false) }
            setTimeout(SO_RCVTIMEO, min(left, .milliseconds(200)))
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { return (String(decoding: received, as: UTF8.self), true) }
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
                return (String(decoding: received, as: UTF8.self), true)  // reset
            }
            received += buffer[0..<count]
        }
        return (String(decoding: received, as: UTF8.self), false)
    }

    /// Reads until the response head and `Content-Length` bytes of body have come.
    public func receiveResponse(within timeout: Duration = .seconds(5)) async -> String {
        await Self.offThread { self.receiveResponseNow(within: timeout) }
    }

    private func receiveResponseNow(within timeout: Duration) -> String {
        let deadline = ContinuousClock.now + timeout
        var text = ""
        while ContinuousClock.now < deadline {
            let (more, closed) = receiveNow(upTo: 1, within: .milliseconds(50))
            text += more
            if let end = text.range(of: "\r\n\r\n") {
                let head = text[..<end.lowerBound].lowercased()
                let length =
                    head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if text.utf8.count - text[..<end.upperBound].utf8.count >= length { return text }
            }
            if closed { return text }
        }
        return text
    }

    /// Closes this side; the server sees the client hang up.
    public func close() {
        if descriptor >= 0 {
            Glibc.close(descriptor)
            descriptor = -1
        }
    }

    private static func offThread<Value: Sendable, Failure: Error>(
        _ work: @escaping @Sendable () throws(Failure) -> Value
    ) async throws(Failure) -> Value {
        let result: Result<Value, Failure> = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: Result { () throws(Failure) -> Value in try work() }) }
        }
        return try result.get()
    }

    private func setTimeout(_ option: Int32, _ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        if value.tv_sec == 0 && value.tv_usec == 0 { value.tv_usec = 1000 }
        setsockopt(descriptor, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
    }
}

public enum RawConnectionError: Error, CustomStringConvertible {
    case system(String, Int32)

    public var description: String {
        switch self {
        case .system(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        }
    }
}

/// The file descriptors this process has open, from `/proc/self/fd`.
public enum OpenFiles {
    /// How many descriptors of this process are sockets of connections accepted on `port`
    /// (their local port; the listening socket is not counted): `/proc/self/fd` matched with
    /// `/proc/net/tcp` by inode, so that other tests' sockets in the same process do not count.
    public static func acceptedSockets(onPort port: Int) -> Int {
        acceptedSocketStates(onPort: port).count
    }

    /// The same sockets, each as its TCP state and the client's port ("ESTABLISHED from 54321"),
    /// for a failure message that says what was left open.
    public static func acceptedSocketStates(onPort port: Int) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        var inodes = Set<Substring>()
        for name in names {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + name),
                target.hasPrefix("socket:[")
            else { continue }
            inodes.insert(Substring(target.dropFirst("socket:[".count).dropLast()))
        }
        var sockets: [String] = []
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = procText(table) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                guard fields.count > 9, let local = fields[1].split(separator: ":").last,
                    let remote = fields[2].split(separator: ":").last
                else { continue }
                let isListening = fields[3] == "0A"
                guard !isListening, Int(local, radix: 16) == port, inodes.contains(fields[9]) else { continue }
                sockets.append("\(tcpStates[Int(fields[3], radix: 16) ?? 0] ?? String(fields[3])) from \(Int(remote, radix: 16) ?? 0)")
            }
        }
        return sockets
    }

    /// The whole of a file in `/proc`. Foundation's `String(contentsOfFile:)` reads such a file
    /// (its size is 0) in one read, which brings only the first page of a table: the sockets
    /// further down were never counted.
    public static func procText(_ path: String) -> String? {
        guard let file = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? file.close() }
        var data = Data()
        while let chunk = try? file.read(upToCount: 65_536), !chunk.isEmpty { data.append(chunk) }
        return String(decoding: data, as: UTF8.self)
    }

    /// The kernel's names of TCP states (`include/net/tcp_states.h`).
    static let tcpStates: [Int: String] = [
        1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1", 5: "FIN_WAIT2", 6: "TIME_WAIT", 7: "CLOSE",
        8: "CLOSE_WAIT", 9: "LAST_ACK", 11: "CLOSING",
    ]
}
