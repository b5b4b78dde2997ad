"""Graphs drawn as the CLRS-30 benchmark draws them, and 1,000-graph test sets.

**CLRS-30's test graphs for ``dijkstra`` and ``mst_prim``** (google-deepmind/clrs
``bfd042f0``, ``clrs/_src/samplers.py``): both names map to ``BellmanFordSampler``,
whose ``_sample_data(length, p=(0.5,), low=0., high=1.)`` calls
``Sampler._random_er_graph(length, p=rng.choice(p), directed=False, weighted=True)``,
then draws the source with ``rng.choice(length)`` (uniform). The graph is a matrix of
Bernoulli(p) entries times its transpose: an undirected pair is an edge with
probability ``p**2 = 0.25`` (the diagonal's self-loops are never used; dropped here);
a weight is ``sqrt(u * u' + 1e-3)``, ``u, u' ~ U(0, 1)``, in ``[0.032, 1.0005]``. No
step makes it connected. The test split (``CLRS30['test']``, built by
``clrs/_src/dataset.py``; multiplier 1 in ``clrs/_src/specs.py``) is 32 graphs of 64
nodes from ``RandomState(3)``, the same for both algorithms. :func:`clrs_sample` makes
the same numpy calls in the same order (written from that description; CLRS needs JAX),
so with ``seed=3`` its first 32 graphs are CLRS-30's; :func:`clrs_graph` rebuilds graph
``i`` of a stream from its spec.

**Integer weights** (:data:`SCALES`): ``floor(128 * w)`` for the 8-bit engines (4 to
128; rounding down never lengthens a path, and every sum the adder was asked for on the
graphs recorded stayed within 255), but about 500 edges then share about 125 values:
ties CLRS never has, which change a few per cent of the true predecessors.
``floor(2**15 * w)`` for the 16-bit composition of :mod:`nee_lite.graphs.wide` keeps
nearly all of them. Both are recorded, scored against the real-weight answers (what
CLRS scores) and the integer ones (the engines' tie rules).

``python -m nee_lite.graphs.clrs_graphs --out-dir data/results`` writes
``clrs_graphs.json`` and ``graphs_1000.json`` (1,000 of the book's graphs per size).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import time
from pathlib import Path

import networkx as nx
import numpy as np
import torch

from ..core.bounds import error_bound_95
from ..core.checkpoints import checkpoint_path, load_model
from .classical import reference_dijkstra, reference_prim, score_dijkstra, score_prim
from .composition import run_algorithm
from .data import (
    ALGORITHMS,
    FAMILIES,
    WeightedGraph,
    graph_specs,
    make_graph,
    shortest_distances,
    tentative_overflow,
)
from .wide import WIDE_MAX_VALUE, WideAdder, WideFinder

__all__ = [
    "CLRS_TEST",
    "SCALES",
    "clrs_sample",
    "integer_weights",
    "clrs_graphs",
    "clrs_graph",
    "real_pointers",
    "pointer_score",
    "score_rows",
    "clrs_record",
    "graphs_1000_record",
]

CLRS_SOURCE = (
    "google-deepmind/clrs@bfd042f049b32194c2c4b287f88c73da69996e39, "
    "clrs/_src/samplers.py: SAMPLERS['dijkstra'] = SAMPLERS['mst_prim'] = "
    "BellmanFordSampler; BellmanFordSampler._sample_data; Sampler._random_er_graph; "
    "CLRS30['test']"
)
#: CLRS30['test'] in clrs/_src/samplers.py: 32 graphs of 64 nodes, RandomState(3)
CLRS_TEST = {"length": 64, "num_samples": 32, "seed": 3}
EDGE_P = (0.5,)  # BellmanFordSampler._sample_data's default p
#: w -> floor(scale * w), per engine width in bits
SCALES = {8: 128, 16: 2**15}
ENGINES = {
    8: "8-bit: the shipped selection-sort find-min engine and adder",
    16: "16-bit: WideFinder and WideAdder (nee_lite.graphs.wide) over the same engines",
}
#: the Triplet-GMPNN figures of nee_lite.results.paper.CLRS (this layer may not import
#: it; tests/test_clrs_graphs.py checks they agree)
TRIPLET_GMPNN = {"dijkstra": 0.9605, "prim": 0.8639}
# the book's own graphs: sizes, seed of graph_specs, sizes with per-family rows
BOOK_SIZES, BOOK_SEED, FAMILY_SIZES = (25, 50, 100, 200), 1, (100, 200)


def clrs_sample(n: int = 64, count: int = 1000, seed: int = CLRS_TEST["seed"]):
    """``count`` graphs as ``BellmanFordSampler`` draws them, one ``RandomState(seed)``
    stream: per graph ``(weights, source)``, ``weights`` the real ``(n, n)`` matrix with
    0 where there is no edge (the diagonal cleared: self-loops are never used)."""
    rng = np.random.RandomState(seed)
    graphs = []
    for _ in range(count):
        p = rng.choice(EDGE_P)
        edge = rng.binomial(1, p, size=(n, n))
        uniform = rng.uniform(low=0.0, high=1.0, size=(n, n))
        source = int(rng.choice(n))
        weights = (edge * edge.T) * np.sqrt(uniform * uniform.T + 1e-3)
        np.fill_diagonal(weights, 0.0)
        graphs.append((weights, source))
    return graphs


def integer_weights(real, bits: int = 8) -> np.ndarray:
    """The mapping to the engines' integers: ``floor(SCALES[bits] * w)``."""
    return np.floor(SCALES[bits] * np.asarray(real)).astype(np.int64)


