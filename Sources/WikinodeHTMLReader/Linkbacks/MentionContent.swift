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
