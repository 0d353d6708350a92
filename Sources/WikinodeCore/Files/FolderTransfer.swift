import Foundation

/// `wikinode import` and `wikinode export`: a folder of Markdown files in and out.
public struct FolderTransfer: Sendable {
    public let database: WikiDatabase

    public init(database: WikiDatabase) {
        self.database = database
    }

    /// Reads every `.md` and `.markdown` file below `folder` and saves them all in one
    /// transaction. Any bad file stops the import before anything is written. A file's author
    /// is its front matter's `author`, else `author`, else the node's owner.
    @discardableResult
    public func importFolder(_ folder: URL, author: String? = nil, progress: (Int, Int) -> Void = { _, _ in }) throws -> [SaveResult] {
        let defaultAuthor = try author ?? database.ownerName() ?? database.settings().name
        let files = try markdownFiles(in: folder)
        var edits: [PageEdit] = []
        var posts: [PostSettings?] = []
        var seen: [String: String] = [:]
        for file in files {
            let data = try Data(contentsOf: file)
            guard let text = String(validating: data, as: UTF8.self) else {
                throw WikiError.invalidInput("\(file.lastPathComponent) is not UTF-8 text.")
            }
            let name = file.deletingPathExtension().lastPathComponent
            let parsed = try MarkdownFile(parsing: text, fileName: name)
            if let other = seen[parsed.title.key] {
                throw WikiError.invalidInput("\(other) and \(file.lastPathComponent) are both the page \(parsed.title.text).")
            }
            seen[parsed.title.key] = file.lastPathComponent
            edits.append(
                PageEdit(
                    title: parsed.title, markdown: parsed.markdown, summary: "Imported from \(file.lastPathComponent)",
                    author: parsed.author ?? defaultAuthor, date: parsed.changedAt, inReplyTo: parsed.inReplyTo))
            posts.append(parsed.postSettings)
        }
        progress(0, edits.count)
        return try database.importPages(edits, posts: posts) { progress($0, edits.count) }
    }

    /// Writes every live page to `folder` as `Title.md` with front matter. Returns the count.
    @discardableResult
    public func exportFolder(_ folder: URL, progress: (Int, Int) -> Void = { _, _ in }) throws -> Int {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let pages = try database.allPages()
        progress(0, pages.count)
        for (index, entry) in pages.enumerated() {
            let file: MarkdownFile
            if let post = entry.post {
                file = MarkdownFile(
                    title: entry.page.pageTitle, markdown: entry.markdown, date: post.publishedAt, kind: "post", tags: entry.tags,
                    status: post.status.rawValue, slug: post.slug, updated: entry.page.updatedAt == post.publishedAt ? nil : entry.page.updatedAt,
                    author: entry.author, inReplyTo: entry.inReplyTo)
            } else {
                file = MarkdownFile(
                    title: entry.page.pageTitle, markdown: entry.markdown, date: entry.page.updatedAt, kind: "page", author: entry.author,
                    inReplyTo: entry.inReplyTo)
            }
            try Data(file.serialized().utf8).write(to: folder.appendingPathComponent(file.fileName), options: .atomic)
            progress(index + 1, pages.count)
        }
        return pages.count
    }

    func markdownFiles(in folder: URL) throws -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw WikiError.notFound("\(folder.path) is not a folder.")
        }
        guard
            let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        else {
            return []
        }
        var files: [URL] = []
        for case let url as URL in enumerator where ["md", "markdown"].contains(url.pathExtension.lowercased()) {
            files.append(url)
        }
        return files.sorted { $0.path < $1.path }
    }
}
