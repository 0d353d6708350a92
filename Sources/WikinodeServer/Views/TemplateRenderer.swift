import Foundation
import Hummingbird
import Mustache

/// Renders the Mustache templates of `Templates/`. Every `{{value}}` is HTML-escaped; only
/// HTML made by our own Markdown renderer goes through `{{{…}}}`.
struct TemplateRenderer: Sendable {
    let library: MustacheLibrary

    static let requiredTemplates = [
        "layout", "page", "missing", "deleted", "history", "revision", "diff", "links", "recent", "search", "error", "index",
    ]

    init(folder: URL) async throws {
        do {
            library = try await MustacheLibrary(directory: folder.path)
        } catch {
            throw ResourceError.invalidTemplates("\(error)")
        }
        for name in Self.requiredTemplates where library.getTemplate(named: name) == nil {
            throw ResourceError.missingTemplate(name, folder: folder.path)
        }
    }

    /// The template filled with `view`. Templates were checked at start-up, so a missing one is
    /// a programming error reported as a 500.
    func render(_ view: some Any, template: String) throws -> String {
        guard let html = library.render(view, withTemplate: template) else {
            throw HTTPError(.internalServerError, message: "The template \(template) is missing.")
        }
        return html
    }
}
