"""Graph test sets, reference answers, the NEE-composed Dijkstra and Prim, and the
dijkstra / prim commands."""

import json

import networkx as nx
import numpy as np
import pytest
import torch

from nee_lite import NumberCodec, TrainConfig
from nee_lite.cli.main import main
from nee_lite.core.checkpoints import checkpoint_path, data_dir, load_model
from nee_lite.engines.nee import NEEConfig
from nee_lite.graphs.classical import (
    algorithm_trace,
    reference_dijkstra,
    reference_prim,
    score_dijkstra,
    score_prim,
    tree_edges,
)
from nee_lite.graphs.composition import (
    dijkstra_answers,
    first_pointer,
    min_of_two,
    neural_dijkstra,
    neural_prim,
    prim_trees,
    run_algorithm,
)
from nee_lite.graphs.data import (
    FAMILIES,
    MAX_VALUE,
    WeightedGraph,
    build_structure,
    graph_specs,
    make_graph,
    shortest_distances,
    tentative_overflow,
)
from nee_lite.graphs.graph_min import trace_states, train_graph_min
from nee_lite.inputs import parse_graphs


@pytest.fixture(scope="module")
def engines():
    return load_model(checkpoint_path("selection-sort")), load_model(
        checkpoint_path("add")
    )


def small_graphs(algorithm, count=12, n=10):
    """One graph of every family and weight kind, ``n`` nodes."""
    specs = [
        {"n": n, "family": family, "weights": kind, "seed": 500 + index}
        for index, (family, kind) in enumerate(
            (f, k) for f in FAMILIES for k in ("random", "hard")
        )
    ]
    return [make_graph(spec, algorithm) for spec in specs[:count]]


def graph(n, edges, source=0):
    edges = np.array(edges, dtype=np.int64).reshape(-1, 3)
    return WeightedGraph(n, edges[:, :2], edges[:, 2], source)


# --------------------------------------------------------------------------------------
# generators
@pytest.mark.parametrize("family", list(FAMILIES))
def test_every_family_has_n_nodes_and_is_seeded(family):
    for n in (8, 13, 25):
        edges = build_structure(family, n, np.random.default_rng(1))
        assert len(edges) and edges.min() >= 0 and edges.max() < n
        assert (edges[:, 0] != edges[:, 1]).all()
        assert np.array_equal(
            edges, build_structure(family, n, np.random.default_rng(1))
        )


def test_dijkstra_weights_keep_every_sum_in_range_and_use_it():
    for spec in graph_specs(sizes=(200,), per_size=20):
        weighted = make_graph(spec, "dijkstra")
        assert tentative_overflow(weighted) is None
        dist = shortest_distances(
            weighted.n, weighted.edges, weighted.weights, weighted.source
        )
        reached = dist[np.isfinite(dist)]
        assert reached.max() <= MAX_VALUE and weighted.weights.min() >= 0
        if spec["weights"] == "hard":
            assert weighted.weights.max() - weighted.weights.min() <= 2
        if (
            len(reached) > 50
        ):  # a large component: the longest sums come close to the top of the range
            sums = [
                dist[u] + w
                for (a, b), w in zip(weighted.edges, weighted.weights)
                for u in (a, b)
            ]
            assert max(s for s in sums if np.isfinite(s)) >= 200


def test_prim_weights_use_the_whole_range():
    weights = np.concatenate(
        [
            make_graph(s, "prim").weights
            for s in graph_specs(sizes=(50,), per_size=20)
            if s["weights"] == "random"
        ]
    )
    assert weights.min() == 0 and weights.max() == 255


def test_stored_test_set_is_small_complete_and_reproducible():
    path = data_dir() / "test_sets" / "graphs.json"
    assert path.stat().st_size < 2_000_000
    rows = json.loads(path.read_text())["graphs"]
    assert [
        {k: r[k] for k in ("n", "family", "weights", "seed")} for r in rows
    ] == graph_specs()
    for row in rows:
        # rebuilding every size takes seconds; the chapters rebuild and check them all
        if row["n"] == 25:
            for algorithm in ("dijkstra", "prim"):
                spec = {k: row[k] for k in ("n", "family", "weights", "seed")}
                assert (
                    make_graph(spec, algorithm).checksum() == row["checksum"][algorithm]
                )


