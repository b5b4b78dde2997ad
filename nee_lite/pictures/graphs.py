"""Pictures for chapters "Dijkstra" and "Prim": which network runs which line, and a
step-through of a run.

* :func:`plot_composition`: the paper's Figure 1 for one algorithm: its pseudocode, each
  line coloured by what executes it (find-min engine, adder, mask network, plain code),
  beside the loop as a flow chart.
* :func:`draw_graph_step`: one step of a recorded run
  (:class:`~nee_lite.graphs.composition.GraphTrace`) drawn with networkx: visited nodes,
  the frontier, current distances or keys, the node the pointer chose, the edges it
  offered and which offers won, and the pointer's attention over the list.
* :func:`graph_step_viewer` puts that drawing under a slider; :func:`plot_graph_steps`
  shows several steps at once, for the rendered page; :func:`plot_graph_scores` plots
  accuracy against graph size, and :func:`plot_families` draws one test graph of each
  family.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
from matplotlib.patches import FancyBboxPatch

from .steps import step_viewer
from .style import COLORS, mark_training_limit

__all__ = [
    "ROLE_COLORS",
    "PSEUDOCODE",
    "plot_composition",
    "graph_layout",
    "draw_graph_step",
    "draw_pointer",
    "graph_step_viewer",
    "plot_graph_steps",
    "plot_graph_scores",
    "plot_families",
]

#: The paper's Figure 1 colours: blue = comparison, red = arithmetic, yellow = pointer
#: manipulation.
ROLE_COLORS = {
    "find-min NEE": "#9ecae1",
    "adder NEE": "#fc9272",
    "mask network": "#fee391",
    "plain code": "#e0e0e0",
}

PSEUDOCODE = {
    "dijkstra": [
        ("dist[v] = inf for every v;  dist[s] = 0", "plain code"),
        ("loop:", "plain code"),
        ("  u, d_u = find_min([dist, END], visited hidden)", "find-min NEE"),
        ("  if d_u == END: stop   (this graph only)", "plain code"),
        ("  visited[u] = True", "mask network"),
        ("  for v, w in row u, v not visited:", "plain code"),
        ("    cand = d_u + w", "adder NEE"),
        ("    dist[v], p = find_min([dist[v], cand, END])", "find-min NEE"),
        ("    if p == 1: pred[v] = u", "plain code"),
    ],
    "prim": [
        ("key[v] = inf for every v;  key[s] = 0", "plain code"),
        ("loop:", "plain code"),
        ("  u, k_u = find_min([key, END], in-tree hidden)", "find-min NEE"),
        ("  if k_u == END: stop   (this graph only)", "plain code"),
        ("  in_tree[u] = True;  tree += (parent[u], u, k_u)", "mask network"),
        ("  for v, w in row u, v not in tree:", "plain code"),
        ("    key[v], p = find_min([key[v], w, END])", "find-min NEE"),
        ("    if p == 1: parent[v] = u", "plain code"),
    ],
}

_FLOW = {
    "dijkstra": [
        ("[dist_0 .. dist_n-1, END]\n+ visited mask", "plain code"),
        ("find-min NEE\nvalue d_u, pointer u", "find-min NEE"),
        ("mask network\nhide u (visited)", "mask network"),
        ("gather row u:\nneighbours v, weights w", "plain code"),
        ("adder NEE\nd_u + w", "adder NEE"),
        ("find-min NEE on\n[dist_v, d_u + w, END]", "find-min NEE"),
    ],
    "prim": [
        ("[key_0 .. key_n-1, END]\n+ in-tree mask", "plain code"),
        ("find-min NEE\nvalue k_u, pointer u", "find-min NEE"),
        ("mask network\nhide u (in tree)", "mask network"),
        ("gather row u:\nneighbours v, weights w", "plain code"),
        ("find-min NEE on\n[key_v, w, END]", "find-min NEE"),
    ],
}


def _box(ax, x, y, text, role, width=0.78, height=0.11, fontsize=8.5):
    ax.add_patch(
        FancyBboxPatch(
            (x - width / 2, y - height / 2),
            width,
            height,
            boxstyle="round,pad=0.01",
            facecolor=ROLE_COLORS[role],
            edgecolor="#555555",
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def _arrow(ax, start, end, **style):
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops=dict(arrowstyle="->", color="#444444", lw=1.2, **style),
    )


def plot_composition(algorithm: str = "dijkstra"):
    """Pseudocode coloured by executor (left) and the loop as a flow chart (right), like
    the paper's Figure 1."""
    fig, (code, flow) = plt.subplots(
        1, 2, figsize=(12, 4.6), gridspec_kw={"width_ratios": [1.35, 1]}
    )
    lines = PSEUDOCODE[algorithm]
    for index, (text, role) in enumerate(lines):
        y = 1 - (index + 0.5) / len(lines)
        code.text(
            0.01,
            y,
            text,
            family="monospace",
            fontsize=9,
            va="center",
            bbox=dict(
                boxstyle="round,pad=0.25", facecolor=ROLE_COLORS[role], edgecolor="none"
            ),
        )
    handles = [
        plt.Rectangle((0, 0), 1, 1, color=color) for color in ROLE_COLORS.values()
    ]
    code.legend(handles, list(ROLE_COLORS), loc="lower right", fontsize=8, ncol=2)
    steps = _FLOW[algorithm]
    ys = np.linspace(0.92, 0.08, len(steps))
    for (text, role), y in zip(steps, ys):
        _box(flow, 0.45, y, text, role)
    for top, bottom in zip(ys, ys[1:]):
        _arrow(flow, (0.45, top - 0.06), (0.45, bottom + 0.06))
    flow.plot([0.84, 0.95, 0.95], [ys[-1], ys[-1], ys[0]], color="#444444", lw=1.2)
    _arrow(flow, (0.95, ys[0]), (0.84, ys[0]))
    flow.text(
        0.97,
        0.5,
        "next step, until\nthe value is END",
        fontsize=8,
        va="center",
        rotation=90,
    )
    for ax in (code, flow):
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1)
        ax.axis("off")
    code.set_title(f"{algorithm.capitalize()}: who executes each line", fontsize=11)
    flow.set_title("one step, for every graph of the batch at once", fontsize=11)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------
