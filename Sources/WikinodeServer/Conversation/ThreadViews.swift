import Foundation
import WikinodeCore

/// `/wiki/{title}/thread`: the conversation a page belongs to, across sites.
struct ThreadView: Sendable {
    let site: SiteView
    let title: String
    let tools: PageToolsView
    /// One chain per address the page replies to, the top first.
    let above: [ThreadChainView]
    let hasAbove: Bool
    let page: ThreadEntryView
    /// "No replies yet", "1 reply", "3 replies", counting replies to replies.
    let replyCountText: String
    let jsonPath: String

    init(site: SiteView, title: PageTitle, thread: ConversationThread) {
        self.site = site
        self.title = title.text
        tools = PageToolsView(title)
        let replies = thread.page.all.dropFirst()
        // On a tie (dates to the second), the later in the thread: a reply is not older than what it answers.
        let newest = replies.reduce(nil as ThreadEntry?) { newest, entry in
            guard let date = entry.published else { return newest }
            return newest.map { date >= $0.published! } ?? true ? entry : newest
        }
        above = thread.above.map { ThreadChainView(entries: $0.map { ThreadEntryView($0, newest: nil, timeZone: site.timeZone) }) }
        hasAbove = !above.isEmpty
        page = ThreadEntryView(thread.page, newest: newest, timeZone: site.timeZone)
        replyCountText = replies.isEmpty ? "no replies yet" : replies.count == 1 ? "1 reply" : "\(replies.count) replies"
        jsonPath = title.path + NodeAddress.PageSuffix.threadJSON
    }
}

struct ThreadChainView: Sendable {
    let entries: [ThreadEntryView]
}

/// One contribution, as the thread shows it. All text may come from elsewhere; the templates
/// escape it.
struct ThreadEntryView: Sendable {
    let url: String
    let title: String
    let site: String
    let author: String
    let hasAuthor: Bool
    let authorURL: String?
    let date: DateView?
    let excerpt: String
    let hasExcerpt: Bool
    let kind: String
    /// "this page", "reply", "reply on this node", "in reply to".
    let kindLabel: String
    let isNewest: Bool
    let replies: [ThreadEntryView]
    let hasReplies: Bool
    let replyPath: String

    init(_ entry: ThreadEntry, newest: ThreadEntry?, timeZone: TimeZone) {
        url = entry.url
        title = entry.title.isEmpty ? ReplyTargetView.shortened(entry.url) : entry.title
        site = entry.site
        author = entry.author
        hasAuthor = !entry.author.isEmpty
        authorURL = entry.authorURL.isEmpty ? nil : entry.authorURL
        date = entry.published.map { DateView($0, in: timeZone) }
        excerpt = entry.excerpt
        hasExcerpt = !entry.excerpt.isEmpty
        kind = entry.kind.rawValue
        kindLabel =
            switch entry.kind {
            case .page: "this page"
            case .context: "earlier"
            case .reply: "reply"
            case .localReply: "reply on this node"
            }
        isNewest = newest.map { $0.url == entry.url && $0.published == entry.published } ?? false
        replies = entry.replies.map { ThreadEntryView($0, newest: newest, timeZone: timeZone) }
        hasReplies = !replies.isEmpty
        replyPath = NodeAddress.reply(to: entry.url, about: title)
    }
}

extension ThreadView: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "site": site
        case "title": title
        case "tools": tools
        case "above": above
        case "hasAbove": hasAbove
        case "page": page
        case "replyCountText": replyCountText
        case "jsonPath": jsonPath
        default: nil
        }
    }
}

extension ThreadChainView: TemplateFields {
    func child(named name: String) -> Any? {
        name == "entries" ? entries : nil
    }
}

extension ThreadEntryView: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "url": url
        case "title": title
        case "site": site
        case "author": author
        case "hasAuthor": hasAuthor
        case "authorURL": authorURL
        case "date": date
        case "excerpt": excerpt
        case "hasExcerpt": hasExcerpt
        case "kind": kind
        case "kindLabel": kindLabel
        case "isNewest": isNewest
        case "replies": replies
        case "hasReplies": hasReplies
        case "replyPath": replyPath
        default: nil
        }
    }
}
