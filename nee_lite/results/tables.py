"""The paper's Table 1 and Table 2 beside ours, every column over seeds (chapters
"Reproducibility" and "Learning arithmetic"; the scorecard itself is
:mod:`nee_lite.results.scorecard`)."""

from __future__ import annotations

from html import escape

from .paper import PAPER, YAN, Reference


def _mean(values: list) -> float:
    return sum(values) / len(values)


__all__ = [
    "TABLE_1_NAMES",
    "table_1_html",
    "table_1_lines",
    "table_1_times_html",
    "table_2_html",
]


TABLE_1_NAMES = {
    "selection-sort": "Selection sort",
    "merge-sort": "Merge sort",
    "dijkstra": "Shortest path",
    "prim": "Minimum spanning tree",
}  # the paper's rows, in its order


def _html_table(head, body, caption: str = "") -> str:
    lines = ['<table class="scorecard">'] + (
        [f"<caption>{escape(caption)}</caption>"] if caption else []
    )
    lines.append(
        "<thead><tr>"
        + "".join(f"<th>{escape(str(h))}</th>" for h in head)
        + "</tr></thead><tbody>"
    )
    lines += [
        "<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>"
        for row in body
    ]
    return "\n".join(lines + ["</tbody>", "</table>"])


def _mean_min(row: dict | None, metric: str) -> str:
    """``"mean / min"`` of a Table 1 row over seeds, and the seed of the minimum where
    it is below the mean."""
    if row is None or row.get(f"{metric}_mean") is None:
        return "—"
    mean, low = row[f"{metric}_mean"], row[f"{metric}_min"]
    seed = f" (seed {row[f'{metric}_min_seed']})" if low < mean else ""
    return f"{100 * mean:.2f} / {100 * low:.2f}{seed}"


def _bound(row: dict | None) -> str:
    """The 95 % upper bound on the worst seed's whole-output error rate, and the items
    each seed was measured on (``"0.30 % (1,000)"``)."""
    if row is None or row.get("exact_match_error_bound_95") is None:
        return "—"
    return f"{100 * row['exact_match_error_bound_95']:.2f} % ({row['items']:,})"


def table_1_html(entry: dict) -> str:
    """The paper's Table 1 beside ours from the ``table-1`` entry: per task, the paper's
    row, then ours per element and exact match, each ``mean / minimum`` over the entry's
    seeds (in %), and the 95 % bound on the error rate those items support, at every
    size the entry measured (25 to 200; the sorts also 500)."""
    rows = {(row["task"], row["size"]): row for row in entry["rows"]}
    sizes = sorted({size for _, size in rows})
    seeds = entry["seeds"]
    body = []
    for task, name in TABLE_1_NAMES.items():
        reference = next((PAPER[task, n] for n in sizes if (task, n) in PAPER), None)
        body.append(
            (
                name,
                f"paper, {reference.metric}" if reference else "paper",
                *(
                    f"{100 * PAPER[task, n].value:.2f}" if (task, n) in PAPER else "—"
                    for n in sizes
                ),
            )
        )
        for metric, label in (
            ("per_element", "per element"),
            ("exact_match", "exact match"),
        ):
            body.append(
                (
                    "",
                    f"ours, {label}: mean / min",
                    *(_mean_min(rows.get((task, n)), metric) for n in sizes),
                )
            )
        body.append(
            (
                "",
                "ours, whole-output error ≤ (95 % bound, items per seed)",
                *(_bound(rows.get((task, n))) for n in sizes),
            )
        )
    caption = (
        f"Accuracy (%) by size; ours over {len(seeds)} seeds "
        f"({', '.join(map(str, seeds))}), each seed "
        f"its own engines; paper: {YAN}, Table 1 (section 5.1), one run, sizes 25 to "
        "100 only (—: not in the "
        "paper)"
    )
    return _html_table(("Task", "", *sizes), body, caption)


def table_1_lines(entry: dict, task: str) -> str:
    """``task``'s rows of the ``table-1`` entry as text, one line per size: exact match
    and per element (the minimum over seeds), the items per seed, and the 95 % bound
    on the worst seed's whole-output error rate (what a chapter prints under its own
    table)."""
    rows = sorted(
        (row for row in entry["rows"] if row["task"] == task), key=lambda r: r["size"]
    )
    unit = "graphs of" if task in ("dijkstra", "prim") else "lists of"
    lines = [
        f"{TABLE_1_NAMES[task]} over {len(entry['seeds'])} seeds, each its own engines "
        f"(Table 1 in the appendix): the worst seed"
    ]
    for row in rows:
        lines.append(
            f"  {row['items']:,} {unit} {row['size']:>3}: exact "
            f"{100 * row['exact_match_min']:6.2f} %, per element "
            f"{100 * row['per_element_min']:6.2f} %; whole-output error "
            f"<= {100 * row['exact_match_error_bound_95']:.2f} % (95 % bound)"
        )
    return "\n".join(lines)


def table_1_times_html(entry: dict) -> str:
    """Per seed of the ``table-1`` entry: training time per engine and in all, and the
    time of everything else (measuring the tables, saving the checkpoints), in seconds,
    and the mean over seeds."""
    per_seed = entry["per_seed"]
    names = list(per_seed[0]["train_s_per_model"])
    body = [
        (
            seed["seed"],
            *(f"{seed['train_s_per_model'][name]:.0f}" for name in names),
            f"{seed['train_s']:.0f}",
            f"{seed['evaluate_s']:.0f}",
        )
        for seed in per_seed
    ]
    body.append(
        (
            "mean",
            *(
                f"{_mean([s['train_s_per_model'][name] for s in per_seed]):.0f}"
                for name in names
            ),
            f"{sum(s['train_s'] for s in per_seed) / len(per_seed):.0f}",
            f"{sum(s['evaluate_s'] for s in per_seed) / len(per_seed):.0f}",
        )
    )
    device = entry.get("environment", {}).get("device_name", "?")
    return _html_table(
        (
            "Seed",
            *(f"train {name} (s)" for name in names),
            "train, all (s)",
            "measure (s)",
        ),
        body,
        f"Wall time per seed on {device}, shared with other work",
    )


_COUNTS = ("count", "seeds", "members", "items", "train_items")


def table_2_html(entry: dict) -> str:
    """Every row of the ``addition-heldout`` entry, whatever its columns (single
    engines, ensembles, or both): fractions as %, counts as they are, the paper's Table
    2 number first."""
    rows = entry["rows"]
    columns = [
        key
        for key in dict.fromkeys(key for row in rows for key in row)
        if key not in ("paper", "count")
    ]
    columns.insert(0, "count")

    def cell(row, key):
        value = row.get(key)
        if (
            isinstance(value, float)
            and key not in _COUNTS
            and key != "weight_decay"
            and 0 <= value <= 1
        ):
            return f"{100 * value:.2f}"
        return "—" if value is None else value

    body = [
        (
            *(cell(row, key) for key in columns[:1]),
            _reference_value(PAPER.get(("addition-heldout", row.get("count")))),
            *(cell(row, key) for key in columns[1:]),
        )
        for row in rows
    ]
    return _html_table(
        (columns[0], "paper", *columns[1:]),
        body,
        f"Accuracy (%) on the held-out pairs; paper: {YAN}, Table 2 (section 5.2); "
        "the columns are "
        "the entry's own (mean, min and max over seeds)",
    )


def _reference_value(reference: Reference | None) -> str:
    return "—" if reference is None else f"{100 * reference.value:.2f}"