# step-through
def graph_layout(graph, seed: int = 0) -> dict:
    """Node positions for drawing: a seeded spring layout per connected component
    (largest first, side by side), so every picture of a graph looks the same and a
    small component does not squeeze the rest."""
    nx_graph = graph.to_networkx() if hasattr(graph, "to_networkx") else graph
    pos, left = {}, 0.0
    for component in sorted(
        nx.connected_components(nx_graph), key=lambda c: (-len(c), min(c))
    ):
        size = 0.5 * np.sqrt(len(component))
        placed = nx.spring_layout(
            nx_graph.subgraph(component), seed=seed, center=(left + size, 0), scale=size
        )
        pos.update({node: np.asarray(xy) for node, xy in placed.items()})
        left += 2 * size + 0.4
    return pos


def _step_state(trace, step: int, row: int, n: int):
    """Visited mask, chosen node (None when stopped), entries after the step, offered
    and won candidates."""
    visited = trace.masks[step][row, :n].numpy()
    running = bool(trace.running[step][row])
    chosen = int(trace.chosen[step][row]) if running else None
    after_index = min(step + 1, len(trace.entries) - 1)
    after = (
        trace.entries[after_index][row, :n].numpy()
        if running
        else trace.entries[step][row, :n].numpy()
    )
    offered = (
        trace.candidates[step][row, :n].numpy()
        if running and step < len(trace.candidates)
        else np.full(n, -1)
    )
    won = (
        trace.won[step][row, :n].numpy()
        if running and step < len(trace.won)
        else np.zeros(n, dtype=bool)
    )
    return visited, chosen, after, offered, won


