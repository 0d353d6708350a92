import Foundation
import WikinodeCore

/// `mention` notices: the Webmention of the peer protocol. A node tells a peer that one of its
/// pages links to (or replies to) one of the peer's pages with a signed notice instead of
/// discovering the peer's endpoint; the peer queues it as a mention from the signer's site and
/// verifies it like any other, by fetching the source.
extension Peering {
    /// The peer whose site holds `url` (its base URL is the address's origin and a leading part
    /// of its path), if it follows this node or this node follows it: it knows this node's key.
    public func peer(holding url: String) throws -> Peer? {
        for candidate in Self.siteCandidates(of: url) {
            if let peer = try database.peer(url: candidate), peer.isFollowing || peer.isFollower { return peer }
        }
        return nil
    }

    /// The base URLs that could hold `url`, longest first: `https://h/a/b` gives `https://h/a/b`,
    /// `https://h/a`, `https://h`. At most ten.
    static func siteCandidates(of url: String) -> [String] {
        guard var components = URLComponents(string: url) else { return [] }
        components.query = nil
        components.fragment = nil
        guard let whole = components.string, let normalized = normalized(whole), var site = URLComponents(string: normalized) else { return [] }
        var segments = site.percentEncodedPath.split(separator: "/", omittingEmptySubsequences: true).prefix(9).map(String.init)
        var candidates: [String] = []
        while true {
            site.percentEncodedPath = segments.isEmpty ? "" : "/" + segments.joined(separator: "/")
            if let text = site.string { candidates.append(text) }
            if segments.isEmpty { break }
            segments.removeLast()
        }
        return candidates
    }

    /// Whether `url` is an address on the site whose base URL is `site` (normalized): same
    /// scheme, host and port, under its path, with no `.` or `..` segments to climb out of it.
    static func isAddress(_ url: URL, on site: String) -> Bool {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return false }
        components.query = nil
        components.fragment = nil
        let segments = components.percentEncodedPath.split(separator: "/")
        guard !segments.contains(where: { [".", ".."].contains($0.removingPercentEncoding ?? ".") }),
            let text = components.string, let normalized = normalized(text)
        else { return false }
        return normalized == site || normalized.hasPrefix(site + "/")
    }

    /// Tells `peer` that this node's page `source` links to its page `target`. Returns the inbox
    /// and what it answered; throws when the notice was not accepted.
    public func tellMention(source: String, target: String, to peer: Peer) async throws -> (inbox: String, status: Int, answer: String) {
        let name = (try? database.settings().name) ?? "wikinode"
        let response = try await post(Notice(type: .mention, actor: ownURL, name: name, source: source, target: target), to: peer)
        return (
            peer.url + NodeAddress.inbox, response.status, MentionText.line(String(decoding: response.body.prefix(1000), as: UTF8.self), limit: 300)
        )
    }

    /// A `mention` notice received from `sender`, whose signature was checked: queued as a
    /// mention of the target page, to be verified in the background. Throws `.badResponse` for
    /// a notice that names no page here or a source off the sender's site, `.refused` when the
    /// sender has too many mentions waiting.
    func receiveMention(_ notice: Notice, from sender: String) throws -> String {
        let limit = WebAddress.maximumURLLength
        guard let source = WebAddress.url(notice.source).map(WebAddress.withoutFragment) else {
            throw RemoteError.badResponse("A mention notice needs a source: an http(s) address of the sender's page, at most \(limit) bytes.")
        }
        guard Self.isAddress(source, on: sender) else {
            throw RemoteError.badResponse("The source \(source.absoluteString.prefix(200)) is not on the sender's site, \(sender).")
        }
        guard let target = WebAddress.url(notice.target).map(WebAddress.withoutFragment) else {
            throw RemoteError.badResponse("A mention notice needs a target: an http(s) address of a page of this node, at most \(limit) bytes.")
        }
        let homePage = (try? PageTitle(try database.settings().homePage)) ?? (try! PageTitle("Welcome"))
        let page: Page
        do {
            page = try MentionTarget.page(at: target, baseURL: ownURL, homePage: homePage, database: database)
        } catch let problem as MentionTarget.Problem {
            throw RemoteError.badResponse("The target is not a page of this node: \(problem)")
        }
        do {
            try database.receiveMention(pageId: page.id!, source: source, target: target.absoluteString, protocol: .wikinode)
        } catch let refusal as MentionRefusal {
            if case .busy = refusal { throw RemoteError.refused(refusal.description) }
            throw RemoteError.badResponse(refusal.description)
        }
        return "The mention of \(page.title) will be checked: its source will be fetched for a link here."
    }
}
