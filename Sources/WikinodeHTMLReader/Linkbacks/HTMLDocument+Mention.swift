import Foundation

extension HTMLDocument {
    /// Characters of context taken on each side of the link when the page has no microformats.
    static let contextLength = 200

    /// What this page says about `target`, for showing a mention of it.
    ///
    /// From microformats2 when the page has an `h-entry`: the first one (in document order, so
    /// the outermost) that contains the link to `target`, else the first. Its `name` (explicit or
    /// implied) is the title, its `content` or else `summary` the excerpt, `published` the date,
    /// and the author comes from its `author` (an `h-card` with `name`, `url`, `photo`, or plain
    /// text or a URL), else the `author` of an enclosing `h-feed`, else the first
    /// `rel="author"` link. Without microformats: the `<title>`, the text around the first link
    /// to `target` (about 200 characters each side), the `article:published_time` meta, and the
    /// `rel="author"` link. Missing pieces fall back the same way.
    public func mention(of target: URL) -> MentionContent {
        let link = firstLink(to: target)
        var content = MentionContent()
        if let entry = hEntry(containing: link) {
            let item = microformatItem(at: entry)
            content.isFromMicroformats = true
            content.title = item.text("name").flatMap { PlainText.clean($0, limit: PlainText.titleLimit) }
            content.excerpt = (item.text("content") ?? item.text("summary")).flatMap {
                PlainText.clean($0, limit: PlainText.excerptLimit)
            }
            content.published = item.text("published").flatMap(MicroformatsDate.parse)
            content.kind = responseKind(of: item, to: target)
            content.inReplyTo = addresses(of: item, property: "in-reply-to")
            content.comments = comments(of: item, excluding: [Self.comparable(target), Self.comparable(baseURL)])
            setAuthor(of: item, on: &content)
        }
        content.title = content.title ?? title
        content.excerpt = content.excerpt ?? textAround(link)
        content.published = content.published ?? metaPublished()
        if content.authorName == nil && content.authorURL == nil { setRelAuthor(on: &content) }
        return content
    }

    /// What `entry` is to `target`: the first post-type property (reply before like, repost and
    /// bookmark) with a value, plain or an `h-cite`'s `url`, that is `target`'s address.
    private func responseKind(of entry: MicroformatItem, to target: URL) -> ResponseKind {
        let wanted = Self.comparable(target)
        for kind in ResponseKind.allCases {
            guard let property = kind.property else { continue }
            if addresses(of: entry, property: property).contains(where: { Self.comparable($0) == wanted }) { return kind }
        }
        return .mention
    }

    /// The http(s) addresses that are values of `property` of `entry`: plain, or an `h-cite`'s url.
    private func addresses(of entry: MicroformatItem, property: String) -> [URL] {
        (entry.properties[property] ?? []).compactMap { value in
            let address: String
            switch value {
            case .text(let text): address = text
            case .item(let cite, let text): address = cite.text("url") ?? text
            }
            return httpURL(address.trimmingWhitespace())
        }
    }

    /// `url` normalized and without its fragment: two addresses of one document compare equal.
    static func comparable(_ url: URL) -> String {
        let text = URLReference.normalized(url).absoluteString
        return text.firstIndex(of: "#").map { String(text[..<$0]) } ?? text
    }

    /// The first `h-entry` element that contains `link`, else the first `h-entry`.
    private func hEntry(containing link: Int?) -> Int? {
        let entries = nodes.indices.filter { nodes[$0].kind == .element && classNames(of: $0).contains("h-entry") }
        if let link, let containing = entries.first(where: { isInside(link, $0) }) { return containing }
        return entries.first
    }

