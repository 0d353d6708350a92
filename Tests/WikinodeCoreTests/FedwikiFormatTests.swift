import Foundation
import Testing

@testable import WikinodeCore

/// Slugs, stories and journals in Federated Wiki's format, from tables of cases.
@Suite struct FedwikiFormatTests {
    @Test(arguments: [
        ("Welcome Visitors", "welcome-visitors"),
        ("UPPER case", "upper-case"),
        ("Hello, World!", "hello-world"),
        ("What? #1 & Co.", "what-1--co"),
        ("a  b", "a--b"),
        ("  leading and trailing ", "--leading-and-trailing-"),
        ("tab\there\nnewline", "tab-here-newline"),
        ("non\u{A0}breaking\u{3000}ideographic", "non-breaking-ideographic"),
        ("Café Olé", "caf-ol"),
        ("Cafe\u{301}", "cafe"),
        ("日本語", ""),
        ("Emoji 🎉 party", "emoji--party"),
        ("under_score", "underscore"),
        ("C++ & C#", "c--c"),
        ("already-a-slug-42", "already-a-slug-42"),
    ])
    func slugsAreFedwikisAsSlug(title: String, slug: String) {
        #expect(FedwikiSlug(title: title).text == slug)
    }

    @Test(arguments: [
        ("welcome-visitors", true), ("a--b", true), ("42", true), ("-", true),
        ("", false), ("Welcome", false), ("..", false), ("%2e%2e", false), ("a b", false), ("a_b", false),
        ("caf%C3%A9", false), ("café", false), ("a/b", false), ("a\u{0}", false),
        (String(repeating: "a", count: 800), true), (String(repeating: "a", count: 801), false),
    ])
    func requestedSlugsAreChecked(requested: String, isAccepted: Bool) {
        #expect((FedwikiSlug(requested: Substring(requested)) != nil) == isAccepted)
    }

    static let markdown = """
        # Heading

        First paragraph with [[Other Page]]
        and a second line.

        - one
        - two

        ```
        code [[Not A Link]]
        ```

        <div>raw html</div>

        > quoted [[Quoted Page]]
        ---
        Same.

        Same.
        """

