"""16-bit numbers from the 8-bit engines (nee_lite.graphs.wide): every piece on every
input the composition can give it, the composed adder and find-min against exact
arithmetic, Dijkstra and Prim on big graphs, and the command line's --bits 16."""

import json

import pytest
import torch

from nee_lite.cli.main import main
from nee_lite.core.checkpoints import checkpoint_path, load_model
from nee_lite.engines.arithmetic import ArithmeticNEE
from nee_lite.engines.selection_sort import SelectionSortNEE
from nee_lite.graphs.classical import score_dijkstra, score_prim
from nee_lite.graphs.composition import find_min, first_pointer, run_algorithm
from nee_lite.graphs.data import graph_test_set
from nee_lite.graphs.wide import (
    WIDE_END,
    WideAdder,
    WideFinder,
    adder_overflow,
    check_adder_limbs,
    check_mask_sets,
    check_min_limbs,
    check_wide_add,
    check_wide_min,
    make_wide_graph,
    needs_wide,
    wide_add,
    wide_specs,
    wide_test_set,
)
from nee_lite.inputs import parse_graphs
from nee_lite.tasks.registry import run_graphs


@pytest.fixture(scope="module")
def adder():
    return load_model(checkpoint_path("add"), expect=ArithmeticNEE)


@pytest.fixture(scope="module")
def finder():
    return load_model(checkpoint_path("selection-sort"), expect=SelectionSortNEE)


def test_the_adder_cannot_report_a_carry_past_255(adder):
    # why the limbs have 7 bits: on sums above 255 (never trained) the flag stays down
    # and the bits are wrong
    result = adder_overflow(adder)
    assert (
        result["pairs"] == 32640
        and result["carry_readable"] == 0.0
        and result["low_bits_right"] < 0.5
    )


def test_every_call_the_composition_makes_is_exact(adder, finder):
    assert check_adder_limbs(adder) == {"pairs": 18172, "wrong": []}
    assert check_min_limbs(finder) == {"lists": 3 * 257**2, "wrong": []}
    assert check_mask_sets(finder) == {"patterns": 4 + 16 + 64, "wrong": []}


def test_composed_add_equals_exact_addition(adder):
    # every a from 0 to 65,535 (and infinity) with b = 127 (a carry out of the low limb
    # whenever a's low 7 bits are not 0) and with infinity; then random pairs whose sum
    # fits
    assert check_wide_add(adder, others=(127,)) == {
        "pairs": 65536 - 127 + 1 + 65537,
        "wrong": [],
    }
    generator = torch.Generator().manual_seed(1)
    a = torch.randint(65536, (20000,), generator=generator)
    b = torch.randint(65536, (20000,), generator=generator) % (65536 - a)
    assert torch.equal(wide_add(adder, a, b), a + b)
    assert (
        wide_add(
            adder, torch.tensor([WIDE_END, 5]), torch.tensor([300, WIDE_END])
        ).tolist()
        == [WIDE_END] * 2
    )
    with pytest.raises(
        ValueError,
        match="40000 \\+ 30000 is out of range: the composed 16-bit adder gives sums "
        "from 0 to 65535",
    ):
        wide_add(adder, torch.tensor([1, 40000]), torch.tensor([2, 30000]))


def test_composed_find_min_equals_exact_minimum(finder):
    assert check_wide_min(finder) == {"pairs": 20000, "wrong": []}
    generator = torch.Generator().manual_seed(2)
    for length in (10, 100, 1000):
        values = torch.randint(65536, (40, length + 1), generator=generator)
        values[::2] = values[::2] % 4 + 300 * (
            values[::2] % 3
        )  # many copies, equal high limbs
        values[:, -1] = WIDE_END
        hide = torch.rand(40, length + 1, generator=generator) < 0.3
        hide[:, -1] = False
        value, log_pointer = find_min(WideFinder(finder), values, hide)
        shown = values.masked_fill(hide, 10**9)
        assert torch.equal(value, shown.min(1).values)
        assert torch.equal(
            first_pointer(log_pointer), shown.argmin(1)
        )  # ties: the lowest index


def test_graphs_that_fit_8_bits_get_the_same_answers(finder, adder):
    for algorithm in ("dijkstra", "prim"):
        graphs = graph_test_set(algorithm, sizes=(25,))[25][:20]
        assert not any(needs_wide(graph, algorithm) for graph in graphs)
        before = run_algorithm(algorithm, finder, adder, graphs)
        assert run_graphs(algorithm, finder, adder, graphs, bits=16) == before
        # the composed engines themselves answer the same on them
        assert (
            run_algorithm(algorithm, WideFinder(finder), WideAdder(adder), graphs)
            == before
        )


