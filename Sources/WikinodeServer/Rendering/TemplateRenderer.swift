import Foundation
import Hummingbird
import Mustache

/// Renders the Mustache templates of `Templates/`. Every `{{value}}` is HTML-escaped (by
/// `TemplateEscaping`, which each template chooses on its first line); only HTML made by our own
/// Markdown renderer goes through `{{{…}}}`.
struct TemplateRenderer: Sendable {
    let library: MustacheLibrary

    static let requiredTemplates = [
        "layout", "page", "missing", "deleted", "history", "revision", "diff", "links", "recent", "search", "error", "index",
        "edit", "login", "logout", "blog", "post",
    ]

    /// Renders with `library` as it is (tests; the node checks its templates with `init(folder:)`).
    init(library: MustacheLibrary) {
        self.library = library
    }

    init(folder: URL) async throws {
        TemplateEscaping.register()
        try Self.checkEscaping(in: folder)
        do {
            library = try await MustacheLibrary(directory: folder.path)
        } catch {
            throw ResourceError.invalidTemplates("\(error)")
        }
        for name in Self.requiredTemplates where library.getTemplate(named: name) == nil {
            throw ResourceError.missingTemplate(name, folder: folder.path)
        }
    }

    /// Refuses a folder with a template that does not choose `TemplateEscaping` on its first line:
    /// it would be escaped by swift-mustache's own rules.
    static func checkEscaping(in folder: URL) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mustache") }
        for name in names.sorted() {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            guard text.hasPrefix(TemplateEscaping.pragma + "\n") else {
                throw ResourceError.invalidTemplates("\(name) must begin with the line \(TemplateEscaping.pragma)")
            }
        }
    }

    /// The template filled with `view`. Templates were checked at start-up, so a missing one is
    /// a programming error reported as a 500.
    func render(_ view: some Any, template: String, viewer: ViewerView) throws -> String {
        let context = RootContext(view: TemplateContext.make(view) as? any MustacheParent ?? [String: Any](), viewer: viewer)
        guard let html = library.render(context, withTemplate: template) else {
            throw HTTPError(.internalServerError, message: "The template \(template) is missing.")
        }
        return html
    }
}

/// What a template sees at the top: the view, and the header's `viewer`.
private struct RootContext: MustacheParent {
    let view: any MustacheParent
    let viewer: ViewerView

    func child(named name: String) -> Any? {
        name == "viewer" ? viewer : view.child(named: name)
    }
}

/// Turns a view model into dictionaries and arrays once, before rendering. Mustache would
/// otherwise reflect on a struct at every `{{name}}` it looks up, which made reflection most of
/// the cost of a page view. Views that name their own fields (`TemplateFields`) are passed as
/// they are, with no reflection at all.
enum TemplateContext {
    static func make(_ value: Any) -> Any {
        switch value {
        case is String, is Bool, is Int, is Int64, is Double, is [String: Any]:
            return value
        case let fields as any TemplateFields:
            assert(missingField(of: fields) == nil, "A template cannot see \(missingField(of: fields) ?? ""): add it to child(named:)")
            return value
        case is SiteView:
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

extension TemplateContext {
    /// The first stored property, of `value` or of a view it holds, that `child(named:)` does
    /// not answer for although it has a value; nil when there is none. Checked by debug builds
    /// on every render.
    static func missingField(of value: any TemplateFields) -> String? {
        for field in Mirror(reflecting: value).children {
            guard let label = field.label else { continue }
            let wrapped = field.value as? any OptionalValue
            if wrapped.map({ $0.wrapped != nil }) ?? true, value.child(named: label) == nil {
                return "\(type(of: value)).\(label)"
            }
            let nested = wrapped?.wrapped ?? field.value
            if let fields = nested as? any TemplateFields, let missing = missingField(of: fields) { return missing }
            if let list = nested as? [any TemplateFields], let missing = list.lazy.compactMap(missingField).first { return missing }
        }
        return nil
    }
}

/// Lets `TemplateContext` see through an optional without reflecting on it.
private protocol OptionalValue {
    var wrapped: Any? { get }
}

extension Optional: OptionalValue {
    fileprivate var wrapped: Any? { map { $0 } }
}
