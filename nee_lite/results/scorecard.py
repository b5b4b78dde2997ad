"""The results scorecard: the paper's number, CLRS's where there is one, and ours, for
every claim the book checks.

:data:`LINES` lists what the book reproduces, one line per number: which results entry
and which row hold ours, and which published number (:mod:`nee_lite.results.paper`) it
stands beside. :func:`scorecard` fills the lines in from a results file written by
``nee-lite reproduce``; nothing is typed in by hand, and a line whose entry is missing
says "not yet measured". :func:`render_html` turns it into the page's table.

Rows are found by their fields, which every entry names alike
(:data:`nee_lite.results.store.ROW_SCHEMA`): ``size``, ``per_element``, ``exact_match``;
a row over seeds has ``seeds`` and the minimum and mean of each metric
(``exact_match_min``, ``exact_match_mean``), and the line shows the minimum with the
mean beside it. Where several rows match one line (e.g. several graph families of one
size), the line shows the worst of them and says how many it covers.

Every line says what its number stands for: one model (``seed 0``, and ``shipped
checkpoint`` where the entry measured the checkpoint the book ships rather than one
retrained in the run) or a measure over seeds (``min of 5 seeds``, the mean beside it).
The paper's Table 1 and Table 2 have their own tables in :mod:`nee_lite.results.tables`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from ..ancestors.lte import LTE_ADD, LTE_PROGRAMS
from ..ancestors.npi import NPI_ADD
from ..ancestors.npi_sort import NPI_SORT
from ..engines.arithmetic import PAPER_COUNTS
from ..engines.paper_engine import PAPER_ENGINE
from .headlines import HEADLINES
from .paper import CLRS, PAPER, Reference

__all__ = [
    "ScorecardLine",
    "LINES",
    "scorecard",
    "render_html",
    "training_time",
    "scope",
    "CHAPTERS",
    "HEADLINES",
    "headline",
    "headline_html",
]


@dataclass(frozen=True)
class ScorecardLine:
    """One number the book reproduces: where ours is (``entry`` and the row ``match``)
    and what it stands beside.

    ``per_element`` / ``exact`` name the row fields of our two metrics (``None``: the
    model answers one number per example, so per element and exact match are the same
    thing and only ``exact`` is shown). ``compare`` says which of ours the paper's
    metric corresponds to.
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


SIZES = (25, 50, 75, 100, 200)  # Table 1's sizes (the paper's 25 to 100) and 200


def _table_1_line(
    chapter: str, label: str, entry: str, n: int, **more
) -> ScorecardLine:
    """A line of Table 1 (the ``table-1`` entry): ``entry``'s task at size ``n``, beside
    the paper's number where it has one."""
    return ScorecardLine(
        chapter,
        label,
        "table-1",
        {"task": entry, "size": n},
        paper=PAPER.get((entry, n)),
        **more,
    )


def _sorting_lines(chapter: str, entry: str, name: str) -> list[ScorecardLine]:
    """Table 1 (the ``table-1`` entry, minimum over seeds) and the harder lists (the
    task's own entry, one seed). CLRS has no selection or merge sort, so no CLRS number
    stands on these lines."""
    lines = [
        _table_1_line(chapter, f"{name}, {n} numbers (paper's test lists)", entry, n)
        for n in (*SIZES, 500)
    ]
    lines += [
        ScorecardLine(
            chapter, f"{name}, 100 numbers, {test}", entry, {"test": test, "size": 100}
        )
        for test in ("duplicates", "with 0 and 255")
    ]
    return lines


def _arithmetic_line(
    label: str, entry: str, where: dict, paper: tuple
) -> ScorecardLine:
    """A line of the chapter "Learning arithmetic": exact match only, beside the paper's
    number ``PAPER[paper]``."""
    return ScorecardLine(
        "Learning arithmetic",
        label,
        entry,
        where,
        per_element=None,
        paper=PAPER[paper],
        compare="exact",
    )


def _graph_lines(chapter: str, entry: str, name: str, clrs: str) -> list[ScorecardLine]:
    compare = "exact" if entry == "prim" else "per_element"
    lines = [
        _table_1_line(
            chapter,
            f"{name}, graphs of {n} nodes",
            entry,
            n,
            clrs=CLRS[clrs] if n == 100 else None,
            compare=compare,
        )
        for n in SIZES
    ]
    return lines + [
        ScorecardLine(
            chapter,
            f"{name}, graphs of {n} nodes, find-min engine trained on graph traces",
            "graph-min",
            {"algorithm": entry, "size": n},
            paper=PAPER.get((entry, n)),
            compare=compare,
        )
        for n in SIZES
    ]


