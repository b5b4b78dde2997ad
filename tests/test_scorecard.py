"""The scorecard renders from a results file: ours only from the file, references only
from nee_lite.results.paper."""

import json

import pytest

from nee_lite import NumberCodec
from nee_lite.core.bounds import error_bound_95
from nee_lite.engines.arithmetic import heldout_split
from nee_lite.results.paper import CLRS, PAPER
from nee_lite.results.scorecard import (
    CHAPTERS,
    HEADLINES,
    LINES,
    headline,
    headline_html,
    render_html,
    scorecard,
)
from nee_lite.results.store import summarize_seeds
from nee_lite.results.tables import table_1_html, table_1_times_html, table_2_html


def table_1_entry():
    runs = [
        {
            "seed": seed,
            "task": task,
            "size": n,
            "per_element": 1.0 if seed != 3 else 0.999,
            "exact_match": 1.0 if seed != 3 else 0.97,
        }
        for seed in range(5)
        for task in ("selection-sort", "merge-sort", "dijkstra", "prim")
        for n in (25, 50, 75, 100, 200)
    ]
    per_seed = [
        {
            "seed": seed,
            "train_s": 90.0 + seed,
            "evaluate_s": 60.0,
            "train_s_per_model": {
                "selection-sort": 30.0,
                "merge-sort": 30.0,
                "add": 30.0 + seed,
            },
        }
        for seed in range(5)
    ]
    rows = summarize_seeds(runs)
    for row in rows:  # seed 3 gets 30 of 1,000 wrong
        row.update(
            items=1000, exact_match_error_bound_95=round(error_bound_95(30, 1000), 6)
        )
    return {
        "status": "measured",
        "quick": False,
        "rows": rows,
        "runs": runs,
        "seeds": [0, 1, 2, 3, 4],
        "per_seed": per_seed,
        "train_wall_time_s": 460.0,
        "models": 15,
        "environment": {
            "device": "cpu",
            "device_name": "Some CPU",
            "date": "2026-12-01T17:00",
        },
    }


def fake_results():
    return {
        "entries": {
            "selection-sort": {
                "status": "measured",
                "quick": False,
                "seed": 0,
                "train_wall_time_s": 28.2,
                "rows": [
                    {
                        "test": "duplicates",
                        "size": 100,
                        "per_element": 1.0,
                        "exact_match": 1.0,
                    }
                ],
                "environment": {
                    "device": "cpu",
                    "device_name": "Some CPU",
                    "date": "2026-11-22T03:00",
                },
            },
            "merge-sort": {"status": "failed", "error": "no checkpoint"},
            "table-1": table_1_entry(),
            "graph-min": {
                "status": "measured",
                "quick": False,
                "seed": 0,
                "train_wall_time_s": 185.0,
                "evaluated_with": "shipped checkpoint",
                "card": {"device": "cpu"},
                "rows": [
                    {
                        "algorithm": "dijkstra",
                        "size": 100,
                        "family": "erdos-renyi",
                        "per_element": 1.0,
                        "exact_match": 1.0,
                    },
                    {
                        "algorithm": "dijkstra",
                        "size": 100,
                        "family": "grid",
                        "per_element": 0.99,
                        "exact_match": 0.9,
                    },
                ],
                "environment": {"device": "cpu"},
            },
        }
    }


