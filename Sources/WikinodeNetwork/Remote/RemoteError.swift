import Foundation

/// Why talking to a peer failed. Each one is recorded on the peer and shown on `/peers`.
public enum RemoteError: Error, Sendable, CustomStringConvertible, Equatable {
    case invalidURL(String)
    case forbiddenAddress(String)
    case unreachable(String)
    case timeout(String)
    case tooLarge(String)
    case badResponse(String)
    case refused(String)
    case unauthorized(String)

    public var description: String {
        switch self {
        case .invalidURL(let message), .forbiddenAddress(let message), .unreachable(let message), .timeout(let message),
            .tooLarge(let message), .badResponse(let message), .refused(let message), .unauthorized(let message):
            message
        }
    }

    /// Whether it may pass (a timeout, an unreachable host): worth trying again later.
    public var isPassing: Bool {
        switch self {
        case .timeout, .unreachable: true
        default: false
        }
    }
}
