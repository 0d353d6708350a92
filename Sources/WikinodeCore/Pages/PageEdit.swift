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

    public init(
        title: PageTitle, markdown: String, summary: String = "", author: String, expectation: Expectation = .any, date: Date? = nil,
        fork: ForkSource? = nil
    ) {
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