def _parents_so_far(trace, step: int, row: int, n: int) -> np.ndarray:
    """Each node's predecessor (Dijkstra) or parent (Prim) after ``step``: the last node
    whose offer to it won."""
    parents = np.full(n, -1)
    for index in range(min(step + 1, len(trace.won))):
        if trace.running[index][row]:
            parents[trace.won[index][row, :n].numpy()] = int(trace.chosen[index][row])
    return parents


def _id_offsets(nx_graph, pos, ax, distance: float = 9.0) -> dict:
    """Where to put each node's ``#v`` label, in points from its centre: the diagonal
    (or, failing that, the side) farthest in angle from the node's edges as drawn, so a
    label never sits on an edge."""
    ax.autoscale_view()
    shown = {v: ax.transData.transform(pos[v]) for v in nx_graph}
    candidates = np.radians([45, 135, 315, 225, 90, 0, 270, 180])
    offsets = {}
    for v in nx_graph:
        angles = [np.arctan2(*(shown[u] - shown[v])[::-1]) for u in nx_graph[v]]
        gap = [
            min(
                (abs((c - a + np.pi) % (2 * np.pi) - np.pi) for a in angles),
                default=np.pi,
            )
            for c in candidates
        ]
        best = candidates[int(np.argmax(np.round(gap, 2)))]
        offsets[v] = (distance * np.cos(best), distance * np.sin(best))
    return offsets


def _node_colors(visited, chosen, entries, end):
    colors = []
    for node, (hidden, entry) in enumerate(zip(visited, entries)):
        if node == chosen:
            colors.append(COLORS["heldout"])
        elif hidden:
            colors.append("#636363")
        else:
            colors.append("#c6dbef" if entry < end else "white")
    return colors


def draw_graph_step(
    graph,
    trace,
    step: int,
    row: int = 0,
    ax=None,
    pos=None,
    end: int = 256,
    title: bool = True,
):
    """Draw step ``step`` of graph ``row``: grey = visited (hidden), red = the node the
    pointer chose, blue = seen but not visited, white = still infinite. Labels:
    distances (or keys) after the step; black edges: each node's current predecessor
    (parent); orange edges: offers from the chosen node, green ones: offers that won."""
    ax = ax or plt.subplots(figsize=(6, 5))[1]
    pos = pos or graph_layout(graph)
    nx_graph = graph.to_networkx()
    visited, chosen, after, offered, won = _step_state(trace, step, row, graph.n)
    offered_edges = (
        [(chosen, v) for v in np.flatnonzero(offered >= 0)]
        if chosen is not None
        else []
    )
    won_edges = [(chosen, v) for v in np.flatnonzero(won)] if chosen is not None else []
    parents = _parents_so_far(trace, step, row, graph.n)
    nx.draw_networkx_edges(nx_graph, pos, ax=ax, edge_color="#bdbdbd", width=1.0)
    nx.draw_networkx_edges(
        nx_graph,
        pos,
        edgelist=[(p, v) for v, p in enumerate(parents) if p >= 0],
        ax=ax,
        edge_color="#252525",
        width=1.8,
    )
    nx.draw_networkx_edges(
        nx_graph, pos, edgelist=offered_edges, ax=ax, edge_color="#fd8d3c", width=2.0
    )
    nx.draw_networkx_edges(
        nx_graph, pos, edgelist=won_edges, ax=ax, edge_color="#31a354", width=3.0
    )
    nx.draw_networkx_edge_labels(
        nx_graph,
        pos,
        edge_labels=nx.get_edge_attributes(nx_graph, "weight"),
        ax=ax,
        font_size=6,
        font_color="#737373",
        rotate=False,
    )
    nx.draw_networkx_nodes(
        nx_graph,
        pos,
        ax=ax,
        node_size=330,
        edgecolors="#252525",
        linewidths=0.8,
        node_color=_node_colors(visited, chosen, after, end),
    )
    offsets = _id_offsets(nx_graph, pos, ax)
    for v in range(graph.n):
        label = "∞" if after[v] >= end else str(int(after[v]))
        ax.text(
            *pos[v],
            label,
            ha="center",
            va="center",
            fontsize=7,
            color="white" if visited[v] or v == chosen else "black",
        )
        dx, dy = offsets[v]
        ax.annotate(
            f"#{v}",
            pos[v],
            xytext=(dx, dy),
            textcoords="offset points",
            fontsize=6,
            color="#08519c",
            ha="left" if dx > 1 else "right" if dx < -1 else "center",
            va="bottom" if dy > 1 else "top" if dy < -1 else "center",
        )
    if title:
        value = int(trace.values[step][row])
        said = "END: stop" if chosen is None else f"node {chosen} (value {value})"
        ax.set_title(
            f"step {step}: the find-min engine chose {said}; {int(won.sum())} of "
            f"{int((offered >= 0).sum())} offers won",
            fontsize=9,
        )
    ax.axis("off")
    return ax