def test_a_1000_node_road_graph_is_answered_exactly(finder, adder):
    spec = next(s for s in wide_specs() if s["n"] == 1000 and s["family"] == "road")
    graph = make_wide_graph(spec, "dijkstra")
    assert (
        graph.n == 1000
        and int(graph.weights.max()) > 255
        and needs_wide(graph, "dijkstra")
    )
    distances, parents = run_graphs("dijkstra", finder, adder, [graph], bits=16)
    assert score_dijkstra([graph], distances, parents)["per_graph"] == 1.0
    assert max(d for d in distances[0] if d is not None) > 10000


def test_prim_on_a_500_node_geometric_graph(finder):
    graph = wide_test_set("prim", sizes=(500,), families=("geometric",))[500][0]
    parents, trees = run_graphs("prim", finder, None, [graph], bits=16)
    assert score_prim([graph], parents, trees) == {
        "graphs": 1,
        "per_node": 1.0,
        "per_graph": 1.0,
        "same_weight": 1.0,
        "is_mst": 1.0,
    }


# --------------------------------------------------------------------------------------
# command line
WIDE_GRAPH = {
    "n": 4,
    "edges": [[0, 1, 3000], [1, 2, 40000], [0, 2, 50000], [2, 3, 7]],
    "source": 0,
}


def run_cli(capsys, tmp_path, task, content, *options):
    path = tmp_path / "input.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    code = main(["run", task, "--input", str(path), *options])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_runs_16_bit_graphs(capsys, tmp_path):
    code, out, _ = run_cli(capsys, tmp_path, "dijkstra", [WIDE_GRAPH], "--bits", "16")
    assert code == 0 and json.loads(out) == [[0, 3000, 43000, 43007]]
    code, out, _ = run_cli(capsys, tmp_path, "prim", [WIDE_GRAPH], "--bits", "16")
    assert code == 0 and json.loads(out) == [
        {"edges": [[0, 1, 3000], [1, 2, 40000], [2, 3, 7]], "weight": 43007}
    ]
    code, _, err = run_cli(
        capsys, tmp_path, "dijkstra", [WIDE_GRAPH]
    )  # 8 bits by default, as before
    assert (
        code == 2
        and "weight 3000 is out of range: the 8-bit engines take weights from 0 to 255"
        in err
    )


@pytest.mark.parametrize(
    "task, graph, message",
    [
        (
            "prim",
            {"n": 3, "edges": [[0, 1, 65536]], "source": 0},
            "graph 0: edge 0: weight 65536 is out of range: the composed 16-bit "
            "engines take weights from 0 to 65535",
        ),
        (
            "dijkstra",
            {"n": 3, "edges": [[0, 1, 60000], [1, 2, 6000]], "source": 0},
            "graph 0: dist[1] + w(1, 2) = 60000 + 6000 = 66000 is out of range: the "
            "composed 16-bit adder gives sums "
            "from 0 to 65535",
        ),
        (
            "dijkstra",
            {"n": 1001, "edges": [], "source": 0},
            "graph 0: n = 1001 is out of range: graphs have 1 to 1000 nodes on the "
            "16-bit engines",
        ),
    ],
)
def test_cli_refuses_what_exceeds_16_bits(capsys, tmp_path, task, graph, message):
    code, out, err = run_cli(capsys, tmp_path, task, [graph], "--bits", "16")
    assert code == 2 and out == ""
    assert (
        err.count("\n") == 1 and err.startswith("nee-lite: error:") and message in err
    ), err


def test_bits_is_for_graphs_only(capsys, tmp_path):
    code, _, err = run_cli(capsys, tmp_path, "add", [[1, 2]], "--bits", "16")
    assert code == 2 and "--bits is for dijkstra and prim" in err


def test_parse_graphs_limits():
    assert (
        parse_graphs(
            [{"n": 1000, "edges": [[0, 999, 65535]], "source": 0}], "prim", bits=16
        )[0].n
        == 1000
    )
    with pytest.raises(
        ValueError, match="n = 501 is out of range: graphs have 1 to 500 nodes"
    ):
        parse_graphs([{"n": 501, "edges": [], "source": 0}], "prim")
    with pytest.raises(ValueError, match="bits must be 8 or 16"):
        parse_graphs([{"n": 2, "edges": [], "source": 0}], "prim", bits=32)


def test_the_benchmark_runs_and_writes_json(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    out = tmp_path / "wide.json"
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "wide_graphs.py"
    subprocess.run(
        [
            sys.executable,
            str(script),
            "--sizes",
            "500",
            "--families",
            "road",
            "--algorithms",
            "prim",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    record = json.loads(out.read_text())
    assert [(r["family"], r["size"], r["exact_match"]) for r in record["rows"]] == [
        ("road", 500, 1.0),
        ("all", 500, 1.0),
    ]
    assert (
        record["load_average_at_start"] >= 0 and record["checkpoints"]["add"]["sha256"]
    )
