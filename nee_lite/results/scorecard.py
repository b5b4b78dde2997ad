"""The results scorecard: the paper's number, CLRS's where there is one, and ours, for every claim the book checks.

:data:`LINES` lists what the book reproduces, one line per number: which results entry and which row hold ours,
and which published number (:mod:`nee_lite.results.paper`) it stands beside. :func:`scorecard` fills the lines in
from a results file written by ``nee-lite reproduce``; nothing is typed in by hand, and a line whose entry is
missing says "not yet measured". :func:`render_html` turns it into the page's table.

Rows are found by their fields. A size is the row's ``length``, ``nodes``, ``size`` or ``n``; per-element accuracy
is ``per_element`` or ``per_node``, whole-output exact match ``exact_match`` or ``per_graph`` (the names a task's
table uses). Where several rows match one line (e.g. several graph families of one size), the line shows the
worst of them and says how many it covers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from ..engines.arithmetic import PAPER_COUNTS, TABLE_2_MEMBERS
from .paper import CLRS, PAPER, Reference

__all__ = ["Line", "LINES", "scorecard", "render_html", "training_time", "SIZE_KEYS"]

SIZE_KEYS = ("length", "nodes", "size", "n")
PER_ELEMENT_KEYS = ("per_element", "per_node")
EXACT_KEYS = ("exact_match", "per_graph")


@dataclass(frozen=True)
class Line:
    """One number the book reproduces: where ours is (``entry`` and the row ``match``) and what it stands beside.

    ``per_element`` / ``exact`` name the row fields of our two metrics (``None``: the model answers one number per
    example, so per element and exact match are the same thing and only ``exact`` is shown). ``compare`` says
    which of ours the paper's metric corresponds to.
    """

    chapter: str
    claim: str
    entry: str
    match: dict = field(default_factory=dict)
    per_element: str | None = "per_element"
    exact: str = "exact_match"
    paper: Reference | None = None
    clrs: Reference | None = None
    compare: str = "per_element"
    spread: bool = False  # the row holds a mean over seeds with its min and max


def _sorting_lines(chapter: str, entry: str, name: str) -> list[Line]:
    lines = [Line(chapter, f"{name}, {n} numbers (paper's test lists)", entry, {"test": "paper", "size": n},
                  paper=PAPER.get((entry, n)), clrs=CLRS["insertion-sort"] if n == 100 else None)
             for n in (25, 50, 75, 100, 200)]
    lines += [Line(chapter, f"{name}, 100 numbers, {test}", entry, {"test": test, "size": 100})
              for test in ("duplicates", "with 0 and 255")]
    return lines


def _graph_lines(chapter: str, entry: str, name: str, clrs: str) -> list[Line]:
    return [Line(chapter, f"{name}, graphs of {n} nodes", entry, {"size": n}, paper=PAPER.get((entry, n)),
                 clrs=CLRS[clrs] if n == 100 else None, compare="exact" if entry == "prim" else "per_element")
            for n in (25, 50, 75, 100)]


_BITS = "Numbers as bits"
_MIN = {"per_element": None, "exact": "heldout_exact_match"}
LINES: list[Line] = [
    *[Line(_BITS, f"min(a, b), binary, {share:.0%} of numbers held out", "numbers-as-bits",
           {"table": "held-out numbers", "encoding": "binary", "heldout_fraction": share}, **_MIN)
      for share in (0.25, 0.5, 0.75)],
    Line(_BITS, "min(a, b), one-hot, 25% held out (fails by design)", "numbers-as-bits",
         {"table": "held-out numbers", "encoding": "one-hot", "heldout_fraction": 0.25}, **_MIN),
    *[Line(_BITS, f"min(a, b), {encoding}, 16-bit numbers, 25% held out", "numbers-as-bits",
           {"table": "number range", "encoding": encoding, "bits": 16}, **_MIN) for encoding in ("scalar", "binary")],
    Line(_BITS, "shipped min-of-two network, held-out numbers", "min-of-two", {"test": "held-out numbers"},
         per_element=None),
    *[Line("Attention collapse", f"seq2seq transformer, {n} numbers", "sort-baseline", {"size": n},
           paper=PAPER.get(("sort-baseline", n)), compare="exact") for n in (8, 25, 100)],
    *_sorting_lines("Conditional masking", "selection-sort", "selection sort"),
    *_sorting_lines("Merge sort", "merge-sort", "merge sort"),
    Line("Learning arithmetic", "8-bit addition, unseen pairs", "add", {"test": "held-out pairs"}, per_element=None,
         paper=PAPER[("add", 256)], compare="exact"),
    Line("Learning arithmetic", "12-bit multiplication, unseen pairs", "multiply", {"test": "held-out pairs"},
         per_element=None, paper=PAPER[("multiply", 4096)], compare="exact"),
    *[Line("Learning arithmetic", f"Table 2: {count} numbers allowed (ensembles of {TABLE_2_MEMBERS}, mean of seeds)",
           "addition-heldout", {"count": count, "weight_decay": 0.3}, per_element="bit_mean", exact="mean",
           paper=PAPER[("addition-heldout", count)], compare="exact", spread=True)
      for count in PAPER_COUNTS],  # weight decay 0.3: the shipped budget, tasks.arithmetic_settings("add")
    *_graph_lines("Dijkstra", "dijkstra", "shortest paths", "dijkstra"),
    *_graph_lines("Prim", "prim", "minimum spanning tree", "mst-prim"),
]


# ------------------------------------------------------------------------------------------------ filling
def _value(row: dict, name: str | None):
    if name is None:
        return None
    for key in {"per_element": PER_ELEMENT_KEYS, "exact_match": EXACT_KEYS}.get(name, (name,)):
        if key in row:
            return row[key]
    return None


def _matches(row: dict, match: dict) -> bool:
    for key, wanted in match.items():
        keys = SIZE_KEYS if key == "size" else (key,)
        if not any(k in row and row[k] == wanted for k in keys):
            return False
    return True


def training_time(entry: dict) -> str:
    """The training time per model of an entry, with where it ran (``"28 s on cpu"``)."""
    seconds, models = entry.get("train_wall_time_s"), entry.get("models") or 1
    if seconds is None:
        return "—"
    device = entry.get("environment", {}).get("device", "?")
    return f"{seconds / models:.0f} s on {device}" + (f" (each of {models})" if models > 1 else "")


def _measure(line: Line, entry: dict | None) -> dict:
    if entry is None:
        return {"status": "not yet measured"}
    if entry.get("status") != "measured":
        return {"status": "failed: " + str(entry.get("error", "unknown error"))}
    rows = [row for row in entry.get("rows", []) if _matches(row, line.match)]
    if not rows:
        return {"status": "not in the results"}
    worst = min(rows, key=lambda row: (_value(row, line.exact) is None, _value(row, line.exact) or 0))
    measured = {"status": "quick smoke test" if entry.get("quick") else "measured", "rows": len(rows),
                "per_element": min((v for v in (_value(r, line.per_element) for r in rows) if v is not None),
                                   default=None),
                "exact_match": _value(worst, line.exact), "training": training_time(entry),
                "device": entry.get("environment", {}).get("device_name"),
                "date": entry.get("environment", {}).get("date", "")[:10]}
    if line.spread:
        measured.update(low=worst.get("min"), high=worst.get("max"), seeds=worst.get("seeds"))
    return measured


def _on_paper_metric(line: Line, ours: dict):
    """Ours on the metric the paper's number measures (None when there is nothing to compare)."""
    if line.paper is None or "exact_match" not in ours:
        return None
    return ours["exact_match"] if line.compare == "exact" or line.per_element is None else ours["per_element"]