# -------------------------------------------------------------------------------------
# reference answers
def test_classical_references_agree_with_networkx():
    for weighted in small_graphs("dijkstra", count=20, n=15):
        truth = nx.single_source_dijkstra_path_length(
            weighted.to_networkx(), weighted.source
        )
        distances, parents = reference_dijkstra(weighted)
        assert distances == [truth.get(v) for v in range(weighted.n)]
        numpy_dist = shortest_distances(
            weighted.n, weighted.edges, weighted.weights, weighted.source
        )
        assert [None if d == np.inf else d for d in numpy_dist] == distances
        for v, p in enumerate(parents):
            if p >= 0:
                assert distances[v] == distances[p] + weighted.matrix()[p, v]
    for weighted in small_graphs("prim", count=20, n=15):
        nx_graph = weighted.to_networkx()
        component = nx_graph.subgraph(
            nx.node_connected_component(nx_graph, weighted.source)
        )
        edges = tree_edges(weighted, reference_prim(weighted))
        assert sum(w for *_, w in edges) == nx.minimum_spanning_tree(component).size(
            weight="weight"
        )
        assert len(edges) == component.number_of_nodes() - 1


def test_ties_go_to_the_lowest_index_and_strict_improvements_only():
    square = graph(4, [[0, 1, 1], [0, 2, 1], [1, 3, 1], [2, 3, 1]])
    assert reference_dijkstra(square) == ([0, 1, 1, 2], [-1, 0, 0, 1])
    assert reference_prim(square) == [-1, 0, 0, 1]


def test_scores_notice_wrong_answers():
    weighted = graph(3, [[0, 1, 4], [1, 2, 5]])
    assert score_dijkstra([weighted], [[0, 4, 9]], [[-1, 0, 1]])["per_graph"] == 1.0
    wrong = score_dijkstra([weighted], [[0, 4, 8]], [[-1, 0, 0]])
    assert (
        wrong["per_graph"] == 0.0
        and wrong["per_node"] == 2 / 3
        and wrong["per_node_predecessor"] == 2 / 3
    )
    right_tree = {"edges": [[0, 1, 4], [1, 2, 5]], "weight": 9}
    assert score_prim([weighted], [[-1, 0, 1]], [right_tree])["is_mst"] == 1.0
    bad = score_prim(
        [weighted], [[-1, 0, 0]], [{"edges": [[0, 1, 4], [0, 2, 5]], "weight": 9}]
    )
    assert bad["per_graph"] == 0.0 and bad["is_mst"] == 0.0 and bad["per_node"] == 0.5


# ------------------------------------------------------------------------------------
# composed engines
def test_pointer_reading_breaks_float_ties_to_the_lowest_index():
    log_pointer = torch.log(
        torch.tensor([[0.1, 0.45, 0.45 + 1e-6, 0.0], [0.5 + 1e-6, 0.0, 0.5, 0.0]])
    )
    assert first_pointer(log_pointer).tolist() == [1, 0]
    assert first_pointer(torch.log(torch.tensor([[0.2, 0.8]]))).tolist() == [1]


def test_relaxation_min_handles_infinity_and_ties(engines):
    finder, _ = engines
    a = torch.tensor([256, 256, 7, 7, 200, 0])
    b = torch.tensor([5, 256, 7, 256, 199, 0])
    value, second = min_of_two(finder, a, b)
    assert value.tolist() == [5, 256, 7, 7, 199, 0]
    assert second.tolist() == [True, False, False, False, True, False]


def test_neural_dijkstra_is_exact_on_small_graphs(engines):
    graphs = small_graphs("dijkstra", count=20)
    distances, parents = dijkstra_answers(neural_dijkstra(*engines, graphs))
    assert score_dijkstra(graphs, distances, parents) == {
        "graphs": 20,
        "per_node": 1.0,
        "per_node_predecessor": 1.0,
        "per_graph": 1.0,
    }


def test_neural_prim_is_exact_on_small_graphs(engines):
    graphs = small_graphs("prim", count=20)
    run = neural_prim(engines[0], graphs)
    parents = [row[: g.n].tolist() for row, g in zip(run.parents, graphs)]
    score = score_prim(graphs, parents, prim_trees(run))
    assert score["per_graph"] == score["is_mst"] == score["per_node"] == 1.0


