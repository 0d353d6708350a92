import Testing

@testable import WikinodeCore

@Suite struct LineDiffTests {
    @Test func sameTextHasNoHunks() {
        let diff = LineDiff(old: "a\nb\n", new: "a\nb\n")
        #expect(diff.isEmpty)
        #expect(diff.addedCount == 0 && diff.removedCount == 0)
    }

    @Test func changedLineIsRemovedThenAdded() {
        let diff = LineDiff(old: "one\ntwo\nthree\n", new: "one\n2\nthree\n")
        #expect(diff.hunks.count == 1)
        let lines = diff.hunks[0].lines.map { "\($0.kind.rawValue):\($0.text)" }
        #expect(lines == ["context:one", "removed:two", "added:2", "context:three"])
        #expect(diff.addedCount == 1 && diff.removedCount == 1)
    }

    @Test func distantChangesMakeSeparateHunksWithContext() {
        let old = (1...20).map(String.init).joined(separator: "\n")
        var newLines = (1...20).map(String.init)
        newLines[1] = "two"
        newLines[17] = "eighteen"
        let diff = LineDiff(old: old, new: newLines.joined(separator: "\n"), context: 2)
        #expect(diff.hunks.count == 2)
        #expect(diff.hunks[0].lines.first?.oldNumber == 1)
        #expect(diff.hunks[1].lines.last?.newNumber == 20)
    }

    @Test func lineNumbersFollowBothSides() {
        let diff = LineDiff(old: "a\nc\n", new: "a\nb\nc\n")
        let added = diff.hunks[0].lines.first { $0.kind == .added }
        #expect(added?.text == "b" && added?.newNumber == 2 && added?.oldNumber == nil)
    }

    @Test func crlfAndEmptyTexts() {
        #expect(LineDiff(old: "a\r\nb\r\n", new: "a\nb\n").isEmpty)
        let created = LineDiff(old: "", new: "x\ny")
        #expect(created.addedCount == 2 && created.removedCount == 0)
    }
}
