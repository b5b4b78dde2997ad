"""The CLRS-style graph network of :mod:`nee_lite.graphs.gnn`: its message passing,
its hints, its padding, its training and its record."""

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from nee_lite.core.checkpoints import load_model, save_checkpoint
from nee_lite.graphs.classical import reference_dijkstra, reference_prim
from nee_lite.graphs.data import WeightedGraph, graph_specs, make_graph
from nee_lite.graphs.gnn import (
    GNNConfig,
    GNNProcessor,
    TrainSettings,
    hint_loss,
    hint_trace,
    implied_distances,
    make_batch,
    score,
    small_graphs,
    train_gnn,
)

ROOT = Path(__file__).resolve().parent.parent


def path_graph() -> WeightedGraph:
    """0 - 1 - 2 with a shortcut 0 - 2: Dijkstra from 0 reaches 2 through 1 (3 < 5),
    Prim takes 0-1 then 1-2."""
    edges = np.array([[0, 1], [1, 2], [0, 2]])
    return WeightedGraph(3, edges, np.array([1, 2, 5]), source=0)


def test_message_passing_equals_a_hand_loop_on_three_nodes():
    torch.manual_seed(0)
    model = GNNProcessor(GNNConfig(hidden=8)).eval()
    batch = make_batch([path_graph()], "dijkstra", hints=False)
    x = model.encode(batch.nodes)
    h = torch.randn_like(x)
    with torch.no_grad():
        fast = model.step(x, h, model.edge_messages(batch))[0]
        z = torch.cat([x, h], -1)[0]
        wanted = []
        for i in range(3):
            messages = [
                torch.relu(
                    model.message_i(z[i])
                    + model.message_j(z[j])
                    + model.message_e(batch.edges[0, i, j])
                )
                for j in range(3)
                if batch.near[0, i, j]  # every node here is near every other
            ]
            top = torch.stack(messages).max(0).values
            wanted.append(model.norm(model.update(torch.cat([z[i], top]))))
    assert torch.allclose(fast, torch.stack(wanted), atol=1e-5)


def test_hints_follow_the_classical_trace():
    graph = path_graph()
    dijkstra = hint_trace(graph, "dijkstra")
    assert dijkstra["selected"].tolist() == [0, 1, 2]
    assert dijkstra["entry"].tolist() == [[0, 1, 5], [0, 1, 3], [0, 1, 3]]
    assert dijkstra["parent"].tolist() == [[-1, 0, 0], [-1, 0, 1], [-1, 0, 1]]
    assert dijkstra["visited"].sum(1).tolist() == [1, 2, 3]
    assert dijkstra["parent"][-1].tolist() == reference_dijkstra(graph)[1]
    assert hint_trace(graph, "prim")["entry"][-1].tolist() == [0, 1, 2]
    for algorithm, reference in (
        ("dijkstra", lambda g: reference_dijkstra(g)[1]),
        ("prim", reference_prim),
    ):
        for g in small_graphs(np.random.default_rng(5), algorithm, 40):
            assert hint_trace(g, algorithm)["parent"][-1].tolist() == reference(g)


def test_an_unreachable_node_keeps_no_parent_and_the_steps_run_on():
    graph = WeightedGraph(3, np.array([[0, 1]]), np.array([4]), source=1)
    trace = hint_trace(graph, "dijkstra")
    assert trace["selected"].tolist() == [1, 0, -1]
    assert trace["parent"][-1].tolist() == [1, -1, -1]
    assert np.isinf(trace["entry"][-1, 2])


@pytest.mark.parametrize("reach", ["neighbours", "all"])
def test_the_sparse_form_for_evaluation_is_the_dense_one(reach):
    """Evaluation's message list (and, reading every node, its top-k for the pairs
    that are not neighbours) gives the very numbers of the dense (B, N, N, H) max."""
    torch.manual_seed(2)
    graphs = [make_graph(s, "dijkstra") for s in graph_specs((25,), 6, seed=1)]
    graphs += small_graphs(np.random.default_rng(0), "prim", 6)  # padded
    model = GNNProcessor(GNNConfig(16, reach)).eval()
    batch = make_batch(graphs, "", hints=False)
    x = model.encode(batch.nodes)
    h = torch.randn_like(x)
    with torch.no_grad():
        dense = model.step(x, h, model.edge_messages(batch))
        sparse = model.step(x, h, model.edge_messages(batch, sparse=True))
    assert torch.equal(dense[batch.valid], sparse[batch.valid])
    broken = model.edge_messages(batch, sparse=True)[:4] + (0,)  # no top-k
    if reach == "all":  # then the pairs that are not neighbours matter
        with torch.no_grad():
            assert not torch.equal(dense, model.step(x, h, broken))


