/// A line-by-line difference between two texts, grouped into hunks with context.
public struct LineDiff: Sendable, Equatable {
    /// One line of the difference.
    public struct Line: Sendable, Equatable {
        public enum Kind: String, Sendable { case context, removed, added }
        public let kind: Kind
        public let text: String
        /// Line number in the old text (context and removed lines).
        public let oldNumber: Int?
        /// Line number in the new text (context and added lines).
        public let newNumber: Int?
    }

    /// A run of changes with the unchanged lines around them.
    public struct Hunk: Sendable, Equatable {
        public let lines: [Line]
    }

    public let hunks: [Hunk]
    public let addedCount: Int
    public let removedCount: Int

    public var isEmpty: Bool { hunks.isEmpty }

    /// Compares `old` with `new`, keeping `context` unchanged lines around each change.
    public init(old: String, new: String, context: Int = 3) {
        let oldLines = Self.lines(of: old)
        let newLines = Self.lines(of: new)
        let difference = newLines.difference(from: oldLines)
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        // Merge both sides into one sequence of lines in reading order.
        var all: [Line] = []
        var oldIndex = 0
        var newIndex = 0
        while oldIndex < oldLines.count || newIndex < newLines.count {
            if oldIndex < oldLines.count, removed.contains(oldIndex) {
                all.append(Line(kind: .removed, text: oldLines[oldIndex], oldNumber: oldIndex + 1, newNumber: nil))
                oldIndex += 1
            } else if newIndex < newLines.count, inserted.contains(newIndex) {
                all.append(Line(kind: .added, text: newLines[newIndex], oldNumber: nil, newNumber: newIndex + 1))
                newIndex += 1
            } else {
                all.append(Line(kind: .context, text: newLines[newIndex], oldNumber: oldIndex + 1, newNumber: newIndex + 1))
                oldIndex += 1
                newIndex += 1
            }
        }
        addedCount = inserted.count
        removedCount = removed.count
        hunks = Self.group(all, context: context)
    }

    static func lines(of text: String) -> [String] {
        if text.isEmpty { return [] }
        // "\r\n" is one Character in Swift, so each line ending is matched whole.
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }.map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    static func group(_ lines: [Line], context: Int) -> [Hunk] {
        let changed = lines.indices.filter { lines[$0].kind != .context }
        guard !changed.isEmpty else { return [] }
        var hunks: [Hunk] = []
        var start = max(0, changed[0] - context)
        var end = min(lines.count, changed[0] + context + 1)
        for index in changed.dropFirst() {
            if index - context <= end {
                end = min(lines.count, index + context + 1)
            } else {
                hunks.append(Hunk(lines: Array(lines[start..<end])))
                start = max(0, index - context)
                end = min(lines.count, index + context + 1)
            }
        }
        hunks.append(Hunk(lines: Array(lines[start..<end])))
        return hunks
    }
}