def test_ours_come_from_the_file_and_missing_entries_say_so():
    rows = {(row["entry"], row["claim"]): row for row in scorecard(fake_results())}
    hundred = rows["table-1", "selection sort, 100 numbers (paper's test lists)"]
    assert (
        hundred["ours"]["per_element"] == 0.999
        and hundred["ours"]["exact_match"] == 0.97
    )  # the minimum
    assert (
        hundred["ours"]["mean"] == pytest.approx(0.994)
        and hundred["ours"]["scope"] == "min of 5 seeds"
    )
    bound = hundred["ours"]["error_bound_95"]  # 30 errors in 1,000: at most 4.05 %
    assert hundred["ours"]["items"] == 1000 and 0.03 < bound < 0.045
    assert f"error ≤ {100 * bound:.2f} % (95 % bound, 1,000 items)" in render_html(
        scorecard(fake_results())
    )
    assert (
        hundred["paper"] is PAPER[("selection-sort", 100)] and hundred["clrs"] is None
    )  # CLRS has no such sort
    assert (
        hundred["verdict"] == "below"
    )  # 99.9 % per element (seed 3) against the paper's 100 %
    assert rows["add", "8-bit addition, unseen pairs"]["ours"] == {
        "status": "not yet measured"
    }
    duplicates = rows["selection-sort", "selection sort, 100 numbers, duplicates"][
        "ours"
    ]
    assert duplicates["exact_match"] == 1.0 and duplicates["scope"] == "seed 0"
    assert (
        rows["merge-sort", "merge sort, 100 numbers, duplicates"]["ours"]["status"]
        == "failed: no checkpoint"
    )
    assert (
        rows["selection-sort", "selection sort, 100 numbers, with 0 and 255"]["ours"][
            "status"
        ]
        == "not in the results"
    )


def test_several_matching_rows_show_the_worst_of_them():
    graph = next(
        row
        for row in scorecard(fake_results())
        if row["claim"]
        == "shortest paths, graphs of 100 nodes, find-min engine trained on graph "
        "traces"
    )
    assert (
        graph["ours"]["exact_match"] == 0.9
        and graph["ours"]["per_element"] == 0.99
        and graph["ours"]["rows"] == 2
    )
    assert (
        graph["ours"]["scope"] == "seed 0, shipped checkpoint"
        and graph["ours"]["training"] == "185 s on cpu"
    )


def test_every_task_and_graphs_of_200_nodes_have_lines():
    entries = {line.entry for line in LINES}
    assert {
        "graph-min",
        "npi-add",
        "lte-add",
        "lte-programs",
        "table-1",
        "addition-heldout",
    } <= entries
    for task in ("selection-sort", "merge-sort", "dijkstra", "prim"):
        assert any(
            line.entry == "table-1" and line.match == {"task": task, "size": 200}
            for line in LINES
        )
    assert any(
        line.entry == "graph-min" and line.match == {"algorithm": "prim", "size": 200}
        for line in LINES
    )


def test_the_table_has_every_line_and_numbered_sources():
    text = render_html(scorecard(fake_results()))
    assert text.count("not yet measured") == sum(
        line.entry not in fake_results()["entries"] for line in LINES
    )
    assert (
        "97.00 % (mean 99.40 %)" in text
        and "min of 5 seeds" in text
        and "28 s on cpu" in text
    )
    assert (
        "[1] Yan et al. 2020" in text
        and "Ibarz et al. 2022" in text
        and "Triplet-GMPNN" in text
    )


def test_table_1_shows_mean_and_minimum_over_seeds_beside_the_paper():
    html = table_1_html(table_1_entry())
    assert (
        "ours over 5 seeds (0, 1, 2, 3, 4)" in html and "Table 1 (section 5.1)" in html
    )
    assert (
        html.count("99.98 / 99.90 (seed 3)") == 4 * 5
        and html.count("99.40 / 97.00 (seed 3)") == 4 * 5
    )
    assert (
        html.count("<td>100.00</td>") == 4 * 4 and html.count("<td>—</td>") == 4
    )  # the paper stops at 100
    bound = 100 * error_bound_95(30, 1000)
    assert html.count(f"<td>{bound:.2f} % (1,000)</td>") == 4 * 5
    times = table_1_times_html(table_1_entry())
    assert (
        "<td>mean</td><td>30</td><td>30</td><td>32</td><td>92</td><td>60</td>" in times
    )