def _verdict(line: Line, value) -> str | None:
    """Whether ours (on the paper's metric) meets the paper's number."""
    if value is None:
        return None
    if line.paper.bound == "<":
        return "as in the paper" if value < line.paper.value else "differs"
    return "meets" if value >= line.paper.value - 1e-9 else "below"


def scorecard(results: dict) -> list[dict]:
    """Every line of :data:`LINES`, filled in from ``results`` (a results file's content)."""
    entries = results.get("entries", {})
    rows = []
    for line in LINES:
        ours = _measure(line, entries.get(line.entry))
        value = _on_paper_metric(line, ours)
        rows.append({"chapter": line.chapter, "claim": line.claim, "entry": line.entry, "paper": line.paper,
                     "clrs": line.clrs, "ours": ours, "on_paper_metric": value, "verdict": _verdict(line, value)})
    return rows


# ---------------------------------------------------------------------------------------------- rendering
def _percent(value) -> str:
    return "—" if value is None else f"{100 * value:.2f} %"


def _ours_exact(ours: dict) -> str:
    if "exact_match" not in ours:
        return f"*{ours['status']}*"
    text = _percent(ours["exact_match"])
    if ours.get("low") is not None:
        text += f" ({_percent(ours['low'])} to {_percent(ours['high'])}, {ours['seeds']} seeds)"
    if ours.get("rows", 1) > 1:
        text += f" (worst of {ours['rows']})"
    return text + (" *(quick smoke test)*" if ours["status"] == "quick smoke test" else "")


def _sources(rows: list[dict]) -> dict:
    """Number every distinct published source, in order of first use."""
    numbers: dict = {}
    for row in rows:
        for reference in (row["paper"], row["clrs"]):
            if reference is not None:
                numbers.setdefault((reference.cite(), reference.metric, reference.note), len(numbers) + 1)
    return numbers


def _reference(reference: Reference | None, numbers: dict) -> str:
    if reference is None:
        return "—"
    return f"{reference.describe()} [{numbers[(reference.cite(), reference.metric, reference.note)]}]"


def render_html(rows: list[dict]) -> str:
    """The scorecard as an HTML table (what the book page shows: its Markdown outputs have no tables), then its
    numbered sources."""
    numbers = _sources(rows)
    head = ("Claim", "Paper", "CLRS", "Ours: per element", "Ours: exact match", "vs paper", "Trained in")
    lines = ['<table class="scorecard">', "<thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>",
             "<tbody>"]
    chapter = None
    for row in rows:
        if row["chapter"] != chapter:
            chapter = row["chapter"]
            lines.append(f'<tr><th colspan="{len(head)}" style="text-align:left">{escape(chapter)}</th></tr>')
        ours = row["ours"]
        cells = (row["claim"], _reference(row["paper"], numbers), _reference(row["clrs"], numbers),
                 _percent(ours.get("per_element")) if "exact_match" in ours else "",
                 _ours_exact(ours).replace("*", ""), row["verdict"] or "", ours.get("training", ""))
        lines.append("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in cells) + "</tr>")
    lines += ["</tbody>", "</table>", "<p>"]
    lines += [f"[{number}] {escape(cite)}; {escape(metric)}" + (f"; {escape(note)}" if note else "") + "<br>"
              for (cite, metric, note), number in numbers.items()]
    return "\n".join(lines + ["</p>"])
