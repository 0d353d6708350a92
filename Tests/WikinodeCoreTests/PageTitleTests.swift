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

    struct BadTitle: CustomTestStringConvertible, Sendable {
        let raw: String
        let error: TitleError
        var testDescription: String {
            raw.unicodeScalars.map {
                $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}" ? "\\u{\(String($0.value, radix: 16))}" : String($0)
            }.joined().prefix(40).description
        }
    }

    @Test(arguments: [
        BadTitle(raw: "", error: .empty),
        BadTitle(raw: "   ", error: .empty),
        BadTitle(raw: "___", error: .empty),
        BadTitle(raw: "a/b", error: .forbiddenCharacter("/")),
        BadTitle(raw: "..", error: .dotsOnly),
        BadTitle(raw: ".", error: .dotsOnly),
        BadTitle(raw: "a\\b", error: .forbiddenCharacter("\\")),
        BadTitle(raw: "[[x]]", error: .forbiddenCharacter("[")),
        BadTitle(raw: "a|b", error: .forbiddenCharacter("|")),
        BadTitle(raw: "bell\u{07}", error: .forbiddenCharacter("\u{07}")),
        BadTitle(raw: "line\nbreak", error: .forbiddenCharacter("\n")),
        BadTitle(raw: "nul\u{0}", error: .forbiddenCharacter("\u{0}")),
        BadTitle(raw: "rtl\u{202E}override", error: .forbiddenCharacter("\u{202E}")),
        BadTitle(raw: "notes.md", error: .reservedSuffix(".md")),
        BadTitle(raw: String(repeating: "x", count: 201), error: .tooLong(maximum: 200)),
    ])
    func rejectsBadTitles(_ bad: BadTitle) {
        #expect(throws: bad.error) { try PageTitle(bad.raw) }
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
