"""The scorecard's figure: each headline claim measured at several sizes, ours against
the size tested, beside the largest size trained on and the paper's number.

:func:`size_series` groups the scorecard's rows by size (it takes the scorecard's
``LINES`` and ``HEADLINES`` as arguments: pictures come before results in the package's
layers); :func:`plot_sizes` draws one panel per series, titled with the headline table's
chapter and with the table's row numbers at their points; :data:`TRAINED` holds each
chapter's largest size trained on, read from the recipes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.lines import Line2D

from ..ancestors.lte import LTE_ADD
from ..ancestors.npi import NPI_ADD
from ..ancestors.npi_sort import NPI_SORT
from ..engines.merge_sort import MERGE_SORT
from ..engines.selection_sort import SELECTION_SORT
from ..engines.seq2seq import SORT_BASELINE
from .style import COLORS

__all__ = ["TRAINED", "UNITS", "size_series", "plot_sizes"]

#: Per chapter, the largest size its engine was trained on (Dijkstra and Prim: the
#: find-min engine's lists; merge sort: the training lists cut into two merges).
TRAINED = {
    "Attention collapse": SORT_BASELINE.data.max_length,
    "Conditional masking": SELECTION_SORT.data.max_length,
    "Merge sort": 2 * MERGE_SORT.data.max_length,
    "Dijkstra": SELECTION_SORT.data.max_length,
    "Prim": SELECTION_SORT.data.max_length,
    "Neural Programmer-Interpreters": NPI_ADD.data.max_digits,
    "NPI: sorting": NPI_SORT.data.max_length,
    "Learning to Execute": LTE_ADD.data.task.length,
}

#: The x axis of each chapter's panel.
UNITS = {
    "Attention collapse": "numbers in the list",
    "Conditional masking": "numbers in the list",
    "Merge sort": "numbers in the list",
    "Dijkstra": "nodes",
    "Prim": "nodes",
    "Neural Programmer-Interpreters": "digits",
    "NPI: sorting": "digits in the array",
    "Learning to Execute": "digits",
    "Learning arithmetic": "numbers allowed in training",
}

_LEGEND = [
    Line2D([], [], color=COLORS["nee"], marker="o", label="exact match"),
    Line2D(
        [],
        [],
        color=COLORS["seen"],
        marker="s",
        linestyle="--",
        label="per element (drawn where it differs from exact match)",
    ),
    Line2D(
        [],
        [],
        color=COLORS["baseline"],
        marker="D",
        markerfacecolor="none",
        linestyle="",
        label="the paper's number, on its own metric (absent where the paper reports "
        "none)",
    ),
    Line2D(
        [],
        [],
        color=COLORS["baseline"],
        marker="<",
        linestyle="",
        label="the paper: under this number",
    ),
    Line2D([], [], color="grey", linestyle=":", label="largest size trained on"),
]


def _size_key(line) -> str | None:
    """The field of ``line.match`` that is the size tested (``count``: Table 2's
    numbers allowed in training), or None."""
    return next((key for key in ("size", "count") if key in line.match), None)


def _family(line, unit: str) -> tuple:
    rest = tuple(sorted((k, v) for k, v in line.match.items() if k != unit))
    return line.entry, unit, rest


def size_series(rows: list[dict], lines: list, headlines: list) -> list[dict]:
    """The headline claims measured at more than one size, one series per claim family
    (the lines of one entry that differ only in their size), in ``headlines``' order.
    ``rows``: ``scorecard()``'s, one per line of ``lines`` (the scorecard's ``LINES``);
    ``headlines``: its ``HEADLINES``.

    Each series: ``chapter``, ``unit`` (``size`` or ``count``), ``rows`` (the headline
    table's row numbers, from 1, that it holds, each with its size), and per size
    ``sizes``, ``exact`` and ``per_element`` (ours; over seeds, the minimum; None where
    not measured or, for ``per_element``, where the line has no such number) and
    ``paper`` (the paper's reference or None).
    """
    if len(rows) != len(lines):
        raise ValueError("size_series takes every row of scorecard(), in order")
    families: dict = {}
    for line, row in zip(lines, rows):
        unit = _size_key(line)
        if unit is not None:
            families.setdefault(_family(line, unit), []).append((line.match[unit], row))
    series: dict = {}
    for number, (_, claim) in enumerate(headlines, 1):
        line = next(line for line in lines if line.claim == claim)
        unit = _size_key(line)
        if unit is None or len(families[_family(line, unit)]) < 2:
            continue
        family = sorted(families[_family(line, unit)], key=lambda pair: pair[0])
        found = series.setdefault(
            _family(line, unit),
            {
                "chapter": line.chapter,
                "unit": unit,
                "rows": {},
                "sizes": [size for size, _ in family],
                "exact": [row["ours"].get("exact_match") for _, row in family],
                "per_element": [row["ours"].get("per_element") for _, row in family],
                "paper": [row["paper"] for _, row in family],
            },
        )
        found["rows"][number] = line.match[unit]
    return list(series.values())


def _percents(values) -> list[float]:
    """Fractions as percents; a size not measured (None) leaves a gap."""
    return [float("nan") if v is None else 100 * v for v in values]


def _panel(ax, series: dict, show_ylabel: bool) -> None:
    sizes, chapter = series["sizes"], series["chapter"]
    exact = _percents(series["exact"])
    ax.plot(sizes, exact, "o-", color=COLORS["nee"], zorder=3)
    per = series["per_element"]
    if any(p is not None and p != e for p, e in zip(per, series["exact"])):
        ax.plot(sizes, _percents(per), "s--", color=COLORS["seen"], zorder=2)
    for size, reference in zip(sizes, series["paper"]):
        if reference is not None:
            marker = "<" if reference.bound == "<" else "D"
            ax.plot(
                size,
                100 * reference.value,
                marker,
                markersize=9,
                markerfacecolor="none",
                markeredgewidth=1.5,
                color=COLORS["baseline"],
                zorder=4,
            )
    ticks = list(sizes)
    if chapter in TRAINED:
        ax.axvline(TRAINED[chapter], color="grey", linestyle=":")
        ticks = sorted({*ticks, TRAINED[chapter]})
    if series["unit"] == "count":
        ax.invert_xaxis()  # fewer numbers allowed: harder, to the right
    elif max(ticks) / min(ticks) >= 8:
        ax.set_xscale("log")
        ax.minorticks_off()
    ax.set_xticks(ticks, [str(t) for t in ticks], fontsize=7)
    for number, size in series["rows"].items():
        at = sizes.index(size)
        y = exact[at]
        # below a high point, above a low one; clear of the axis and the paper's mark
        ha, dx = ("center", 0)
        if at == 0:
            ha, dx = ("left", 4)
        elif at == len(sizes) - 1 and y <= 50:
            ha, dx = ("right", -4)
        ax.annotate(
            f"row {number}",
            (size, y),
            xytext=(dx, -14 if y > 50 else 8),
            textcoords="offset points",
            ha=ha,
            fontsize=8,
            fontweight="bold",
        )
    ax.set_ylim(-8, 108)
    ax.set_title(chapter, fontsize=10)
    ax.set_xlabel(UNITS.get(chapter, series["unit"]), fontsize=8)
    if show_ylabel:
        ax.set_ylabel("accuracy (%)", fontsize=9)
    ax.tick_params(axis="y", labelsize=7)


def plot_sizes(series: list[dict], columns: int = 3):
    """One panel per series of :func:`~nee_lite.results.scorecard.size_series`: ours
    (over seeds, the minimum) against the size tested; returns the figure."""
    count = len(series)
    rows = -(-count // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(10, 2.6 * rows + 1.0))
    axes = list(axes.flat)
    for index, (ax, one) in enumerate(zip(axes, series)):
        _panel(ax, one, index % columns == 0)
    for ax in axes[count:]:
        ax.set_visible(False)
    fig.legend(
        handles=_LEGEND, loc="lower center", ncol=2, fontsize=8, bbox_to_anchor=(0.5, 0)
    )
    fig.suptitle(
        "Ours (the minimum over seeds where there are several) against the size tested",
        fontsize=12,
    )
    fig.tight_layout(rect=(0, 0.09, 1, 1))
    return fig
