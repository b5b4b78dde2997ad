"""Chapters "Dijkstra" and "Prim": weighted test graphs and their stored test sets.

Everything here is *classical* code. It builds the graphs the networks are tested on,
computes the answers they are scored against, and checks user input. None of it runs
inside the neural algorithms of :mod:`nee_lite.graphs.composition`; the only classical
computation that touches the command line's input is a range check, used to *refuse* a
graph whose sums would leave the 8-bit range, never to answer.

* Families (:data:`FAMILIES`, all networkx generators): the paper's four (Erdos-Renyi,
  random regular, Newman-Watts-Strogatz, Barabasi-Albert), and grids, random trees,
  ladders, connected caveman graphs, complete graphs and sparse, usually disconnected,
  Erdos-Renyi graphs. Node labels are shuffled.
* Weights: ``random`` or ``hard`` (small differences, many ties). For Dijkstra they are
  scaled so that every shortest distance, and every sum ``dist[u] + w(u, v)`` the adder
  is asked for, stays within 0..255 (:func:`dijkstra_weights`). Prim adds nothing, so
  its weights use the whole range (:func:`prim_weights`).
* Test sets: 100 graphs per size, stored in ``data/test_sets/graphs.json`` as seeds plus
  a checksum of each weighted graph (the graphs themselves would take megabytes);
  :func:`graph_test_set` rebuilds and checks them.
* :func:`tentative_overflow` finds a sum that would leave the 8-bit range;
  :func:`nee_lite.inputs.parse_graphs` uses it to refuse such a graph read from JSON.
  The reference answers and scores are in :mod:`nee_lite.graphs.classical`.

A :class:`WeightedGraph` is a networkx graph reduced to arrays (``edges``, ``weights``):
the evaluation handles a few hundred thousand edges, and arrays make that seconds
instead of minutes. ``to_networkx`` gives the graph back.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import networkx as nx
import numpy as np

from ..core.checkpoints import data_dir
from ..core.training import unknown_choice

__all__ = [
    "MAX_VALUE",
    "MAX_NODES",
    "FAMILIES",
    "WEIGHT_KINDS",
    "ALGORITHMS",
    "TEST_SIZES",
    "GRAPHS_PER_SIZE",
    "WeightedGraph",
    "build_structure",
    "shortest_distances",
    "dijkstra_weights",
    "prim_weights",
    "make_graph",
    "graph_specs",
    "write_graph_test_sets",
    "graph_test_set",
    "tentative_overflow",
]

# the largest number the 8-bit engines read and write; 256 is the end token, infinity
MAX_VALUE = 255
# the command line's limit: the find-min engine was checked on lists about this long
MAX_NODES = 500
ALGORITHMS = ("dijkstra", "prim")
WEIGHT_KINDS = ("random", "hard")
TEST_SIZES = (25, 50, 75, 100, 200)
GRAPHS_PER_SIZE = 100
HARD_SPREAD = 3  # "hard" weights are b + {0, 1, 2}: small differences and many ties


@dataclass
class WeightedGraph:
    """An undirected graph on nodes ``0 .. n-1``: edge pairs ``(m, 2)``, integer weights
    ``(m,)``, a source."""

    n: int
    edges: np.ndarray
    weights: np.ndarray
    source: int = 0
    spec: dict = field(
        default_factory=dict
    )  # family, seed, weight kind of a generated graph

    def matrix(self) -> np.ndarray:
        """Dense ``(n, n)`` weights, ``-1`` where there is no edge: the adjacency rows
        the algorithms gather."""
        matrix = np.full((self.n, self.n), -1, dtype=np.int64)
        if len(self.edges):
            matrix[self.edges[:, 0], self.edges[:, 1]] = matrix[
                self.edges[:, 1], self.edges[:, 0]
            ] = self.weights
        return matrix

    def to_networkx(self) -> nx.Graph:
        graph = nx.empty_graph(self.n)
        graph.add_weighted_edges_from(
            zip(
                self.edges[:, 0].tolist(),
                self.edges[:, 1].tolist(),
                self.weights.tolist(),
            )
        )
        return graph

    def to_json(self) -> dict:
        """The command line's input format."""
        return {
            "n": self.n,
            "edges": [
                [int(u), int(v), int(w)] for (u, v), w in zip(self.edges, self.weights)
            ],
            "source": self.source,
        }

    def checksum(self) -> str:
        """A short fingerprint of size, source and the sorted weighted edges."""
        rows = np.column_stack([np.sort(self.edges, 1), self.weights]).reshape(-1, 3)
        rows = rows[np.lexsort(rows.T[::-1])].astype(np.int64)
        text = f"{self.n};{self.source};".encode() + rows.tobytes()
        return hashlib.sha256(text).hexdigest()[:16]


