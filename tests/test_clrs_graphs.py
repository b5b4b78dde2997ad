"""The CLRS-30 sampler's distribution, the weight mappings, and the two records of
nee_lite.graphs.clrs_graphs."""

import json

import numpy as np
import pytest

from nee_lite.core.checkpoints import data_dir
from nee_lite.graphs.classical import reference_dijkstra, reference_prim
from nee_lite.graphs.clrs_graphs import (
    CLRS_TEST,
    SCALES,
    TRIPLET_GMPNN,
    clrs_graph,
    clrs_graphs,
    clrs_sample,
    integer_weights,
    pointer_score,
    score_rows,
)
from nee_lite.graphs.data import tentative_overflow
from nee_lite.graphs.wide import wide_overflow
from nee_lite.results.paper import CLRS

LOW, HIGH = np.sqrt(1e-3), np.sqrt(1.001)  # sqrt(u * u' + 1e-3), u, u' in [0, 1)
RECORDS = data_dir() / "results"


@pytest.fixture(scope="module")
def samples():
    return clrs_sample(64, 200, seed=0)


def test_edges_are_er_with_p_squared_and_undirected(samples):
    pairs = np.triu_indices(64, 1)
    density = np.mean([(w[pairs] > 0).mean() for w, _ in samples])
    assert abs(density - 0.25) < 0.005  # p = 0.5, both directions drawn: p**2
    for weights, _ in samples[:20]:
        assert np.array_equal(weights, weights.T)
        assert not np.diag(weights).any()  # self-loops dropped


def test_weights_follow_sqrt_of_a_product_of_uniforms(samples):
    weights = np.concatenate([w[np.triu_indices(64, 1)] for w, _ in samples])
    weights = weights[weights > 0]
    assert LOW <= weights.min() and weights.max() <= HIGH
    # E[w**2] = E[u] E[u'] + 1e-3 = 0.251; a plain U(0, 1) weight would give 1/3
    assert abs(np.mean(weights**2) - 0.251) < 0.003
    assert abs(np.mean(weights < 0.25) - 0.2330) < 0.005  # P(uu' < x) = x (1 - ln x)


def test_source_is_uniform():
    sources = np.array([source for _, source in clrs_sample(8, 4000, seed=1)])
    counts = np.bincount(sources, minlength=8)
    chi2 = ((counts - 500) ** 2 / 500).sum()
    assert chi2 < 24.3  # 7 degrees of freedom, p = 0.001


def test_seed_3_gives_the_verified_clrs30_test_graphs():
    # checked once against CLRS's own BellmanFordSampler._sample_data (run on a stub
    # from clrs/_src/samplers.py @ bfd042f0): the same matrices and sources
    graphs = clrs_graphs("dijkstra", count=CLRS_TEST["num_samples"])
    assert [g.source for g in graphs[:8]] == [24, 55, 54, 47, 52, 21, 13, 59]
    assert graphs[0].checksum() == "9e076d5e68aae10f"
    assert graphs[31].checksum() == "4553e5bdf92b0fef"


def test_mapping_range():
    assert integer_weights(LOW).item() == 4 and integer_weights(HIGH).item() == 128
    assert integer_weights(HIGH, bits=16).item() == 32784
    grid = np.linspace(LOW, HIGH, 1000)
    for bits in SCALES:
        assert (np.diff(integer_weights(grid, bits)) >= 0).all()  # order kept


def test_graphs_fit_their_adder_and_rebuild_from_their_seed():
    for bits, fits in ((8, tentative_overflow), (16, wide_overflow)):
        graphs = clrs_graphs("prim", count=40, seed=5, bits=bits)
        assert all(fits(g) is None for g in graphs)
        assert graphs[0].spec != graphs[1].spec
        for graph in (graphs[0], graphs[39]):
            assert clrs_graph(graph.spec).checksum() == graph.checksum()
    with pytest.raises(ValueError):
        clrs_graphs("bellman-ford", count=1)


def test_scores_count_a_wrong_pointer():
    graphs = clrs_graphs("dijkstra", count=3, seed=2)
    truth = [reference_dijkstra(g)[1] for g in graphs]
    wrong = [list(t) for t in truth]
    wrong[1][5] = (wrong[1][5] + 1) % 64
    assert pointer_score(truth, truth)["per_node"]["right"] == 192
    score = pointer_score(wrong, truth)
    assert score["per_node"]["right"] == 191 and score["per_graph"]["right"] == 2
    parents = [reference_prim(g) for g in graphs]
    trees = [{"edges": [], "weight": 0}] * 3  # no tree: never exact
    row = score_rows("prim", graphs, parents, trees)
    assert row["per_node_parent"]["right"] == 189
    assert row["per_graph_exact"]["right"] == 0


def _record(name):
    path = RECORDS / name
    assert path.exists(), f"missing {path}: run python -m nee_lite.graphs.clrs_graphs"
    record = json.loads(path.read_text())
    assert record["command"].startswith("python -m nee_lite.graphs.clrs_graphs")
    return record


def test_clrs_record_holds_1000_graphs_and_the_paper_figures():
    record = _record("clrs_graphs.json")
    assert TRIPLET_GMPNN == {
        "dijkstra": CLRS["dijkstra"].value,
        "prim": CLRS["mst-prim"].value,
    }
    assert record["triplet_gmpnn_per_node"] == TRIPLET_GMPNN
    for bits, rows in record["mappings"].items():
        assert rows["fits_adder"] == 1000, bits
        for algorithm in ("dijkstra", "prim"):
            row = rows[algorithm]
            assert row["book_measures"]["graphs"] == 1000
            for truth in ("clrs_measure_real_truth", "clrs_measure_integer_truth"):
                assert row[truth]["per_node"]["of"] == 64_000
                assert row[truth]["per_graph"]["of"] == 1000


def test_graphs_1000_record_holds_1000_graphs_per_size():
    record = _record("graphs_1000.json")
    for algorithm, rows in record["results"].items():
        assert [row["nodes"] for row in rows] == [25, 50, 100, 200], algorithm
        for row in rows:
            assert row["graphs"] == 1000
            assert row["per_graph_exact"]["of"] == 1000
            if row["nodes"] in (100, 200):
                assert sum(f["graphs"] for f in row["families"].values()) == 1000
