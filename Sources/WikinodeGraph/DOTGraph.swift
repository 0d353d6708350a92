/// DOT text built from typed parts, never from text of other sites: node and edge names are
/// ours (`n0`, `n1`…), every attribute is one of an allow-list with values we choose or that
/// are escaped here, and labels and links from elsewhere can only ever be quoted strings. So
/// a hostile title cannot end its string, add an attribute (`image`, `fontpath`, a `URL` of its
/// choosing) or reach Graphviz's escapes (`\N`, `\G`, `\l`).
public struct DOTGraph: Sendable {
    /// The attributes a graph, node or edge may carry here.
    public enum Attribute: String, Sendable, CaseIterable {
        case label, tooltip, URL, target, id, shape, style, color, fillcolor, fontcolor, fontsize, fontname, penwidth, arrowhead, dir
        case rankdir, ranksep, nodesep, overlap, root, splines, nslimit, nslimit1, mclimit, maxiter, bgcolor, pad, margin, width, height
        case weight, len, `class`, labelloc
    }

    public struct Node: Sendable {
        public let name: String
        public var attributes: [(Attribute, String)]
        public init(name: String, attributes: [(Attribute, String)]) {
            self.name = name
            self.attributes = attributes
        }
    }

    public struct Edge: Sendable {
        public let from: String
        public let to: String
        public var attributes: [(Attribute, String)]
        public init(from: String, to: String, attributes: [(Attribute, String)]) {
            self.from = from
            self.to = to
            self.attributes = attributes
        }
    }

    /// Nodes drawn in a box together, with a label (a site).
    public struct Cluster: Sendable {
        public let label: String
        public let nodes: [Node]
        public init(label: String, nodes: [Node]) {
            self.label = label
            self.nodes = nodes
        }
    }

    public var attributes: [(Attribute, String)]
    public var nodeDefaults: [(Attribute, String)]
    public var edgeDefaults: [(Attribute, String)]
    public var nodes: [Node] = []
    public var clusters: [Cluster] = []
    public var edges: [Edge] = []

    public init(attributes: [(Attribute, String)], nodeDefaults: [(Attribute, String)] = [], edgeDefaults: [(Attribute, String)] = []) {
        self.attributes = attributes
        self.nodeDefaults = nodeDefaults
        self.edgeDefaults = edgeDefaults
    }

    /// Longest label kept, in characters.
    public static let labelLimit = 60

    /// The DOT text.
    public var text: String {
        var out = "digraph G {\n"
        out += "  graph " + Self.list(attributes) + ";\n"
        if !nodeDefaults.isEmpty { out += "  node " + Self.list(nodeDefaults) + ";\n" }
        if !edgeDefaults.isEmpty { out += "  edge " + Self.list(edgeDefaults) + ";\n" }
        for node in nodes { out += "  " + Self.name(node.name) + " " + Self.list(node.attributes) + ";\n" }
        for (index, cluster) in clusters.enumerated() {
            out +=
                "  subgraph cluster_\(index) {\n    graph " + Self.list([(.label, cluster.label), (.style, "rounded,dashed"), (.color, "#9aa4ad")])
            out += ";\n"
            for node in cluster.nodes { out += "    " + Self.name(node.name) + " " + Self.list(node.attributes) + ";\n" }
            out += "  }\n"
        }
        for edge in edges { out += "  " + Self.name(edge.from) + " -> " + Self.name(edge.to) + " " + Self.list(edge.attributes) + ";\n" }
        return out + "}\n"
    }

    static func list(_ attributes: [(Attribute, String)]) -> String {
        "[" + attributes.map { "\($0.0.rawValue)=" + quoted($0.1, limit: $0.0 == .label ? labelLimit : 2000) }.joined(separator: ", ") + "]"
    }

    /// Names are ours; anything else is refused by keeping only letters, digits and `_`.
    static func name(_ name: String) -> String {
        let kept = name.unicodeScalars.filter { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" }
        return kept.isEmpty ? "_" : String(String.UnicodeScalarView(kept))
    }

    /// A DOT quoted string: backslashes and quotes escaped (so no Graphviz escape survives),
    /// control characters and line breaks made spaces, `&` written as `&amp;` (Graphviz passes
    /// entities through to SVG, so text meant literally must not look like one), cut to `limit`.
    static func quoted(_ text: String, limit: Int) -> String {
        var out = "\""
        var count = 0
        for character in text {
            guard count < limit else {
                out += "…"
                break
            }
            count += 1
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "&": out += "&amp;"
            case _ where character.unicodeScalars.contains { $0.properties.generalCategory == .control || $0.properties.isWhitespace }: out += " "
            default: out.append(character)
            }
        }
        return out + "\""
    }
}
