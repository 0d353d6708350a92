import Foundation
import WikinodeCore

/// The verified responses a page shows, by kind: replies as a conversation under the page,
/// likes, reposts and bookmarks as counts with the people who made them, and plain mentions as
/// a list. All text came from elsewhere; the templates escape it.
struct ResponsesView: Sendable {
    let replies: [MentionView]
    let hasReplies: Bool
    let reactions: [ReactionGroup]
    let hasReactions: Bool
    let mentions: [MentionView]
    let hasMentions: Bool
    let hasAny: Bool

    /// People who responded the same way, with how many they are.
    struct ReactionGroup: Sendable {
        let kind: String
        /// "3 likes", "1 repost".
        let label: String
        let people: [MentionView]
    }

    init(_ mentions: [Mention], timeZone: TimeZone) {
        let views = mentions.map { (kind: $0.kind, view: MentionView($0, timeZone: timeZone)) }
        replies = views.filter { $0.kind == .reply }.map(\.view)
        hasReplies = !replies.isEmpty
        reactions = [(Mention.Kind.like, "like", "likes"), (.repost, "repost", "reposts"), (.bookmark, "bookmark", "bookmarks")]
            .compactMap { kind, one, many in
                let people = views.filter { $0.kind == kind }.map(\.view)
                return people.isEmpty
                    ? nil : ReactionGroup(kind: kind.rawValue, label: "\(people.count) \(people.count == 1 ? one : many)", people: people)
            }
        hasReactions = !reactions.isEmpty
        self.mentions = views.filter { $0.kind == .mention }.map(\.view)
        hasMentions = !self.mentions.isEmpty
        hasAny = hasReplies || hasReactions || hasMentions
    }
}

/// An address a page replies to, as the page shows it above its text.
struct ReplyTargetView: Sendable {
    let url: String
    /// The address without its scheme, shortened: what the link says until the target's own
    /// title is known.
    let label: String

    init(_ url: String) {
        self.url = url
        var label = url
        for scheme in ["https://", "http://"] where label.hasPrefix(scheme) { label.removeFirst(scheme.count) }
        if label.hasSuffix("/") { label.removeLast() }
        self.label = label.count > 80 ? String(label.prefix(79)) + "…" : label
    }

    static func list(_ urls: [String]) -> [ReplyTargetView] { urls.map(ReplyTargetView.init) }
}

extension ResponsesView: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "replies": replies
        case "hasReplies": hasReplies
        case "reactions": reactions
        case "hasReactions": hasReactions
        case "mentions": mentions
        case "hasMentions": hasMentions
        case "hasAny": hasAny
        default: nil
        }
    }
}

extension ResponsesView.ReactionGroup: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "kind": kind
        case "label": label
        case "people": people
        default: nil
        }
    }
}

extension ReplyTargetView: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "url": url
        case "label": label
        default: nil
        }
    }
}
