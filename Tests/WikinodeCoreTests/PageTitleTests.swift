import Testing
@testable import WikinodeCore

@Suite struct PageTitleTests {
    @Test(arguments: [
        ("Front Page", "Front Page", "front page", "Front_Page"),
        ("front_page", "front page", "front page", "front_page"),
        ("  Front   __ Page  ", "Front Page", "front page", "Front_Page"),
        ("Café Olé", "Café Olé", "café olé", "Caf%C3%A9_Ol%C3%A9"),
        ("Cafe\u{301}", "Café", "café", "Caf%C3%A9"),
        ("日本語のページ", "日本語のページ", "日本語のページ", "%E6%97%A5%E6%9C%AC%E8%AA%9E%E3%81%AE%E3%83%9A%E3%83%BC%E3%82%B8"),
        ("What? #1 & Co.", "What? #1 & Co.", "what? #1 & co.", "What%3F_%231_%26_Co."),
        ("100%", "100%", "100%", "100%25"),
        (".NET", ".NET", ".net", ".NET"),
        ("Emoji 👩‍💻", "Emoji 👩‍💻", "emoji 👩‍💻", "Emoji_%F0%9F%91%A9%E2%80%8D%F0%9F%92%BB"),
    ])
    func normalizesAndEncodes(raw: String, text: String, key: String, segment: String) throws {
        let title = try PageTitle(raw)
        #expect(title.text == text)
        #expect(title.key == key)
        #expect(title.pathSegment == segment)
        #expect(try PageTitle(pathSegment: Substring(segment)) == title)
    }

    @Test(arguments: [
        ("", TitleError.empty),
        ("   ", .empty),
        ("___", .empty),
        ("a/b", .forbiddenCharacter("/")),
        ("..", .dotsOnly),
        (".", .dotsOnly),
        ("a\\b", .forbiddenCharacter("\\")),
        ("[[x]]", .forbiddenCharacter("[")),
        ("a|b", .forbiddenCharacter("|")),
        ("bell\u{07}", .forbiddenCharacter("\u{07}")),
        ("line\nbreak", .forbiddenCharacter("\n")),
        ("nul\u{0}", .forbiddenCharacter("\u{0}")),
        ("rtl\u{202E}override", .forbiddenCharacter("\u{202E}")),
        ("notes.md", .reservedSuffix(".md")),
        (String(repeating: "x", count: 201), .tooLong(maximum: 200)),
    ])
    func rejectsBadTitles(raw: String, error: TitleError) {
        #expect(throws: error) { try PageTitle(raw) }
    }

    @Test func rejectsMalformedPercentEncoding() {
        #expect(throws: TitleError.malformedEncoding) { try PageTitle(pathSegment: "%FF%FE") }
        #expect(throws: TitleError.forbiddenCharacter("/")) { try PageTitle(pathSegment: "a%2Fb") }
        #expect(throws: TitleError.dotsOnly) { try PageTitle(pathSegment: "%2E%2E") }
    }

    @Test func equalityIgnoresCaseAndSpacing() throws {
        #expect(try PageTitle("Front Page") == PageTitle("FRONT_page"))
        #expect(try PageTitle("Front Page") != PageTitle("Front Pages"))
    }
}