    /// Sets the author of `entry` (an entry's, else its feed's when `orFeed`).
    func setAuthor(of entry: MicroformatItem, on content: inout MentionContent, orFeed: Bool = true) {
        var author = entry.properties["author"]?.first
        if author == nil, orFeed, let feed = enclosingFeed(of: entry.element) {
            author = microformatItem(at: feed).properties["author"]?.first
        }
        switch author {
        case .item(let card, let text):
            content.authorName = (card.text("name") ?? (looksLikeURL(text) ? nil : text)).flatMap {
                PlainText.clean($0, limit: PlainText.authorLimit)
            }
            // `<a class="p-author h-card" href="/"><img class="u-photo" …>Name</a>`: microformats
            // imply no url when the card has another u-* property, but the link is plainly it.
            let cardLink = nodes[card.element].isElement("a") ? nodes[card.element].attribute("href") : nil
            content.authorURL = httpURL(card.text("url") ?? cardLink ?? (looksLikeURL(text) ? text : nil))
            content.authorPhoto = httpURL(card.text("photo"))
        case .text(let text):
            if looksLikeURL(text) {
                content.authorURL = httpURL(text)
            } else {
                content.authorName = PlainText.clean(text, limit: PlainText.authorLimit)
            }
        case nil:
            break
        }
    }

    private func enclosingFeed(of element: Int) -> Int? {
        var index = nodes[element].parent
        while index > 0 {
            if classNames(of: index).contains("h-feed") { return index }
            index = nodes[index].parent
        }
        return nil
    }

    private func setRelAuthor(on content: inout MentionContent) {
        for index in elements(named: ["a", "link"]) where lowercasedTokens("rel", of: index).contains("author") {
            guard let href = nodes[index].attribute("href"),
                let url = URLReference.resolve(href, against: baseURL), url.isHTTP
            else { continue }
            content.authorURL = url
            if nodes[index].name == "a" {
                content.authorName = PlainText.clean(visibleText(under: index), limit: PlainText.authorLimit)
            }
            return
        }
    }

    /// The site's name, as its `og:site_name` or `application-name` meta says.
    public var siteName: String? {
        for index in elements(named: ["meta"]) {
            let node = nodes[index]
            guard node.attribute("property") == "og:site_name" || node.attribute("name") == "application-name",
                let name = node.attribute("content").flatMap({ PlainText.clean($0, limit: PlainText.authorLimit) }), !name.isEmpty
            else { continue }
            return name
        }
        return nil
    }

    private func metaPublished() -> Date? {
        for index in elements(named: ["meta"]) where nodes[index].attribute("property") == "article:published_time" {
            if let date = nodes[index].attribute("content").flatMap(MicroformatsDate.parse) { return date }
        }
        return nil
    }

    /// The text around `link` in the page's body: about `contextLength` characters before, the
    /// link's own text, and as many after; the start of the body without a link.
    private func textAround(_ link: Int?) -> String? {
        let body = nodes.indices.first { nodes[$0].isElement("body") } ?? 0
        var parts = [Collapser(), Collapser(), Collapser()]
        var part = 0
        let enough = Self.contextLength + 50
        appendVisibleText(under: body) { piece, _ in
            parts[part].append(piece)
        } breakWords: {
            parts[part].breakWords()
        } entering: { index in
            if index == link { part = 1 }
        } leaving: { index in
            if index == link { part = 2 }
        } shouldStop: {
            (link == nil && parts[0].length > PlainText.excerptLimit) || parts[2].length > enough
        }
        guard link != nil else { return PlainText.clean(parts[0].text, limit: PlainText.excerptLimit) }
        let before = PlainText.tail(parts[0].text, limit: Self.contextLength)
        let after = PlainText.truncated(parts[2].text, limit: Self.contextLength)
        let separator = parts[0].endsWithBreak || parts[1].startsWithBreak ? " " : ""
        let afterSeparator = parts[1].endsWithBreak || parts[2].startsWithBreak || parts[1].text.isEmpty ? " " : ""
        let excerpt = before + separator + parts[1].text + afterSeparator + after
        return PlainText.clean(excerpt, limit: PlainText.excerptLimit)
    }

    private func looksLikeURL(_ text: String) -> Bool {
        let trimmed = text.trimmingWhitespace().lowercased()
        return trimmed.hasPrefix("http://") || trimmed.hasPrefix("https://")
    }

    func httpURL(_ text: String?) -> URL? {
        guard let text, let url = URLReference.resolve(text, against: baseURL), url.isHTTP else { return nil }
        return url
    }
}
