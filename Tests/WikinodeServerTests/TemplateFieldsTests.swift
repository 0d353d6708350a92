import Foundation
import Mustache
import Testing

@testable import WikinodeServer

/// Views that name their fields to templates must name all of them; debug builds check it on
/// every render with `TemplateContext.missingField`, which these tests check in turn.
@Suite struct TemplateFieldsTests {
    struct Incomplete: TemplateFields {
        let shown: String
        let forgotten: String?

        func child(named name: String) -> Any? { name == "shown" ? shown : nil }
    }

    struct Holder: TemplateFields {
        let links: [PageLinkView]
        let inner: Incomplete?

        func child(named name: String) -> Any? {
            switch name {
            case "links": links
            case "inner": inner
            default: nil
            }
        }
    }

    @Test func aFieldWithAValueThatTemplatesCannotSeeIsFound() {
        #expect(TemplateContext.missingField(of: Incomplete(shown: "a", forgotten: "b")) == "Incomplete.forgotten")
        // A nil optional needs no answer: the template sees nothing either way
        #expect(TemplateContext.missingField(of: Incomplete(shown: "a", forgotten: nil)) == nil)
    }

    @Test func viewsHeldInsideAreCheckedToo() {
        let links = [PageLinkView(title: "Alpha"), PageLinkView(title: "Beta", isMissing: true)]
        #expect(TemplateContext.missingField(of: Holder(links: links, inner: nil)) == nil)
        #expect(TemplateContext.missingField(of: Holder(links: links, inner: Incomplete(shown: "a", forgotten: "b"))) == "Incomplete.forgotten")
    }

    @Test func aViewThatNamesItsFieldsRendersEscapedWithTheViewer() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("{{#links}}<a href=\"{{path}}\"{{#isMissing}} class=\"missing\"{{/isMissing}}>{{title}}</a>{{/links}}|{{viewer.name}}".utf8)
            .write(to: directory.appendingPathComponent("list.mustache"))
        let renderer = TemplateRenderer(library: try await MustacheLibrary(directory: directory.path))
        let view = Holder(links: [PageLinkView(title: "A <b>"), PageLinkView(title: "Beta", isMissing: true)], inner: nil)
        let html = try renderer.render(view, template: "list", viewer: ViewerView(visitor: nil, returnPath: "/"))
        #expect(html.hasPrefix(#"<a href="/wiki/A"#), "\(html)")
        #expect(html.contains(">A &lt;b&gt;</a>") && html.contains(#"<a href="/wiki/Beta" class="missing">Beta</a>"#), "\(html)")
        #expect(html.hasSuffix("|"), "signed out: the viewer has no name")
    }
}
