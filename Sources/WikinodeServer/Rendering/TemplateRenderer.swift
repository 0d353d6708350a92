import Foundation
import Hummingbird
import Mustache

/// Renders the Mustache templates of `Templates/`. Every `{{value}}` is HTML-escaped; only
/// HTML made by our own Markdown renderer goes through `{{{…}}}`.
struct TemplateRenderer: Sendable {
    let library: MustacheLibrary

    static let requiredTemplates = [
        "layout", "page", "missing", "deleted", "history", "revision", "diff", "links", "recent", "search", "error", "index",
        "edit", "login", "logout", "blog", "post",
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
    func render(_ view: some Any, template: String, viewer: ViewerView) throws -> String {
        var context = TemplateContext.make(view) as? [String: Any] ?? [:]
        context["viewer"] = TemplateContext.make(viewer)
        guard let html = library.render(context, withTemplate: template) else {
            throw HTTPError(.internalServerError, message: "The template \(template) is missing.")
        }
        return html
    }
}

/// Turns a view model into dictionaries and arrays once, before rendering. Mustache would
/// otherwise reflect on a struct at every `{{name}}` it looks up, which made reflection most of
/// the cost of a page view.
enum TemplateContext {
    static func make(_ value: Any) -> Any {
        switch value {
        case is String, is Bool, is Int, is Int64, is Double, is [String: Any]:
            return value
        default:
            break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.map { make($0.value) } ?? value
        case .collection, .set:
            return mirror.children.map { make($0.value) }
        case .struct, .class:
            if let custom = value as? TemplateDictionary { return custom.templateDictionary }
            var dictionary: [String: Any] = [:]
            for child in mirror.children {
                guard let label = child.label else { continue }
                if let optional = child.value as? any OptionalValue {
                    guard let wrapped = optional.wrapped else { continue }  // nil: leave the key out
                    dictionary[label] = make(wrapped)
                } else {
                    dictionary[label] = make(child.value)
                }
            }
            return dictionary
        default:
            return value
        }
    }
}

/// A view model that gives templates its values itself, instead of by reflection on its stored
/// properties (for values that are computed).
protocol TemplateDictionary {
    var templateDictionary: [String: Any] { get }
}

/// Lets `TemplateContext` see through an optional without reflecting on it.
private protocol OptionalValue {
    var wrapped: Any? { get }
}

extension Optional: OptionalValue {
    fileprivate var wrapped: Any? { map { $0 } }
}