def draw_pointer(trace, step: int, row: int, n: int, ax=None):
    """The pointer's attention over ``[x_0 .. x_{n-1}, END]`` at one step; hidden
    positions shaded grey."""
    ax = ax or plt.subplots(figsize=(6, 1.6))[1]
    width = trace.masks[step].shape[1]
    positions = list(range(n)) + [width - 1]
    pointer = trace.pointers[step][row, positions].numpy()
    hidden = trace.masks[step][row, positions].numpy()
    ax.bar(
        np.flatnonzero(hidden), np.ones(int(hidden.sum())), color="#d9d9d9", width=0.9
    )
    ax.bar(range(len(positions)), pointer, color=COLORS["nee"])
    ax.set_xticks(
        range(len(positions)), [f"#{v}" for v in range(n)] + ["END"], fontsize=6
    )
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("pointer")
    ax.set_xlabel("position in [x_0 .. x_n-1, END] (grey: hidden by the mask)")
    return ax


def graph_step_viewer(
    graph, trace, row: int = 0, end: int = 256, pos: dict | None = None
):
    """A step viewer (:func:`~nee_lite.pictures.steps.step_viewer`) over one recorded
    run: the graph and the pointer, a frame per step. ``pos``: fixed node positions
    (default :func:`graph_layout`)."""
    pos = (
        {v: np.asarray(xy, dtype=float) for v, xy in pos.items()}
        if pos
        else graph_layout(graph)
    )

    def draw(step):
        figure, (top, bottom) = plt.subplots(
            2, 1, figsize=(7, 6.5), gridspec_kw={"height_ratios": [4, 1]}
        )
        draw_graph_step(graph, trace, step, row, ax=top, pos=pos, end=end)
        draw_pointer(trace, step, row, graph.n, ax=bottom)
        figure.tight_layout()
        return figure

    return step_viewer(draw, len(trace.values))


def _step_legend(fig, what: str = "distance"):
    """One legend for a figure of steps: what the node colours and edge colours mean."""

    def node(color):
        return plt.Line2D([], [], ls="none", marker="o", ms=9, mfc=color, mec="#252525")

    def edge(color, width):
        return plt.Line2D([], [], color=color, lw=width)

    handles = {
        "chosen by the pointer": node(COLORS["heldout"]),
        "visited": node("#636363"),
        f"reached, {what} < ∞": node("#c6dbef"),
        f"{what} ∞": node("white"),
        "offer this step": edge("#fd8d3c", 2.0),
        "offer that won": edge("#31a354", 3.0),
        "edge to the current "
        + ("predecessor" if what == "distance" else "parent"): edge("#252525", 1.8),
    }
    fig.legend(
        handles.values(),
        handles.keys(),
        loc="lower center",
        ncol=4,
        fontsize=8,
        frameon=False,
    )