    @Test func storyHasOneItemPerTopLevelBlock() throws {
        let story = FedwikiStory(markdown: Self.markdown, pageUID: "uid-1")
        #expect(
            story.items.map(\.text) == [
                "# Heading", "First paragraph with [[Other Page]]\nand a second line.", "- one\n- two",
                "```\ncode [[Not A Link]]\n```", "> quoted [[Quoted Page]]", "---", "Same.", "Same.",
            ])
        #expect(story.items.allSatisfy { $0.type == "markdown" })
        #expect(story.items.allSatisfy { $0.id.count == 16 && $0.id.allSatisfy { "0123456789abcdef".contains($0) } })
        #expect(Set(story.items.map(\.id)).count == story.items.count, "repeated text still gets its own id")
        #expect(story.synopsis == "First paragraph with [[Other Page]]")
        #expect(story.links(options: MarkdownOptions()) == ["other-page": story.items[1].id, "quoted-page": story.items[4].id])
    }

    @Test func idsDependOnPageTextAndRepetitionOnly() {
        let first = FedwikiStory(markdown: "One.\n\nTwo.", pageUID: "uid-1").items
        let again = FedwikiStory(markdown: "One.\n\nTwo.", pageUID: "uid-1").items
        let inserted = FedwikiStory(markdown: "Zero.\n\nOne.\n\nTwo.", pageUID: "uid-1").items
        let otherPage = FedwikiStory(markdown: "One.\n\nTwo.", pageUID: "uid-2").items
        #expect(first == again)
        #expect(Array(inserted.dropFirst()) == first, "a block above does not change the ids below")
        #expect(Set(otherPage.map(\.id)).isDisjoint(with: first.map(\.id)))
    }

    @Test(arguments: [
        ("", "A page with 0 items."),
        ("# Only a heading", "# Only a heading"),
        ("# Heading\n\nLine one\nline two", "Line one"),
        ("\r\nWindows line\r\nnext", "Windows line"),
        (String(repeating: "é", count: 600), String(repeating: "é", count: 560)),
    ])
    func synopsisIsTheFirstParagraphsFirstLine(markdown: String, synopsis: String) {
        #expect(FedwikiStory(markdown: markdown, pageUID: "u").synopsis == synopsis)
    }

    /// Revisions whose journals must replay to each one's story.
    static let histories: [[String]] = [
        ["One."],
        ["One.", "One.\n\nTwo."],
        ["One.\n\nTwo.", "Zero.\n\nOne.\n\nTwo."],
        ["One.\n\nTwo.\n\nThree.", "One.\n\nThree."],
        ["One.\n\nTwo.\n\nThree.", "One.\n\nTwo, edited.\n\nThree."],
        ["A.\n\nB.\n\nC.\n\nD.", "D.\n\nC.\n\nB.\n\nA."],
        ["A.\n\nB.\n\nC.", "X.\n\nY.\n\nZ.\n\nW."],
        ["Same.\n\nOther.\n\nSame.", "Same.\n\nSame.", "Same.\n\nSame.\n\nSame."],
        ["A.", "", "B.\n\nA."],
        ["A.\n\nB.\n\nC.\n\nD.\n\nE.", "E.\n\nB, edited.\n\nNew.\n\nA.\n\nD.", "E.\n\nB, edited.\n\nNew.\n\nA.\n\nD."],
    ]

    @Test(arguments: histories)
    func journalReplaysToEveryRevision(markdowns: [String]) {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let versions = markdowns.enumerated().map { FedwikiJournal.Version(title: "T", markdown: $1, date: start + Double($0)) }
        let journal = FedwikiJournal.make(pageUID: "uid", versions: versions)
        #expect(journal.first?.type == .create)
        #expect(journal.dropFirst().allSatisfy { $0.type != .create })
        for version in versions {
            let upToHere = journal.filter { $0.date <= FedwikiAction.milliseconds(version.date) }
            #expect(Self.replay(upToHere) == FedwikiStory(markdown: version.markdown, pageUID: "uid").items)
        }
    }

    @Test func anEditInPlaceIsOneEditAction() {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let journal = FedwikiJournal.make(
            pageUID: "uid",
            versions: [.init(title: "T", markdown: "A.\n\nB.\n\nC.", date: start), .init(title: "T", markdown: "A.\n\nB2.\n\nC.", date: start + 1)])
        #expect(journal.map(\.type) == [.create, .edit])
        #expect(journal[0].date == 1_700_000_000_000)
    }

    @Test func actionsEncodeOnlyTheirOwnFields() throws {
        let start = Date(timeIntervalSince1970: 1_700_000_000.5)
        let journal = FedwikiJournal.make(
            pageUID: "uid", versions: [.init(title: "T", markdown: "A.", date: start), .init(title: "T", markdown: "B.\n\nA.", date: start)])
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(journal)) as! [[String: Any]]
        #expect(Set(encoded[0].keys) == ["type", "item", "date"])
        #expect((encoded[0]["item"] as? [String: Any])?["title"] as? String == "T")
        #expect(encoded[0]["date"] as? Int == 1_700_000_000_500)
        #expect(Set(encoded[1].keys) == ["type", "id", "item", "date"], "an add at the top has no `after`")
    }

    /// fedwiki's client's way of applying actions (`revision.js`), in Swift.
    static func replay(_ journal: [FedwikiAction]) -> [FedwikiItem] {
        var story: [FedwikiItem] = []
        func position(after id: String?) -> Int { (id.flatMap { id in story.firstIndex { $0.id == id } } ?? -1) + 1 }
        for action in journal {
            switch action.type {
            case .create:
                story = action.page?.story ?? []
            case .add:
                story.insert(action.item!, at: position(after: action.after))
            case .edit:
                if let index = story.firstIndex(where: { $0.id == action.id }) { story[index] = action.item! } else { story.append(action.item!) }
            case .move:
                let order = action.order!
                let index = order.firstIndex(of: action.id!)!
                let item = story.first { $0.id == action.id }!
                story.removeAll { $0.id == action.id }
                story.insert(item, at: position(after: index > 0 ? order[index - 1] : nil))
            case .remove:
                story.removeAll { $0.id == action.id }
            case .fork:
                break
            }
        }
        return story
    }
}
