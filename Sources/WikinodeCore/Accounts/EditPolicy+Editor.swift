extension EditPolicy {
    /// Who is asking to change something.
    public enum Editor: Sendable, Equatable {
        case account(User)
        /// An API token; tokens are made on the node's own machine, so they act for the owner.
        case token(APIToken)
        case visitor
    }

    public func allows(_ editor: Editor) -> Bool {
        switch (self, editor) {
        case (_, .token): true
        case (.owner, .account(let user)): user.role == .owner
        case (.owner, .visitor): false
        case (.accounts, .account): true
        case (.accounts, .visitor): false
        case (.anyone, _): true
        }
    }
}
