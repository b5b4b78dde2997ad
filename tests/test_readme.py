"""Every figure the README states about the engines is read from a record here."""

import json
import re
from pathlib import Path

from nee_lite.core.checkpoints import checkpoint_path, read_card
from nee_lite.results.store import read_results

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
INTRO = " ".join(README.split("## Set-up")[0].split())


def test_trained_on_lists_of_at_most_8_numbers_and_graphs_of_8_nodes():
    assert "trained on lists of at most 8 numbers or graphs of 8 nodes" in INTRO
    assert (
        read_card(checkpoint_path("selection-sort"))["data"]["list_lengths"] == "1 to 8"
    )
    assert "2 to 8 nodes" in read_card(checkpoint_path("graph-min"))["data"]["graphs"]


def test_exact_up_to_200_for_each_of_five_seeds():
    claim = re.search(
        r"exact on every test list and graph of up to (\d+) elements or nodes, "
        r"for each of (\w+) training seeds",
        INTRO,
    )
    assert claim, "the README's headline changed: update this test"
    size, seeds = int(claim.group(1)), {"five": 5}[claim.group(2)]
    table_1 = read_results()["entries"]["table-1"]
    assert len(table_1["seeds"]) == seeds
    rows = [row for row in table_1["rows"] if row["size"] <= size]
    assert {row["task"] for row in rows} == {
        "selection-sort",
        "merge-sort",
        "dijkstra",
        "prim",
    }
    assert max(row["size"] for row in rows) == size
    assert all(row["exact_match_min"] == 1.0 and row["seeds"] == seeds for row in rows)


def test_selection_sort_exact_up_to_500_for_every_seed():
    claim = re.search(r"the selection-sort engine also on lists of up to (\d+)", INTRO)
    assert claim
    record = json.loads(
        (ROOT / "data/benchmarks/selection_sort_seeds.json").read_text()
    )
    shipped = next(s for s in record["summary"] if s["encoder_layers"] == 0)
    assert max(record["lengths"]) == int(claim.group(1)) and len(shipped["seeds"]) == 5
    assert all(row["exact_match_min"] == 1.0 for row in shipped["table"])


def test_16_bit_graphs_of_1000_nodes_exact():
    claim = re.search(
        r"Dijkstra and Prim exactly on graphs of ([\d,]+) nodes with weights in "
        r"the thousands",
        INTRO,
    )
    assert claim
    n = int(claim.group(1).replace(",", ""))
    rows = read_results()["entries"]["wide-graphs"]["rows"]
    for algorithm in ("dijkstra", "prim"):
        (row,) = [
            r
            for r in rows
            if r["algorithm"] == algorithm and r["family"] == "all" and r["size"] == n
        ]
        assert row["exact_match"] == 1.0 and row["per_element"] == 1.0
    assert max(r["max_weight"] for r in rows if r["size"] == n) >= 1000
