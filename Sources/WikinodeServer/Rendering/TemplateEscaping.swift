import Mustache
import WikinodeCore

/// How every `{{value}}` in our templates is escaped: `&`, `<`, `>`, `"` and `'` become
/// entities, byte by byte over the UTF-8 (WikinodeCore's `HTMLEscaping`, as everywhere else).
///
/// swift-mustache's own HTML escaping goes by `Character`, so a quote or an angle bracket that
/// a combining mark follows (`"` + U+0338 is one Character) is not escaped, and a browser, which
/// reads code points, ends the attribute there: a name or title from another site could add
/// attributes to our markup. It is slow too (a dictionary lookup and an append per Character),
/// a tenth of a page view's time. Bytes have neither problem, and a text with nothing to escape
/// (most of them) is returned as it is, without copying.
///
/// swift-mustache starts every template, and every partial, with its own escaping; ours is
/// chosen by a pragma on each template's first line (`pragma`), which `TemplateRenderer`
/// requires of every template it loads.
struct TemplateEscaping: MustacheContentType {
    /// The name the pragma gives.
    static let name = "HTML_UTF8"
    static let pragma = "{{% CONTENT_TYPE: \(name) }}"

    /// Makes the name known to swift-mustache's parser; before any template is parsed.
    static func register() {
        MustacheContentTypes.register(TemplateEscaping(), named: name)
    }

    func escapeText(_ text: String) -> String {
        HTMLEscaping.escape(text)
    }
}

/// Strings and numbers say how they render, so that swift-mustache takes its first branch for
/// them: without this it tries a lambda, an optional and then `String(describing:)`, each a
/// dynamic cast, for every `{{value}}` of every page (about a twentieth of a first view).
/// What they render is unchanged, and so is how sections treat them (`isNull` is false).
extension String: @retroactive MustacheCustomRenderable {
    public var renderText: String { self }
    public var isNull: Bool { false }
}

extension Int: @retroactive MustacheCustomRenderable {
    public var renderText: String { String(self) }
    public var isNull: Bool { false }
}

extension Int64: @retroactive MustacheCustomRenderable {
    public var renderText: String { String(self) }
    public var isNull: Bool { false }
}
