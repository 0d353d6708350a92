import Foundation
import WikinodeCore
import WikinodeHTMLReader

extension Fediverse {
    /// Types of posts a reply or a mention can be.
    static let postTypes: Set<String> = ["Note", "Article", "Page", "Question"]

    /// `Create` or `Update` of a post: never taken from the body. The post is fetched from its
    /// own `id` (on its actor's origin) and kept as a reply when it replies to one of this
    /// node's pages, as a mention when it mentions the node's actor; an update that no longer
    /// does either removes it.
    func receivePost(_ activity: ActivityJSON, from actor: FediverseActor, isUpdate: Bool) async throws -> InboxOutcome {
        guard let objectID = activity.reference("object"), let objectURL = WebAddress.url(objectID) else {
            throw RemoteError.badResponse("A \(isUpdate ? "Update" : "Create") needs an object with an http(s) id.")
        }
        guard Self.sameOrigin(objectURL, actor.actorURL) else {
            throw RemoteError.unauthorized("The object \(objectID.prefix(200)) is not on its actor's origin.")
        }
        if let embedded = activity.embedded("object"), let type = embedded.type, !Self.postTypes.contains(type) {
            return .ignored("This node does not act on \(isUpdate ? "Update" : "Create") of \(type.prefix(100)).")
        }
        let post: ActivityJSON
        do {
            post = try await fetch(objectURL)
        } catch RemoteError.refused(let reason) {
            throw RemoteError.refused(reason)
        } catch {
            throw RemoteError.badResponse("The object cannot be fetched from its id, \(objectID.prefix(200)): \(error)")
        }
        guard ActivityJSON.reference(post.object["attributedTo"]) == actor.actorURL else {
            throw RemoteError.unauthorized("The post at \(objectID.prefix(200)) is not attributed to the activity's actor.")
        }
        guard let type = post.type, Self.postTypes.contains(type) else { return .ignored("\(objectID.prefix(200)) is not a post.") }
        let base = nodeURL.string
        let kind: Mention.Kind
        let target: (page: Page, url: String)
        if let reply = post.reference("inReplyTo"), let page = localPage(reply) {
            (kind, target) = (.reply, (page, reply))
        } else if mentionsActor(post), let page = localPage(base + "/") {
            (kind, target) = (.mention, (page, base + "/"))
        } else {
            if isUpdate, try database.removeFediverseResponse(source: objectID, actorURL: actor.actorURL) {
                return .accepted("\(objectID.prefix(200)) no longer replies to this node.")
            }
            return .ignored("\(objectID.prefix(200)) neither replies to nor mentions this node.")
        }
        let text: String
        let summary = MentionText.line(post.string("summary") ?? "", limit: 500)
        if !summary.isEmpty, type == "Note" || post.object["sensitive"] as? Bool == true {
            // A note's summary is its content warning: shown instead of what it warns of.
            text = "Content warning: " + MentionText.line(summary, limit: 200)
        } else if !summary.isEmpty {
            // An article's summary is what it says in short.
            text = summary
        } else {
            text = HTMLDocument(html: post.string("content") ?? "", url: objectURL).plainText(limit: 500) ?? ""
        }
        let content = WikinodeCore.MentionContent(
            authorName: Self.author(actor), authorURL: actor.profileURL, authorPhoto: actor.iconURL,
            title: MentionText.line(post.string("name") ?? "", limit: 200), excerpt: text, published: ActivityDate.parse(post.string("published")),
            kind: kind)
        try record(content, on: target.page, source: objectID, target: target.url, actor: actor)
        return .accepted("\(kind == .reply ? "The reply" : "The mention") from \(actor.handle.isEmpty ? actor.actorURL : actor.handle) is kept.")
    }

    /// `Like` or `Announce` of one of this node's pages: counted with its likes or boosts.
    func receiveReaction(_ activity: ActivityJSON, from actor: FediverseActor, kind: Mention.Kind) throws -> InboxOutcome {
        guard let id = activity.string("id"), let idURL = WebAddress.url(id), Self.sameOrigin(idURL, actor.actorURL) else {
            throw RemoteError.badResponse("A Like or Announce needs an id on its actor's origin.")
        }
        guard let object = activity.reference("object"), let page = localPage(object) else {
            return .ignored("\(activity.reference("object")?.prefix(200) ?? "Its object") is not a page of this node.")
        }
        let content = WikinodeCore.MentionContent(
            authorName: Self.author(actor), authorURL: actor.profileURL, authorPhoto: actor.iconURL,
            published: ActivityDate.parse(activity.string("published")), kind: kind)
        try record(content, on: page, source: id, target: object, actor: actor)
        return .accepted("\(kind == .like ? "The like" : "The boost") from \(actor.handle.isEmpty ? actor.actorURL : actor.handle) is counted.")
    }

    /// `Delete` of a post, or `Undo` of a like or boost: what it was is shown nowhere.
    func removeResponse(_ id: String?, from actor: FediverseActor) throws -> InboxOutcome {
        guard let id, let url = WebAddress.url(id), Self.sameOrigin(url, actor.actorURL) else {
            throw RemoteError.badResponse("What is deleted or undone must be named by an id on its actor's origin.")
        }
        return try database.removeFediverseResponse(source: id, actorURL: actor.actorURL)
            ? .accepted("\(id.prefix(200)) is removed.") : .ignored("\(id.prefix(200)) was not shown here.")
    }

    private func record(_ content: WikinodeCore.MentionContent, on page: Page, source: String, target: String, actor: FediverseActor) throws {
        do {
            try database.recordFediverseResponse(
                pageId: page.id!, source: source, target: target, host: actor.host, actorURL: actor.actorURL, content: content)
        } catch MentionRefusal.anotherAccount(let source) {
            throw RemoteError.unauthorized("\(source) is another account's.")
        } catch let refusal as MentionRefusal {
            throw RemoteError.badResponse(refusal.description)
        }
    }

    /// How an account signs what it says here: its name and always its address,
    /// `Ann (@ann@social.example)`. The name is cut on its own, so no name can push the address
    /// out of sight (nor pass for another account's address).
    static func author(_ actor: FediverseActor) -> String {
        let address = actor.handle.isEmpty ? actor.actorURL : actor.handle
        let name = MentionText.line(actor.name, limit: 60)
        return name.isEmpty || name == actor.handle ? address : "\(name) (\(address))"
    }

    /// The live page of this node at `url` (a page, a post's permanent address, the front page).
    func localPage(_ url: String) -> Page? {
        guard let parsed = WebAddress.url(url) else { return nil }
        let homePage = (try? PageTitle(try database.settings().homePage)) ?? (try! PageTitle("Welcome"))
        return try? MentionTarget.page(at: WebAddress.withoutFragment(parsed), baseURL: nodeURL.string, homePage: homePage, database: database)
    }

    /// Whether the post's tags mention the node's actor.
    func mentionsActor(_ post: ActivityJSON) -> Bool {
        let tags = (post.object["tag"] as? [[String: Any]]) ?? [post.embedded("tag")?.object].compactMap { $0 }
        return tags.contains { ($0["type"] as? String) == "Mention" && ($0["href"] as? String) == actorURL }
    }

    static func sameOrigin(_ url: URL, _ other: String) -> Bool {
        guard let origin = WebOrigin(url) else { return false }
        return origin == WebOrigin(string: other)
    }
}
