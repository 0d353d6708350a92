import Foundation

/// Reads JSON Feed 1.0 and 1.1 (https://jsonfeed.org), leniently as the format's readers do:
/// ids may be numbers, 1.0's `author` and 1.1's `authors` both name the author.
enum JSONFeedReader {
    static func read(_ data: Data, url: URL) throws(FeedError) -> FeedDocument {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw .malformed("it is not valid JSON")
        }
        guard let feed = object as? [String: Any] else { throw .notAFeed("its JSON is not an object") }
        guard let version = feed["version"] as? String, version.hasPrefix("https://jsonfeed.org/version/") else {
            throw .notAFeed("its JSON has no JSON Feed version")
        }
        guard let items = feed["items"] as? [Any] else { throw .malformed("a JSON Feed has a list of items") }
        let dates = FeedDateParser()
        var document = FeedDocument(format: .jsonFeed)
        document.title = FeedText.line(feed["title"] as? String, limit: FeedDocument.titleLimit)
        document.homePageURL = FeedText.url(feed["home_page_url"] as? String, base: url)
        document.selfURL = FeedText.url(feed["feed_url"] as? String, base: url)
        for hub in (feed["hubs"] as? [Any] ?? []).prefix(4) {
            guard let hub = hub as? [String: Any], (hub["type"] as? String)?.lowercased() == "websub",
                let hubURL = FeedText.url(hub["url"] as? String, base: url)
            else { continue }
            document.hubURLs.append(hubURL)
        }
        for case let item as [String: Any] in items {
            guard document.entries.count < FeedDocument.maximumEntries else { break }
            let id: String
            switch item["id"] {
            case let text as String: id = FeedText.line(text, limit: FeedDocument.idLimit) ?? ""
            case let number as NSNumber: id = number.stringValue
            default: id = ""
            }
            let itemURL = FeedText.url(item["url"] as? String, base: url) ?? FeedText.url(item["external_url"] as? String, base: url)
            var entry = FeedEntry(id: id.isEmpty ? itemURL?.absoluteString ?? "" : id)
            guard !entry.id.isEmpty else { continue }
            entry.url = itemURL
            entry.title = FeedText.line(item["title"] as? String, limit: FeedDocument.titleLimit)
            entry.contentHTML = FeedText.content(item["content_html"] as? String)
            entry.contentText = FeedText.content(item["content_text"] as? String)
            entry.summary = (item["summary"] as? String).flatMap { FeedText.content(XMLFeedReader.escaped($0)) }
            entry.published = dates.date(item["date_published"] as? String)
            entry.updated = dates.date(item["date_modified"] as? String) ?? entry.published
            let authors = (item["authors"] as? [Any]) ?? (item["author"].map { [$0] } ?? [])
            entry.authorName = authors.lazy.compactMap { ($0 as? [String: Any])?["name"] as? String }.first.flatMap {
                FeedText.line($0, limit: FeedDocument.nameLimit)
            }
            document.entries.append(entry)
        }
        return document
    }
}
