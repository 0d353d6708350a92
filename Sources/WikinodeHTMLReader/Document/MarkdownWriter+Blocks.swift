import Foundation

/// Paragraphs, quotes, lists and items: the frames of the writer.
extension MarkdownWriter {
    /// Ends the paragraph being written, if it has text, as a block of the current frame. Spans
    /// still open wrap what they hold so far and wait to go on in the next paragraph.
    mutating func endParagraph() {
        let stillOpen = openSpans.map(\.span)
        while !openSpans.isEmpty { wrapLastOpenSpan() }
        waitingSpans = stillOpen + waitingSpans
        var inline = frames[frames.count - 1].inline
        let level = frames[frames.count - 1].headingLevel
        frames[frames.count - 1].inline = ""
        frames[frames.count - 1].headingLevel = 0
        while inline.hasSuffix("\\\n") || inline.hasSuffix(" ") { inline.removeLast(inline.hasSuffix(" ") ? 1 : 2) }
        inline = inline.trimmingCharacters(in: .whitespaces)
        guard !inline.isEmpty else { return }
        var lines = inline.components(separatedBy: "\n").map { Self.escapingLineStart($0.trimmingCharacters(in: .whitespaces)) }
        if level > 0 {
            // A heading is one line: its breaks become spaces.
            var joined = lines.map { $0.hasSuffix("\\") ? String($0.dropLast()) : $0 }.joined(separator: " ")
            // `#`s that end it after a space would be read as a closing sequence: the last one
            // is escaped, and they stay text.
            let closing = joined.reversed().prefix { $0 == "#" }.count
            if closing > 0, let before = joined.dropLast(closing).last, before == " " || before == "\t" { joined = joined.dropLast() + "\\#" }
            lines = [String(repeating: "#", count: level) + " " + joined]
        }
        appendBlock(lines.joined(separator: "\n"))
    }

    mutating func appendBlock(_ block: String) {
        guard !block.isEmpty else { return }
        if case .list = frames[frames.count - 1].container {
            // Text straight inside a list, outside its items, is an item of its own.
            appendItem(block)
            return
        }
        frames[frames.count - 1].blocks.append(block)
    }

    /// Closes the innermost frame that `element` opened, and any left open inside it, giving
    /// each one's Markdown to the frame around it.
    mutating func closeFrame(_ element: String) {
        guard frames.dropFirst().contains(where: { $0.element == element }) else { return }
        while frames.count > 1 {
            let frame = frames.removeLast()
            switch frame.container {
            case .root:
                break
            case .quote:
                let content = frame.blocks.joined(separator: "\n\n")
                if !content.isEmpty {
                    appendBlock(content.components(separatedBy: "\n").map { $0.isEmpty ? ">" : "> " + $0 }.joined(separator: "\n"))
                }
            case .list:
                // Items of one list are one block: a tight list.
                if !frame.blocks.isEmpty { appendBlock(frame.blocks.joined(separator: "\n")) }
            case .item:
                let content = frame.blocks.joined(separator: "\n\n")
                if !content.isEmpty { appendItem(content) }
            }
            if frame.element == element { return }
        }
    }

    /// An item's Markdown given to the list around it, or as a bulleted item without one.
    mutating func appendItem(_ content: String) {
        let parent = frames.count - 1
        var marker = "- "
        if case .list(let ordered, let start) = frames[parent].container, ordered {
            marker = "\(start + frames[parent].itemCount). "
        }
        let indent = String(repeating: " ", count: marker.count)
        let item = content.components(separatedBy: "\n").enumerated().map { index, line in
            index == 0 ? marker + line : (line.isEmpty ? "" : indent + line)
        }.joined(separator: "\n")
        frames[parent].itemCount += 1
        frames[parent].blocks.append(item)
    }
}
