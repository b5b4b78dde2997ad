"""Chapter "NPI: sorting": a step viewer for the NPI's own bubble sort, and accuracy
against array length.

A recorded step (:func:`~nee_lite.ancestors.npi_sort.execute_sort` with ``record=True``)
holds the depth, the running program (numbered as the model's memory), the observation,
the decision, and the array and pointers as they were when the decision was taken.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from ..ancestors.npi_env import BLANK
from ..ancestors.npi_sort_env import POINTERS
from .steps import call_stack_at, record_viewer
from .style import COLORS

__all__ = [
    "describe_step",
    "draw_sort_step",
    "sort_trace_viewer",
    "plot_accuracy_by_length",
]

POINTER_COLORS = ("#d62728", "#1f77b4", "#2ca02c")


def describe_step(names: list[str], decision) -> str:
    """A recorded decision in words, with the memory's program names."""
    if decision.returns:
        return "RETURN"
    name = names[decision.program]
    if name == "MOVE_PTR":
        return (
            f"MOVE_PTR({POINTERS[decision.row]}, {('LEFT', 'RIGHT')[decision.value]})"
        )
    return f"{name}()"


def draw_sort_step(names: list[str], record, step: int, ax=None, context: int = 5):
    """The array when step ``step`` was decided, the three pointers under it, and the
    call stack and decision."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 2.6))
    depth, program, _, decision, cells, pointers = record[step]
    cells, pointers = np.asarray(cells), np.asarray(pointers)
    for x, value in enumerate(cells):
        if value == BLANK:
            continue
        compared = x in pointers[:2]
        ax.add_patch(
            Rectangle(
                (x, 0),
                1,
                1,
                facecolor="#fde9b6" if compared else "white",
                edgecolor="#888888",
            )
        )
        ax.text(x + 0.5, 0.5, str(value), ha="center", va="center", fontsize=13)
    for index, (position, color) in enumerate(zip(pointers, POINTER_COLORS)):
        ax.annotate(
            POINTERS[index],
            (position + 0.5, 1.0 + 0.05),
            (position + 0.5, 1.35 + 0.45 * index),
            ha="center",
            color=color,
            fontsize=9,
            arrowprops={"arrowstyle": "->", "color": color},
        )
    ax.set_xlim(-0.5, max(len(cells), int(pointers.max()) + 1) + 0.5)
    ax.set_ylim(-0.2, 2.8)
    ax.invert_yaxis()
    ax.axis("off")
    ax.set_title(
        f"step {step}: {' > '.join(call_stack_at(names, record, step))} decides "
        f"{describe_step(names, decision)}",
        fontsize=10,
    )
    return ax.figure


def sort_trace_viewer(names: list[str], record, max_frames: int = 60):
    """A slider over the recorded steps (pre-drawn frames: it steps on the rendered page
    too)."""
    return record_viewer(draw_sort_step, names, record, (7, 2.4), max_frames)


def plot_accuracy_by_length(
    curves: dict, trained: int, ax=None, key: str = "exact_match"
):
    """``curves``: label -> ``(lengths, mean, minimum)`` of a score; the trained lengths
    shaded."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.6))
    colors = iter((COLORS.get("model", "#1f77b4"), "#ff7f0e", "#2ca02c", "#9467bd"))
    for label, (lengths, mean, minimum) in curves.items():
        color = next(colors)
        ax.plot(lengths, mean, "o-", color=color, label=f"{label} (mean over seeds)")
        ax.plot(
            lengths,
            minimum,
            "--",
            color=color,
            alpha=0.6,
            label=f"{label} (worst seed)",
        )
    ax.axvspan(0, trained, color="#eeeeee", zorder=0, label="training lengths")
    ax.set_xlabel("array length")
    ax.set_ylabel(key.replace("_", " "))
    ax.set_ylim(-0.03, 1.03)
    ax.legend(fontsize=8)
    return ax