def test_a_model_saves_and_loads_as_a_checkpoint(tmp_path):
    model = GNNProcessor(GNNConfig(8, "all"))
    save_checkpoint(model, tmp_path / "gnn", {"task": "test"})
    loaded = load_model(tmp_path / "gnn.pt")
    assert loaded.config == model.config
    assert torch.equal(loaded.encode.weight, model.encode.weight)


@pytest.mark.parametrize("reach", ["neighbours", "all"])
def test_padding_does_not_change_a_graphs_outputs(reach):
    torch.manual_seed(1)
    model = GNNProcessor(GNNConfig(16, reach)).eval()
    small = path_graph()
    large = small_graphs(np.random.default_rng(0), "prim", 30)
    large = max(large, key=lambda g: g.n)
    assert large.n > small.n
    with torch.no_grad():
        alone, _ = model(make_batch([small], "prim", hints=False))
        padded, _ = model(make_batch([large, small], "prim", hints=False))
    assert torch.allclose(alone[0], padded[1, :3, :3], atol=1e-5)
    assert torch.isinf(padded[1, :3, 3:]).all()  # no pointer into the padding


def test_a_few_training_steps_lower_the_loss():
    torch.manual_seed(0)
    graphs = small_graphs(np.random.default_rng(0), "dijkstra", 16)
    batch = make_batch(graphs, "dijkstra")
    model = GNNProcessor(GNNConfig(hidden=16))
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    losses = []
    for _ in range(25):
        loss = hint_loss(model(batch, hints=True)[1], batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.8 * losses[0]


def test_the_same_seed_trains_the_same_weights():
    settings = TrainSettings(steps=6, batch_size=4, check_every=3, validation_graphs=8)
    config = GNNConfig(hidden=8)
    first, info = train_gnn("prim", 3, config, settings)
    second, _ = train_gnn("prim", 3, config, settings)
    other, _ = train_gnn("prim", 4, config, settings)
    assert info["steps"] == 6 and info["kept_step"] in (3, 6)
    same = [torch.equal(a, b) for a, b in zip(first.parameters(), second.parameters())]
    assert all(same)
    assert not torch.equal(first.encode.weight, other.encode.weight)


def test_the_scores_tell_right_from_wrong():
    graph = path_graph()
    right = reference_dijkstra(graph)[1]
    assert implied_distances(graph, right) == [0, 1, 3]
    assert score("dijkstra", [graph], [right])["exact_match"] == 1.0
    wrong = [-1, 0, 0]  # 2 through the direct edge: distance 5, not 3
    assert implied_distances(graph, wrong) == [0, 1, 5]
    row = score("dijkstra", [graph], [wrong])
    assert row["exact_match"] == 0.0 and row[
        "per_element_predecessor"
    ] == pytest.approx(2 / 3, abs=1e-6)
    assert implied_distances(graph, [-1, 2, 1]) == [0, None, None]  # a cycle
    assert score("prim", [graph], [reference_prim(graph)])["exact_match"] == 1.0
    assert score("prim", [graph], [[-1, 0, 0]])["exact_match"] == 0.0


def test_the_record_exists_and_names_its_command():
    path = ROOT / "data" / "results" / "gnn.json"
    if not path.is_file():
        pytest.fail(
            "data/results/gnn.json is missing: run python -m nee_lite.graphs.gnn"
        )
    record = json.loads(path.read_text())
    assert record["command"].startswith("python -m nee_lite.graphs.gnn --seeds 0,1,2")
    assert record["complete"] is True
    for algorithm in ("dijkstra", "prim"):
        runs = record["algorithms"][algorithm]["seeds"]
        assert sorted(runs) == ["0", "1", "2"]
        for run in runs.values():
            assert run["cpu_seconds"] <= 300 and not run["stopped_by_budget"]
            sizes = [row["size"] for row in run["test"]["stored"]["rows"]]
            assert sizes == [25, 50, 100, 200]
            assert run["clrs64"]["real_truth"]["per_node"]["of"] > 0
    chosen = [row for row in record["search"]["rows"] if row["chosen"]]
    assert [row["candidate"] for row in chosen][:1] == [record["candidate"]]