# --------------------------------------------------------------------------------------
# families
def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(2**31))


def _pad_to(graph: nx.Graph, n: int, rng: np.random.Generator) -> nx.Graph:
    """Attach nodes until there are ``n`` (ladders and caveman graphs only come in sizes
    ``2k`` and ``5k``)."""
    for node in range(graph.number_of_nodes(), n):
        graph.add_edge(node, int(rng.integers(node))) if node else graph.add_node(0)
    return graph


def _grid(n: int, rng: np.random.Generator) -> nx.Graph:
    rows = max(r for r in range(1, int(n**0.5) + 1) if n % r == 0)
    return nx.convert_node_labels_to_integers(nx.grid_2d_graph(rows, n // rows))


def _regular(n: int, rng: np.random.Generator) -> nx.Graph:
    degree = int(rng.integers(3, 7))
    degree -= (degree * n) % 2  # n * d must be even
    return nx.random_regular_graph(min(degree, n - 1), n, seed=_seed(rng))


FAMILIES = {
    "erdos-renyi": lambda n, rng: nx.gnp_random_graph(
        n, float(rng.uniform(0, 1)), seed=_seed(rng)
    ),
    "regular": _regular,
    "newman-watts-strogatz": lambda n, rng: nx.newman_watts_strogatz_graph(
        n, 4, float(rng.uniform(0.1, 0.5)), seed=_seed(rng)
    ),
    "barabasi-albert": lambda n, rng: nx.barabasi_albert_graph(
        n, int(rng.integers(1, 5)), seed=_seed(rng)
    ),
    "grid": _grid,
    "tree": lambda n, rng: nx.random_labeled_tree(n, seed=_seed(rng)),
    "ladder": lambda n, rng: _pad_to(nx.ladder_graph(n // 2), n, rng),
    "caveman": lambda n, rng: _pad_to(
        nx.connected_caveman_graph(n // 5, 5) if n >= 10 else nx.complete_graph(n),
        n,
        rng,
    ),
    "complete": lambda n, rng: nx.complete_graph(n),
    "sparse-disconnected": lambda n, rng: nx.gnp_random_graph(
        n, 1.5 / n, seed=_seed(rng)
    ),
}


def build_structure(family: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """The edges ``(m, 2)`` of a networkx graph of ``family`` on ``n`` nodes, node
    labels randomly permuted."""
    if family not in FAMILIES:
        raise unknown_choice("graph family", family, FAMILIES)
    graph = FAMILIES[family](n, rng)
    edges = np.array(list(graph.edges), dtype=np.int64).reshape(-1, 2)
    return rng.permutation(n)[edges]


# --------------------------------------------------------------------------------------
# weights
def shortest_distances(
    n: int, edges: np.ndarray, weights: np.ndarray, source: int
) -> np.ndarray:
    """Classical Dijkstra on edge arrays: distances from ``source`` (floats, inf if
    unreachable).

    A dense O(n^2) loop in NumPy, several times faster than networkx here, which matters
    because choosing the weights of one graph runs it up to eight times. Tests check it
    against networkx.
    """
    matrix = np.full((n, n), np.inf)
    if len(edges):
        matrix[edges[:, 0], edges[:, 1]] = matrix[edges[:, 1], edges[:, 0]] = weights
    dist = np.full(n, np.inf)
    dist[source] = 0.0
    waiting = np.ones(n, dtype=bool)
    for _ in range(n):
        u = int(np.argmin(np.where(waiting, dist, np.inf)))
        if not waiting[u] or dist[u] == np.inf:
            break
        waiting[u] = False
        np.minimum(dist, dist[u] + matrix[u], out=dist)
    return dist


def _worst_sum(n: int, edges: np.ndarray, weights: np.ndarray, source: int) -> float:
    """The largest ``dist[u] + w(u, v)`` over every edge, both directions, ``u``
    reachable from the source."""
    if not len(edges):
        return 0.0
    dist = shortest_distances(n, edges, weights, source)
    sums = np.concatenate([dist[edges[:, 0]] + weights, dist[edges[:, 1]] + weights])
    sums = sums[np.isfinite(sums)]
    return float(sums.max()) if len(sums) else 0.0


def dijkstra_weights(
    n: int, edges: np.ndarray, source: int, kind: str, rng: np.random.Generator
) -> np.ndarray:
    """Integer weights for which every one of Dijkstra's sums fits in 0..255.

    ``random``: each edge draws ``x`` uniformly from [0, 1); with those real weights,
    let ``M`` be the largest ``dist[u] + x(u, v)`` over all edges in both directions.
    The weight is ``floor(s * x)`` with ``s = min(255 / M, 256)``: rounding down never
    lengthens a path, so every integer ``dist[u] + w(u, v)`` is at most ``s * M <=
    255``. On a long thin graph the weights shrink, on a dense one they use the whole
    range, and the longest distances come close to 255. ``hard``: weights ``b + {0, 1,
    2}`` with the largest base ``b`` for which the same bound holds (a binary search
    over ``b``).
    """
    if kind == "random":
        x = rng.random(len(edges))
        scale = min(
            MAX_VALUE / max(_worst_sum(n, edges, x, source), 1e-12), MAX_VALUE + 1
        )
        return np.floor(scale * x).astype(np.int64)
    if kind == "hard":
        delta = rng.integers(HARD_SPREAD, size=len(edges))
        low, high = 0, MAX_VALUE - HARD_SPREAD + 1
        while low < high:
            base = (low + high + 1) // 2
            fits = _worst_sum(n, edges, base + delta, source) <= MAX_VALUE
            low, high = (base, high) if fits else (low, base - 1)
        return low + delta
    raise unknown_choice("weight kind", kind, WEIGHT_KINDS)


def prim_weights(m: int, kind: str, rng: np.random.Generator) -> np.ndarray:
    """Prim only compares weights: ``random`` draws 0..255, ``hard`` draws ``b + {0, 1,
    2}`` for one random ``b``."""
    if kind == "random":
        return rng.integers(MAX_VALUE + 1, size=m)
    if kind == "hard":
        return rng.integers(MAX_VALUE - HARD_SPREAD + 2) + rng.integers(
            HARD_SPREAD, size=m
        )
    raise unknown_choice("weight kind", kind, WEIGHT_KINDS)


def make_graph(spec: dict, algorithm: str) -> WeightedGraph:
    """The weighted graph a test-set ``spec`` (``n``, ``family``, ``weights``, ``seed``)
    describes.

    Structure and source depend only on the seed, so Dijkstra and Prim see the same
    graphs, each with its own weights.
    """
    if algorithm not in ALGORITHMS:
        raise unknown_choice("algorithm", algorithm, ALGORITHMS)
    n, rng = spec["n"], np.random.default_rng(spec["seed"])
    edges = build_structure(spec["family"], n, rng)
    source = int(rng.integers(n))
    weight_rng = np.random.default_rng([spec["seed"], ALGORITHMS.index(algorithm)])
    weights = (
        dijkstra_weights(n, edges, source, spec["weights"], weight_rng)
        if algorithm == "dijkstra"
        else prim_weights(len(edges), spec["weights"], weight_rng)
    )
    return WeightedGraph(n, edges, weights, source, dict(spec))


# --------------------------------------------------------------------------------------
# test sets
def graph_specs(
    sizes=TEST_SIZES, per_size: int = GRAPHS_PER_SIZE, seed: int = 0
) -> list[dict]:
    """``per_size`` graph specs per size, cycling through the families; within a family,
    weight kinds alternate."""
    specs = []
    for n in sizes:
        for index in range(per_size):
            family = list(FAMILIES)[index % len(FAMILIES)]
            kind = WEIGHT_KINDS[(index // len(FAMILIES)) % 2]
            specs.append(
                {
                    "n": n,
                    "family": family,
                    "weights": kind,
                    "seed": seed * 1_000_003 + n * 1000 + index,
                }
            )
    return specs


def _default_path() -> Path:
    return data_dir() / "test_sets" / "graphs.json"


def write_graph_test_sets(path=None, seed: int = 0) -> Path:
    """Write the specs of :func:`graph_specs` and, per algorithm, each weighted graph's
    checksum.

    ``python -m nee_lite.graphs.data`` runs this and writes
    ``data/test_sets/graphs.json``.
    """
    path = Path(path) if path else _default_path()
    rows = [
        {**spec, "checksum": {a: make_graph(spec, a).checksum() for a in ALGORITHMS}}
        for spec in graph_specs(seed=seed)
    ]
    description = (
        "graphs per size; each is rebuilt by nee_lite.graphs.make_graph(spec, "
        "algorithm) and checked against its checksum"
    )
    return write_graph_rows(
        path, rows, description, "python -m nee_lite.graphs.data", seed
    )


def checked(graph: WeightedGraph, row: dict, algorithm: str, module: str):
    """``graph``, rebuilt from a stored ``row``, if its checksum is the row's; else a
    ``ValueError`` naming the module whose ``__main__`` rewrites the test set."""
    if graph.checksum() != row["checksum"][algorithm]:
        raise ValueError(
            f"test graph {row['family']} n={row['n']} seed={row['seed']} does not "
            "match its checksum: networkx or the generator changed; rerun python -m "
            f"{module}"
        )
    return graph


def write_graph_rows(path: Path, rows, description: str, command: str, seed) -> Path:
    """Write graph rows (specs with checksums) as JSON, one graph a line."""
    info = dict(description=description, command=command, seed=seed, graphs=rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(info, separators=(",", ":")).replace('},{"n"', '},\n{"n"')
    path.write_text(text + "\n")
    return path


@lru_cache(maxsize=16)
def _stored_graphs(algorithm: str, path: str, n: int) -> tuple:
    graphs = []
    for row in json.loads(Path(path).read_text())["graphs"]:
        if row["n"] != n:
            continue
        graph = make_graph(
            {key: row[key] for key in ("n", "family", "weights", "seed")}, algorithm
        )
        graphs.append(checked(graph, row, algorithm, "nee_lite.graphs.data"))
    if not graphs:
        raise ValueError(f"{path} holds no test graphs with {n} nodes")
    return tuple(graphs)


def graph_test_set(
    algorithm: str, sizes=TEST_SIZES, path=None
) -> dict[int, list[WeightedGraph]]:
    """The stored test graphs for ``algorithm``, per size, rebuilt from their seeds and
    checked (cached)."""
    path = str(Path(path) if path else _default_path())
    return {n: list(_stored_graphs(algorithm, path, n)) for n in sizes}


def tentative_overflow(graph: WeightedGraph, limit: int = MAX_VALUE):
    """The first sum the adder would be asked for that exceeds ``limit`` (255), as
    ``(u, v, dist_u, w)``, or None.

    Dijkstra adds ``dist[u] + w(u, v)`` when it selects ``u`` and ``v`` is not yet
    visited: for every edge with ``dist[u] <= dist[v]`` (an equal pair gives the same
    sum whichever goes first). The distances are classical: this only decides whether to
    refuse an input.
    """
    dist = shortest_distances(graph.n, graph.edges, graph.weights, graph.source)
    for u, v in (graph.edges.T, graph.edges.T[::-1]):
        over = (
            np.isfinite(dist[u])
            & (dist[u] <= dist[v])
            & (dist[u] + graph.weights > limit)
        )
        if over.any():
            i = int(np.argmax(over))
            return int(u[i]), int(v[i]), int(dist[u[i]]), int(graph.weights[i])
    return None


if __name__ == "__main__":
    print(f"wrote {write_graph_test_sets()}")