def test_each_graph_stops_on_its_own_end_token(engines):
    connected = graph(5, [[0, 1, 3], [1, 2, 3], [2, 3, 3], [3, 4, 3]])
    split = graph(5, [[0, 1, 2], [3, 4, 1]])  # nodes 2, 3, 4 unreachable from 0
    single = graph(1, [])
    run = neural_dijkstra(*engines, [connected, split, single], record=True)
    assert [len(order) for order in run.order] == [5, 2, 1]
    running = torch.stack(run.trace.running)  # (steps, graphs)
    assert running.sum(0).tolist() == [
        5,
        2,
        1,
    ]  # each graph ran exactly as many steps as it had reachable nodes
    assert dijkstra_answers(run)[0] == [[0, 3, 6, 9, 12], [0, 2, None, None, None], [0]]


def test_mixed_sizes_in_one_call_keep_input_order(engines):
    graphs = [
        graph(3, [[0, 1, 1], [1, 2, 1]], source=2),
        graph(6, [[0, 5, 9]], source=5),
        graph(2, [[0, 1, 0]]),
    ]
    distances, _ = run_algorithm("dijkstra", *engines, graphs, batch_size=2)
    assert distances == [[2, 1, 0], [9, None, None, None, None, 0], [0, 0]]


# --------------------------------------------------------------------------------------
# command line
def run_cli(capsys, tmp_path, task, content):
    source = tmp_path / "graphs.json"
    source.write_text(content if isinstance(content, str) else json.dumps(content))
    code = main(["run", task, "--input", str(source)])
    out, err = capsys.readouterr()
    return code, out, err


def test_run_dijkstra_and_prim(capsys, tmp_path):
    graphs = [
        {"n": 5, "edges": [[0, 1, 4], [1, 2, 1], [0, 2, 7], [3, 4, 2]], "source": 0},
        {"n": 3, "edges": [[0, 1, 5], [0, 1, 5], [1, 2, 255]], "source": 2},
    ]
    code, out, err = run_cli(capsys, tmp_path, "dijkstra", graphs[:1])
    assert code == 0, err
    assert json.loads(out) == [[0, 4, 5, None, None]]
    code, out, err = run_cli(capsys, tmp_path, "prim", graphs)
    assert code == 0, err
    assert json.loads(out) == [
        {"edges": [[0, 1, 4], [1, 2, 1]], "weight": 5},
        {"edges": [[2, 1, 255], [1, 0, 5]], "weight": 260},
    ]


OK_EDGES = [[0, 1, 3], [1, 2, 4]]


@pytest.mark.parametrize(
    "task, content, message",
    [
        ("dijkstra", "[{", "not valid JSON"),
        ("dijkstra", "{}", "non-empty JSON array of graphs"),
        ("prim", [[1, 2]], "graph 0: expected an object"),
        ("dijkstra", [{"n": 3, "edges": OK_EDGES}], "graph 0: missing field 'source'"),
        (
            "dijkstra",
            [{"n": 3, "edges": OK_EDGES, "source": 0, "weights": []}],
            "unknown field 'weights'",
        ),
        (
            "prim",
            [{"n": "3", "edges": OK_EDGES, "source": 0}],
            'n must be an integer, got "3"',
        ),
        ("prim", [{"n": 0, "edges": [], "source": 0}], "n = 0 is out of range"),
        (
            "prim",
            [{"n": 3, "edges": OK_EDGES, "source": 3}],
            "source 3 is out of range: nodes are 0 to 2",
        ),
        (
            "prim",
            [{"n": 3, "edges": [[0, 1]], "source": 0}],
            "edge 0: expected [u, v, w]",
        ),
        (
            "prim",
            [{"n": 3, "edges": [[0, 5, 1]], "source": 0}],
            "edge 0: node id 5 is out of range: nodes are 0 to 2",
        ),
        (
            "dijkstra",
            [{"n": 3, "edges": [[0, 1, -2]], "source": 0}],
            "edge 0: negative weight -2",
        ),
        (
            "dijkstra",
            [{"n": 3, "edges": [[0, 1, 1.5]], "source": 0}],
            "edge 0: weight must be an integer, got 1.5",
        ),
        (
            "prim",
            [{"n": 3, "edges": [[0, 1, 256]], "source": 0}],
            "weight 256 is out of range",
        ),
        (
            "prim",
            [{"n": 3, "edges": [[1, 1, 2]], "source": 0}],
            "edge 0: self-loop on node 1",
        ),
        (
            "prim",
            [{"n": 3, "edges": [[0, 1, 2], [1, 0, 3]], "source": 0}],
            "edge 1: duplicate edge 1-0 with a different",
        ),
        (
            "dijkstra",
            [
                {"n": 3, "edges": OK_EDGES, "source": 0},
                {"n": 3, "edges": [[0, 1, 200], [1, 2, 100]], "source": 0},
            ],
            "graph 1: dist[1] + w(1, 2) = 200 + 100 = 300 is out of range",
        ),
    ],
)
def test_bad_graphs_are_one_line_and_exit_2(capsys, tmp_path, task, content, message):
    code, out, err = run_cli(capsys, tmp_path, task, content)
    assert code == 2 and out == ""
    assert (
        err.count("\n") == 1 and err.startswith("nee-lite: error:") and message in err
    ), err