def _other_road_lines() -> list[ScorecardLine]:
    """The NEE and our GNN on the book's graphs and on CLRS-30's (chapter "The other
    road"): CLRS's per-node pointer measure beside Triplet-GMPNN's."""
    lines = []
    for task, name, clrs in _ALGORITHMS:
        where = {
            "NEE, 200 nodes, 1,000 graphs": (task, "book graphs, 1,000 per size", 200),
            "NEE 16-bit, CLRS-30 graphs": (task, _CLRS_16, None),
            "GNN, 200 nodes, 1,000 graphs": (
                f"gnn-{task}",
                "book graphs, 1000 generated",
                200,
            ),
            "GNN, CLRS-30 graphs": (
                f"gnn-{task}",
                "CLRS-30 graphs, real-weight answers",
                None,
            ),
        }
        for label, (row_task, test, size) in where.items():
            match = {"task": row_task, "test": test, **({"size": size} if size else {})}
            entry = "gnn" if row_task.startswith("gnn") else "clrs-graphs"
            clrs_line = CLRS[clrs] if size is None else None
            lines.append(
                ScorecardLine(_GNN, f"{name}: {label}", entry, match, clrs=clrs_line)
            )
    return lines


_ALGORITHMS = (("dijkstra", "shortest paths", "dijkstra"), ("prim", "MST", "mst-prim"))
_CLRS_16 = "CLRS-30 graphs, 16-bit weights, real-weight answers"


_NPI_DIGITS, _LTE_ADD, _LTE = (
    NPI_ADD.data.max_digits,
    LTE_ADD.data.task,
    LTE_PROGRAMS.data.task,
)
_BITS = "Numbers as bits"
_GNN = "The other road: graph neural networks"
_MIN = {
    "per_element": None
}  # held-out numbers: the row's exact_match (seen numbers: seen_exact_match)
LINES: list[ScorecardLine] = [
    *[
        ScorecardLine(
            _BITS,
            f"min(a, b), binary, {share:.0%} of numbers held out",
            "numbers-as-bits",
            {
                "table": "held-out numbers",
                "encoding": "binary",
                "heldout_fraction": share,
            },
            **_MIN,
        )
        for share in (0.25, 0.5, 0.75)
    ],
    ScorecardLine(
        _BITS,
        "min(a, b), one-hot, 25% held out (fails by design)",
        "numbers-as-bits",
        {"table": "held-out numbers", "encoding": "one-hot", "heldout_fraction": 0.25},
        **_MIN,
    ),
    *[
        ScorecardLine(
            _BITS,
            f"min(a, b), {encoding}, 16-bit numbers, 25% held out",
            "numbers-as-bits",
            {"table": "number range", "encoding": encoding, "bits": 16},
            **_MIN,
        )
        for encoding in ("scalar", "binary")
    ],
    ScorecardLine(
        _BITS,
        "shipped min-of-two network, held-out numbers",
        "min-of-two",
        {"test": "held-out numbers"},
        per_element=None,
    ),
    *[
        ScorecardLine(
            "Attention collapse",
            f"seq2seq transformer, {n} numbers",
            "sort-baseline",
            {"size": n},
            paper=PAPER.get(("sort-baseline", n)),
            compare="exact",
        )
        for n in (8, 25, 100)
    ],
    *[
        ScorecardLine(
            "Attention collapse",
            f"seq2seq transformer, {variant}, {n} numbers",
            "seq2seq-baselines",
            {"variant": variant, "size": n},
            paper=PAPER.get(("sort-baseline", n)),
            compare="exact",
        )
        for variant in ("one-hot", "bits", "bits, no encoder positions")
        for n in (8, 100)
    ],
    *_sorting_lines("Conditional masking", "selection-sort", "selection sort"),
    *_sorting_lines("Merge sort", "merge-sort", "merge sort"),
    _arithmetic_line(
        "8-bit addition, unseen pairs", "add", {"test": "held-out pairs"}, ("add", 256)
    ),
    _arithmetic_line(
        "12-bit multiplication, unseen pairs",
        "multiply",
        {"test": "held-out pairs"},
        ("multiply", 4096),
    ),
    _arithmetic_line(
        "12-bit multiplication, unseen pairs, single engines from 3 seeds",
        "multiply-seeds",
        {"operation": "multiply"},
        ("multiply", 4096),
    ),
    *[
        _arithmetic_line(
            f"Table 2: {count} numbers allowed, single engines",
            "addition-heldout",
            {"count": count},
            ("addition-heldout", count),
        )
        for count in PAPER_COUNTS
    ],
    *_graph_lines("Dijkstra", "dijkstra", "shortest paths", "dijkstra"),
    *_graph_lines("Prim", "prim", "minimum spanning tree", "mst-prim"),
    *[
        ScorecardLine(
            "Exact at 16 bits",
            f"{name}, 16-bit weights, graphs of {n} nodes (12 families)",
            "wide-graphs",
            {"algorithm": algorithm, "family": "all", "size": n},
        )
        for algorithm, name in (
            ("dijkstra", "shortest paths"),
            ("prim", "minimum spanning tree"),
        )
        for n in (500, 1000)
    ],
    *[
        ScorecardLine(
            "Neural Programmer-Interpreters",
            f"NPI addition, {digits} digits (trained on at most {_NPI_DIGITS})",
            "npi-add",
            {"size": digits},
        )
        for digits in (5, 10, 100, 1000)
    ],
    *[
        ScorecardLine(
            "NPI: sorting",
            f"NPI bubble sort, {n} digits (trained on at most "
            f"{NPI_SORT.data.max_length})",
            "npi-sort",
            {"size": n},
        )
        for n in (8, 16, 32, 60)
    ],
    *_other_road_lines(),
    ScorecardLine(
        "Conditional masking",
        "selection sort, 100 numbers, the authors' engine "
        f"({PAPER_ENGINE.train.steps:,} steps)",
        "paper-engine",
        {"variant": "paper engine", "family": "paper", "size": 100},
        paper=PAPER.get(("selection-sort", 100)),
    ),
    ScorecardLine(
        "NPI: turning a car to its canonical view",
        "NPI canonicalization, all start poses of 20 unseen cars (trained on 64)",
        "npi-canon",
        {"test": "all start poses"},
    ),
    *[
        ScorecardLine(
            "Learning to Execute",
            f"LSTM addition, {digits}-digit numbers (trained on at most "
            f"{_LTE_ADD.length})",
            "lte-add",
            {"size": digits, "nesting": 1},
        )
        for digits in range(1, _LTE_ADD.length + 5)
    ],
    *[
        ScorecardLine(
            "Learning to Execute",
            f"LSTM programs, length {length}, nesting {nesting} (trained on at most "
            f"{_LTE.length} and {_LTE.nesting})",
            "lte-programs",
            {"size": length, "nesting": nesting},
        )
        for nesting in range(1, 5)
        for length in range(1, 5)
    ],
]


