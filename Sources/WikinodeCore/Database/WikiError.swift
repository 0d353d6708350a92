/// What can go wrong when reading or changing the wiki, in words a person can act on.
public enum WikiError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Input that cannot be stored; nothing was written.
    case invalidInput(String)
    /// The page changed since `baseRevision`; nothing was written.
    case conflict(currentRevision: Int64, message: String)
    /// No such page or revision.
    case notFound(String)

    public var description: String {
        switch self {
        case .invalidInput(let message), .notFound(let message): message
        case .conflict(_, let message): message
        }
    }
}