def plot_graph_steps(
    graph,
    trace,
    steps,
    row: int = 0,
    columns: int = 3,
    end: int = 256,
    pos: dict | None = None,
    what: str = "distance",
):
    """Several steps of one run side by side (the static version of
    :func:`graph_step_viewer`), with one legend. ``pos``: fixed node positions (default
    :func:`graph_layout`); ``what``: what the labels are ("distance", "key")."""
    rows = -(-len(steps) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.8 * rows + 0.5))
    pos = (
        {v: np.asarray(xy, dtype=float) for v, xy in pos.items()}
        if pos
        else graph_layout(graph)
    )
    for ax, step in zip(np.ravel(axes), steps):
        draw_graph_step(graph, trace, step, row, ax=ax, pos=pos, end=end, title=False)
        chosen = trace.chosen[step][row] if trace.running[step][row] else None
        ax.set_title(
            f"step {step}: "
            + ("END, stop" if chosen is None else f"pointer on node {int(chosen)}"),
            fontsize=9,
        )
    for ax in np.ravel(axes)[len(steps) :]:
        ax.axis("off")
    fig.tight_layout(rect=(0, 0.5 / fig.get_figheight(), 1, 1))
    _step_legend(fig, what)
    return fig


def plot_graph_scores(
    rows,
    metrics: dict,
    references: dict | None = None,
    ax=None,
    train_nodes: int = 8,
    lines: dict | None = None,
):
    """Accuracy against graph size: one line per metric (``metrics``: row key -> label),
    more measured lines (``lines``: label -> ``(nodes, accuracy)`` points) in the next
    line styles, and published scores as markers (``references``: label -> ``(nodes,
    accuracy)`` points)."""
    ax = ax or plt.subplots(figsize=(7, 3.8))[1]
    nodes = [row["nodes"] for row in rows]
    styles = [
        dict(marker="o", ms=5, color=COLORS["nee"]),
        dict(marker="s", ms=9, mfc="none", color="#2ca02c"),
        dict(marker="D", ms=15, mfc="none", color="#9467bd"),
    ]
    curves = [
        (label, nodes, [row[key] for row in rows]) for key, label in metrics.items()
    ]
    curves += [(label, *zip(*points)) for label, points in (lines or {}).items()]
    for index, ((label, xs, ys), style) in enumerate(
        zip(curves, styles)
    ):  # the first on top
        ax.plot(xs, ys, "-", label=label, zorder=4 - 0.1 * index, **style)
    for (label, points), (marker, color) in zip(
        (references or {}).items(),
        [("*", "#7f7f7f"), ("P", COLORS["baseline"]), ("X", "#ff7f0e")],
    ):
        xs, ys = zip(*points)
        ax.scatter(  # hollow and on top, so that equal scores do not hide them
            xs,
            ys,
            marker=marker,
            s=260,
            zorder=5,
            facecolors="none",
            edgecolors=color,
            linewidths=1.5,
            label=label,
        )
    mark_training_limit(ax, train_nodes, "largest training list")
    ax.set_xlabel("nodes per graph")
    ax.set_ylabel("accuracy")
    ax.set_ylim(0.8, 1.02)
    # outside the axes, so that no marker (the CLRS point sits low) hides under it
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    return ax


def plot_families(graphs, columns: int = 5):
    """The first graph of every family in ``graphs`` (a test set of one size), drawn
    small: red = the source, grey = nodes the source cannot reach."""
    firsts = {}
    for graph in graphs:
        firsts.setdefault(graph.spec.get("family", "graph"), graph)
    rows = -(-len(firsts) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(2.8 * columns, 2.7 * rows))
    for ax, (family, graph) in zip(np.ravel(axes), firsts.items()):
        nx_graph = graph.to_networkx()
        reached = nx.node_connected_component(nx_graph, graph.source)
        colors = [
            COLORS["heldout"]
            if v == graph.source
            else COLORS["nee"]
            if v in reached
            else "#bdbdbd"
            for v in range(graph.n)
        ]
        nx.draw_networkx(
            nx_graph,
            graph_layout(nx_graph),
            ax=ax,
            node_size=18,
            node_color=colors,
            with_labels=False,
            width=0.4,
            edge_color="#969696",
        )
        ax.set_title(f"{family}\n{graph.n} nodes, {len(graph.edges)} edges", fontsize=8)
        ax.axis("off")
    for ax in np.ravel(axes)[len(firsts) :]:
        ax.axis("off")
    fig.tight_layout()
    return fig