#: Each chapter of :data:`LINES` and its page in the book.
CHAPTERS = {
    "Numbers as bits": "numbers_as_bits",
    "Attention collapse": "attention_collapse",
    "Conditional masking": "conditional_masking",
    "Merge sort": "merge_sort",
    "Learning arithmetic": "arithmetic",
    "Dijkstra": "dijkstra",
    "Prim": "prim",
    "Exact at 16 bits": "wide_numbers",
    _GNN: "gnn",
    "Neural Programmer-Interpreters": "npi",
    "NPI: sorting": "npi_sorting",
    "NPI: turning a car to its canonical view": "npi_canon",
    "Learning to Execute": "learning_to_execute",
}


def headline(rows: list[dict]) -> list[dict]:
    """The rows of :func:`scorecard` that :data:`HEADLINES` names, in its order, each
    with its ``sentence`` and ``page`` (the chapter's notebook name)."""
    by_claim = {row["claim"]: row for row in rows}
    return [
        {
            **by_claim[claim],
            "sentence": sentence,
            "page": CHAPTERS[by_claim[claim]["chapter"]],
        }
        for sentence, claim in HEADLINES
    ]


def _mean_min_cell(value, mean) -> str:
    if value is None:
        return "—"
    return (
        f"{100 * value:.1f}"
        if mean is None
        else f"{100 * value:.1f} (mean {100 * mean:.1f})"
    )


def _html_table_start(head) -> list[str]:
    """The first lines of a scorecard HTML table whose columns are named ``head``."""
    return [
        '<table class="scorecard">',
        "<thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>",
        "<tbody>",
    ]


def _of(ours: dict) -> str:
    """What a headline number stands for, with the items behind it and the 95 % bound
    on the error rate they support where the row has one."""
    scope = ours.get("scope", "")
    if ours.get("error_bound_95") is None:
        return scope
    bound = _percent(ours["error_bound_95"])
    return f"{scope}; {ours['items']:,} items each, error ≤ {bound} (95 % bound)"


