"""Step through an engine's execution: a step viewer, and the same view as a static
figure.

A recorded :class:`~nee_lite.engines.nee.Execution` holds, for every step, the mask the
engine saw, its pointer (attention over the positions) and the value it emitted.
:func:`draw_step` draws one step; :func:`execution_viewer` puts that drawing under a
slider that works on the rendered page too; :func:`plot_execution_overview` shows every
step at once, for the rendered page. For a merge, :func:`plot_merge_heads` draws the
paths of the two pointers (one per sorted sequence).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .steps import step_viewer
from .style import COLORS

__all__ = [
    "draw_step",
    "execution_viewer",
    "plot_execution_overview",
    "plot_merge_heads",
]


def _row(trace, step: int, row: int):
    mask = trace.masks[step][row].numpy()
    pointer = trace.pointers[step][row].numpy()
    return mask, pointer, int(trace.values[step][row])


def draw_step(numbers, trace, step: int, row: int = 0, axes=None, end: int = 256):
    """Draw step ``step`` of list ``row``: the list with its mask, and the pointer's
    attention below it."""
    numbers = list(numbers) + [end]
    mask, pointer, value = _row(trace, step, row)
    if axes is None:
        _, axes = plt.subplots(
            2, 1, figsize=(8, 4), sharex=True, gridspec_kw={"height_ratios": [2, 1]}
        )
    top, bottom = axes
    positions = np.arange(len(numbers))
    colors = ["#d9d9d9" if hidden else COLORS["nee"] for hidden in mask]
    chosen = int(pointer.argmax())
    colors[chosen] = COLORS["heldout"]
    heights = [min(x, end) for x in numbers]
    top.bar(positions, heights, color=colors)
    top.set_xticks(
        positions,
        [str(x) if x < end else "END" for x in numbers],
        fontsize=7,
        rotation=90,
    )
    top.set_ylabel("number")
    emitted = [int(v[row]) for v in trace.values[: step + 1]]
    shown = "END" if value == end else str(value)
    top.set_title(
        f"step {step}: the engine emits {shown} (red); grey = masked. Output so far: "
        f"{[v for v in emitted if v != end]}",
        fontsize=9,
    )
    bottom.bar(positions, pointer, color=COLORS["nee"])
    bottom.set_ylim(0, 1.05)
    bottom.set_ylabel("pointer")
    bottom.set_xlabel("position")
    return axes


def execution_viewer(numbers, trace, row: int = 0, end: int = 256):
    """A step viewer (:func:`~nee_lite.pictures.steps.step_viewer`) over one execution,
    a frame per step."""

    def draw(step):
        axes = draw_step(numbers, trace, step, row, end=end)
        axes[0].figure.tight_layout()
        return axes[0].figure

    return step_viewer(draw, len(trace.masks))


def plot_execution_overview(numbers, trace, row: int = 0, end: int = 256):
    """Every step at once: the masks (left) and the pointer's attention (right), one row
    per step."""
    masks = np.stack([m[row].numpy() for m in trace.masks]).astype(float)
    pointers = np.stack([p[row].numpy() for p in trace.pointers])
    labels = [str(x) if x < end else "END" for x in numbers] + ["END"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2))
    left.imshow(
        masks, cmap="Greys", vmin=0, vmax=1.6, aspect="auto", interpolation="nearest"
    )
    left.set_title("mask (grey = hidden)")
    image = right.imshow(
        pointers, cmap="magma", vmin=0, vmax=1, aspect="auto", interpolation="nearest"
    )
    right.set_title("pointer: attention over the positions")
    for ax in (left, right):
        ax.set_xticks(range(len(labels)), labels, fontsize=7, rotation=90)
        ax.set_xlabel("input number")
        ax.set_ylabel("step")
        ax.grid(False)
    plt.colorbar(image, ax=right, label="attention weight")
    fig.tight_layout()
    return fig


def plot_merge_heads(a, b, trace, row: int = 0, end: int = 256, ax=None):
    """The two pointers of a merge, step by step: which head of ``a`` and of ``b`` is
    visible (blue), which one the engine chose (red), and what it emitted (right
    margin). Layout ``[a, END, b, END]`` along the x axis.
    """
    layout = [int(x) for x in a] + [end] + [int(x) for x in b] + [end]
    ax = (
        ax
        or plt.subplots(
            figsize=(min(12, 2 + 0.45 * len(layout)), 0.9 + 0.33 * len(trace.masks))
        )[1]
    )
    split = len(a)  # position of the first END
    paths = {"a": [], "b": []}
    for step, mask in enumerate(trace.masks):
        visible = np.flatnonzero(~mask[row].numpy())
        chosen = int(trace.pointers[step][row].argmax())
        for position in visible:
            paths["a" if position <= split else "b"].append((position, step))
            ax.scatter(
                position,
                step,
                s=90,
                zorder=3,
                color=COLORS["heldout"] if position == chosen else COLORS["nee"],
            )
        value = int(trace.values[step][row])
        ax.annotate(
            "END" if value == end else str(value),
            (len(layout) - 0.3, step),
            fontsize=8,
            va="center",
        )
    for name, style in (("a", "-"), ("b", "--")):
        if paths[name]:
            xs, ys = zip(*paths[name])
            ax.plot(
                xs,
                ys,
                style,
                color=COLORS["seen"],
                zorder=2,
                label=f"head of sequence {name}",
            )
    ax.set_xticks(
        range(len(layout)), [str(x) if x < end else "END" for x in layout], fontsize=8
    )
    ax.set_xlim(-0.6, len(layout) + 0.6)
    ax.set_ylim(len(trace.masks) - 0.5, -0.5)
    ax.set_xlabel("input: [a, END, b, END]   (right: the value emitted)")
    ax.set_ylabel("step")
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(False)
    return ax