def test_range_check_only_refuses_sums_dijkstra_computes():
    # dist = [0, 160, 10]: the edge 1-2 is only added from node 2's side (10 + 150),
    # never as 160 + 150 = 310
    fine = parse_graphs(
        [{"n": 3, "edges": [[0, 1, 200], [1, 2, 150], [0, 2, 10]], "source": 0}],
        "dijkstra",
    )
    assert fine[0].n == 3
    with pytest.raises(ValueError, match="from 0 to 255"):
        parse_graphs(
            [{"n": 3, "edges": [[0, 1, 250], [1, 2, 10]], "source": 0}], "dijkstra"
        )
    assert (
        parse_graphs(
            [{"n": 3, "edges": [[0, 1, 250], [1, 2, 10]], "source": 0}], "prim"
        )[0].n
        == 3
    )


def test_graph_tasks_train_nothing_and_name_what_they_compose(capsys):
    assert main(["train", "dijkstra"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "selection-sort and add checkpoints" in err
    assert main(["evaluate", "prim", "--checkpoint", "/no/such/engine"]) == 2
    assert "no checkpoint card" in capsys.readouterr().err


# ------------------------------------------------------------------------------- the
# graph-trace engine
def test_algorithm_trace_lists_every_question_the_engine_is_asked():
    path = graph(3, [[0, 1, 4], [1, 2, 5]])
    assert algorithm_trace(path, "dijkstra") == [
        ([0, 256, 256, 256], [False] * 4),
        ([256, 4, 256], [False] * 3),
        ([0, 4, 256, 256], [True, False, False, False]),
        ([256, 9, 256], [False] * 3),
        ([0, 4, 9, 256], [True, True, False, False]),
        ([0, 4, 9, 256], [True, True, True, False]),
    ]
    assert algorithm_trace(path, "prim")[3] == (
        [256, 5, 256],
        [False] * 3,
    )  # Prim offers the weight, not a sum


def test_trace_states_target_the_smallest_visible_number():
    states = trace_states(
        [
            ([7, 3, 3, 256], [False, False, False, False]),
            ([0, 256, 256], [True, False, False]),
        ],
        width=5,
        codec=NumberCodec(8),
    )
    assert NumberCodec(8).decode(states.target).tolist() == [3, 256]
    assert states.pointer.tolist() == [
        [False, True, True, False, False],
        [False, True, True, False, False],
    ]
    assert states.hide[:, 3:].tolist() == [
        [False, True],
        [True, True],
    ]  # padding is hidden


def test_graph_min_training_is_seeded():
    budget = TrainConfig(steps=3, batch_size=4, lr=1e-2, warmup_steps=1, seed=5)
    first, run, _ = train_graph_min(NEEConfig(), budget, progress=False, mask_steps=5)
    second, _, _ = train_graph_min(NEEConfig(), budget, progress=False, mask_steps=5)
    assert run.steps == 3 and all(
        torch.equal(a, b)
        for a, b in zip(first.state_dict().values(), second.state_dict().values())
    )


def test_graph_tasks_take_another_find_min_checkpoint(capsys, tmp_path):
    source = tmp_path / "graphs.json"
    source.write_text(
        json.dumps([{"n": 4, "edges": [[0, 1, 4], [1, 2, 1], [0, 2, 7]], "source": 0}])
    )
    engine = str(checkpoint_path("graph-min"))
    assert (
        main(["run", "dijkstra", "--input", str(source), "--checkpoint", engine]) == 0
    )
    assert json.loads(capsys.readouterr().out) == [[0, 4, 5, None]]
    source.write_text("[[5, 3, 9, 3]]")
    assert (
        main(["run", "graph-min", "--input", str(source)]) == 0
    )  # a find-min engine and mask network sort
    assert json.loads(capsys.readouterr().out) == [[3, 3, 5, 9]]
