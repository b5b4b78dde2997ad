"""The scorecard renders from a results file: ours only from the file, references only from nee_lite.results.paper."""

import json

from nee_lite.results.paper import CLRS, PAPER
from nee_lite.results.scorecard import LINES, render_html, scorecard


def fake_results():
    rows = [{"test": "paper", "length": n, "lists": 100, "per_element": 0.999, "exact_match": 0.97}
            for n in (25, 50, 75, 100, 200)]
    return {"entries": {
        "selection-sort": {"status": "measured", "quick": False, "rows": rows, "train_wall_time_s": 28.2,
                           "environment": {"device": "cpu", "device_name": "Some CPU", "date": "2026-11-22T03:00"}},
        "merge-sort": {"status": "failed", "error": "no checkpoint"},
        "dijkstra": {"status": "measured", "quick": False, "train_wall_time_s": None,
                     "rows": [{"nodes": 100, "family": "erdos-renyi", "per_node": 1.0, "per_graph": 1.0},
                              {"nodes": 100, "family": "grid", "per_node": 0.99, "per_graph": 0.9}],
                     "environment": {"device": "cpu"}},
    }}


def test_ours_come_from_the_file_and_missing_entries_say_so():
    rows = {(row["entry"], row["claim"]): row for row in scorecard(fake_results())}
    hundred = rows["selection-sort", "selection sort, 100 numbers (paper's test lists)"]
    assert hundred["ours"]["per_element"] == 0.999 and hundred["ours"]["exact_match"] == 0.97
    assert hundred["paper"] is PAPER[("selection-sort", 100)] and hundred["clrs"] is CLRS["insertion-sort"]
    assert hundred["verdict"] == "below"  # 99.9 % per element against the paper's 100 %
    assert rows["add", "8-bit addition, unseen pairs"]["ours"] == {"status": "not yet measured"}
    failed = rows["merge-sort", "merge sort, 25 numbers (paper's test lists)"]
    assert failed["ours"]["status"] == "failed: no checkpoint"
    assert rows["selection-sort", "selection sort, 100 numbers, duplicates"]["ours"]["status"] == "not in the results"


def test_several_matching_rows_show_the_worst_under_the_tasks_own_field_names():
    graph = next(row for row in scorecard(fake_results()) if row["claim"] == "shortest paths, graphs of 100 nodes")
    assert graph["ours"]["exact_match"] == 0.9 and graph["ours"]["per_element"] == 0.99 and graph["ours"]["rows"] == 2


def test_the_table_has_every_line_and_numbered_sources():
    text = render_html(scorecard(fake_results()))
    assert text.count("not yet measured") == sum(line.entry not in fake_results()["entries"] for line in LINES)
    assert "97.00 %" in text and "28 s on cpu" in text and "[1] Yan et al. 2020" in text
    assert "Ibarz et al. 2022" in text


def test_every_reference_says_where_it_was_published():
    for reference in [*PAPER.values(), *CLRS.values()]:
        assert 0 < reference.value <= 1 and reference.source and reference.where and reference.metric


def test_the_committed_results_file_renders():
    from nee_lite.results.store import read_results

    results = read_results()
    assert not any(entry.get("quick") for entry in results["entries"].values())
    json.dumps(scorecard(results), default=str)


def test_html_has_the_same_lines_and_escapes_text():
    rows = scorecard(fake_results())
    html = render_html(rows)
    assert html.count("<tr><td>") == len(LINES) and "not yet measured" in html and "&quot;" in html
