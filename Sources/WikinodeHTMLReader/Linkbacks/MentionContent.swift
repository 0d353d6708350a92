import Foundation

/// What a page that mentions ours says, for showing beside the mention: plain text only, each
/// field trimmed, without control characters, and bounded (title 200 characters, author 100,
/// excerpt 500). The renderer still escapes it. URLs are http(s) only.
public struct MentionContent: Sendable, Equatable {
    public var title: String?
    public var excerpt: String?
    public var published: Date?
    public var authorName: String?
    public var authorURL: URL?
    public var authorPhoto: URL?
    /// Whether the content came from a microformats2 `h-entry` rather than the bare page.
    public var isFromMicroformats: Bool
    /// What the entry is to the target: a reply, like, repost or bookmark of it, or a mention.
    public var kind: ResponseKind = .mention
    /// The responses the entry itself shows (`comment` values that are `h-cite`s with a url),
    /// nested as it nests them: how replies to replies reach the top of a thread.
    public var comments: [MentionComment] = []
    /// What the entry itself replies to (its `in-reply-to`, plain or `h-cite` urls), http(s).
    public var inReplyTo: [URL] = []

    public init(
        title: String? = nil, excerpt: String? = nil, published: Date? = nil, authorName: String? = nil,
        authorURL: URL? = nil, authorPhoto: URL? = nil, isFromMicroformats: Bool = false
    ) {
        self.title = title
        self.excerpt = excerpt
        self.published = published
        self.authorName = authorName
        self.authorURL = authorURL
        self.authorPhoto = authorPhoto
        self.isFromMicroformats = isFromMicroformats
    }
}

/// What a response is to the page it links to, as microformats2 say it (the post-type
/// properties of the IndieWeb: `in-reply-to`, `like-of`, `repost-of`, `bookmark-of`); any other
/// link is a plain mention.
public enum ResponseKind: String, Sendable, CaseIterable {
    case reply, like, repost, bookmark, mention

    /// The `h-entry` property that makes an entry this kind of response.
    public var property: String? {
        switch self {
        case .reply: "in-reply-to"
        case .like: "like-of"
        case .repost: "repost-of"
        case .bookmark: "bookmark-of"
        case .mention: nil
        }
    }
}

/// A response an entry shows as one of its own (`p-comment h-cite`), with those it shows in
/// turn. Text is cleaned and bounded as in `MentionContent`; the url is http(s).
public struct MentionComment: Sendable, Equatable {
    public var url: URL
    public var title: String?
    public var excerpt: String?
    public var published: Date?
    public var authorName: String?
    public var authorURL: URL?
    public var authorPhoto: URL?
    public var comments: [MentionComment] = []

    public init(url: URL) {
        self.url = url
    }
}
