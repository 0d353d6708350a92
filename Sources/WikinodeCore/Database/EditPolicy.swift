/// Who may change pages: the one rule that sessions and API tokens both go through.
public enum EditPolicy: String, Sendable, CaseIterable {
    /// Only the node's owner.
    case owner
    /// Anyone signed in with an account.
    case accounts
    /// Anyone at all, like a classic open wiki; visitors give a name.
    case anyone
}
