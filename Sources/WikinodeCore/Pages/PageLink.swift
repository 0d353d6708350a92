import GRDB

/// A wiki link from a page to a title, which may or may not exist.
public struct PageLink: Codable, Sendable, Equatable {
    public var pageId: Int64
    public var targetKey: String
    public var targetTitle: String
}

extension PageLink: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "pageLink"

    public enum Columns {
        static let pageId = Column(CodingKeys.pageId)
        static let targetKey = Column(CodingKeys.targetKey)
    }
}

/// A link from a page to a URL on the web.
public struct ExternalLink: Codable, Sendable, Equatable {
    public var pageId: Int64
    public var url: String
}

extension ExternalLink: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "externalLink"

    public enum Columns {
        static let pageId = Column(CodingKeys.pageId)
    }
}

/// An old title of a renamed page, which keeps answering with a redirect.
public struct TitleAlias: Codable, Sendable, Equatable {
    public var titleKey: String
    public var title: String
    public var pageId: Int64
}

extension TitleAlias: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "titleAlias"

    public enum Columns {
        static let titleKey = Column(CodingKeys.titleKey)
        static let pageId = Column(CodingKeys.pageId)
    }
}
