"""Chapter "NPI: canonicalizing a car": the rendered views, the NPI's camera moves step
by step, and accuracy against the number of training car models.

A recorded step (:func:`~nee_lite.ancestors.npi_canon.execute_canon` with
``record=True``) holds the depth, the running program (numbered as the model's memory),
the image the NPI saw (1024 pixels), the decision, and the pose when it was taken.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..ancestors.canon_env import DIRECTIONS
from ..ancestors.canon_render import AZIMUTH_STEP, ELEVATIONS, SIZE, model_views
from .steps import call_stack_at, record_viewer
from .style import COLORS

__all__ = [
    "plot_views",
    "describe_canon_step",
    "draw_canon_step",
    "canon_trace_viewer",
    "plot_canon_strip",
    "plot_canon_comparison",
]


def plot_views(model: int, azimuths=range(0, 24, 3), axes=None):
    """A grid of one car's views: a column per azimuth of ``azimuths`` (grid indices),
    a row per elevation."""
    azimuths = list(azimuths)
    if axes is None:
        _, axes = plt.subplots(
            len(ELEVATIONS),
            len(azimuths),
            figsize=(1.2 * len(azimuths), 1.35 * len(ELEVATIONS)),
            squeeze=False,
        )
    views = model_views(model)
    for row, elevation in enumerate(ELEVATIONS):
        for column, azimuth in enumerate(azimuths):
            ax = axes[row][column]
            ax.imshow(views[azimuth, row], cmap="gray", vmin=0, vmax=255)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                ax.set_title(f"az {azimuth * AZIMUTH_STEP}", fontsize=8)
            if column == 0:
                ax.set_ylabel(f"el {elevation}", fontsize=8)
    return axes[0][0].figure


def describe_canon_step(names: list[str], decision) -> str:
    """A recorded decision in words, with the memory's program names."""
    if decision.returns:
        return "RETURN"
    name = names[decision.program]
    if name == "ACT":
        return f"ACT({DIRECTIONS[decision.value]})"
    return f"{name}()"


def _pose_text(pose) -> str:
    a, e = (int(v) for v in np.asarray(pose))
    return f"az {a * AZIMUTH_STEP}, el {ELEVATIONS[e]}"


def draw_canon_step(names: list[str], record, step: int, ax=None):
    """The image the NPI saw at step ``step``, titled with the call stack, the
    decision and the pose (which the NPI never sees)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(3, 3.2))
    _, _, observation, decision, pose, _ = record[step]
    image = np.asarray(observation, dtype=np.uint8).reshape(SIZE, SIZE)
    ax.imshow(image, cmap="gray", vmin=0, vmax=255)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(
        f"step {step}: {' > '.join(call_stack_at(names, record, step))}\n"
        f"decides {describe_canon_step(names, decision)}",
        fontsize=8,
    )
    ax.set_xlabel(f"camera: {_pose_text(pose)}", fontsize=8)
    return ax.figure


def canon_trace_viewer(names: list[str], record, max_frames: int = 60):
    """A slider over the recorded steps (pre-drawn frames: it steps on the rendered page
    too)."""
    return record_viewer(draw_canon_step, names, record, (3.2, 3.4), max_frames)


def plot_canon_strip(names: list[str], record, axes=None):
    """Every step whose decision is an ``ACT`` (and the last step) as a strip of the
    images the NPI saw, each titled with its decision."""
    shown = [
        i
        for i, (_, _, _, d, _, _) in enumerate(record)
        if not d.returns and names[d.program] == "ACT"
    ] + [len(record) - 1]
    if axes is None:
        _, axes = plt.subplots(1, len(shown), figsize=(1.5 * len(shown), 1.9))
    axes = np.atleast_1d(axes)
    for ax, step in zip(axes, shown):
        _, _, observation, decision, pose, _ = record[step]
        ax.imshow(
            np.asarray(observation, dtype=np.uint8).reshape(SIZE, SIZE),
            cmap="gray",
            vmin=0,
            vmax=255,
        )
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(describe_canon_step(names, decision), fontsize=7)
        ax.set_xlabel(_pose_text(pose), fontsize=7)
    return axes[0].figure


def plot_canon_comparison(record: dict, ax=None):
    """Test accuracy (mean and worst seed) against the number of training car models,
    for the NPI and the seq2seq baseline, from the comparison's record."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.6))
    styles = (
        ("npi", "NPI", COLORS["nee"]),
        ("seq2seq", "CNN + LSTM seq2seq", COLORS["baseline"]),
    )
    for key, label, color in styles:
        summary = record["summary"].get(key, {})
        counts = sorted(summary, key=int)
        if not counts:
            continue
        x = [int(c) for c in counts]
        ax.plot(
            x,
            [summary[c]["mean"] for c in counts],
            "o-",
            color=color,
            label=f"{label} (mean over seeds)",
        )
        ax.plot(
            x,
            [summary[c]["min"] for c in counts],
            "--",
            color=color,
            alpha=0.6,
            label=f"{label} (worst seed)",
        )
    ax.set_xscale("log", base=2)
    counts = sorted(
        {int(c) for key, *_ in styles for c in record["summary"].get(key, {})}
    )
    ax.set_xticks(counts, [str(c) for c in counts])
    ax.minorticks_off()
    ax.set_xlabel("training car models")
    ax.set_ylabel("start poses brought to the canonical view")
    ax.set_ylim(-0.03, 1.03)
    ax.legend(fontsize=8)
    return ax