@pytest.mark.parametrize(
    "columns",
    [
        ("exact_match_mean", "exact_match_min"),
        ("bit_accuracy_mean", "exact_match_mean", "exact_match_min"),
    ],
)
def test_table_2_renders_whatever_columns_the_entry_has(columns):
    rows = [
        {
            "count": count,
            "seeds": 5,
            **{column: 0.5 + 0.1 * i for i, column in enumerate(columns)},
        }
        for count in (256, 64)
    ]
    html = table_2_html({"rows": rows})
    assert (
        all(f"<th>{column}</th>" in html for column in columns)
        and html.count("<tr><td>") == 2
    )
    assert (
        "<td>256</td><td>100.00</td>" in html and "<td>64</td><td>96.53</td>" in html
    )  # the paper's Table 2
    assert (
        "<td>50.00</td>" in html and "<td>5</td>" in html
    )  # fractions as %, counts as they are
    lines = {
        row["claim"]: row["ours"]
        for row in scorecard(
            {
                "entries": {
                    "addition-heldout": {
                        "status": "measured",
                        "rows": rows,
                        "environment": {},
                    }
                }
            }
        )
    }
    single = lines[
        "Table 2: 64 numbers allowed, single engines"
    ]  # the entry's rows are single engines
    assert (
        single["exact_match"] == rows[1]["exact_match_min"]
        and single["scope"] == "min of 5 seeds"
    )
    assert single["mean"] == rows[1]["exact_match_mean"]


def test_summary_over_seeds_is_the_mean_and_the_minimum_with_its_seed():
    runs = [
        {"seed": 0, "task": "a", "size": 25, "per_element": 1.0, "exact_match": 1.0},
        {"seed": 4, "task": "a", "size": 25, "per_element": 0.9, "exact_match": 0.5},
        {"seed": 2, "task": "a", "size": 25, "per_element": 0.8, "exact_match": None},
        {"seed": 0, "task": "b", "size": 25, "per_element": 0.7, "exact_match": 0.25},
    ]
    a, b = summarize_seeds(runs)
    assert a == {
        "task": "a",
        "size": 25,
        "seeds": 3,
        "per_element_mean": 0.9,
        "per_element_min": 0.8,
        "per_element_min_seed": 2,
        "exact_match_mean": 0.75,
        "exact_match_min": 0.5,
        "exact_match_min_seed": 4,
    }
    assert b["seeds"] == 1 and b["exact_match_mean"] == b["exact_match_min"] == 0.25
    with pytest.raises(ValueError, match="seed 0 is there twice"):
        summarize_seeds(runs + [dict(runs[0])])


def test_every_reference_says_where_it_was_published():
    for reference in [*PAPER.values(), *CLRS.values()]:
        assert (
            0 < reference.value <= 1
            and reference.source
            and reference.where
            and reference.metric
        )


def test_the_committed_results_file_renders():
    from nee_lite.results.store import read_results

    results = read_results()
    assert not any(entry.get("quick") for entry in results["entries"].values())
    json.dumps(scorecard(results), default=str)
    if "table-1" in results["entries"]:
        table_1_html(results["entries"]["table-1"])
        table_1_times_html(results["entries"]["table-1"])
    table_2_html(results["entries"]["addition-heldout"])


def test_html_has_the_same_lines_and_escapes_text():
    rows = scorecard(fake_results())
    html = render_html(rows)
    assert (
        html.count("<tr><td>") == len(LINES)
        and "not yet measured" in html
        and "&quot;" in html
    )


def test_entries_of_shipped_checkpoints_measured_the_checkpoints_shipped_now():
    """An entry written by ``nee-lite reproduce --shipped`` is stale once its checkpoint
    is retrained: rerun it."""
    import hashlib

    from nee_lite.core.checkpoints import checkpoint_path
    from nee_lite.results.store import read_results

    for name, entry in read_results()["entries"].items():
        if entry.get("evaluated_with") == "shipped checkpoint":
            weights = checkpoint_path(name).with_suffix(".pt")
            assert (
                entry["evaluated_checkpoint"]["sha256"]
                == hashlib.sha256(weights.read_bytes()).hexdigest()
            ), f"{name}: rerun nee-lite reproduce --shipped --tasks {name}"


