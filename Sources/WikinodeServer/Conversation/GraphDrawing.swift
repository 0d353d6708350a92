import Foundation
import WikinodeCore
import WikinodeGraph

/// How graphs look: each kind of node and edge its own shape, colour and line, the same in the
/// picture, its legend and the lists under it; DOT built from typed parts only.
enum GraphDrawing {
    struct Style {
        let label: String
        let attributes: [(DOTGraph.Attribute, String)]
    }

    static let nodeStyles: [(kind: String, style: Style)] = [
        ("page", Style(label: "This page", attributes: [(.shape, "box"), (.style, "filled,bold"), (.fillcolor, "#ffe9a8")])),
        ("local", Style(label: "Page on this node", attributes: [(.shape, "box"), (.style, "filled"), (.fillcolor, "#e8f1fb")])),
        ("missing", Style(label: "Missing page", attributes: [(.shape, "box"), (.style, "dashed"), (.color, "#9a3b3b")])),
        ("peer", Style(label: "Page on a followed node", attributes: [(.shape, "box"), (.style, "filled,rounded"), (.fillcolor, "#e6f4ea")])),
        ("web", Style(label: "Page on the web", attributes: [(.shape, "ellipse"), (.style, "filled"), (.fillcolor, "#f1f1f1")])),
        ("context", Style(label: "What it replies to", attributes: [(.shape, "note"), (.style, "filled"), (.fillcolor, "#fdf2e9")])),
        ("reply", Style(label: "Reply", attributes: [(.shape, "note"), (.style, "filled"), (.fillcolor, "#e9f7ef")])),
        ("like", Style(label: "Like", attributes: [(.shape, "ellipse"), (.style, "filled"), (.fillcolor, "#fde2ef")])),
        ("repost", Style(label: "Repost", attributes: [(.shape, "ellipse"), (.style, "filled"), (.fillcolor, "#e2f0fd")])),
        ("bookmark", Style(label: "Bookmark", attributes: [(.shape, "ellipse"), (.style, "filled"), (.fillcolor, "#fff4d6")])),
        ("mention", Style(label: "Mention", attributes: [(.shape, "ellipse"), (.style, "filled,dotted"), (.fillcolor, "#eeeeee")])),
        ("node", Style(label: "Node", attributes: [(.shape, "box"), (.style, "filled,rounded"), (.fillcolor, "#e6f4ea")])),
        ("self", Style(label: "This node", attributes: [(.shape, "box"), (.style, "filled,bold,rounded"), (.fillcolor, "#ffe9a8")])),
        ("site", Style(label: "Site on the web", attributes: [(.shape, "ellipse"), (.style, "filled"), (.fillcolor, "#f1f1f1")])),
    ]

    static let edgeStyles: [(kind: String, style: Style)] = [
        ("link", Style(label: "links to", attributes: [(.color, "#666666")])),
        ("twin", Style(label: "twin (same title)", attributes: [(.color, "#2e7d32"), (.style, "dashed"), (.dir, "none")])),
        ("inReplyTo", Style(label: "replies to", attributes: [(.color, "#b35900"), (.penwidth, "2")])),
        ("reply", Style(label: "reply", attributes: [(.color, "#1b7a3d"), (.penwidth, "2")])),
        ("like", Style(label: "like", attributes: [(.color, "#c2185b"), (.style, "dotted")])),
        ("repost", Style(label: "repost", attributes: [(.color, "#1565c0"), (.style, "dotted")])),
        ("bookmark", Style(label: "bookmark", attributes: [(.color, "#8d6e00"), (.style, "dotted")])),
        ("mention", Style(label: "mention", attributes: [(.color, "#777777"), (.style, "dotted")])),
        ("follows", Style(label: "follows", attributes: [(.color, "#2e7d32")])),
        ("mentions", Style(label: "mentions or replies", attributes: [(.color, "#1b7a3d"), (.style, "dashed")])),
        ("links", Style(label: "links to", attributes: [(.color, "#666666")])),
    ]

    static func nodeStyle(_ kind: String) -> Style? { nodeStyles.first { $0.kind == kind }?.style }
    static func edgeStyle(_ kind: String) -> Style? { edgeStyles.first { $0.kind == kind }?.style }

    /// A node as DOT: our id, the label and tooltip quoted, a link only to an http(s) address
    /// or a path of this node.
    static func node(_ node: PageGraph.Node, extra: [(DOTGraph.Attribute, String)] = []) -> DOTGraph.Node {
        var attributes: [(DOTGraph.Attribute, String)] = [
            (.id, node.id), (.label, node.label), (.tooltip, node.site.isEmpty ? node.label : "\(node.label) (\(node.site))"),
        ]
        if SVGCheck.isAllowedLink(node.url), node.url.utf8.count <= 2000 { attributes += [(.URL, node.url), (.target, "_top")] }
        attributes += nodeStyle(node.kind)?.attributes ?? []
        return DOTGraph.Node(name: node.id, attributes: attributes + extra)
    }

    /// The DOT of `graph`: this node's pages loose, every other site's in a box of its own.
    static func dot(_ graph: PageGraph, engine: GraphvizRenderer.Engine, root: String? = nil) -> DOTGraph {
        var attributes: [(DOTGraph.Attribute, String)] = [(.fontname, "Helvetica"), (.fontsize, "11"), (.bgcolor, "transparent")]
        switch engine {
        case .dot: attributes += [(.rankdir, "LR"), (.ranksep, "0.6"), (.nodesep, "0.15"), (.nslimit, "4"), (.nslimit1, "4"), (.mclimit, "0.5")]
        case .twopi: attributes += [(.overlap, "false"), (.ranksep, "1.6")] + (root.map { [(.root, $0)] } ?? [])
        }
        var dot = DOTGraph(
            attributes: attributes, nodeDefaults: [(.fontname, "Helvetica"), (.fontsize, "10"), (.margin, "0.08,0.03"), (.height, "0.3")],
            edgeDefaults: [(.arrowhead, "vee")])
        var bySite: [String: [DOTGraph.Node]] = [:]
        var siteOrder: [String] = []
        for item in graph.nodes {
            if item.site.isEmpty || engine == .twopi {
                dot.nodes.append(node(item))
            } else {
                if bySite[item.site] == nil { siteOrder.append(item.site) }
                bySite[item.site, default: []].append(node(item))
            }
        }
        dot.clusters = siteOrder.map { DOTGraph.Cluster(label: $0, nodes: bySite[$0] ?? []) }
        dot.edges = graph.edges.map { edge in
            var attributes = edgeStyle(edge.kind)?.attributes ?? []
            if edge.weight > 1 {
                // Thicker the more it stands for: 2 at 2, 4 at 8, at most 6.
                attributes.removeAll { $0.0 == .penwidth }
                attributes += [(.penwidth, "\(min(6, 1 + Int(log2(Double(edge.weight)))))"), (.tooltip, "\(edge.weight)")]
            }
            return DOTGraph.Edge(from: edge.from, to: edge.to, attributes: attributes)
        }
        return dot
    }
}
