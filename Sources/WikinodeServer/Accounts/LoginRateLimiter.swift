import Foundation
import Synchronization

/// Failed sign-ins per address, to slow down password guessing.
final class LoginRateLimiter: Sendable {
    private struct Window {
        var start: Date
        var failures: Int
    }

    private let windows = Mutex<[String: Window]>([:])
    let maximumFailures: Int
    let period: TimeInterval

    init(maximumFailures: Int = 10, period: TimeInterval = 15 * 60) {
        self.maximumFailures = maximumFailures
        self.period = period
    }

    /// The unit that is limited: one client's network.
    static func key(for address: String) -> String { ClientNetwork.key(for: address) }

    /// Seconds to wait before trying again, or nil when `address` may try now.
    func retryAfter(for address: String, now: Date = Date()) -> Int? {
        let address = Self.key(for: address)
        return windows.withLock { windows in
            guard let window = windows[address], window.failures >= maximumFailures else { return nil }
            let remaining = period - now.timeIntervalSince(window.start)
            if remaining <= 0 {
                windows[address] = nil
                return nil
            }
            return Int(remaining.rounded(.up))
        }
    }

    func recordFailure(for address: String, now: Date = Date()) {
        let address = Self.key(for: address)
        windows.withLock { windows in
            if windows.count > 10_000 { windows = windows.filter { now.timeIntervalSince($0.value.start) < period } }
            var window = windows[address] ?? Window(start: now, failures: 0)
            if now.timeIntervalSince(window.start) > period { window = Window(start: now, failures: 0) }
            window.failures += 1
            windows[address] = window
        }
    }

    func recordSuccess(for address: String) {
        let address = Self.key(for: address)
        windows.withLock { $0[address] = nil }
    }
}