def headline_html(rows: list[dict], numbered: bool = False) -> str:
    """:func:`headline`'s rows as the scorecard's HTML table: the sentence, its chapter
    (a link), ours per element and as whole-output exact match (over seeds: the minimum,
    the mean beside it), what ours stands for, and the paper's number on its own metric.
    ``numbered``: a first column numbers the rows from 1, as the figure does.
    """
    head = (
        "What is measured",
        "Chapter",
        "Per element (%)",
        "Exact match (%)",
        "Of",
        "Paper",
    )
    if numbered:
        head = ("#", *head)
    lines = _html_table_start(head)
    for number, row in enumerate(rows, 1):
        ours = row["ours"]
        paper = (
            "—"
            if row["paper"] is None
            else f"{row['paper'].describe()}, {row['paper'].metric}"
        )
        over_seeds = ours.get("mean") is not None
        cells = (
            escape(row["sentence"]),
            f'<a href="{row["page"]}.html">{escape(row["chapter"])}</a>',
            "same as exact match"
            if ours.get("per_element") is None and "exact_match" in ours
            else _mean_min_cell(ours.get("per_element"), ours.get("per_element_mean")),
            _mean_min_cell(
                ours.get("exact_match"), ours.get("mean") if over_seeds else None
            )
            if "exact_match" in ours
            else escape(ours["status"]),
            escape(_of(ours)),
            escape(paper),
        )
        if numbered:
            cells = (str(number), *cells)
        lines.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    return "\n".join(lines + ["</tbody>", "</table>"])


# --------------------------------------------------------------------------------------
# filling
def _value(row: dict, name: str | None, stat: str = "min"):
    """The row's ``name`` metric; in a row over seeds (it has ``seeds``), its minimum
    (or ``stat``) over them."""
    if name is None:
        return None
    return row.get(f"{name}_{stat}") if "seeds" in row else row.get(name)


def _matches(row: dict, match: dict) -> bool:
    return all(key in row and row[key] == wanted for key, wanted in match.items())


def training_time(entry: dict) -> str:
    """The training time per model of an entry, with where it ran (``"28 s on
    cpu"``).
    """
    seconds, models = entry.get("train_wall_time_s"), entry.get("models") or 1
    if seconds is None:
        return "—"
    device = (entry.get("card") or entry.get("environment", {})).get(
        "device", "?"
    )  # a shipped one: its card's
    return f"{seconds / models:.0f} s on {device}" + (
        f" (each of {models})" if models > 1 else ""
    )


def scope(entry: dict, row: dict | None = None) -> str:
    """What a number of ``entry`` stands for: ``"min of 5 seeds"`` (a row over seeds:
    ``seeds`` is a count), or one model: ``"seed 0"``, ``"seed 0, shipped checkpoint"``,
    ``"seed 0, an earlier checkpoint"`` (the entry ``describes`` a checkpoint that is no
    longer the shipped one)."""
    row = row or {}
    count = row.get("seeds")
    if isinstance(count, int) and not isinstance(count, bool):
        return f"min of {count} seeds"
    if entry.get("describes"):
        return f"seed {entry.get('seed', '?')}, {entry['describes']}"
    if entry.get("evaluated_with") == "shipped checkpoint":
        return f"seed {entry.get('seed', '?')}, shipped checkpoint"
    return f"seed {entry.get('seed', '?')}"


def _measure(line: ScorecardLine, entry: dict | None) -> dict:
    if entry is None:
        return {"status": "not yet measured"}
    if entry.get("status") != "measured":
        return {"status": "failed: " + str(entry.get("error", "unknown error"))}
    rows = [row for row in entry.get("rows", []) if _matches(row, line.match)]
    if not rows or all(_value(row, line.exact) is None for row in rows):
        return {"status": "not in the results"}
    worst = min(
        rows,
        key=lambda row: (_value(row, line.exact) is None, _value(row, line.exact) or 0),
    )
    seeds = {
        row["seed"] for row in rows if "seed" in row
    }  # one row per seed: the line is their minimum
    measured = {
        "status": "quick smoke test" if entry.get("quick") else "measured",
        "rows": len(rows),
        "per_element": min(
            (v for v in (_value(r, line.per_element) for r in rows) if v is not None),
            default=None,
        ),
        "exact_match": _value(worst, line.exact),
        "training": training_time(entry),
        "scope": scope(entry, worst),
        "device": entry.get("environment", {}).get("device_name"),
        "date": entry.get("environment", {}).get("date", "")[:10],
    }
    if len(seeds) > 1:  # one row per seed: the minimum, and the mean beside it
        measured["scope"] = f"min of {len(seeds)} seeds"
        for name, key in ((line.exact, "mean"), (line.per_element, "per_element_mean")):
            values = [
                _value(row, name) for row in rows if _value(row, name) is not None
            ]
            measured[key] = round(sum(values) / len(values), 6) if values else None
    if "seeds" in worst:
        measured["mean"] = _value(worst, line.exact, "mean")
        measured["per_element_mean"] = _value(worst, line.per_element, "mean")
    if worst.get("exact_match_error_bound_95") is not None and worst.get("items"):
        measured["error_bound_95"] = worst["exact_match_error_bound_95"]
        measured["items"] = worst["items"]
    return measured


