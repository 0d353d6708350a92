import Testing

@testable import WikinodeCore

/// The three-way merge, from a table of cases.
@Suite struct ThreeWayMergeTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let base: String
        let ours: String
        let theirs: String
        /// The merge, or nil when it must conflict.
        let merged: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no overlap", base: "a\nb\nc\nd\ne\n", ours: "A\nb\nc\nd\ne\n", theirs: "a\nb\nc\nd\nE\n", merged: "A\nb\nc\nd\nE\n"),
        Case(name: "only ours changed", base: "a\nb\n", ours: "a\nB\n", theirs: "a\nb\n", merged: "a\nB\n"),
        Case(name: "only theirs changed", base: "a\nb\n", ours: "a\nb\n", theirs: "x\na\nb\n", merged: "x\na\nb\n"),
        Case(name: "same change on both sides", base: "a\nb\nc\n", ours: "a\nX\nc\n", theirs: "a\nX\nc\n", merged: "a\nX\nc\n"),
        Case(name: "overlapping changes", base: "a\nb\nc\n", ours: "a\nours\nc\n", theirs: "a\ntheirs\nc\n", merged: nil),
        Case(name: "deletion and distant edit", base: "a\nb\nc\nd\ne\n", ours: "a\nc\nd\ne\n", theirs: "a\nb\nc\nd\nE\n", merged: "a\nc\nd\nE\n"),
        Case(name: "deletion against edit of the same line", base: "a\nb\nc\n", ours: "a\nc\n", theirs: "a\nB\nc\n", merged: nil),
        Case(name: "both delete the same line", base: "a\nb\nc\n", ours: "a\nc\n", theirs: "a\nc\n", merged: "a\nc\n"),
        Case(name: "appends at the end of file differ", base: "a\n", ours: "a\nours\n", theirs: "a\ntheirs\n", merged: nil),
        Case(name: "append at end and edit at start", base: "a\nb\nc", ours: "a\nb\nc\nmore", theirs: "A\nb\nc", merged: "A\nb\nc\nmore"),
        Case(
            name: "inserts at different places", base: "a\nb\nc\nd\n", ours: "a\n1\nb\nc\nd\n", theirs: "a\nb\nc\n2\nd\n",
            merged: "a\n1\nb\nc\n2\nd\n"),
        Case(name: "CRLF input merges as lines", base: "a\r\nb\r\nc\r\n", ours: "A\r\nb\r\nc\r\n", theirs: "a\nb\nC\n", merged: "A\nb\nC\n"),
        Case(name: "empty base, both create the same text", base: "", ours: "x\n", theirs: "x\n", merged: "x\n"),
        Case(name: "everything removed on one side", base: "a\nb\n", ours: "", theirs: "a\nb\n", merged: ""),
    ]

    @Test(arguments: cases)
    func merges(_ testCase: Case) {
        let merge = ThreeWayMerge(base: testCase.base, ours: testCase.ours, theirs: testCase.theirs)
        if let merged = testCase.merged {
            #expect(merge.isClean)
            #expect(merge.text == merged)
        } else {
            #expect(!merge.isClean)
        }
    }

    @Test func conflictsShowAllThreeSidesWithMarkers() {
        let merge = ThreeWayMerge(base: "a\nb\nc\n", ours: "a\nmine\nc\n", theirs: "a\nyours\nc\n")
        #expect(merge.conflicts.count == 1)
        #expect(merge.conflicts[0].ours == ["mine"] && merge.conflicts[0].theirs == ["yours"] && merge.conflicts[0].base == ["b"])
        #expect(merge.text == "a\n<<<<<<< yours\nmine\n||||||| original\nb\n=======\nyours\n>>>>>>> theirs\nc\n")
    }
}

extension ThreeWayMergeTests {
    @Test func keepingOursSettlesConflictsForOurSide() {
        let merge = ThreeWayMerge(base: "a\nb\nc\nd\n", ours: "a\nb\nmine\nd\n", theirs: "A\nb\nyours\nd\n")
        #expect(!merge.isClean)
        #expect(merge.textKeepingOurs == "A\nb\nmine\nd\n")
    }
}
