import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import WikinodeCore
import WikinodeGraph
import WikinodeTesting

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A page's graph: Graphviz's SVG, parsed back, has a linked node for every node of the JSON,
/// in every kind, and an edge for every edge; the cap holds; nothing from elsewhere can add
/// markup to the page or attributes to the DOT.
@Suite struct GraphTests {
    enum TestFailure: Error { case missing }
    /// As hostile as a title can be (no `/ \\ [ ] |`).
    static let hostileTitle = #"Evil" URL="javascript:alert(1)" <script>alert(1) <img src=x onerror=alert(1)> &lt;b&gt; &amp"#

    static let hostile = #"Evil"]; n0 [image="/etc/passwd" URL="javascript:alert(1)"]; x [label="\N\G\l <script>alert(1)</script> &lt;b&gt;"#

    /// Elements and attributes of an SVG document, as an independent parser reads them.
    final class SVGReader: NSObject, XMLParserDelegate {
        var nodeLinks: [String: String] = [:]
        var edges = 0
        var names: Set<String> = []
        var attributes: Set<String> = []
        var hrefs: [String] = []
        private var currentNode: String?

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]
        ) {
            names.insert(name)
            self.attributes.formUnion(attributes.keys)
            if name == "g", attributes["class"] == "node" { currentNode = attributes["id"] }
            if name == "g", attributes["class"] == "edge" { edges += 1 }
            if name == "a", let href = attributes["xlink:href"] {
                hrefs.append(href)
                if let node = currentNode { nodeLinks[node] = href }
            }
        }
    }

    static func read(_ svg: String) throws -> SVGReader {
        let reader = SVGReader()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = reader
        #expect(parser.parse(), "the served SVG is well-formed XML")
        return reader
    }

    static func svg(in html: String) throws -> String {
        let start = try #require(html.range(of: "<svg"))
        let end = try #require(html.range(of: "</svg>"))
        return String(html[start.lowerBound..<end.upperBound])
    }

    static func setUp(_ database: WikiDatabase) async throws {
        try await database.savePage(
            PageEdit(
                title: try PageTitle("Hub"), markdown: "See [[Spoke One]], [[Not Yet]] and [the web](http://127.0.0.1:9/elsewhere).", author: "ann",
                inReplyTo: ["http://127.0.0.1:9/top"]))
        try await database.savePage(PageEdit(title: try PageTitle("Spoke One"), markdown: "Back to [[Hub]], on to [[Far Away]].", author: "ann"))
        try await database.savePage(PageEdit(title: try PageTitle("Far Away"), markdown: "The end.", author: "ann"))
        try await database.savePage(PageEdit(title: try PageTitle(Self.hostileTitle), markdown: "[[Hub]]", author: "eve"))
        guard case .found(let hub) = try database.lookup(try PageTitle("Hub")) else { throw TestFailure.missing }
        // Responses of every kind, one with a hostile author and title.
        for (index, kind) in Mention.Kind.allCases.enumerated() {
            let id = try database.receiveMention(
                pageId: hub.id!, source: URL(string: "http://127.0.0.1:9/r/\(index)")!, target: "http://127.0.0.1:8/wiki/Hub", protocol: .webmention)
            try database.recordMentionVerified(
                id: id, content: MentionContent(authorName: index == 0 ? Self.hostile : "Person \(index)", title: Self.hostile, kind: kind))
        }
        // A twin on a followed node whose name is hostile.
        let peer = try database.recordFollowing(url: "http://127.0.0.1:7", name: Self.hostile, publicKey: "a2V5").id!
        var entry = ChangeFeedEntry(seq: 1, uid: "hub", deleted: false)
        entry.kind = "edit"
        entry.type = "page"
        entry.title = "Hub"
        entry.revision = 1
        entry.markdown = "their hub"
        _ = try await database.applyPeerChanges(
            peerId: peer, feed: ChangeFeedDocument(changes: [entry], cursor: 1, latest: 1), ownBaseURL: "http://127.0.0.1:8")
    }

    @Test func everyKindIsDrawnLinkedAndListed() async throws {
        let node = try TestNode()
        try await Self.setUp(try node.database())
        try await node.test { client in
            let json = try await client.execute(uri: "/wiki/Hub/graph.json", method: .get)
            #expect(json.status == .ok)
            let graph = try JSONDecoder().decode(PageGraph.self, from: Data(json.text.utf8))
            let kinds = Set(graph.nodes.map(\.kind))
            #expect(kinds.isSuperset(of: ["page", "local", "missing", "peer", "web", "context", "reply", "like", "repost", "bookmark", "mention"]))
            #expect(Set(graph.edges.map(\.kind)).isSuperset(of: ["link", "twin", "inReplyTo", "reply", "like", "repost", "bookmark", "mention"]))
            #expect(!kinds.contains("local") || !graph.nodes.contains { $0.label == "Far Away" }, "depth 1 stops at the neighbours")

            let page = try await client.execute(uri: "/wiki/Hub/graph", method: .get)
            #expect(page.status == .ok)
            let svg = try Self.svg(in: page.text)
            let reader = try Self.read(svg)
            for node in graph.nodes {
                #expect(reader.nodeLinks[node.id] == node.url, "\(node.id) \(node.kind)")
            }
            #expect(reader.edges == graph.edges.count)
            // Nothing hostile got through: no script, no image, no script address, no handler.
            #expect(!reader.names.contains("script") && !reader.names.contains("image") && !reader.names.contains("foreignObject"))
            #expect(reader.hrefs.allSatisfy { $0.hasPrefix("/") || $0.hasPrefix("http://") })
            #expect(!reader.attributes.contains { $0.lowercased().hasPrefix("on") || $0 == "style" })
            #expect(!page.text.contains("<script>alert") && !page.text.contains("<img src=x") && !page.text.contains(#"href="javascript:"#))
            #expect(page.text.contains("Missing page") && page.text.contains("twin (same title)"))
            #expect(page.text.contains(#"href="/wiki/Hub/graph?depth=2""#))

            // Depth 2 adds the neighbours' neighbours.
            let deeper = try await client.execute(uri: "/wiki/Hub/graph.json?depth=2", method: .get)
            #expect(try JSONDecoder().decode(PageGraph.self, from: Data(deeper.text.utf8)).nodes.contains { $0.label == "Far Away" })
            #expect(try await client.execute(uri: "/wiki/Hub/graph?depth=9", method: .get).status == .badRequest)
            #expect(try await client.execute(uri: "/wiki/Nothing/graph", method: .get).status == .notFound)
            // Every page links to its graph.
            #expect(try await client.execute(uri: "/wiki/Hub", method: .get).text.contains(#"href="/wiki/Hub/graph""#))
        }
    }

    @Test func theCapHoldsForTwoThousandBacklinks() async throws {
        let node = try TestNode()
        let database = try node.database()
        try await database.savePage(PageEdit(title: try PageTitle("Popular"), markdown: "Everyone links here.", author: "ann"))
        let folder = node.directory.path("many")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for index in 0..<2_000 {
            try "Linking to [[Popular]].".write(to: folder.appendingPathComponent("Fan \(index).md"), atomically: false, encoding: .utf8)
        }
        _ = try FolderTransfer(database: database).importFolder(folder)
        try await node.test { client in
            let json = try await client.execute(uri: "/wiki/Popular/graph.json", method: .get)
            let graph = try JSONDecoder().decode(PageGraph.self, from: Data(json.text.utf8))
            #expect(graph.nodes.count == WikiDatabase.maximumGraphNodes)
            #expect(graph.omitted.count == 2_001 - WikiDatabase.maximumGraphNodes)
            let page = try await client.execute(uri: "/wiki/Popular/graph", method: .get)
            #expect(page.status == .ok)
            let reader = try Self.read(try Self.svg(in: page.text))
            #expect(reader.nodeLinks.count == WikiDatabase.maximumGraphNodes)
            #expect(page.text.contains("Not drawn"))
            #expect(page.text.contains(#"href="/wiki/Fan_999""#), "the omitted are listed")
        }
    }

    @Test func DOTCannotBeEscapedFrom() {
        var dot = DOTGraph(attributes: [(.rankdir, "LR")])
        dot.nodes = [
            DOTGraph.Node(name: #"n0"; x [image="y"]"#, attributes: [(.label, #"a"]; b [image="x"] \N &lt;"#), (.URL, #"/a" image="b"#)]),
            DOTGraph.Node(name: "n1", attributes: [(.label, String(repeating: "long ", count: 40) + "\n\u{0}\u{2028}")]),
        ]
        let text = dot.text
        #expect(text.contains(#"  n0ximagey [label="a\"]; b [image=\"x\"] \\N &amp;lt;", URL="/a\" image=\"b"];"#))
        #expect(text.contains(#"  n1 [label="\#(String(repeating: "long ", count: 12))…"];"#))
    }
}

