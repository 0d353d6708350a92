import Foundation
import WikinodeCore

extension Fediverse {
    /// Tells the followers of posts that became public (`Create`), changed (`Update`) or are
    /// no longer public (`Delete`) since the change log was last read for them: one delivery
    /// per follower's server (its shared inbox). Reads the log as followers on the peer
    /// protocol do, so a post written by another process (`wikinode import`) is told too.
    public func announcePosts(now: Date = Date()) {
        guard nodeURL.isSettled else { return }
        do {
            guard try database.hasUnfederatedChanges() else { return }
            let base = nodeURL.string
            var articles: [Int64: ArticleDocument] = [:]
            let pending = try database.pendingPostActivities(now: now) { entry in
                let article = try database.articles(of: [entry], baseURL: base, withContext: false)[0]
                articles[entry.post.pageId] = article
                return Self.digest(of: article)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var made: [(activity: PostActivity, hash: String?, json: String)] = []
            for (activity, hash) in pending.activities {
                let data: Data
                switch activity {
                case .create(let entry):
                    let article = articles[entry.post.pageId]!
                    data = try encoder.encode(
                        ArticleActivity(id: article.id + "#create", type: "Create", article: article, published: article.published))
                case .update(let entry):
                    // Dated now: Mastodon shows an edit only when `updated` is newer than what it has.
                    var article = articles[entry.post.pageId]!
                    article.updated = ActivityDate.format(now)
                    data = try encoder.encode(
                        ArticleActivity(
                            id: article.id + "#update-\(pending.latest)", type: "Update", article: article, published: ActivityDate.format(now)))
                case .delete(_, let objectId):
                    data = try encoder.encode(
                        DeleteActivity(id: base + objectId + "#delete-\(pending.latest)", objectId: base + objectId, baseURL: base))
                }
                made.append((activity, hash, String(decoding: data, as: UTF8.self)))
            }
            try database.recordPostActivities(made, latest: pending.latest, now: now)
        } catch {
            logger.warning("fediverse: announcing posts failed", metadata: ["error": "\(error)"])
        }
    }

    /// What the fediverse sees of a post, but its dates: equal digests need no `Update`.
    static func digest(of article: ArticleDocument) -> String {
        var seen = article
        seen.published = ""
        seen.updated = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]  // the same bytes for the same article, run after run
        let data = (try? encoder.encode(seen)) ?? Data()
        return hexDigest(data)
    }
}
