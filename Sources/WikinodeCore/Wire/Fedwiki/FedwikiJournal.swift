import Foundation

/// A fedwiki journal made from a page's revisions.
///
/// The first revision is a `create` holding its whole story; each later one becomes the actions
/// that turn the story before it into its own: `edit` for an item replaced in place, `remove`,
/// `add` and `move`. Replaying the journal the way fedwiki's client does (`revision.js`) gives
/// the current story, which is what a fedwiki reader checks when it shows an old version.
public enum FedwikiJournal {
    /// One revision as the journal needs it.
    public struct Version: Sendable {
        public let title: String
        public let markdown: String
        public let date: Date

        public init(title: String, markdown: String, date: Date) {
            self.title = title
            self.markdown = markdown
            self.date = date
        }
    }

    /// The journal of the page with `pageUID` whose revisions, oldest first, are `versions`.
    public static func make(pageUID: String, versions: [Version]) -> [FedwikiAction] {
        guard let first = versions.first else { return [] }
        var previous = FedwikiStory(markdown: first.markdown, pageUID: pageUID).items
        var create = FedwikiAction(.create, date: first.date)
        create.page = FedwikiAction.Snapshot(title: first.title, story: previous)
        var journal = [create]
        for version in versions.dropFirst() {
            let next = FedwikiStory(markdown: version.markdown, pageUID: pageUID).items
            journal += actions(from: previous, to: next, date: version.date)
            previous = next
        }
        return journal
    }

    /// The actions that turn `previous` into `next`.
    static func actions(from previous: [FedwikiItem], to next: [FedwikiItem], date: Date) -> [FedwikiAction] {
        let previousIDs = Set(previous.map(\.id))
        let nextIDs = Set(next.map(\.id))
        var current = previous.map(\.id)
        var actions: [FedwikiAction] = []

        // An item that is new, in the place of one that is gone (after the same neighbour), is
        // that item edited.
        var removed = previous.enumerated().filter { !nextIDs.contains($0.element.id) }.map {
            (id: $0.element.id, after: $0.offset > 0 ? previous[$0.offset - 1].id : nil)
        }
        var replaced: [String: String] = [:]  // new id → old id
        var added: [(index: Int, item: FedwikiItem)] = []
        for (index, item) in next.enumerated() where !previousIDs.contains(item.id) {
            let after = index > 0 ? next[index - 1].id : nil
            let oldAfter = after.map { replaced[$0] ?? $0 }
            if let match = removed.firstIndex(where: { $0.after == oldAfter }) {
                replaced[item.id] = removed[match].id
                var edit = FedwikiAction(.edit, date: date)
                edit.id = removed[match].id
                edit.item = item
                actions.append(edit)
                current[current.firstIndex(of: removed[match].id)!] = item.id
                removed.remove(at: match)
            } else {
                added.append((index, item))
            }
        }
        for gone in removed {
            var remove = FedwikiAction(.remove, date: date)
            remove.id = gone.id
            actions.append(remove)
            current.removeAll { $0 == gone.id }
        }
        for (index, item) in added {
            var add = FedwikiAction(.add, date: date)
            add.id = item.id
            add.item = item
            add.after = index > 0 ? next[index - 1].id : nil
            actions.append(add)
            current.insert(item.id, at: add.after.flatMap { current.firstIndex(of: $0) }.map { $0 + 1 } ?? 0)
        }
        // What is left out of order moves behind the item it follows in `next`.
        let order = next.map(\.id)
        for (index, id) in order.enumerated() where current.firstIndex(of: id) != index {
            var move = FedwikiAction(.move, date: date)
            move.id = id
            move.order = order
            actions.append(move)
            current.removeAll { $0 == id }
            current.insert(id, at: index)
        }
        return actions
    }
}