def test_an_entry_that_describes_an_earlier_checkpoint_says_so_on_its_lines():
    results = fake_results()
    results["entries"]["selection-sort"]["describes"] = "an earlier checkpoint"
    line = next(
        row
        for row in scorecard(results)
        if row["claim"] == "selection sort, 100 numbers, duplicates"
    )
    assert line["ours"]["scope"] == "seed 0, an earlier checkpoint"


def test_the_headline_table_names_real_lines_and_links_every_chapter(tmp_path):
    claims = {line.claim for line in LINES}
    assert all(claim in claims for _, claim in HEADLINES)
    assert {line.chapter for line in LINES} <= set(CHAPTERS)
    from nee_lite.results.store import ROOT

    book = ROOT / "book"
    assert all((book / f"{page}.ipynb").is_file() for page in CHAPTERS.values())
    rows = headline(scorecard(fake_results()))
    html = headline_html(rows)
    assert len(rows) == len(HEADLINES) and html.count("<tr><td>") == len(HEADLINES)
    assert '<a href="merge_sort.html">Merge sort</a>' in html
    assert (
        "100.0 (mean 100.0)" not in html and "97.0 (mean 99.4)" in html
    )  # min over seeds, mean beside it
    # a Table 1 row says the items behind it and the bound they support
    assert "min of 5 seeds; 1,000 items each, error ≤ 4.05 % (95 % bound)" in html


def test_size_series_draws_each_headline_claim_against_the_size_tested():
    from nee_lite.pictures.scorecard import TRAINED, plot_sizes, size_series

    rows = scorecard(fake_results())
    series = size_series(rows, LINES, HEADLINES)
    by_chapter = {one["chapter"]: one for one in series}
    masking = by_chapter["Conditional masking"]
    assert masking["sizes"] == [25, 50, 75, 100, 200, 500] and masking["unit"] == "size"
    assert masking["exact"][5] is None  # this file has no lists of 500
    assert masking["rows"] == {4: 100, 5: 200}  # the headline table's rows
    assert masking["exact"][3] == 0.97 and masking["per_element"][3] == 0.999
    assert masking["paper"][3] is PAPER[("selection-sort", 100)]
    assert masking["paper"][4] is None  # the paper stops at 100
    assert by_chapter["Learning arithmetic"]["unit"] == "count"
    assert by_chapter["Learning arithmetic"]["rows"] == {8: 64}
    assert by_chapter["Learning to Execute"]["exact"][0] is None  # not in the file
    # rows 1, 7, 9 and 14: one line each, no series
    assert sorted(n for one in series for n in one["rows"]) == [
        2, 3, 4, 5, 6, 8, 10, 11, 12, 13, 15
    ]  # fmt: skip
    assert set(TRAINED) < set(by_chapter)
    with pytest.raises(ValueError, match="every row"):
        size_series(rows[:-1], LINES, HEADLINES)
    figure = plot_sizes(series)
    shown = [ax for ax in figure.axes if ax.get_visible()]
    assert [ax.get_title() for ax in shown] == [one["chapter"] for one in series]
    import matplotlib.pyplot as plt  # only this test draws

    plt.close(figure)


@pytest.mark.parametrize("operation, bits", [("add", 8), ("multiply", 12)])
def test_held_out_pairs_are_about_one_in_ten_unseen_in_either_order(operation, bits):
    """Rows 7 and 9 say so of the shipped engines' held-out pairs (seed 0)."""
    split = heldout_split(operation, NumberCodec(bits), seed=0)
    held = set(map(tuple, split.test.tolist()))
    unseen = sum(pair[::-1] in held for pair in held) / len(held)
    assert 0.08 < unseen < 0.13


def test_a_chapter_prints_its_table_1_rows_with_items_and_bound():
    from nee_lite.results.tables import table_1_lines

    text = table_1_lines(table_1_entry(), "prim").splitlines()
    assert text[0].startswith("Minimum spanning tree over 5 seeds") and len(text) == 6
    bound = 100 * error_bound_95(30, 1000)
    assert text[1] == (
        f"  1,000 graphs of  25: exact  97.00 %, per element  99.90 %; whole-output "
        f"error <= {bound:.2f} % (95 % bound)"
    )
