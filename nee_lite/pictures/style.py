"""One plotting style for the whole book, and the figures the chapters share.

Call :func:`use_book_style` once at the top of a chapter. Colours are tied to ideas, not
to plots: binary is always the same blue, one-hot the same orange, held-out numbers
always red, so a reader can carry a colour from one chapter to the next.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.patches import FancyBboxPatch

__all__ = [
    "COLORS",
    "use_book_style",
    "plot_history",
    "pca",
    "plot_embedding_pca",
    "grouped_bars",
    "plot_attention",
    "plot_accuracy_vs_length",
    "plot_embedding_pca_3d",
    "mark_training_limit",
    "text_box",
]

COLORS = {
    "binary": "#1f77b4",
    "one-hot": "#ff7f0e",
    "scalar": "#2ca02c",
    "nee": "#1f77b4",
    "baseline": "#d62728",
    "seen": "#7f7f7f",
    "heldout": "#d62728",
}


def use_book_style() -> None:
    """Set the book's matplotlib defaults: readable sizes, light grid, no top/right
    spines."""
    plt.rcParams.update(
        {
            "figure.figsize": (7.0, 4.0),
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "font.size": 11,
            "axes.titlesize": 12,
            "axes.labelsize": 11,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
            "image.cmap": "viridis",
        }
    )


def plot_history(
    history: list[dict], keys=("loss",), ax=None, title: str | None = None
):
    """Plot logged training values against the step; one line per key."""
    ax = ax or plt.subplots()[1]
    steps = [row["step"] for row in history]
    for key in keys:
        ax.plot(steps, [row[key] for row in history], label=key)
    ax.set_xlabel("training step")
    ax.set_ylabel(", ".join(keys))
    if len(keys) > 1:
        ax.legend()
    if title:
        ax.set_title(title)
    return ax


def pca(points: torch.Tensor | np.ndarray, components: int = 2) -> np.ndarray:
    """Project rows onto their top principal components (centred SVD, no extra
    dependency)."""
    data = np.asarray(points, dtype=np.float64)
    data = data - data.mean(axis=0)
    _, _, vt = np.linalg.svd(data, full_matrices=False)
    return data @ vt[:components].T


def plot_embedding_pca(
    table, heldout=(), ax=None, title: str | None = None, colorbar: bool = True
):
    """2-D PCA of an embedding table (one row per number), coloured by value, held-out
    numbers ringed red."""
    ax = ax or plt.subplots(figsize=(5, 4.5))[1]
    xy = pca(table, 2)
    values = np.arange(len(xy))
    points = ax.scatter(xy[:, 0], xy[:, 1], c=values, s=14, cmap="viridis")
    heldout = np.asarray(heldout, dtype=int)
    if heldout.size:
        ax.scatter(
            xy[heldout, 0],
            xy[heldout, 1],
            s=40,
            facecolors="none",
            edgecolors=COLORS["heldout"],
            linewidths=1.0,
            label="held out in training",
        )
        ax.legend(loc="best", fontsize=9)
    ax.scatter(
        xy[-1, 0], xy[-1, 1], marker="*", s=160, c="black", label="end token (inf)"
    )
    ax.set_xlabel("principal component 1")
    ax.set_ylabel("principal component 2")
    return _title_and_colorbar(ax, title, points if colorbar else None, "number")


def _title_and_colorbar(ax, title: str | None, mappable, label: str):
    """Finish a plot: its title where given, a colour bar for ``mappable`` (None: no
    colour bar)."""
    if title:
        ax.set_title(title)
    if mappable is not None:
        plt.colorbar(mappable, ax=ax, label=label)
    return ax


def mark_training_limit(ax, limit, label: str) -> None:
    """A dotted grey vertical line at the largest size trained on, labelled ``label
    (limit)``."""
    ax.axvline(limit, color="grey", linestyle=":", label=f"{label} ({limit})")


def grouped_bars(
    ax, groups, series: dict, colors: dict | None = None, width: float = 0.8
):
    """Bars for each series (a dict name -> values), grouped by ``groups`` along the x
    axis."""
    x = np.arange(len(groups))
    step = width / len(series)
    for index, (name, values) in enumerate(series.items()):
        offset = (index - (len(series) - 1) / 2) * step
        bars = ax.bar(
            x + offset, values, step, label=name, color=(colors or COLORS).get(name)
        )
        ax.bar_label(bars, labels=[f"{v:.0%}" for v in values], fontsize=8, padding=2)
    ax.set_xticks(x, [str(g) for g in groups])
    return ax


def plot_attention(
    weights, ax=None, title: str | None = None, inputs=None, colorbar: bool = True
):
    """A decoder's attention over the input, one row per output step (the paper's Figure
    4)."""
    ax = ax or plt.subplots(figsize=(5, 4.5))[1]
    image = ax.imshow(
        np.asarray(weights, dtype=float),
        aspect="auto",
        cmap="magma",
        vmin=0.0,
        vmax=1.0,
        interpolation="nearest",
    )
    ax.set_xlabel("input position" if inputs is None else "input number")
    ax.set_ylabel("output step")
    if inputs is not None and len(inputs) <= 24:
        ax.set_xticks(
            range(len(inputs)), [str(x) for x in inputs], rotation=90, fontsize=7
        )
    ax.grid(False)
    return _title_and_colorbar(
        ax, title, image if colorbar else None, "attention weight"
    )


def plot_accuracy_vs_length(
    tables: dict, ax=None, metric: str = "exact_match", train_length: int | None = 8
):
    """Accuracy against list length, one line per model (``tables``: name -> rows with
    ``length``)."""
    ax = ax or plt.subplots()[1]
    for name, rows in tables.items():
        lengths = [row["length"] for row in rows]
        ax.plot(
            lengths,
            [row[metric] for row in rows],
            "o-",
            label=name,
            color=COLORS.get(name.split()[0].lower()),
        )
    if train_length:
        mark_training_limit(ax, train_length, "longest training list")
    ax.set_xlabel("list length")
    ax.set_ylabel(
        {
            "exact_match": "whole lists exactly right",
            "per_element": "numbers in the right place",
        }.get(metric, metric)
    )
    ax.set_ylim(-0.03, 1.05)
    ax.legend()
    return ax


def plot_embedding_pca_3d(
    table, heldout=(), ax=None, title: str | None = None, end: bool = True
):
    """3-D PCA of an embedding table (one row per number, the last row the end token
    when ``end``), coloured by value, held-out numbers in red: the paper's Figure 5.
    ``ax`` must be a 3-D axis (``projection="3d"``)."""
    if ax is None:
        ax = plt.figure(figsize=(5, 5)).add_subplot(projection="3d")
    xyz = pca(table, 3)
    numbers = len(xyz) - 1 if end else len(xyz)
    heldout = np.asarray(heldout, dtype=int)
    seen = np.setdiff1d(np.arange(numbers), heldout)
    ax.scatter(*xyz[seen].T, c=seen, cmap="viridis", s=8, depthshade=False)
    if heldout.size:
        ax.scatter(
            *xyz[heldout].T,
            c=COLORS["heldout"],
            s=8,
            depthshade=False,
            label="held out in training",
        )
        ax.legend(loc="upper left", fontsize=8)
    if end:
        ax.scatter(*xyz[-1], marker="*", s=120, c="black")
    ax.set_xticks([]), ax.set_yticks([]), ax.set_zticks([])
    ax.set_xlabel("PC 1"), ax.set_ylabel("PC 2"), ax.set_zlabel("PC 3")
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def text_box(
    ax, x, y, width, height, text, *, fontsize, zorder=None, wrap=False, **box
):
    """A box of the diagrams with its lower-left corner at ``(x, y)`` and ``text``
    centred in it; returns its centre. ``box``: the FancyBboxPatch's style (boxstyle,
    facecolor, edgecolor, linewidth). With ``zorder``, the box is drawn at that layer
    and its text one above."""
    box_layer = {} if zorder is None else {"zorder": zorder}
    text_layer = {} if zorder is None else {"zorder": zorder + 1}
    ax.add_patch(FancyBboxPatch((x, y), width, height, **box, **box_layer))
    centre = x + width / 2, y + height / 2
    ax.text(
        *centre,
        text,
        ha="center",
        va="center",
        fontsize=fontsize,
        wrap=wrap,
        **text_layer,
    )
    return centre
