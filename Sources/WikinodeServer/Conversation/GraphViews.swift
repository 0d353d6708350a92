import WikinodeCore
import WikinodeGraph

/// A graph page: the picture (SVG from Graphviz, inlined), its legend, and the same nodes
/// listed by kind, with what did not fit. Labels came from elsewhere; the templates escape them.
struct GraphView: Sendable {
    let site: SiteView
    let title: String
    let heading: String
    let tools: PageToolsView?
    let svg: String
    let hasSVG: Bool
    /// Why there is no picture, when layout failed.
    let drawError: String
    let hasDrawError: Bool
    let depthLinks: [LinkView]
    let hasDepthLinks: Bool
    let jsonPath: String
    let groups: [GroupView]
    let omitted: [NodeView]
    let hasOmitted: Bool
    let summary: String
    let nodeLegend: [LegendView]
    let edgeLegend: [LegendView]

    struct NodeView: Sendable {
        let label: String
        /// An http(s) address or a path of this node; empty (no link) for anything else.
        let url: String
        let hasURL: Bool
        let site: String
        let hasSite: Bool
    }

    struct GroupView: Sendable {
        let label: String
        let nodes: [NodeView]
    }

    struct LegendView: Sendable {
        let kind: String
        let label: String
    }

    struct LinkView: Sendable {
        let label: String
        let path: String
        let isCurrent: Bool
    }

    init(
        site: SiteView, title: String, heading: String, tools: PageToolsView?, graph: PageGraph, svg: String?, drawError: String?,
        depthLinks: [LinkView], jsonPath: String
    ) {
        self.site = site
        self.title = title
        self.heading = heading
        self.tools = tools
        self.svg = svg ?? ""
        hasSVG = svg != nil
        self.drawError = drawError ?? ""
        hasDrawError = drawError != nil
        self.depthLinks = depthLinks
        hasDepthLinks = !depthLinks.isEmpty
        self.jsonPath = jsonPath
        func view(_ node: PageGraph.Node) -> NodeView {
            let url = SVGCheck.isAllowedLink(node.url) ? node.url : ""
            return NodeView(label: node.label, url: url, hasURL: !url.isEmpty, site: node.site, hasSite: !node.site.isEmpty)
        }
        let kinds = Set(graph.nodes.map(\.kind))
        groups = GraphDrawing.nodeStyles.compactMap { kind, style in
            let nodes = graph.nodes.filter { $0.kind == kind }.map(view)
            return nodes.isEmpty ? nil : GroupView(label: style.label, nodes: nodes)
        }
        omitted = graph.omitted.map(view)
        hasOmitted = !omitted.isEmpty
        summary =
            "\(graph.nodes.count) \(graph.nodes.count == 1 ? "node" : "nodes"), \(graph.edges.count) \(graph.edges.count == 1 ? "edge" : "edges")"
            + (graph.omitted.isEmpty ? "" : "; \(graph.omitted.count) more not drawn (listed below)")
        nodeLegend = GraphDrawing.nodeStyles.filter { kinds.contains($0.kind) }.map { LegendView(kind: $0.kind, label: $0.style.label) }
        let edgeKinds = Set(graph.edges.map(\.kind))
        edgeLegend = GraphDrawing.edgeStyles.filter { edgeKinds.contains($0.kind) }.map { LegendView(kind: $0.kind, label: $0.style.label) }
    }
}

extension GraphView: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "site": site
        case "title": title
        case "heading": heading
        case "tools": tools
        case "svg": svg
        case "hasSVG": hasSVG
        case "drawError": drawError
        case "hasDrawError": hasDrawError
        case "depthLinks": depthLinks
        case "hasDepthLinks": hasDepthLinks
        case "jsonPath": jsonPath
        case "groups": groups
        case "omitted": omitted
        case "hasOmitted": hasOmitted
        case "summary": summary
        case "nodeLegend": nodeLegend
        case "edgeLegend": edgeLegend
        default: nil
        }
    }
}

extension GraphView.NodeView: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "label": label
        case "url": url
        case "hasURL": hasURL
        case "site": site
        case "hasSite": hasSite
        default: nil
        }
    }
}

extension GraphView.GroupView: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "label": label
        case "nodes": nodes
        default: nil
        }
    }
}

extension GraphView.LegendView: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "kind": kind
        case "label": label
        default: nil
        }
    }
}

extension GraphView.LinkView: TemplateFields {
    func child(named name: String) -> Any? {
        switch name {
        case "label": label
        case "path": path
        case "isCurrent": isCurrent
        default: nil
        }
    }
}
