"""The published numbers the book measures itself against, each with where it was
published.

Only two sources: the NEE paper (Yan et al. 2020) and a general peer on the CLRS
benchmark, the single-task Triplet-GMPNN of Ibarz et al. 2022 (later work on CLRS
reports higher scores). Every number here is a fraction (1.0 is 100 %) with the metric
it measures, because the metrics differ and the scorecard must say so:

* the NEE paper scores **per output number** (its code counts element-wise matches; Prim
  per graph);
* CLRS scores **per node or element** (micro-F1 or pointer accuracy) at 64 elements or
  nodes, four times its training size of 16, and has no selection sort or merge sort
  (its nearest sorting tasks are named);
* this book adds **whole-output exact match**, the stricter metric.

Page numbers are not given: the copy of the paper this project works from has no page
breaks, so each reference names its table or figure and section instead. Nothing here is
ever computed; our own numbers come only from ``data/results.json`` (see
:mod:`nee_lite.tasks.reproduce` and :mod:`nee_lite.results.scorecard`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engines.arithmetic import PAPER_TABLE_2

__all__ = ["Reference", "YAN", "IBARZ", "PAPER", "CLRS"]

YAN = "Yan et al. 2020"  # references.bib: yan2020nee
IBARZ = "Ibarz et al. 2022"  # references.bib: ibarz2022generalist


@dataclass(frozen=True)
class Reference:
    """One published number: its value (a fraction), where it was published, and what it
    measures."""

    value: float
    source: str
    where: str  # table or figure, and section
    metric: str
    bound: str = "="  # "<": the source only says "under" this value
    note: str = ""

    def describe(self) -> str:
        """``"100.00 %"`` or ``"< 10 %"``, as the scorecard prints it."""
        text = f"{100 * self.value:.2f} %"
        return f"< {100 * self.value:.0f} %" if self.bound == "<" else text

    def cite(self) -> str:
        return f"{self.source}, {self.where}"


_TABLE_1 = "Table 1 (section 5.1)"
_PER_NUMBER = "per output number"

PAPER: dict[tuple, Reference] = {
    # Figure 3 (section 4): the seq2seq transformer, trained on lists of at most 8
    # numbers.
    ("sort-baseline", 100): Reference(
        0.10,
        YAN,
        "Figure 3 (section 4)",
        "exact content and position match",
        bound="<",
        note='"by 100 integers, performance is under 10%"',
    ),
    **{
        (task, n): Reference(1.0, YAN, _TABLE_1, _PER_NUMBER)
        for task in ("selection-sort", "merge-sort", "dijkstra")
        for n in (25, 50, 75, 100)
    },
    **{
        ("prim", n): Reference(
            1.0,
            YAN,
            _TABLE_1,
            "per graph (the whole tree is a minimum spanning tree)",
        )
        for n in (25, 50, 75, 100)
    },
    # Table 2 (section 5.2): 8-bit addition; 256 = every number seen, tested on unseen
    # pairs.
    **{
        ("addition-heldout", count): Reference(
            value, YAN, "Table 2 (section 5.2)", "per test pair"
        )
        for count, value in PAPER_TABLE_2.items()
    },
    ("add", 256): Reference(
        1.0,
        YAN,
        "Table 2 (section 5.2)",
        "per test pair",
        note="unseen pairs, all numbers seen",
    ),
    ("multiply", 4096): Reference(
        1.0,
        YAN,
        "section 5.2, text",
        "per test pair",
        note='"we train on 12-bit numbers and also observe 100% accuracy"',
    ),
}

_CLRS_WHERE = (
    "arXiv:2209.11142, per-algorithm single-task results out of distribution (64 "
    "elements or nodes), "
    "model Triplet-GMPNN"
)
_CLRS_NOTE = "not whole-output exact match; later work on CLRS reports higher scores"
CLRS: dict[str, Reference] = {
    "insertion-sort": Reference(
        0.7814,
        IBARZ,
        _CLRS_WHERE,
        "per element",
        note="insertion sort: CLRS has no selection or merge sort; " + _CLRS_NOTE,
    ),
    "bubble-sort": Reference(
        0.6768, IBARZ, _CLRS_WHERE, "per element", note=_CLRS_NOTE
    ),
    "minimum": Reference(0.9778, IBARZ, _CLRS_WHERE, "per element", note=_CLRS_NOTE),
    "dijkstra": Reference(0.9605, IBARZ, _CLRS_WHERE, "per node", note=_CLRS_NOTE),
    "mst-prim": Reference(0.8639, IBARZ, _CLRS_WHERE, "per node", note=_CLRS_NOTE),
}