def _on_paper_metric(line: ScorecardLine, ours: dict):
    """Ours on the metric the paper's number measures (None when there is nothing to
    compare)."""
    if line.paper is None or "exact_match" not in ours:
        return None
    return (
        ours["exact_match"]
        if line.compare == "exact" or line.per_element is None
        else ours["per_element"]
    )


def _verdict(line: ScorecardLine, value) -> str | None:
    """Whether ours (on the paper's metric) meets the paper's number."""
    if value is None:
        return None
    if line.paper.bound == "<":
        return "as in the paper" if value < line.paper.value else "differs"
    return "meets" if value >= line.paper.value - 1e-9 else "below"


def scorecard(results: dict) -> list[dict]:
    """Every line of :data:`LINES`, filled in from ``results`` (a results file's
    content)."""
    entries = results.get("entries", {})
    rows = []
    for line in LINES:
        ours = _measure(line, entries.get(line.entry))
        value = _on_paper_metric(line, ours)
        rows.append(
            {
                "chapter": line.chapter,
                "claim": line.claim,
                "entry": line.entry,
                "paper": line.paper,
                "clrs": line.clrs,
                "ours": ours,
                "on_paper_metric": value,
                "verdict": _verdict(line, value),
            }
        )
    return rows


# --------------------------------------------------------------------------------------
# rendering
def _percent(value) -> str:
    return "—" if value is None else f"{100 * value:.2f} %"


def _ours_exact(ours: dict) -> str:
    if "exact_match" not in ours:
        return f"*{ours['status']}*"
    text = _percent(ours["exact_match"])
    if ours.get("mean") is not None:
        text += f" (mean {_percent(ours['mean'])})"
    if ours.get("rows", 1) > 1:
        text += f" (worst of {ours['rows']})"
    if ours.get("error_bound_95") is not None:
        text += (
            f"; error ≤ {_percent(ours['error_bound_95'])} (95 % bound, "
            f"{ours['items']:,} items)"
        )
    return text + (
        " *(quick smoke test)*" if ours["status"] == "quick smoke test" else ""
    )


def _sources(rows: list[dict]) -> dict:
    """Number every distinct published source, in order of first use."""
    numbers: dict = {}
    for row in rows:
        for reference in (row["paper"], row["clrs"]):
            if reference is not None:
                numbers.setdefault(
                    (reference.cite(), reference.metric, reference.note),
                    len(numbers) + 1,
                )
    return numbers


def _reference(reference: Reference | None, numbers: dict) -> str:
    if reference is None:
        return "—"
    number = numbers[(reference.cite(), reference.metric, reference.note)]
    return f"{reference.describe()} [{number}]"


def render_html(rows: list[dict]) -> str:
    """The scorecard as an HTML table (what the book page shows: its Markdown outputs
    have no tables), then its numbered sources."""
    numbers = _sources(rows)
    head = (
        "Claim",
        "Paper",
        "CLRS",
        "Ours: per element",
        "Ours: exact match",
        "Ours: of",
        "vs paper",
        "Trained in",
    )
    lines = _html_table_start(head)
    chapter = None
    for row in rows:
        if row["chapter"] != chapter:
            chapter = row["chapter"]
            lines.append(
                f'<tr><th colspan="{len(head)}" '
                f'style="text-align:left">{escape(chapter)}</th></tr>'
            )
        ours = row["ours"]
        cells = (
            row["claim"],
            _reference(row["paper"], numbers),
            _reference(row["clrs"], numbers),
            _percent(ours.get("per_element")) if "exact_match" in ours else "",
            _ours_exact(ours).replace("*", ""),
            ours.get("scope", ""),
            row["verdict"] or "",
            ours.get("training", ""),
        )
        lines.append(
            "<tr>"
            + "".join(f"<td>{escape(str(cell))}</td>" for cell in cells)
            + "</tr>"
        )
    lines += ["</tbody>", "</table>", "<p>"]
    lines += [
        f"[{number}] {escape(cite)}; {escape(metric)}"
        + (f"; {escape(note)}" if note else "")
        + "<br>"
        for (cite, metric, note), number in numbers.items()
    ]
    return "\n".join(lines + ["</p>"])
