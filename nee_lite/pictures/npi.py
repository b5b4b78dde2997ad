"""Replay an NPI's execution: a step viewer (it steps on the rendered page too), and static figures.

A step of a recorded :class:`~nee_lite.ancestors.npi.NPIExecution` (``record=True``) holds the call depth, the running program,
what the pointers showed, the decision, and the scratchpad and pointers as they were. :func:`draw_npi_step` draws
one step (the scratchpad with its pointers, and the trace around that step); :func:`npi_trace_viewer` puts it
under a slider; :func:`plot_call_timeline` shows the whole run at once: which program ran when, at which depth.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from ..ancestors.npi_env import BLANK, PROGRAMS, ROWS, WRITE, describe
from .steps import step_viewer
from .style import COLORS

__all__ = ["draw_npi_step", "npi_trace_viewer", "plot_call_timeline", "PROGRAM_COLORS"]

PROGRAM_COLORS = {"ADD": "#1f77b4", "ADD1": "#2ca02c", "CARRY": "#d62728", "LSHIFT": "#ff7f0e",
                  "MOVE_PTR": "#7f7f7f", "WRITE": "#9467bd"}


def _draw_scratchpad(ax, cells, pointers):
    cells, pointers = np.asarray(cells), np.asarray(pointers)
    width = cells.shape[1]
    for row in range(len(ROWS)):
        for column in range(width):
            x = width - 1 - column  # column 0 (units) on the right
            pointed = pointers[row] == column
            ax.add_patch(Rectangle((x, row), 1, 1, facecolor="#fde9b6" if pointed else "white",
                                   edgecolor=COLORS["heldout"] if pointed else "#bbbbbb",
                                   linewidth=2.0 if pointed else 0.8))
            if cells[row, column] != BLANK:
                ax.text(x + 0.5, row + 0.5, str(cells[row, column]), ha="center", va="center", fontsize=12)
    ax.set_xlim(0, width)
    ax.set_ylim(len(ROWS), 0)
    ax.set_yticks(np.arange(len(ROWS)) + 0.5, ROWS)
    ax.set_xticks([])
    ax.set_aspect("equal")
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)


def draw_npi_step(record, step: int, axes=None, context: int = 7):
    """The scratchpad when step ``step`` was decided (pointers boxed in red), and the trace around it."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 3.2), gridspec_kw={"width_ratios": [1.3, 1]})
    pad_ax, text_ax = axes
    depth, program, _, decision, cells, pointers = record[step]
    _draw_scratchpad(pad_ax, cells.numpy(), pointers.numpy())
    stack = _stack_at(record, step)
    pad_ax.set_title(f"step {step}: {' > '.join(stack)} decides {describe(decision)}", fontsize=10)
    text_ax.axis("off")
    first = max(0, step - context)
    for line, index in enumerate(range(first, min(len(record), first + 2 * context + 1))):
        d, p, _, dec, _, _ = record[index]
        text_ax.text(0.02 + 0.05 * d, 1 - (line + 0.5) / (2 * context + 1), f"{PROGRAMS[p]}: {describe(dec)}",
                     transform=text_ax.transAxes, fontsize=9, va="center", family="monospace",
                     color="black" if index == step else "#999999",
                     fontweight="bold" if index == step else "normal")
    return axes


def _stack_at(record, step: int) -> list[str]:
    """Program names on the call stack at ``step`` (walking back through the record)."""
    depth = record[step][0]
    stack = {depth: PROGRAMS[record[step][1]]}
    for index in range(step - 1, -1, -1):
        d, p = record[index][0], record[index][1]
        if d < min(stack):
            stack[d] = PROGRAMS[p]
        if d == 0:
            break
    return [stack[d] for d in sorted(stack)]


def npi_trace_viewer(record):
    """A step viewer (:func:`~nee_lite.pictures.steps.step_viewer`) over a recorded execution, a frame per step
    drawn by :func:`draw_npi_step`."""
    def draw(step):
        axes = draw_npi_step(record, step)
        axes[0].figure.tight_layout()
        return axes[0].figure

    return step_viewer(draw, len(record))


def plot_call_timeline(record, ax=None):
    """Every step of a run: a bar per program call, at its depth, from the step it started to the step it
    returned; the digit each ``ADD1`` call wrote to the output row is printed on it."""
    ax = ax or plt.subplots(figsize=(11, 2.8))[1]
    open_calls: dict[int, int] = {}  # depth -> the step its running call started
    digits: dict[int, int] = {}  # depth -> the digit its running call wrote to the output row
    spans = []
    for step, (depth, program, _, decision, _, _) in enumerate(record):
        open_calls.setdefault(depth, step)
        if decision.program == WRITE and decision.row == ROWS.index("OUT"):
            digits[depth] = decision.value
        if decision.returns:
            spans.append((depth, program, open_calls.pop(depth), step, digits.pop(depth, None)))
    for depth, program, start, end, digit in spans:
        ax.broken_barh([(start - 0.5, end - start + 1)], (depth + 0.1, 0.8), color=PROGRAM_COLORS[PROGRAMS[program]],
                       alpha=0.85)
        if digit is not None:
            ax.text((start + end) / 2, depth + 0.5, str(digit), ha="center", va="center", fontsize=10,
                    color="white", fontweight="bold")
    for name in ("ADD", "ADD1", "CARRY", "LSHIFT"):
        ax.bar(0, 0, color=PROGRAM_COLORS[name], label=name)
    ax.set_ylim(3.2, -0.2)
    ax.set_yticks([0.5, 1.5, 2.5], ["depth 0", "depth 1", "depth 2"])
    ax.set_xlabel("step of the core (white: the digit ADD1 wrote to the output row)")
    ax.set_xlim(-0.5, len(record) + 0.5)
    ax.legend(ncol=4, loc="lower right", fontsize=8)
    ax.grid(False)
    return ax
