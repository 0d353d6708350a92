import Foundation
import Hummingbird
import WikinodeCore

/// What the `{title}` of an address leads to.
enum ResolvedTitle {
    case page(Page, PageTitle)
    case deleted(Page, PageTitle)
    case missing(PageTitle)
    /// A non-canonical spelling or an old title: answer with this redirect.
    case redirect(Response)
}

/// Turns the `{title}` of `/wiki/{title}…` into a page, redirecting non-canonical spellings and
/// old titles of renamed pages to the canonical address with the same suffix and query.
struct TitleResolver {
    let database: WikiDatabase

    /// Resolves `segment`; with `visibleAt`, a post hidden at that time (a draft, or scheduled
    /// later) resolves as missing.
    func resolve(_ segment: Substring, suffix: String, request: Request, visibleAt now: Date? = nil) throws -> ResolvedTitle {
        let title = try PageTitle(pathSegment: segment)
        let query = request.uri.query.map { "?" + $0 } ?? ""
        // A form posted to an old spelling or title is sent on with its body (307), not turned
        // into a GET that would drop what was typed.
        let isRead = request.method == .get || request.method == .head
        let spelling: HTTPResponse.Status = isRead ? .movedPermanently : .temporaryRedirect
        // The product promises 301 for old titles too (browsers cache it; renaming back and
        // forth is the price, and the page is still reachable under its current title).
        let oldTitle = spelling
        let lookup = try now.map { try database.lookup(title, visibleAt: $0) } ?? database.lookup(title)
        switch lookup {
        case .found(let page):
            let canonical = page.pageTitle
            if segment != canonical.pathSegment {
                return .redirect(.redirecting(to: canonical.path + suffix + query, status: spelling))
            }
            return .page(page, canonical)
        case .renamed(let page):
            return .redirect(.redirecting(to: page.pageTitle.path + suffix + query, status: oldTitle))
        case .deleted(let page):
            let canonical = page.pageTitle
            if segment != canonical.pathSegment {
                return .redirect(.redirecting(to: canonical.path + suffix + query, status: spelling))
            }
            return .deleted(page, canonical)
        case .missing:
            if segment != title.pathSegment {
                return .redirect(.redirecting(to: title.path + suffix + query, status: spelling))
            }
            return .missing(title)
        }
    }
}

extension Parameters {
    /// The raw (still percent-encoded) `{title}` parameter.
    func titleSegment() throws -> Substring {
        guard let value = self.get("title") else { throw HTTPError(.badRequest, message: "The address has no page title.") }
        return Substring(value)
    }
}
