import Foundation

/// A change a person or program asks for: new Markdown for a page.
public struct PageEdit: Sendable {
    /// What the writer believes the page's current revision is.
    public enum Expectation: Sendable, Equatable {
        /// Overwrite whatever is there (import).
        case any
        /// The page must not exist yet.
        case newPage
        /// The page must still be at this revision.
        case revision(Int64)
    }

    public var title: PageTitle
    public var markdown: String
    public var summary: String
    public var author: String
    public var expectation: Expectation
    /// When the change was made; now unless importing history.
    public var date: Date?
    /// The peer's page this edit copies, when it is a fork.
    public var fork: ForkSource?
    /// The addresses the page replies to after the edit; nil keeps what it replied to.
    public var inReplyTo: [String]?

    public init(
        title: PageTitle, markdown: String, summary: String = "", author: String, expectation: Expectation = .any, date: Date? = nil,
        fork: ForkSource? = nil, inReplyTo: [String]? = nil
    ) {
        self.inReplyTo = inReplyTo
        self.fork = fork
        self.title = title
        self.markdown = markdown
        self.summary = summary
        self.author = author
        self.expectation = expectation
        self.date = date
    }

    /// The largest page accepted, in UTF-8 bytes.
    public static let maximumMarkdownBytes = 1_000_000
    /// The longest edit summary accepted, in characters.
    public static let maximumSummaryLength = 500
    /// The most addresses a page can reply to, and the longest address, in UTF-8 bytes.
    public static let maximumReplyTargets = 10
    public static let maximumReplyURLBytes = 2_000

    /// The addresses a page replies to, from text that names one per line (or separated by
    /// spaces): trimmed, without repeats, each an absolute http(s) URL.
    public static func replyTargets(from text: String) throws -> [String] {
        var seen = Set<String>()
        var urls: [String] = []
        for word in text.split(whereSeparator: { $0.isWhitespace }) where seen.insert(String(word)).inserted {
            urls.append(String(word))
        }
        try validateReplyTargets(urls)
        return urls
    }

    static func validateReplyTargets(_ urls: [String]) throws {
        if urls.count > maximumReplyTargets {
            throw WikiError.invalidInput("A page can reply to at most \(maximumReplyTargets) addresses; this one names \(urls.count).")
        }
        for url in urls {
            guard url.utf8.count <= maximumReplyURLBytes else {
                throw WikiError.invalidInput("An address in “In reply to” is longer than \(maximumReplyURLBytes) bytes.")
            }
            guard !url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }),
                let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
                let host = parsed.host, !host.isEmpty
            else {
                throw WikiError.invalidInput("“In reply to” takes web addresses (http or https); \(String(url.prefix(100))) is not one.")
            }
        }
    }

    func validate() throws {
        if markdown.utf8.count > Self.maximumMarkdownBytes {
            throw WikiError.invalidInput("The page is \(markdown.utf8.count) bytes; the most a page can have is \(Self.maximumMarkdownBytes).")
        }
        if let bad = markdown.unicodeScalars.first(where: Self.isForbiddenInText) {
            throw WikiError.invalidInput(
                "The text contains the control character U+\(String(bad.value, radix: 16, uppercase: true).leftPadded(to: 4)), which a page cannot hold."
            )
        }
        if summary.count > Self.maximumSummaryLength {
            throw WikiError.invalidInput("The summary can have at most \(Self.maximumSummaryLength) characters.")
        }
        if summary.unicodeScalars.contains(where: { Self.isForbiddenInText($0) || $0 == "\n" || $0 == "\r" }) {
            throw WikiError.invalidInput("The summary must be one line of text without control characters.")
        }
        if let inReplyTo {
            try Self.validateReplyTargets(inReplyTo)
            if Set(inReplyTo).count != inReplyTo.count { throw WikiError.invalidInput("“In reply to” names an address twice.") }
        }
        if author.isEmpty || author.count > 100 || author.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw WikiError.invalidInput("The author must be a name of 1 to 100 characters.")
        }
    }

    /// Control characters other than tab, line feed and carriage return; XML cannot carry them.
    static func isForbiddenInText(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r")
            || scalar.value == 0x7F || scalar.value == 0xFFFE || scalar.value == 0xFFFF
    }
}

/// A page on a followed peer that an edit forks: its address, revision there and date.
public struct ForkSource: Sendable, Equatable {
    public var url: String
    public var revision: Int64
    public var date: Date

    public init(url: String, revision: Int64, date: Date) {
        self.url = url
        self.revision = revision
        self.date = date
    }
}

/// What a save did.
public struct SaveResult: Sendable {
    public let page: Page
    public let revision: Revision
    /// False when the text was the same as the current revision's and nothing was written.
    public let isChanged: Bool
    public let isCreated: Bool
}
