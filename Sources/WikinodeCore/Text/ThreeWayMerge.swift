/// Merges two edits of the same text, line by line, the way diff3 does: regions changed on one
/// side only take that side; regions changed on both sides in the same way take it once;
/// regions changed on both sides differently are conflicts, and the merge is not clean.
public struct ThreeWayMerge: Sendable, Equatable {
    /// A region of the merged text.
    public enum Region: Sendable, Equatable {
        /// Lines both sides agree on.
        case resolved([String])
        /// Lines both sides changed differently.
        case conflict(base: [String], ours: [String], theirs: [String])
    }

    public let regions: [Region]

    /// True when no region conflicts; then `text` is the merge.
    public var isClean: Bool { !regions.contains { if case .conflict = $0 { true } else { false } } }

    /// The conflicting regions.
    public var conflicts: [(base: [String], ours: [String], theirs: [String])] {
        regions.compactMap { if case .conflict(let base, let ours, let theirs) = $0 { (base, ours, theirs) } else { nil } }
    }

    /// The merged text; conflicts are written with diff3 markers around both sides.
    public var text: String {
        var lines: [String] = []
        for region in regions {
            switch region {
            case .resolved(let resolved):
                lines += resolved
            case .conflict(let base, let ours, let theirs):
                lines += ["<<<<<<< yours"] + ours + ["||||||| original"] + base + ["======="] + theirs + [">>>>>>> theirs"]
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The merge with every conflict settled for our side: all of our text, and their changes
    /// wherever they do not clash with ours.
    public var textKeepingOurs: String {
        regions.flatMap { region -> [String] in
            switch region {
            case .resolved(let lines): lines
            case .conflict(_, let ours, _): ours
            }
        }.joined(separator: "\n")
    }

    /// Merges `ours` and `theirs`, both edited from `base`. Line endings are read as LF, CRLF or CR
    /// and written as LF.
    public init(base: String, ours: String, theirs: String) {
        let baseLines = Self.lines(base)
        let ourLines = Self.lines(ours)
        let theirLines = Self.lines(theirs)
        let ourMatch = Self.matching(from: baseLines, to: ourLines)
        let theirMatch = Self.matching(from: baseLines, to: theirLines)

        var regions: [Region] = []
        func append(_ lines: [String]) {
            guard !lines.isEmpty else { return }
            if case .resolved(let previous) = regions.last {
                regions[regions.count - 1] = .resolved(previous + lines)
            } else {
                regions.append(.resolved(lines))
            }
        }
        var b = 0
        var o = 0
        var t = 0
        while b < baseLines.count || o < ourLines.count || t < theirLines.count {
            // A stable line: matched on both sides, right where both sides are.
            if b < baseLines.count, ourMatch[b] == o, theirMatch[b] == t {
                append([baseLines[b]])
                b += 1
                o += 1
                t += 1
                continue
            }
            // An unstable chunk runs to the next base line that both sides kept.
            var next = b
            while next < baseLines.count, ourMatch[next] == nil || theirMatch[next] == nil { next += 1 }
            let nextOurs = next < baseLines.count ? ourMatch[next]! : ourLines.count
            let nextTheirs = next < baseLines.count ? theirMatch[next]! : theirLines.count
            let baseChunk = Array(baseLines[b..<next])
            let ourChunk = Array(ourLines[o..<nextOurs])
            let theirChunk = Array(theirLines[t..<nextTheirs])
            if ourChunk == baseChunk {
                append(theirChunk)
            } else if theirChunk == baseChunk || ourChunk == theirChunk {
                append(ourChunk)
            } else {
                regions.append(.conflict(base: baseChunk, ours: ourChunk, theirs: theirChunk))
            }
            b = next
            o = nextOurs
            t = nextTheirs
        }
        self.regions = regions
    }

    static func lines(_ text: String) -> [String] {
        text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }.map(String.init)
    }

    /// For each line of `base`, the index of the same line in `other` along a longest common
    /// subsequence, or nil where it was removed or changed.
    static func matching(from base: [String], to other: [String]) -> [Int?] {
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in other.difference(from: base) {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var result = [Int?](repeating: nil, count: base.count)
        var j = 0
        for i in base.indices where !removed.contains(i) {
            while inserted.contains(j) { j += 1 }
            result[i] = j
            j += 1
        }
        return result
    }
}
