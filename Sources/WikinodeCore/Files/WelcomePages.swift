import Foundation

/// The pages a new node starts with: what wikinode is and how to use it.
enum WelcomePages {
    static func seed(_ database: WikiDatabase) throws {
        let edits = try pages.map { title, markdown in
            PageEdit(title: try PageTitle(title), markdown: markdown, summary: "Welcome page", author: "wikinode")
        }
        _ = try database.importPages(edits)
    }

    static let pages: [(String, String)] = [
        (
            "Welcome",
            """
            # Welcome to your wikinode

            This is a **wikinode**: a small wiki and weblog of your own that talks to other
            nodes. Every node serves its own pages; nodes that follow each other pull each other's
            changes, show each other's backlinks, and point out *twin pages* — pages with the same
            title on other nodes. Together, many small sites form one conversation, with no centre.

            Where to go from here:

            - [[Markdown Help]] tells how pages are written, and how wiki links work.
            - [[Editing Pages]] tells how to change this page and add new ones.
            - [[Following Peers]] tells how nodes follow each other.
            - [Recent changes](/recent) lists what changed lately; the search box finds any page.

            This page is the front page of the node. Change it to say what your wiki is about.
            """
        ),
        (
            "Markdown Help",
            """
            # Writing pages

            Pages are written in [CommonMark](https://commonmark.org/) Markdown:

            - `*emphasis*` gives *emphasis*, `**strong**` gives **strong**, `` `code` `` gives `code`.
            - `[a link](https://example.org/)` gives [a link](https://example.org/).
            - A line starting with `#` is a heading; lines starting with `-` make a list; a blank
              line starts a new paragraph; lines indented by four spaces are code.

            ## Wiki links

            - `[[Page Title]]` links to another page of this wiki: [[Welcome]].
            - `[[Page Title|some words]]` shows *some words* instead: [[Welcome|the front page]].
            - A `CamelCase` word such as WikiNode is a link too (the node setting `camelCaseLinks` turns this off).
            - A link to a page that does not exist yet looks different; follow it to create the page.
            - `\\[[not a link]]` shows the brackets, and nothing inside `code` is a link: `[[Welcome]]`.

            Titles ignore case and treat spaces and underscores alike: [[markdown_help]] is this page.
            Raw HTML is not allowed in pages; it is left out when a page is shown.
            """
        ),
        (
            "Editing Pages",
            """
            # Editing pages

            Every page has an **Edit** link. Sign in first (the node's owner makes accounts with
            `wikinode user add <name>`); the node setting `editPolicy` says who may edit: the
            owner only, anyone with an account (the default), or anyone at all.

            - The editor shows a live preview, rendered exactly as the page will be.
            - A link to a page that does not exist yet leads to an invitation to create it.
            - If someone else saved the page while you were editing, changes to different lines
              are merged; if you both changed the same lines, you get your text back with their
              change beside it, and nothing is saved until you choose.
            - If your session ends while you type, your text is kept and comes back after you
              sign in again.

            Every page keeps its whole history: see *History* under any page for old revisions, the
            differences between them, and a button to revert to any of them.

            Any page can be a **weblog post**: tick *Publish this page as a weblog post* in the
            editor, give tags and, if you like, a later date to schedule it. Posts appear on the
            [weblog](/blog) and in its feeds; drafts only for people who may edit.

            Pages can also be written without a browser:

            1. **Import a folder** of Markdown files: `wikinode import <folder>` (the file name is
               the title; front matter between `---` lines may set `title` and `date`).
               `wikinode export <folder>` writes every page back out.
            2. **The JSON API**: create a token with `wikinode token create <name>`, then
               `PUT /api/pages/{title}` with `{"markdown": "…", "summary": "…", "baseRevision": N}`
               and the header `Authorization: Bearer <token>`. A stale `baseRevision` is refused
               with 409, so no change is lost.

            See [[Markdown Help]] for the syntax.
            """
        ),
        (
            "Following Peers",
            """
            # Following other nodes

            A wikinode is one node of many. Nodes follow each other over HTTP: a follower pulls the
            pages of the node it follows, is told of each change, and shows backlinks and twin pages
            from its neighbours. Each node has a key pair (in its data directory) that signs what
            it tells its followers; this node publishes its public key at
            [/.well-known/wikinode](/.well-known/wikinode).

            Following is done with `wikinode follow <peer-url>`; if `wikinode --help` does not list
            that command yet, this node's version predates it. The change feed that followers read
            is at [/api/changes](/api/changes?since=0), and every page's history is an Atom feed.

            Back to [[Welcome]].
            """
        ),
    ]
}
