"""Pictures for chapter "The other road: graph neural networks".

* :func:`plot_two_roads`: accuracy against graph size for the NEE and the graph
  network, per node and per graph, one panel per algorithm;
* :func:`plot_hint_steps`: per step, how often the graph network's decoded hints are
  the algorithm's.

Both take plain numbers, so the chapter decides which records they come from.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from .style import COLORS, mark_training_limit

__all__ = ["plot_two_roads", "plot_hint_steps"]

GNN_COLOR = "#ff7f0e"
TITLES = {"dijkstra": "Dijkstra", "prim": "Prim"}
HOLLOW = dict(mfc="none", ms=10)  # per graph: hollow and larger, seen around per node


def plot_two_roads(nee: dict, gnn: dict, published: dict | None = None, train=8):
    """One panel per algorithm. ``nee``: algorithm -> measure -> ``[(nodes, acc)]``;
    ``gnn``: algorithm -> measure -> ``[(nodes, mean, min)]`` (mean over seeds as a
    line, the band down to the worst seed); measures ``"per node"`` and ``"per
    graph"`` (solid and dashed). ``published``: algorithm -> label -> ``(nodes, acc)``,
    drawn as a hollow star."""
    fig, axes = plt.subplots(1, len(nee), figsize=(9.5, 3.6), sharey=True)
    for ax, algorithm in zip(axes, nee):
        for measure, style, hollow in (
            ("per node", "-", {}),
            ("per graph", "--", HOLLOW),
        ):
            xs, ys = zip(*nee[algorithm][measure])
            nee_style = dict(marker="o", color=COLORS["nee"]) | hollow
            ax.plot(xs, ys, style, label=f"NEE, {measure}", **nee_style)
            xs, means, worst = zip(*gnn[algorithm][measure])
            gnn_style = dict(marker="s", color=GNN_COLOR) | hollow
            label = f"GNN, {measure} (band: worst seed)"
            ax.plot(xs, means, style, label=label, **gnn_style)
            ax.fill_between(xs, worst, means, color=GNN_COLOR, alpha=0.2, lw=0)
        for label, (x, y) in (published or {}).get(algorithm, {}).items():
            ax.scatter(
                [x],
                [y],
                marker="*",
                s=220,
                facecolors="none",
                edgecolors="#7f7f7f",
                linewidths=1.5,
                zorder=5,
                label=label,
            )
        mark_training_limit(ax, train, "largest training graph")
        ax.set_xscale("log")
        ax.set_xticks([8, 25, 50, 100, 200], ["8", "25", "50", "100", "200"])
        ax.set_xlabel("nodes per graph")
        ax.set_title(TITLES.get(algorithm, algorithm))
        ax.set_ylim(-0.02, 1.04)
    axes[0].set_ylabel("accuracy")
    handles, labels = axes[0].get_legend_handles_labels()
    extra = [
        (h, lab)
        for h, lab in zip(*axes[-1].get_legend_handles_labels())
        if lab not in labels
    ]
    for h, lab in extra:
        handles.append(h)
        labels.append(lab)
    fig.legend(
        handles, labels, fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5)
    )
    fig.tight_layout()
    return fig


def plot_hint_steps(curves: dict, train=8):
    """Per step, the share of decoded hints that are the algorithm's: one panel per
    hint (``curves``: hint -> label -> per-step shares), one line per set of graphs."""
    fig, axes = plt.subplots(1, len(curves), figsize=(9.5, 3.2), sharey=True)
    for ax, (hint, lines) in zip(axes, curves.items()):
        for label, shares in lines.items():
            ax.plot(range(1, len(shares) + 1), shares, marker=".", label=label)
        mark_training_limit(ax, train, "longest training run")
        ax.set_xlabel("step")
        ax.set_title(hint)
        ax.set_ylim(-0.02, 1.04)
    axes[0].set_ylabel("share right")
    axes[-1].legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    return fig