def _weighted_graph(weights: np.ndarray, source: int, spec: dict) -> WeightedGraph:
    rows, cols = np.nonzero(np.triu(weights, 1))
    edges = np.stack([rows, cols], 1).reshape(-1, 2).astype(np.int64)
    integer = integer_weights(weights[rows, cols], spec["bits"])
    return WeightedGraph(len(weights), edges, integer, source, dict(spec))


def clrs_graphs(
    algorithm: str,
    n: int = 64,
    count: int = 1000,
    seed: int = CLRS_TEST["seed"],
    bits: int = 8,
) -> list[WeightedGraph]:
    """``count`` CLRS-style graphs of ``n`` nodes, weights mapped for the ``bits``-bit
    engines (the same graphs for both algorithms, as in CLRS-30). ``spec`` holds what
    :func:`clrs_graph` needs to rebuild a graph; with seed 3 the first 32 are CLRS-30's
    test graphs."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}: choose {ALGORITHMS}")
    spec = {"family": "clrs-30", "n": n, "seed": seed, "bits": bits}
    samples = enumerate(clrs_sample(n, count, seed))
    return [_weighted_graph(w, s, {**spec, "index": i}) for i, (w, s) in samples]


def clrs_graph(spec: dict) -> WeightedGraph:
    """Graph ``spec["index"]`` of the stream ``spec["seed"]`` (the stream is replayed up
    to it: about a millisecond per graph)."""
    weights, source = clrs_sample(spec["n"], spec["index"] + 1, spec["seed"])[-1]
    return _weighted_graph(weights, source, spec)


def _real_answers(weights: np.ndarray, source: int) -> tuple[list, list]:
    """Predecessors (Dijkstra) and parents (Prim, rooted at the source) on the real
    weights, -1 for none; ties have probability zero there."""
    graph = nx.from_numpy_array(weights)
    predecessors, _ = nx.dijkstra_predecessor_and_distance(graph, source)
    pred = [predecessors[v][0] if predecessors.get(v) else -1 for v in graph]
    component = graph.subgraph(nx.node_connected_component(graph, source))
    tree = nx.minimum_spanning_tree(component)
    parent = [-1] * len(weights)
    for u, v in nx.bfs_edges(tree, source):
        parent[v] = u
    return pred, parent


def real_pointers(samples) -> dict:
    """Per algorithm, per graph, the true predecessors (parents) on the real weights:
    what CLRS scores against."""
    answers = [_real_answers(weights, source) for weights, source in samples]
    return {"dijkstra": [a[0] for a in answers], "prim": [a[1] for a in answers]}


def pointer_score(answers, truths) -> dict:
    """CLRS's measure: every node's pointer (the source's and an unreached node's
    included, ``-1`` read as CLRS's ``pi[v] = v``), and graphs with every pointer
    right; counts and 95 % error bounds."""
    hits = [sum(a == t for a, t in zip(*pair)) for pair in zip(answers, truths)]
    exact = sum(h == len(t) for h, t in zip(hits, truths))
    nodes = sum(len(t) for t in truths)
    return {
        "per_node": _bounded(sum(hits), nodes),
        "per_graph": _bounded(exact, len(hits)),
    }


def _largest_sum(graph: WeightedGraph) -> int:
    """The largest ``dist[u] + w(u, v)`` Dijkstra asks the adder for (``dist[u] <=
    dist[v]``, as :func:`~nee_lite.graphs.data.tentative_overflow` counts)."""
    dist = shortest_distances(graph.n, graph.edges, graph.weights, graph.source)
    u, v = np.concatenate([graph.edges, graph.edges[:, ::-1]]).T
    w = np.concatenate([graph.weights, graph.weights])
    asked = np.isfinite(dist[u]) & (dist[u] <= dist[v])
    return int((dist[u] + w)[asked].max()) if asked.any() else 0


def _bounded(right: int, total: int) -> dict:
    errors = total - right
    return {
        "right": right,
        "of": total,
        "accuracy": round(right / total, 6),
        "error_bound_95": round(error_bound_95(errors, total), 6),
    }


def score_rows(algorithm: str, graphs, first, second) -> dict:
    """Counts and 95 % error bounds of the per-node and per-graph scores of
    :func:`~nee_lite.graphs.classical.score_dijkstra` / ``score_prim``."""
    if algorithm == "dijkstra":
        score = score_dijkstra(graphs, first, second)
        nodes = sum(g.n for g in graphs)
        row = {
            "per_node_predecessor": _bounded(
                round(score["per_node_predecessor"] * nodes), nodes
            ),
            "per_node_distance": _bounded(round(score["per_node"] * nodes), nodes),
        }
    else:
        score = score_prim(graphs, first, second)
        nodes = sum(g.n - 1 for g in graphs)
        row = {
            "per_node_parent": _bounded(round(score["per_node"] * nodes), nodes),
            "same_weight": round(score["same_weight"], 6),
            "is_mst": round(score["is_mst"], 6),
        }
    count = len(graphs)
    return {
        "graphs": count,
        **row,
        "per_graph_exact": _bounded(round(score["per_graph"] * count), count),
    }


def _engines(finder, adder, bits: int, algorithm: str):
    if bits == 16:
        finder, adder = WideFinder(finder), WideAdder(adder)
    return finder, adder if algorithm == "dijkstra" else None


def _clrs_rows(finder, adder, samples, real: dict, bits: int, seed: int) -> dict:
    """One mapping: its range and fit, what rounding changed, and the engines'
    scores against both truths."""
    graphs = clrs_graphs("dijkstra", len(samples[0][0]), len(samples), seed, bits)
    integer = {  # the true pointers on the integer graphs, the engines' tie rules
        "dijkstra": [reference_dijkstra(graph)[1] for graph in graphs],
        "prim": [reference_prim(graph) for graph in graphs],
    }
    limit = WIDE_MAX_VALUE if bits == 16 else 255
    weights = np.concatenate([g.weights for g in graphs])
    rows = {
        "rule": f"w -> floor({SCALES[bits]} * w)",
        "engines": ENGINES[bits],
        "integer_range": [int(weights.min()), int(weights.max())],
        "fits_adder": sum(tentative_overflow(g, limit) is None for g in graphs),
        "largest_adder_sum": max(_largest_sum(g) for g in graphs),
        "integer_truth_vs_real_truth": {
            a: pointer_score(integer[a], real[a]) for a in ALGORITHMS
        },
    }
    for algorithm in ALGORITHMS:
        started = time.perf_counter()
        first, second = run_algorithm(
            algorithm, *_engines(finder, adder, bits, algorithm), graphs
        )
        seconds = round(time.perf_counter() - started, 1)
        pointers = second if algorithm == "dijkstra" else first
        rows[algorithm] = {
            "clrs_measure_real_truth": pointer_score(pointers, real[algorithm]),
            "clrs_measure_integer_truth": pointer_score(pointers, integer[algorithm]),
            "book_measures": score_rows(algorithm, graphs, first, second),
            "seconds": seconds,
        }
    return rows


def clrs_record(finder, adder, count: int = 1000, seed: int = CLRS_TEST["seed"]):
    """The shipped engines on ``count`` CLRS-style graphs of 64 nodes per algorithm,
    with both weight mappings (8 and 16 bits)."""
    n = CLRS_TEST["length"]
    samples = clrs_sample(n, count, seed)
    real = real_pointers(samples)
    edges = [int((np.triu(w, 1) > 0).sum()) for w, _ in samples]
    connected = sum(nx.is_connected(nx.from_numpy_array(w)) for w, _ in samples)
    return {
        "sampler": {
            "source": CLRS_SOURCE,
            "nodes": n,
            "edge_p": EDGE_P[0],
            "edge_probability_undirected": EDGE_P[0] ** 2,
            "weights": "sqrt(u * u' + 1e-3), u, u' ~ U(0, 1)",
            "source_node": "uniform over the nodes",
            "directed": False,
            "self_loops": "drawn by CLRS on the diagonal, dropped here (never used)",
            "stream": f"np.random.RandomState({seed}), graphs 0 .. {count - 1}; with "
            "seed 3 graphs 0 .. 31 are CLRS-30's test set",
            "clrs30_test": CLRS_TEST,
            "mean_edges": round(float(np.mean(edges)), 2),
            "connected": connected,
        },
        "clrs_measure": "every node's pointer right (source and unreached nodes "
        "included, -1 read as CLRS's pi[v] = v); per graph: all of them",
        "triplet_gmpnn_per_node": TRIPLET_GMPNN,
        "mappings": {
            str(bits): _clrs_rows(finder, adder, samples, real, bits, seed)
            for bits in SCALES
        },
        "differences": (
            "Same graph distribution and CLRS's per-node pointer measure, but: the NEE "
            "engines learned lists of 1 to 8 numbers and 8-bit addition (no graph "
            "training), Triplet-GMPNN each algorithm with hints on CLRS training "
            "graphs (CLRS30['train']: 16 nodes; Ibarz et al. report changes to it, "
            "not checked here); the NEE reads integer weights, the GNN real "
            "ones: rounding creates ties and changes true answers "
            "(integer_truth_vs_real_truth: a few per cent of nodes at 8 bits, a few "
            "in 64,000 at 16); CLRS-30 tests 32 graphs, this record 1,000; the GNN "
            "figures are the paper's (arXiv:2209.11142), not rerun here."
        ),
    }


def _family_row(algorithm: str, family: str, graphs, first, second) -> dict:
    keep = [i for i, graph in enumerate(graphs) if graph.spec["family"] == family]
    return score_rows(
        algorithm, *([items[i] for i in keep] for items in (graphs, first, second))
    )


def graphs_1000_record(finder, adder, per_size: int = 1000) -> dict:
    """The shipped engines on ``per_size`` of the book's test graphs per size, with
    per-family rows at 100 and 200 nodes."""
    specs = graph_specs(sizes=BOOK_SIZES, per_size=per_size, seed=BOOK_SEED)
    results = {}
    for algorithm in ALGORITHMS:
        results[algorithm] = []
        for n in BOOK_SIZES:
            graphs = [make_graph(s, algorithm) for s in specs if s["n"] == n]
            started = time.perf_counter()
            answers = run_algorithm(
                algorithm, *_engines(finder, adder, 8, algorithm), graphs
            )
            seconds = round(time.perf_counter() - started, 1)
            row = {"nodes": n, **score_rows(algorithm, graphs, *answers)}
            if n in FAMILY_SIZES:
                row["families"] = {
                    f: _family_row(algorithm, f, graphs, *answers) for f in FAMILIES
                }
            results[algorithm].append({**row, "seconds": seconds})
    return {
        "graphs": f"nee_lite.graphs.data.graph_specs(sizes={BOOK_SIZES}, "
        f"per_size={per_size}, seed={BOOK_SEED}) rebuilt by make_graph (not stored)",
        "engines": ENGINES[8],
        "results": results,
    }


def _write(path: Path, record: dict, command: str, load: float) -> None:
    checkpoints = {}
    for name in ("selection-sort", "add"):
        weights = checkpoint_path(name).with_suffix(".pt")
        digest = hashlib.sha256(weights.read_bytes()).hexdigest()
        checkpoints[name] = {"path": f"data/checkpoints/{name}.pt", "sha256": digest}
    info = dict(command=command, checkpoints=checkpoints, device="cpu", threads=1)
    info.update(cpus=os.cpu_count(), load_average_at_start=round(load, 2))
    info["seconds"] = "wall-clock of the engines alone (run_algorithm)"
    info["error_bound_95"] = (
        "one-sided Clopper-Pearson bound on the error rate (nee_lite.core.bounds); "
        "per node it treats a graph's nodes as independent, which they are not: "
        "the per-graph bound is the one to quote"
    )
    text = json.dumps({**info, "torch": torch.__version__, **record}, indent=1)
    path.write_text(text + "\n")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", default="data/results")
    parser.add_argument("--count", type=int, default=1000, help="graphs per row")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    load = os.getloadavg()[0]
    engines = [load_model(checkpoint_path(n)) for n in ("selection-sort", "add")]
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    command = "python -m nee_lite.graphs.clrs_graphs --out-dir data/results"
    command += f" --count {args.count}" if args.count != 1000 else ""
    for name, make in (
        ("clrs_graphs", clrs_record),
        ("graphs_1000", graphs_1000_record),
    ):
        _write(out / f"{name}.json", make(*engines, args.count), command, load)
        print(f"wrote {out / name}.json", flush=True)


if __name__ == "__main__":
    main()
