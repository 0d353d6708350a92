import Foundation
import GRDB

/// One contribution to a conversation: a page of this node, a reply from elsewhere, or
/// something a page replies to, with the replies under it.
public struct ThreadEntry: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// The page the thread is drawn for.
        case page
        /// What a page replies to, as its reply context says (or only its address).
        case context
        /// A reply from another site, verified; or one a reply shows in turn.
        case reply
        /// A page of this node that replies.
        case localReply
    }

    public var url: String
    public var title: String
    public var site: String
    public var author: String
    public var authorURL: String
    public var published: Date?
    public var excerpt: String
    public var kind: Kind
    public var replies: [ThreadEntry] = []

    /// This entry and every one under it, depth first.
    public var all: [ThreadEntry] { [self] + replies.flatMap(\.all) }
}

/// The conversation a page belongs to, as this node knows it.
public struct ConversationThread: Sendable, Equatable {
    /// For each address the page replies to, the chain above it: the top first, the address last.
    public var above: [[ThreadEntry]]
    /// The page, with every reply and reply to a reply under it.
    public var page: ThreadEntry
    /// The pages of this node in the thread (for what its views depend on).
    public var localPageIds: [Int64]
}

extension WikiDatabase {
    /// How many replies deep a thread goes below a page.
    public static let maximumThreadDepth = 6

    /// The thread of `page`, from what the node stores (reply contexts, verified replies and the
    /// replies they show, this node's pages that reply), in one snapshot; `baseURL` is the
    /// node's, for the addresses of its pages.
    public func thread(of page: Page, baseURL: String, site: String, visibleAt now: Date = Date()) throws -> ConversationThread {
        try writer.read { db in
            var localPageIds: [Int64] = [page.id!]
            var visited: Set<Int64> = [page.id!]
            var entry = try localEntry(page, kind: .page, baseURL: baseURL, site: site, in: db)
            entry.replies = try replies(
                to: page, depth: 1, baseURL: baseURL, site: site, now: now, visited: &visited, localPageIds: &localPageIds, in: db)
            let above = try replyTargets(ofPageId: page.id!, in: db).map { try chain(above: $0, in: db) }
            return ConversationThread(above: above, page: entry, localPageIds: localPageIds)
        }
    }

    /// `url` and what it replies to, as far as reply contexts know, the top first.
    private func chain(above url: String, in db: Database) throws -> [ThreadEntry] {
        var chain: [ThreadEntry] = []
        var next: String? = url
        var seen: Set<String> = []
        while let address = next, !seen.contains(address), chain.count < ReplyContext.maximumDepth + 1 {
            seen.insert(address)
            let context = try replyContexts(of: [address], in: db)[address]
            chain.insert(
                ThreadEntry(
                    url: address, title: context?.title ?? "", site: context.map { $0.site } ?? (URL(string: address)?.host ?? ""),
                    author: context?.authorName ?? "", authorURL: context?.authorURL ?? "", published: context?.published,
                    excerpt: context?.excerpt ?? "", kind: .context), at: 0)
            next = context?.replyTargets.first
        }
        return chain
    }

    private func localEntry(_ page: Page, kind: ThreadEntry.Kind, baseURL: String, site: String, in db: Database) throws -> ThreadEntry {
        let content = try localReplyContext(of: page, site: site, excerptLimit: 300, in: db)
        return ThreadEntry(
            url: baseURL + page.pageTitle.path, title: content.title, site: site, author: content.authorName, authorURL: "",
            published: content.published, excerpt: content.excerpt, kind: kind)
    }

    /// The replies to `page`: verified replies from elsewhere (with the replies they show) and
    /// this node's visible pages that reply to its address, oldest first, each with its own.
    private func replies(
        to page: Page, depth: Int, baseURL: String, site: String, now: Date, visited: inout Set<Int64>, localPageIds: inout [Int64],
        in db: Database
    ) throws -> [ThreadEntry] {
        guard depth <= Self.maximumThreadDepth else { return [] }
        func remote(_ comment: Mention.Comment, depth: Int) -> ThreadEntry {
            ThreadEntry(
                url: comment.url, title: comment.title, site: URL(string: comment.url)?.host ?? "", author: comment.authorName,
                authorURL: comment.authorURL, published: comment.published, excerpt: comment.excerpt, kind: .reply,
                replies: depth < Self.maximumThreadDepth ? comment.comments.map { remote($0, depth: depth + 1) } : [])
        }
        var result = try shownMentions(ofPageId: page.id!, in: db).filter { $0.kind == .reply }.map { mention in
            ThreadEntry(
                url: mention.sourceURL, title: mention.title, site: mention.sourceHost, author: mention.authorName,
                authorURL: mention.authorURL, published: mention.published ?? mention.verifiedAt, excerpt: mention.excerpt, kind: .reply,
                replies: mention.comments.map { remote($0, depth: depth + 1) })
        }
        var addresses = [baseURL + page.pageTitle.path]
        if let post = try Post.fetchOne(db, key: page.id!) { addresses.append(baseURL + post.permalinkPath) }
        let replying = try Page.fetchAll(
            db,
            sql: """
                SELECT DISTINCT p.* FROM pageReply r JOIN page p ON p.id = r.pageId
                WHERE r.url IN (\(databaseQuestionMarks(count: addresses.count))) AND p.deletedAt IS NULL
                """, arguments: StatementArguments(addresses))
        for local in replying where !visited.contains(local.id!) {
            if let post = try Post.fetchOne(db, key: local.id!), post.status != .published || post.publishedAt > now { continue }
            visited.insert(local.id!)
            localPageIds.append(local.id!)
            var entry = try localEntry(local, kind: .localReply, baseURL: baseURL, site: site, in: db)
            entry.replies = try replies(
                to: local, depth: depth + 1, baseURL: baseURL, site: site, now: now, visited: &visited, localPageIds: &localPageIds, in: db)
            result.append(entry)
        }
        return result.sorted { ($0.published ?? .distantPast) < ($1.published ?? .distantPast) }
    }
}
