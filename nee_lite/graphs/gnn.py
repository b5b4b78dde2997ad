"""Chapter "A graph network": the other road, a CLRS-style graph neural network trained
on the same 8-node traces as the NEE and tested on the same graphs.

The NEE composes learned subroutines inside a classical loop; a graph network of the
CLRS benchmark (Velickovic et al. 2022; Ibarz et al. 2022) learns the whole algorithm:

* **encode**: node inputs (source flag; position ``i / n``, for the book's tie rule,
  lowest-numbered node first) become ``x_i``; edge inputs ``e_ij`` (weight / 255, edge
  flag, self flag) enter the messages linearly;
* **process**: one round of message passing per algorithm step. Node ``i`` reads every
  neighbour ``j`` and itself (``reach="neighbours"``, CLRS's PGN) or every node of its
  graph (``reach="all"``, CLRS's MPNN; the edge flag says which are neighbours):
  ``m_ij = relu(W [z_i, z_j, e_ij])``, keeps the largest value of each feature,
  ``a_i = max_j m_ij``, and updates its state,
  ``h_i = LayerNorm(MLP([z_i, a_i]))`` with ``z_i = [x_i, h_i]``;
* **decode**: after every step, the algorithm's state (the *hints*: which node was
  selected, which are visited, which are reached, their distances or keys, each node's
  current predecessor) and, after the last step, the output: each node's predecessor as
  a pointer, a softmax over its neighbours and itself (itself = none).

Every hint is supervised at every step, but the network never sees them (no teacher
forcing). A graph of ``n`` nodes gets ``n`` processor steps. ``python -m
nee_lite.graphs.gnn --seeds 0,1,2`` trains one model per algorithm and seed and scores
it with the book's scorers (:mod:`~nee_lite.graphs.classical`).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass
from itertools import compress, product
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..core.bounds import error_bound_95
from ..core.checkpoints import Model, save_checkpoint
from .classical import _greedy, score_dijkstra, score_prim
from .clrs_graphs import clrs_graphs, clrs_sample, pointer_score, real_pointers
from .data import MAX_VALUE, WeightedGraph, graph_specs, graph_test_set, make_graph
from .graph_min import GraphMinData, random_small_graph

__all__ = [
    "GNNConfig",
    "GNNProcessor",
    "hint_trace",
    "small_graphs",
    "make_batch",
    "hint_loss",
    "train_gnn",
    "predict_parents",
    "exact_parents",
    "score",
    "evaluate",
]

RELAX = {
    "dijkstra": lambda d, row: d + row,  # a distance through u
    "prim": lambda key, row: row.astype(float),  # the edge to u
}


# --------------------------------------------------------------------------------------
# hints: the classical algorithm's state after every step
def hint_trace(graph: WeightedGraph, algorithm: str) -> dict:
    """The state of :func:`~nee_lite.graphs.classical._greedy` (the book's tie rules)
    after each of ``graph.n`` steps, one row per step: ``selected`` (the node selected
    at that step, -1 once nothing is left), ``visited``, ``entry`` (distance or key, inf
    if unreached) and ``parent`` (-1 for none)."""
    trace: list = []
    _greedy(graph, RELAX[algorithm], trace)
    states = [(entry, seen) for entry, seen in trace if seen is not None]
    parent = np.full(graph.n, -1)
    rows = {"selected": [], "visited": [], "entry": [], "parent": []}
    for t in range(graph.n):
        if t + 1 < len(states):  # a node is selected at step t
            (before, seen), (after, now) = states[t], states[t + 1]
            node = int(np.flatnonzero(now & ~seen)[0])
            parent = np.where(after < before, node, parent)  # strictly better only
        else:  # nothing left: the state stays
            node, (after, now) = -1, states[-1]
        for key, value in zip(rows, (node, now, after, parent)):
            rows[key].append(value)
    return {key: np.array(value) for key, value in rows.items()}


def small_graphs(rng: np.random.Generator, algorithm: str, count: int) -> list:
    """``count`` training graphs of the NEE's graph engine
    (:func:`~nee_lite.graphs.graph_min.random_small_graph`: Erdos-Renyi, 2 to 8 nodes,
    random or hard weights), keeping those drawn for ``algorithm``."""
    graphs = []
    while len(graphs) < count:
        graph, drawn = random_small_graph(rng, GraphMinData())
        if drawn == algorithm:
            graphs.append(graph)
    return graphs


# --------------------------------------------------------------------------------------
# batches: graphs of different sizes padded to the largest
@dataclass
class Batch:
    """``B`` graphs padded to ``N`` nodes. Inputs: ``n`` (B,), ``valid`` (B, N),
    ``nodes`` (B, N, 2: source flag, position), ``edges`` (B, N, N, 3: weight / 255,
    edge flag, self flag), ``near`` (B, N, N: the neighbours and the node itself).
    Hints (``None`` at test), one row per step: ``selected`` (N, B; -1 none),
    ``visited``, ``reached``, ``entry`` (N, B, N, floats) and ``pointer`` (N, B, N: the
    predecessor, the node itself for none)."""

    n: torch.Tensor
    valid: torch.Tensor
    nodes: torch.Tensor
    edges: torch.Tensor
    near: torch.Tensor
    hints: dict | None = None


def make_batch(graphs: list, algorithm: str, hints: bool = True) -> Batch:
    """The inputs (and hints) of ``graphs`` as one padded batch."""
    count, size = len(graphs), max(graph.n for graph in graphs)
    n = torch.tensor([graph.n for graph in graphs])
    index = torch.arange(size)
    valid = index[None] < n[:, None]
    nodes, edges = torch.zeros(count, size, 2), torch.zeros(count, size, size, 3)
    for b, graph in enumerate(graphs):
        weights = torch.from_numpy(graph.matrix()).float()
        nodes[b, graph.source, 0] = 1
        nodes[b, : graph.n, 1] = index[: graph.n] / graph.n
        edges[b, : graph.n, : graph.n, 0] = weights.clamp(min=0) / MAX_VALUE
        edges[b, : graph.n, : graph.n, 1] = (weights >= 0).float()
        edges[b, : graph.n, : graph.n, 2] = torch.eye(graph.n)
    near = (edges[..., 1] + edges[..., 2]) > 0
    batch = Batch(n, valid, nodes, edges, near)
    if hints:
        rows = {
            k: torch.zeros(size, count, size) for k in ("visited", "reached", "entry")
        }
        rows["selected"] = torch.full((size, count), -1)
        rows["pointer"] = index[None, None].repeat(size, count, 1)
        for b, graph in enumerate(graphs):
            trace, k = hint_trace(graph, algorithm), graph.n
            finite = np.isfinite(trace["entry"])
            entry = np.where(finite, trace["entry"], 0) / MAX_VALUE
            pointer = np.where(trace["parent"] >= 0, trace["parent"], np.arange(k))
            rows["selected"][:k, b] = torch.from_numpy(trace["selected"])
            rows["visited"][:k, b, :k] = torch.from_numpy(trace["visited"]).float()
            rows["reached"][:k, b, :k] = torch.from_numpy(finite).float()
            rows["entry"][:k, b, :k] = torch.from_numpy(entry).float()
            rows["pointer"][:k, b, :k] = torch.from_numpy(pointer)
        batch.hints = rows
    return batch


# --------------------------------------------------------------------------------------
# the network: encode, process, decode
@dataclass
class GNNConfig:
    hidden: int = 32
    reach: str = "neighbours"  # whom a node's messages come from: or "all"


class GNNProcessor(Model):
    """Encode-process-decode with a max-aggregation message-passing processor."""

    config_class = GNNConfig

    def __init__(self, config: GNNConfig = GNNConfig()):
        super().__init__(config)
        width = config.hidden
        self.encode = nn.Linear(2, width)  # x_i from (source flag, position)
        # m_ij = relu(W [z_i, z_j, e_ij]), W split by part: z = [x, h] has 2 * width
        self.message_i = nn.Linear(2 * width, width)
        self.message_j = nn.Linear(2 * width, width, bias=False)
        self.message_e = nn.Linear(3, width, bias=False)
        self.update = nn.Sequential(
            nn.Linear(3 * width, width), nn.ReLU(), nn.Linear(width, width)
        )
        self.norm = nn.LayerNorm(width)
        self.select = nn.Linear(width, 1)  # which node is selected now
        self.node_hints = nn.Linear(width, 3)  # visited, reached, distance or key
        self.pointer_i = nn.Linear(width, width)
        self.pointer_j = nn.Linear(width, width, bias=False)
        self.pointer_e = nn.Linear(3, width, bias=False)
        self.pointer_out = nn.Linear(width, 1)
        self.reads_all = config.reach == "all"

    def edge_messages(self, batch: Batch, sparse: bool = False):
        """``W_e e_ij`` (B, N, N, H), the same at every step; -inf where ``j`` sends
        ``i`` nothing, so that ``relu`` turns that message into 0. With ``sparse``, a
        list over the pairs near each other (any other pair's ``e_ij`` is 0)."""
        if sparse:
            b, i, j = batch.near.nonzero(as_tuple=True)
            size = batch.valid.shape[1]
            c = self.message_e(batch.edges[b, i, j])
            width = int(batch.near.sum(2).max()) + 1 if self.reads_all else 0
            return b * size + i, b * size + j, c, batch, min(width, size)
        everyone = batch.valid[:, :, None] & batch.valid[:, None, :]
        sends = everyone if self.reads_all else batch.near
        return self.message_e(batch.edges).masked_fill(~sends[..., None], -torch.inf)

    def step(self, x, h, edge_messages):
        """One round of message passing: ``h`` (B, N, H) -> the next ``h``.

        ``m_ij = relu(a_i + b_j + c_ij)`` with ``a = W_i z``, ``b = W_j z``, ``c = W_e
        e``. Adding ``a_i`` and ``relu`` both commute with the max over ``j``, so
        ``max_j m_ij = relu(a_i + max_j (b_j + c_ij))``: the same numbers, cheaper."""
        z = torch.cat([x, h], -1)
        if isinstance(edge_messages, tuple):
            top = self.sparse_max(self.message_j(z), *edge_messages)
        else:
            top = (self.message_j(z)[:, None] + edge_messages).amax(2)  # (B, i, H)
        aggregated = F.relu(self.message_i(z) + top)
        return self.norm(self.update(torch.cat([z, aggregated], -1)))

    @staticmethod
    def sparse_max(senders, target, source, c, batch: Batch, width: int):
        """The dense ``max_j (b_j + c_ij)`` from the near pairs and, with ``width``, the
        largest of the top-``width`` ``b_j`` per feature that is not near ``i``."""
        count, size, hidden = senders.shape
        flat = senders.reshape(-1, hidden)
        top = torch.full_like(flat, -torch.inf).scatter_reduce(
            0, target[:, None].expand(-1, hidden), flat[source] + c, "amax"
        )
        top = top.reshape(count, size, hidden)
        if width:
            valid = batch.valid[..., None]
            best, where = senders.masked_fill(~valid, -torch.inf).topk(width, dim=1)
            index = where.reshape(count, 1, -1).expand(-1, size, -1)
            near = batch.near.gather(2, index).reshape(count, size, width, hidden)
            far = best[:, None].masked_fill(near, -torch.inf).amax(2)
            top = torch.maximum(top, far.masked_fill(~valid, -torch.inf))
        return top

    def pointer(self, h, batch: Batch):
        """Logits (B, N, N) of each node's predecessor, over its neighbours and
        itself, from ``[h_i, h_j, e_ij]``."""
        pair = self.pointer_i(h)[:, :, None] + self.pointer_j(h)[:, None]
        scores = self.pointer_out(F.relu(pair + self.pointer_e(batch.edges)))
        return scores.squeeze(-1).masked_fill(~batch.near, -torch.inf)

    def decode_hints(self, h, batch: Batch) -> dict:
        """The state the network claims after a step."""
        visited, reached, entry = self.node_hints(h).unbind(-1)
        select = self.select(h).squeeze(-1).masked_fill(~batch.valid, -torch.inf)
        hints = dict(selected=select, visited=visited, reached=reached, entry=entry)
        return {**hints, "pointer": self.pointer(h, batch)}

    def forward(self, batch: Batch, hints: bool = False):
        """Run ``n`` steps per graph (the batch runs its largest ``n``); return the
        predecessor logits after each graph's last step and, if ``hints``, each step's
        decoded hints."""
        x = self.encode(batch.nodes)
        edge_messages = self.edge_messages(batch, sparse=not torch.is_grad_enabled())
        h = torch.zeros_like(x)
        last, decoded = torch.zeros_like(x), []
        for t in range(batch.valid.shape[1]):
            h = self.step(x, h, edge_messages)
            last = torch.where((batch.n == t + 1)[:, None, None], h, last)
            if hints:
                decoded.append(self.decode_hints(h, batch))
        return self.pointer(last, batch), decoded


BCE, CE = F.binary_cross_entropy_with_logits, F.cross_entropy


def hint_loss(decoded: list, batch: Batch, entry_weight: float = 1.0) -> torch.Tensor:
    """Every hint at every step: cross-entropy for the selected node and the pointers,
    binary cross-entropy for visited and reached, squared error for distances or keys
    (reached nodes only; times ``entry_weight``, as they are / 255). The last step's
    pointers are the output."""
    total = 0.0
    for t, out in enumerate(decoded):
        hints = {key: value[t] for key, value in batch.hints.items()}
        nodes = batch.valid & (batch.n > t)[:, None]
        chosen = hints["selected"] >= 0  # once nothing is left, nothing is selected
        if chosen.any():
            total = total + CE(out["selected"][chosen], hints["selected"][chosen])
        for key in ("visited", "reached"):  # logits against 0 / 1
            total = total + BCE(out[key][nodes], hints[key][nodes])
        reached = nodes & (hints["reached"] > 0)
        error = F.mse_loss(out["entry"][reached], hints["entry"][reached])
        total = total + entry_weight * error
        total = total + CE(out["pointer"][nodes], hints["pointer"][nodes])
    return total / len(decoded)


# --------------------------------------------------------------------------------------
# training and prediction
@dataclass
class TrainSettings:
    steps: int = 1500
    batch_size: int = 32
    learning_rate: float = 1e-3
    decay: bool = False  # cosine decay of the learning rate to 0 over ``steps``
    clip_norm: float = 0.0  # clip the gradient's norm to this (0: no clipping)
    entry_weight: float = 1.0  # the distance or key hint's weight in the loss
    check_every: int = 100  # validate and keep the best weights this often
    validation_graphs: int = 400
    cpu_budget_s: float = 300.0  # a guard: a run over it stops (and says so)


@torch.no_grad()
def predict_parents(model: GNNProcessor, graphs: list, cells: int = 2**18) -> list:
    """Each graph's predicted predecessors (-1 where the pointer names the node
    itself), graphs of one size batched by ``cells`` = batch * n * n."""
    model.eval()
    answers: dict[int, list] = {}
    for n in sorted({graph.n for graph in graphs}):
        indices = [i for i, graph in enumerate(graphs) if graph.n == n]
        chunk = max(1, cells // (n * n))
        for start in range(0, len(indices), chunk):
            part = indices[start : start + chunk]
            logits, _ = model(make_batch([graphs[i] for i in part], "", hints=False))
            pointer = logits.argmax(-1)
            for row, i in enumerate(part):
                found = pointer[row, :n].numpy()
                answers[i] = np.where(found == np.arange(n), -1, found).tolist()
    return [answers[i] for i in range(len(graphs))]


def exact_parents(graphs: list, parents: list, algorithm: str) -> tuple:
    """The share of nodes whose predecessor (parent) is the reference's, and the share
    of graphs whose every one is."""
    truth = [hint_trace(graph, algorithm)["parent"][-1].tolist() for graph in graphs]
    pairs = [(a, b) for p, q in zip(parents, truth) for a, b in zip(p, q)]
    exact = float(np.mean([p == q for p, q in zip(parents, truth)]))
    return float(np.mean([a == b for a, b in pairs])), exact


def train_gnn(algorithm: str, seed: int, config=GNNConfig(), settings=TrainSettings()):
    """Adam on fresh batches of 2- to 8-node graphs; the weights kept are the best on
    validation graphs of the same kind from another seed (every graph's predecessors
    all right). Returns the model and what happened."""
    torch.manual_seed(seed)
    model = GNNProcessor(config)
    optimizer = torch.optim.Adam(model.parameters(), lr=settings.learning_rate)
    rate = float(settings.decay) / settings.steps  # 0: a constant learning rate
    cosine = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda k: 0.5 + 0.5 * np.cos(np.pi * k * rate)
    )
    rng = np.random.default_rng([seed, 0])
    valid_rng = np.random.default_rng([seed, 1])  # another seed
    valid_graphs = small_graphs(valid_rng, algorithm, settings.validation_graphs)
    best, kept, best_node, best_state, losses = -1.0, 0, 0.0, None, []
    started, stopped = time.process_time(), False
    for step in range(1, settings.steps + 1):
        model.train()
        batch = make_batch(small_graphs(rng, algorithm, settings.batch_size), algorithm)
        loss = hint_loss(model(batch, hints=True)[1], batch, settings.entry_weight)
        optimizer.zero_grad()
        loss.backward()
        if settings.clip_norm:
            nn.utils.clip_grad_norm_(model.parameters(), settings.clip_norm)
        optimizer.step()
        cosine.step()
        losses.append(loss.item())
        stopped = time.process_time() - started > settings.cpu_budget_s
        if step % settings.check_every == 0 or step == settings.steps or stopped:
            found = predict_parents(model, valid_graphs)
            per_node, exact = exact_parents(valid_graphs, found, algorithm)
            if exact > best:
                best, kept, best_node = exact, step, per_node
                best_state = {k: v.clone() for k, v in model.state_dict().items()}
        if stopped:
            break
    model.load_state_dict(best_state)
    return model, {
        "cpu_seconds": round(time.process_time() - started, 1),
        "steps": step,
        "stopped_by_budget": stopped,
        "kept_step": kept,
        "validation_exact": round(best, 4),
        "validation_per_node": round(best_node, 4),
        "loss_first_last_100": [
            round(np.mean(x), 4) for x in (losses[:100], losses[-100:])
        ],
    }


# --------------------------------------------------------------------------------------
# scores: the book's
def implied_distances(graph: WeightedGraph, parent: list) -> list:
    """The distance each node's predicted path implies: the sum of the weights along
    its parent chain to the source; None if the chain does not reach it."""
    weights, distances = graph.matrix(), []
    for v in range(graph.n):
        total, node, hops = 0, v, 0
        while node != graph.source and parent[node] >= 0 and hops <= graph.n:
            total += weights[node, parent[node]]
            node, hops = parent[node], hops + 1
        distances.append(int(total) if node == graph.source else None)
    return distances


def score(algorithm: str, graphs: list, parents: list) -> dict:
    """One row: per node and per graph, with the 95 % upper bound on the per-graph error
    rate (:func:`nee_lite.core.bounds.error_bound_95`)."""
    if algorithm == "dijkstra":
        distances = [implied_distances(g, p) for g, p in zip(graphs, parents)]
        raw = score_dijkstra(graphs, distances, parents)
        row = {
            "per_element": raw["per_node"],
            "per_element_predecessor": raw["per_node_predecessor"],
        }
    else:
        trees = []
        for graph, parent in zip(graphs, parents):
            weights = graph.matrix()
            edges = [[v, p, int(weights[v, p])] for v, p in enumerate(parent) if p >= 0]
            trees.append({"edges": edges, "weight": sum(w for *_, w in edges)})
        raw = score_prim(graphs, parents, trees)
        row = {"per_element": raw["per_node"]}
    errors = round((1 - raw["per_graph"]) * len(graphs))
    return {
        "graphs": len(graphs),
        **{key: round(value, 6) for key, value in row.items()},
        "exact_match": round(raw["per_graph"], 6),
        "error_bound_95": round(error_bound_95(errors, len(graphs)), 6),
    }


def evaluate(model, algorithm: str, graph_sets: dict, family_size: int = 100) -> dict:
    """Rows per size for each set (name -> size -> graphs), per family at 100 nodes."""
    result = {}
    for name, by_size in graph_sets.items():
        rows, families = [], {}
        for size, graphs in by_size.items():
            parents = predict_parents(model, graphs)
            rows.append({"size": size, **score(algorithm, graphs, parents)})
            if size == family_size:
                for family in dict.fromkeys(g.spec["family"] for g in graphs):
                    keep = [g.spec["family"] == family for g in graphs]
                    both = [list(compress(x, keep)) for x in (graphs, parents)]
                    families[family] = score(algorithm, *both)
        result[name] = {"rows": rows, f"families_at_{family_size}": families}
    return result


#: the graph the cost per step is measured on: 100 nodes, Erdos-Renyi
SPEC_100 = {"n": 100, "family": "erdos-renyi", "weights": "random", "seed": 100}


def seconds_per_step(model: GNNProcessor, graph: WeightedGraph, steps: int = 20):
    """Wall seconds of one processor step on one graph (the mean of ``steps``)."""
    batch = make_batch([graph], "", hints=False)
    with torch.no_grad():
        x, edge_messages = model.encode(batch.nodes), model.edge_messages(batch, True)
        h, started = torch.zeros_like(x), time.perf_counter()
        for _ in range(steps):
            h = model.step(x, h, edge_messages)
    return (time.perf_counter() - started) / steps


# --------------------------------------------------------------------------------------
# the search: candidates compared on validation graphs only, at one CPU budget each
TUNED = dict(learning_rate=2e-3, decay=True, clip_norm=1.0)
CANDIDATES = {
    "h32-neighbours-constant": (GNNConfig(32), dict(learning_rate=1e-3)),
    "h64-neighbours-cosine-clip": (GNNConfig(64), TUNED),
    "h64-all-cosine-clip": (GNNConfig(64, "all"), TUNED),
    "h128-all-cosine-clip": (GNNConfig(128, "all"), TUNED | dict(learning_rate=1e-3)),
    "h64-neighbours-cosine-clip-entry100": (
        GNNConfig(64),
        TUNED | dict(entry_weight=100),
    ),
}


def search(algorithm: str, names, cpu_s: float, seed: int = 0) -> list:
    """Train each candidate once for ``cpu_s`` CPU seconds (its steps sized to fill 90 %
    of it from 10 probe steps); the rows to choose by."""
    rows = []
    for name in names:
        config, options = CANDIDATES[name]
        probe = TrainSettings(steps=10, check_every=10, **options)
        _, info = train_gnn(algorithm, 99, config, probe)
        steps = max(int(0.9 * cpu_s / (info["cpu_seconds"] / 10) / 100) * 100, 100)
        settings = TrainSettings(steps=steps, cpu_budget_s=cpu_s, **options)
        _, info = train_gnn(algorithm, seed, config, settings)
        rows.append({"candidate": name, "algorithm": algorithm, "seed": seed, **info})
        rows[-1] |= {"model": asdict(config), "train": asdict(settings)}
    return rows


# --------------------------------------------------------------------------------------
# the record
def scoring_sets(algorithm: str, counts: dict) -> dict:
    """The stored test graphs (100 per size) and, per size, the first ``counts[size]``
    graphs of :func:`~nee_lite.graphs.data.graph_specs` (1,000 per size, seed 1: the
    NEE record's; the families cycle, so a prefix holds every family)."""
    generated: dict[int, list] = {}
    for spec in graph_specs(tuple(counts), per_size=1000, seed=1):
        if len(generated.setdefault(spec["n"], [])) < counts[spec["n"]]:
            generated[spec["n"]].append(make_graph(spec, algorithm))
    stored = graph_test_set(algorithm, sizes=tuple(counts))
    return {"stored": stored, "generated": generated}


def clrs64(model, algorithm: str, count: int) -> dict:
    """CLRS-style 64-node graphs (:func:`~nee_lite.graphs.clrs_graphs.clrs_graphs`,
    seed 3, 8-bit weights): CLRS's per-node pointer score against the integer truth
    and the real-weight truth, and the book's row."""
    graphs = clrs_graphs(algorithm, n=64, count=count, seed=3, bits=8)
    parents = predict_parents(model, graphs)
    integer = [hint_trace(graph, algorithm)["parent"][-1].tolist() for graph in graphs]
    real = real_pointers(clrs_sample(64, count, 3))[algorithm]
    return {
        "graphs": count,
        "integer_truth": pointer_score(parents, integer),
        "real_truth": pointer_score(parents, real),
        "book_score": score(algorithm, graphs, parents),
    }


PER = ("per_node", "per_graph")


def summary(runs: dict) -> dict:
    """Mean and minimum over seeds, per set and size (and on the CLRS-64 graphs)."""
    out = {}
    for name in next(iter(runs.values()))["test"]:
        by_size = zip(*(run["test"][name]["rows"] for run in runs.values()))
        out[name] = [
            {"size": rows[0]["size"], "graphs": rows[0]["graphs"]}
            | {
                f"{key}_{how}": round(float(f([row[key] for row in rows])), 6)
                for key in ("per_element", "per_element_predecessor", "exact_match")
                if key in rows[0]
                for how, f in (("mean", np.mean), ("min", np.min))
            }
            for rows in by_size
        ]
    if all("clrs64" in run for run in runs.values()):
        out["clrs64"] = {}
        for truth, measure in product(("integer_truth", "real_truth"), PER):
            values = [
                run["clrs64"][truth][measure]["accuracy"] for run in runs.values()
            ]
            for how, f in (("mean", np.mean), ("min", np.min)):
                out["clrs64"][f"{truth}_{measure}_{how}"] = round(float(f(values)), 6)
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--algorithms", default="dijkstra,prim")
    parser.add_argument("--counts", default="25:1000,50:1000,100:1000,200:1000")
    parser.add_argument("--clrs-count", type=int, default=1000)
    parser.add_argument("--candidate", default="h64-neighbours-cosine-clip")
    parser.add_argument("--steps", type=int, default=TrainSettings.steps)
    parser.add_argument("--checkpoints", help="folder for the seed-0 checkpoints")
    parser.add_argument("--out", default="data/results/gnn.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    seeds = [int(s) for s in args.seeds.split(",")]
    counts = {int(k): int(v) for k, v in (p.split(":") for p in args.counts.split(","))}
    config, options = CANDIDATES[args.candidate]
    settings = TrainSettings(steps=args.steps, **options)
    out = Path(args.out)
    old = json.loads(out.read_text()) if out.is_file() else {}
    record = {
        "description": "A CLRS-style GNN (encode-process-decode, max-aggregation "
        "MPNN, hints at every step, no teacher forcing) trained on the NEE's 2- to "
        "8-node training graphs, one model per algorithm, tested with the book's "
        "scorers; a graph of n nodes gets n processor steps",
        "command": "python -m nee_lite.graphs.gnn "
        + " ".join(f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items() if v),
        "candidate": args.candidate,
        "model": asdict(config),
        "train": asdict(settings),
        "seconds_note": "seconds_per_step_100_nodes: wall time of one processor "
        "step on one 100-node graph, one thread, on a shared machine under load",
        "search": old.get("search", {}),
        "algorithms": {},
    }
    algorithms = args.algorithms.split(",")
    for algorithm in algorithms:
        sets, runs = scoring_sets(algorithm, counts), {}
        for seed in seeds:
            model, info = train_gnn(algorithm, seed, config, settings)
            print(algorithm, seed, info, flush=True)
            runs[seed] = {**info, "test": evaluate(model, algorithm, sets)}
            runs[seed]["clrs64"] = clrs64(model, algorithm, args.clrs_count)
            if args.checkpoints and seed == seeds[0]:
                card = {"task": f"gnn-{algorithm}", "seed": seed, **info}
                card |= {"train": asdict(settings), "command": record["command"]}
                path = Path(args.checkpoints) / f"gnn-{algorithm}"
                save_checkpoint(model, path, card)
            record["algorithms"][algorithm] = {
                "seeds": runs,
                "summary": summary(runs),
                "seconds_per_step_100_nodes": round(
                    seconds_per_step(model, make_graph(SPEC_100, algorithm)), 5
                ),
            }
            record["complete"] = (algorithm, seed) == (algorithms[-1], seeds[-1])
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(record, indent=1) + "\n")
        print(json.dumps(record["algorithms"][algorithm]["summary"], indent=1))


if __name__ == "__main__":
    main()
