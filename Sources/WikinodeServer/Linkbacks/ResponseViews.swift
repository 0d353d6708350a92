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

/// A verified mention from the web, or a response it shows in turn, as a page shows it, with
/// the responses shown under it. All text came from elsewhere; the templates escape it.
struct MentionView: Sendable {
    let sourceURL: String
    let sourceHost: String
    let authorName: String
    let authorURL: String?
    let authorPhoto: String?
    let title: String
    let excerpt: String
    let hasExcerpt: Bool
    let date: DateView
    let dialect: String
    let replyPath: String
    let comments: [MentionView]
    let hasComments: Bool

    init(_ mention: Mention, timeZone: TimeZone) {
        let learned = mention.verifiedAt ?? mention.receivedAt
        self.init(
            url: mention.sourceURL, host: mention.sourceHost, authorName: mention.authorName, authorURL: mention.authorURL,
            authorPhoto: mention.authorPhoto, title: mention.title, excerpt: mention.excerpt,
            date: DateView(mention.published ?? learned, in: timeZone),
            dialect: mention.protocol.rawValue, comments: mention.comments.map { MentionView($0, learned: learned, timeZone: timeZone) })
    }

    /// A response the source shows; without a date of its own, dated when this node learned of it.
    init(_ comment: Mention.Comment, learned: Date, timeZone: TimeZone) {
        self.init(
            url: comment.url, host: URL(string: comment.url)?.host ?? "", authorName: comment.authorName, authorURL: comment.authorURL,
            authorPhoto: comment.authorPhoto, title: comment.title, excerpt: comment.excerpt,
            date: DateView(comment.published ?? learned, in: timeZone), dialect: "",
            comments: comment.comments.map { MentionView($0, learned: learned, timeZone: timeZone) })
    }

    private init(
        url: String, host: String, authorName: String, authorURL: String, authorPhoto: String, title: String, excerpt: String, date: DateView,
        dialect: String, comments: [MentionView]
    ) {
        sourceURL = url
        sourceHost = host
        self.authorName = authorName.isEmpty ? host : authorName
        self.authorURL = authorURL.isEmpty ? nil : authorURL
        self.authorPhoto = authorPhoto.isEmpty ? nil : authorPhoto
        self.title = title.isEmpty ? url : title
        self.excerpt = excerpt
        hasExcerpt = !excerpt.isEmpty
        self.date = date
        self.dialect = dialect
        replyPath = NodeAddress.reply(to: url, about: self.title)
        self.comments = comments
        hasComments = !comments.isEmpty
    }
}

/// An address a page replies to, as the page shows it above its text.
struct ReplyTargetView: Sendable {
    let url: String
    /// The target's title once fetched; until then its address without the scheme, shortened.
    let label: String
    /// Whether the target was fetched: then author, site, date and excerpt say what it is.
    let hasContext: Bool
    let authorName: String
    let hasAuthor: Bool
    let authorURL: String?
    let site: String
    let date: DateView?
    let excerpt: String
    let hasExcerpt: Bool

    init(_ url: String, context: ReplyContext?, timeZone: TimeZone) {
        self.url = url
        label = context.map(\.title).flatMap { $0.isEmpty ? nil : $0 } ?? Self.shortened(url)
        hasContext = context != nil
        authorName = context?.authorName ?? ""
        hasAuthor = !authorName.isEmpty
        authorURL = context.flatMap { $0.authorURL.isEmpty ? nil : $0.authorURL }
        site = context.map { $0.site.isEmpty ? (URL(string: url)?.host ?? "") : $0.site } ?? ""
        date = context?.published.map { DateView($0, in: timeZone) }
        excerpt = context?.excerpt ?? ""
        hasExcerpt = !excerpt.isEmpty
    }

    /// An address without its scheme, at most 80 characters.
    static func shortened(_ url: String) -> String {
        var label = url
        for scheme in ["https://", "http://"] where label.hasPrefix(scheme) { label.removeFirst(scheme.count) }
        if label.hasSuffix("/") { label.removeLast() }
        return label.count > 80 ? String(label.prefix(79)) + "…" : label
    }

    static func list(_ urls: [String], contexts: [String: ReplyContext], timeZone: TimeZone) -> [ReplyTargetView] {
        urls.map { ReplyTargetView($0, context: contexts[$0], timeZone: timeZone) }
    }
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

extension MentionView: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "sourceURL": sourceURL
        case "sourceHost": sourceHost
        case "authorName": authorName
        case "authorURL": authorURL
        case "authorPhoto": authorPhoto
        case "title": title
        case "excerpt": excerpt
        case "hasExcerpt": hasExcerpt
        case "date": date
        case "dialect": dialect
        case "replyPath": replyPath
        case "comments": comments
        case "hasComments": hasComments
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
        case "hasContext": hasContext
        case "authorName": authorName
        case "hasAuthor": hasAuthor
        case "authorURL": authorURL
        case "site": site
        case "date": date
        case "excerpt": excerpt
        case "hasExcerpt": hasExcerpt
        default: nil
        }
    }
}
