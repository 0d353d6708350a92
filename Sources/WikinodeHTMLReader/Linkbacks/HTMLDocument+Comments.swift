import Foundation

extension HTMLDocument {
    /// How deep nested comments are read: a reply, its replies, and theirs.
    public static let maximumCommentDepth = 3
    /// How many comments one entry gives at most, at every depth together.
    public static let maximumComments = 50

    /// The responses `entry` shows as its own (`p-comment h-cite`, or `h-entry`), as it nests
    /// them, without any whose url is in `excluded` (the page they respond to, the entry itself)
    /// or that repeats one above it: a reply cannot bring itself back, and a loop of sites
    /// quoting each other stops.
    func comments(of entry: MicroformatItem, excluding excluded: Set<String>) -> [MentionComment] {
        var budget = Self.maximumComments
        return comments(of: entry, depth: 1, excluding: excluded, budget: &budget)
    }

    private func comments(of item: MicroformatItem, depth: Int, excluding excluded: Set<String>, budget: inout Int) -> [MentionComment] {
        guard depth <= Self.maximumCommentDepth else { return [] }
        var result: [MentionComment] = []
        for value in item.properties["comment"] ?? [] {
            guard budget > 0 else { break }
            guard case .item(let cite, _) = value, cite.types.contains(where: { $0 == "h-cite" || $0 == "h-entry" }),
                let url = httpURL(cite.text("url")?.trimmingWhitespace())
            else { continue }
            let key = Self.comparable(url)
            guard !excluded.contains(key), !result.contains(where: { Self.comparable($0.url) == key }) else { continue }
            budget -= 1
            var author = MentionContent()
            setAuthor(of: cite, on: &author, orFeed: false)
            var comment = MentionComment(url: url)
            comment.title = cite.text("name").flatMap { PlainText.clean($0, limit: PlainText.titleLimit) }
            comment.excerpt = (cite.text("content") ?? cite.text("summary")).flatMap { PlainText.clean($0, limit: PlainText.excerptLimit) }
            comment.published = cite.text("published").flatMap(MicroformatsDate.parse)
            comment.authorName = author.authorName
            comment.authorURL = author.authorURL
            comment.authorPhoto = author.authorPhoto
            comment.comments = comments(of: cite, depth: depth + 1, excluding: excluded.union([key]), budget: &budget)
            result.append(comment)
        }
        return result
    }
}
