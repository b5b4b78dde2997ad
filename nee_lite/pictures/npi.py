"""Replay an NPI's execution: a step viewer (it steps on the rendered page too), and
static figures.

A step of a recorded :class:`~nee_lite.ancestors.npi.NPIExecution` (``record=True``)
holds the call depth, the running program, what the pointers showed, the decision, and
the scratchpad and pointers as they were. :func:`draw_npi_step` draws one step (the
scratchpad with its pointers, and the trace around that step); :func:`npi_trace_viewer`
puts it under a slider; :func:`plot_call_timeline` shows the whole run at once: which
program ran when, at which depth. :func:`plot_npi_architecture` draws the network
itself: encoder, program memory, core, heads and call stack.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, Rectangle

from ..ancestors.npi import NPIConfig
from ..ancestors.npi_env import BLANK, PRIMITIVES, PROGRAMS, ROWS, WRITE, describe
from .steps import step_viewer
from .style import COLORS, text_box

__all__ = [
    "draw_npi_step",
    "npi_trace_viewer",
    "plot_call_timeline",
    "plot_npi_architecture",
    "PROGRAM_COLORS",
]

PROGRAM_COLORS = {
    "ADD": "#1f77b4",
    "ADD1": "#2ca02c",
    "CARRY": "#d62728",
    "LSHIFT": "#ff7f0e",
    "MOVE_PTR": "#7f7f7f",
    "WRITE": "#9467bd",
}


def _draw_scratchpad(ax, cells, pointers):
    cells, pointers = np.asarray(cells), np.asarray(pointers)
    width = cells.shape[1]
    for row in range(len(ROWS)):
        for column in range(width):
            x = width - 1 - column  # column 0 (units) on the right
            pointed = pointers[row] == column
            ax.add_patch(
                Rectangle(
                    (x, row),
                    1,
                    1,
                    facecolor="#fde9b6" if pointed else "white",
                    edgecolor=COLORS["heldout"] if pointed else "#bbbbbb",
                    linewidth=2.0 if pointed else 0.8,
                )
            )
            if cells[row, column] != BLANK:
                ax.text(
                    x + 0.5,
                    row + 0.5,
                    str(cells[row, column]),
                    ha="center",
                    va="center",
                    fontsize=12,
                )
    ax.set_xlim(0, width)
    ax.set_ylim(len(ROWS), 0)
    ax.set_yticks(np.arange(len(ROWS)) + 0.5, ROWS)
    ax.set_xticks([])
    ax.set_aspect("equal")
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)


def draw_npi_step(record, step: int, axes=None, context: int = 7):
    """The scratchpad when step ``step`` was decided (pointers boxed in red), and the
    trace around it."""
    if axes is None:
        _, axes = plt.subplots(
            1, 2, figsize=(11, 3.2), gridspec_kw={"width_ratios": [1.3, 1]}
        )
    pad_ax, text_ax = axes
    depth, program, _, decision, cells, pointers = record[step]
    _draw_scratchpad(pad_ax, cells.numpy(), pointers.numpy())
    stack = _stack_at(record, step)
    pad_ax.set_title(
        f"step {step}: {' > '.join(stack)} decides {describe(decision)}", fontsize=10
    )
    text_ax.axis("off")
    first = max(0, step - context)
    for line, index in enumerate(
        range(first, min(len(record), first + 2 * context + 1))
    ):
        d, p, _, dec, _, _ = record[index]
        text_ax.text(
            0.02 + 0.05 * d,
            1 - (line + 0.5) / (2 * context + 1),
            f"{PROGRAMS[p]}: {describe(dec)}",
            transform=text_ax.transAxes,
            fontsize=9,
            va="center",
            family="monospace",
            color="black" if index == step else "#999999",
            fontweight="bold" if index == step else "normal",
        )
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
    """A step viewer (:func:`~nee_lite.pictures.steps.step_viewer`) over a recorded
    execution, a frame per step drawn by :func:`draw_npi_step`."""

    def draw(step):
        axes = draw_npi_step(record, step)
        axes[0].figure.tight_layout()
        return axes[0].figure

    return step_viewer(draw, len(record))


def plot_call_timeline(record, ax=None):
    """Every step of a run: a bar per program call, at its depth, from the step it
    started to the step it returned; the digit each ``ADD1`` call wrote to the output
    row is printed on it."""
    ax = ax or plt.subplots(figsize=(11, 2.8))[1]
    open_calls: dict[int, int] = {}  # depth -> the step its running call started
    digits: dict[
        int, int
    ] = {}  # depth -> the digit its running call wrote to the output row
    spans = []
    for step, (depth, program, _, decision, _, _) in enumerate(record):
        open_calls.setdefault(depth, step)
        if decision.program == WRITE and decision.row == ROWS.index("OUT"):
            digits[depth] = decision.value
        if decision.returns:
            spans.append(
                (depth, program, open_calls.pop(depth), step, digits.pop(depth, None))
            )
    for depth, program, start, end, digit in spans:
        ax.broken_barh(
            [(start - 0.5, end - start + 1)],
            (depth + 0.1, 0.8),
            color=PROGRAM_COLORS[PROGRAMS[program]],
            alpha=0.85,
        )
        if digit is not None:
            ax.text(
                (start + end) / 2,
                depth + 0.5,
                str(digit),
                ha="center",
                va="center",
                fontsize=10,
                color="white",
                fontweight="bold",
            )
    for name in ("ADD", "ADD1", "CARRY", "LSHIFT"):
        ax.bar(0, 0, color=PROGRAM_COLORS[name], label=name)
    ax.set_ylim(3.2, -0.2)
    ax.set_yticks([0.5, 1.5, 2.5], ["depth 0", "depth 1", "depth 2"])
    ax.set_xlabel("step of the core (white: the digit ADD1 wrote to the output row)")
    ax.set_xlim(-0.5, len(record) + 0.5)
    ax.legend(ncol=4, loc="lower right", fontsize=8)
    ax.grid(False)
    return ax


# --------------------------------------------------------------------------------------
# the architecture
_BOX_STYLE = dict(boxstyle="round,pad=0.05", edgecolor="#444444", linewidth=1.0)


def _box(ax, x, y, width, height, text, color, fontsize=8.5):
    text_box(
        ax,
        x,
        y,
        width,
        height,
        text,
        fontsize=fontsize,
        zorder=2,
        facecolor=color,
        **_BOX_STYLE,
    )


def _arrow(ax, start, end, text="", offset=(0.0, 0.12), bend=0.0, color="#333333"):
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=12,
            color=color,
            linewidth=1.2,
            connectionstyle=f"arc3,rad={bend}",
            shrinkA=2,
            shrinkB=2,
            zorder=1,
        )
    )
    if text:
        middle = (
            (start[0] + end[0]) / 2 + offset[0],
            (start[1] + end[1]) / 2 + offset[1],
        )
        ax.text(
            *middle,
            text,
            ha="center",
            va="bottom",
            fontsize=8,
            color=color,
            style="italic",
        )


def plot_npi_architecture(config: NPIConfig = NPIConfig(), ax=None):
    """The NPI of chapter "Neural Programmer-Interpreters" as boxes and arrows: the
    environment encoder, the program memory (an embedding and a key per program), the
    LSTM core, its heads (return, the key of the next program, the arguments of a
    primitive) and the call stack that holds each caller's program and state."""
    ax = ax or plt.subplots(figsize=(12, 6.2))[1]
    light = {
        "env": "#fde9b6",
        "net": "#cfe2f3",
        "memory": "#d9ead3",
        "head": "#ead1dc",
        "stack": "#eeeeee",
    }
    cells = len(ROWS) * (BLANK + 1)
    _box(
        ax,
        0.0,
        4.6,
        2.6,
        1.3,
        "environment: the scratchpad\n4 rows, a pointer per row\n"
        "observation $e_t$: 4 pointed cells",
        light["env"],
    )
    _box(
        ax,
        0.0,
        2.4,
        2.6,
        1.3,
        f"environment encoder\nMLP {cells} → 64 → {config.encoder}\n"
        "(4 cells, each one-hot of 11)",
        light["net"],
    )
    _arrow(ax, (1.3, 4.6), (1.3, 3.7), "$e_t$", offset=(0.25, -0.05))
    _box(
        ax,
        3.6,
        2.4,
        2.8,
        1.3,
        f"LSTM core ({config.hidden} units)\n"
        "$h_t = \\mathrm{LSTM}(s_t, p, h_{t-1})$\nfresh (zero) state at each call",
        light["net"],
    )
    _arrow(ax, (2.6, 3.05), (3.6, 3.05), "$s_t$", offset=(0.0, 0.05))
    # the program memory: one row per program, an embedding and a key
    top, row_height = 1.75, 0.26
    ax.text(
        4.25,
        top - 6 * row_height - 0.45,
        "program memory",
        ha="center",
        va="top",
        fontsize=9,
        fontweight="bold",
    )
    for index, name in enumerate(PROGRAMS):
        y = top - (index + 1) * row_height
        kind = " (primitive)" if index in PRIMITIVES else ""
        ax.text(
            2.7,
            y + row_height / 2,
            name + kind,
            ha="right",
            va="center",
            fontsize=8,
            family="monospace",
        )
        ax.add_patch(
            Rectangle(
                (2.8, y),
                1.4,
                row_height * 0.9,
                facecolor=light["memory"],
                edgecolor="#777777",
            )
        )
        ax.add_patch(
            Rectangle(
                (4.3, y),
                1.4,
                row_height * 0.9,
                facecolor=PROGRAM_COLORS[name],
                alpha=0.35,
                edgecolor="#777777",
            )
        )
    bottom = top - len(PROGRAMS) * row_height
    ax.text(
        3.5,
        bottom - 0.12,
        f"embedding ({config.program})",
        ha="center",
        va="top",
        fontsize=8,
    )
    ax.text(
        5.0, bottom - 0.12, f"key ({config.key})", ha="center", va="top", fontsize=8
    )
    _arrow(
        ax,
        (3.5, top),
        (4.3, 2.4),
        "embedding $p$ of the running program",
        offset=(-1.55, -0.08),
    )
    # the heads
    heads = (
        (7.4, 4.3, "return?  $r_t$", "pop"),
        (7.4, 2.75, f"next program's key  $k_t$ ({config.key})", ""),
        (7.4, 1.2, "arguments: row, value\n(for MOVE_PTR, WRITE)", ""),
    )
    for x, y, text, _ in heads:
        _box(ax, x, y, 2.5, 0.75, text, light["head"])
        _arrow(ax, (6.4, 3.05), (x, y + 0.375))
    ax.text(6.85, 3.6, "$h_t$", fontsize=9, style="italic")
    # the call stack
    _box(ax, 10.5, 0.3, 2.1, 4.6, "", light["stack"])
    ax.text(
        11.55,
        4.7,
        "call stack",
        ha="center",
        va="top",
        fontsize=9,
        fontweight="bold",
        zorder=4,
    )
    for depth, name in enumerate(("ADD", "ADD1", "CARRY")):
        y = 0.6 + depth * 0.9
        ax.add_patch(
            Rectangle(
                (10.7, y),
                1.7,
                0.7,
                facecolor=PROGRAM_COLORS[name],
                alpha=0.35,
                edgecolor="#555555",
                zorder=3,
            )
        )
        ax.text(
            11.55,
            y + 0.35,
            f"{name}: $(h, c)$",
            ha="center",
            va="center",
            fontsize=8,
            zorder=4,
        )
    ax.text(
        11.55,
        3.55,
        "top: the program\nrunning now",
        ha="center",
        va="center",
        fontsize=8,
        zorder=4,
    )
    # what the heads' decisions do: (start, end, label, label offset, bend, colour)
    match = "match: $\\arg\\max_i\\, K_i \\cdot k_t$"
    act = "primitive: act on the scratchpad"
    resume = "return: resume the caller's state"
    for start, end, text, offset, bend, color in (
        ((7.4, 2.9), (5.75, 0.9), match, (0.55, -1.35), -0.25, "#1f77b4"),
        ((8.65, 1.95), (2.6, 5.25), act, (0.9, 1.3), 0.45, "#9467bd"),
        ((9.9, 4.65), (10.5, 3.6), "return: pop", (0.62, -0.2), 0.0, "#d62728"),
        ((9.9, 3.1), (10.5, 2.6), "call: push", (-0.55, -0.55), 0.0, "#1f77b4"),
        ((10.5, 0.45), (5.9, 2.4), resume, (0.9, -1.25), -0.35, "#7f7f7f"),
    ):
        _arrow(ax, start, end, text, offset=offset, bend=bend, color=color)
    ax.set_xlim(-0.2, 12.8)
    ax.set_ylim(-0.5, 6.1)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