/// `/graph`: the sites a node knows, in rings: whom it follows and who follows it, whom those
/// follow (learnt from their node info), and the web sites that mention it or that it links to.
@Suite struct NeighbourhoodGraphTests {
    @Test func theRingsOfTheNeighbourhood() async throws {
        try await LinkbackTestSite.run { web in
            try await NodeCluster.run(count: 3) { cluster in
                let (a, b, c) = (cluster[0], cluster[1], cluster[2])
                try await b.peering().follow(c.url)
                try await a.peering().follow(b.url)
                try await c.peering().follow(a.url)
                // B's node info lists whom it follows.
                let info = try await NodeCluster.request(b.url + "/.well-known/wikinode")
                #expect((info.json["following"] as? [String]) == [c.url])
                // A's page links to a web site twice.
                try await a.database().savePage(
                    PageEdit(title: try PageTitle("Out"), markdown: "[one](\(web.url)/source/1) and [two](\(web.url)/source/2)", author: "a"))

                let reply = try await NodeCluster.request(a.url + "/graph.json")
                let graph = try JSONDecoder().decode(PageGraph.self, from: Data(reply.body.utf8))
                func id(_ url: String) -> String? { graph.nodes.first { $0.url == url }?.id }
                let me = try #require(graph.nodes.first { $0.kind == "self" })
                let bID = try #require(id(b.url))
                let cID = try #require(id(c.url), "the second ring: whom B follows")
                #expect(graph.edges.contains { $0.from == me.id && $0.to == bID && $0.kind == "follows" })
                #expect(graph.edges.contains { $0.from == bID && $0.to == cID && $0.kind == "follows" })
                #expect(graph.edges.contains { $0.from == cID && $0.to == me.id && $0.kind == "follows" }, "C follows A")
                let site = try #require(graph.nodes.first { $0.kind == "site" })
                #expect(graph.edges.first { $0.to == site.id }?.weight == 2)

                let page = try await NodeCluster.request(a.url + "/graph")
                #expect(page.status == 200)
                let svg = try GraphTests.svg(in: page.body)
                let reader = try GraphTests.read(svg)
                #expect(reader.nodeLinks.count == graph.nodes.count)
                #expect(reader.edges == graph.edges.count)
                #expect(page.body.contains(#"<a href="/graph">Graph</a>"#))
            }
        }
    }
}
