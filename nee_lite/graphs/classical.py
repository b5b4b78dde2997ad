"""Chapters "Dijkstra" and "Prim": the classical algorithms the engines are scored
against, and the scores.

Plain code, never part of the neural algorithms (:mod:`nee_lite.graphs.composition`):

* :func:`reference_dijkstra` and :func:`reference_prim` use the networks' tie rules (the
  lowest-numbered node first; a distance changes only when strictly shorter), so their
  predecessors are unique;
* :func:`algorithm_trace` lists every find-min question either algorithm asks (the
  training traces of the find-min engine of chapter "Prim");
* :func:`score_dijkstra` and :func:`score_prim` score the engines' answers against
  networkx's, per node and per graph.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from .data import MAX_VALUE, WeightedGraph

__all__ = [
    "algorithm_trace",
    "reference_dijkstra",
    "reference_prim",
    "tree_edges",
    "score_dijkstra",
    "score_prim",
]


def _greedy(
    graph: WeightedGraph, relax, trace: list | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The loop Dijkstra and Prim share, with the networks' tie rules: select the
    lowest-numbered unvisited node of smallest entry; ``relax(entry_u, row)`` gives the
    new candidates, taken only where strictly smaller.

    ``trace`` (a list) receives every question the find-min engine is asked: ``(entries,
    visited)`` before each selection, the last one with nothing left to select, and
    ``([entry_v, candidate], None)`` for each relaxation.
    """
    weights = graph.matrix()
    entry = np.full(graph.n, np.inf)
    entry[graph.source] = 0
    parent = np.full(graph.n, -1)
    visited = np.zeros(graph.n, dtype=bool)
    for _ in range(graph.n + 1):
        if trace is not None:
            trace.append((entry.copy(), visited.copy()))
        u = int(np.argmin(np.where(visited, np.inf, entry)))
        if visited[u] or entry[u] == np.inf:
            break
        visited[u] = True
        candidate = relax(entry[u], weights[u])
        offered = (weights[u] >= 0) & ~visited
        if trace is not None:
            trace.extend(
                (np.array([entry[v], candidate[v]]), None)
                for v in np.flatnonzero(offered)
            )
        better = offered & (candidate < entry)
        entry[better], parent[better] = candidate[better], u
    return entry, parent


def algorithm_trace(
    graph: WeightedGraph, algorithm: str, end: int = MAX_VALUE + 1
) -> list[tuple[list, list]]:
    """Every list the find-min engine is asked about while ``algorithm`` runs on
    ``graph``, as it would see it: ``(numbers ending in END, hidden)``; infinity is
    ``end``. The training data of a graph find-min engine."""
    trace: list = []
    _greedy(
        graph,
        (lambda d, row: d + row)
        if algorithm == "dijkstra"
        else (lambda key, row: row.astype(float)),
        trace,
    )
    rows = []
    for entries, visited in trace:
        numbers = [end if x == np.inf else int(x) for x in entries] + [end]
        rows.append(
            (
                numbers,
                [False] * len(numbers)
                if visited is None
                else visited.tolist() + [False],
            )
        )
    return rows


def reference_dijkstra(graph: WeightedGraph) -> tuple[list, list]:
    """Classical Dijkstra with the networks' tie rules: distances (None if unreachable)
    and predecessors (-1).

    With "lowest-numbered node first" and "update only if strictly shorter" the
    predecessor array is unique.
    """
    dist, parent = _greedy(graph, lambda d, row: d + row)
    return [None if d == np.inf else int(d) for d in dist], parent.tolist()


def reference_prim(graph: WeightedGraph) -> list[int]:
    """Classical Prim with the networks' tie rules: each node's parent, -1 for the
    source and for nodes outside its component."""
    return _greedy(graph, lambda key, row: row.astype(float))[1].tolist()


def tree_edges(graph: WeightedGraph, parent) -> set | None:
    """The tree a parent array names, as ``{(min(u, p), max(u, p), w)}``; None if a
    parent is not a neighbour."""
    weights = graph.matrix()
    edges = {
        (min(u, p), max(u, p), int(weights[u, p]))
        for u, p in enumerate(parent)
        if p >= 0
    }
    return None if any(w < 0 for _, _, w in edges) else edges


# --------------------------------------------------------------------------------------
# scores
def score_dijkstra(graphs, distances, parents) -> dict:
    """Per node (distance right, ``None`` = unreachable; predecessor right) and per
    graph (every distance right).

    ``distances`` and ``parents`` are the networks' answers, one list per graph. The
    true distances come from networkx, the predecessors from :func:`reference_dijkstra`
    (same tie rules).
    """
    nodes = right_dist = right_parent = exact = 0
    for graph, dist, parent in zip(graphs, distances, parents):
        truth = nx.single_source_dijkstra_path_length(graph.to_networkx(), graph.source)
        true_dist = [truth.get(v) for v in range(graph.n)]
        hits = [d == t for d, t in zip(dist, true_dist)]
        nodes += graph.n
        right_dist += sum(hits)
        right_parent += sum(
            p == t for p, t in zip(parent, reference_dijkstra(graph)[1])
        )
        exact += sum(hits) == graph.n
    return {
        "graphs": len(distances),
        "per_node": right_dist / max(nodes, 1),
        "per_node_predecessor": right_parent / max(nodes, 1),
        "per_graph": exact / max(len(distances), 1),
    }


def _as_edge_set(graph: WeightedGraph, edges) -> set | None:
    """A reported tree ``[[u, v, w], ...]`` as ``{(min, max, w)}``; None if an edge or
    weight is not the graph's."""
    weights = graph.matrix()
    found = {(min(u, v), max(u, v), w) for u, v, w in edges}
    ok = all(
        0 <= u < graph.n and 0 <= v < graph.n and weights[u, v] == w
        for u, v, w in found
    )
    return found if ok and len(found) == len(edges) else None


def _is_mst_of_component(graph: WeightedGraph, edges: set | None, total: int) -> bool:
    """``edges`` are a spanning tree of the source's component, and ``total`` is
    networkx's MST weight there."""
    if edges is None:
        return False
    nx_graph = graph.to_networkx()
    component = nx.node_connected_component(nx_graph, graph.source)
    mst_weight = nx.minimum_spanning_tree(nx_graph.subgraph(component)).size(
        weight="weight"
    )
    tree = nx.Graph([(u, v) for u, v, _ in edges])
    tree.add_node(graph.source)
    return set(tree.nodes) == component and nx.is_tree(tree) and total == mst_weight


def score_prim(graphs, parents, trees) -> dict:
    """Per node (parent right, every node but the source) and per graph: the exact tree
    of :func:`reference_prim` (the same edges with the same weights), the same total
    weight, and a minimum spanning tree of the source's component (checked against
    networkx).

    ``parents`` (one array per graph) and ``trees`` (``{"edges": [[u, v, w], ...],
    "weight": total}``) are the networks' answers.
    """
    nodes = right = exact = same_weight = is_mst = 0
    for graph, parent, tree in zip(graphs, parents, trees):
        truth = reference_prim(graph)
        nodes += graph.n - 1
        right += sum(
            p == t for v, (p, t) in enumerate(zip(parent, truth)) if v != graph.source
        )
        edges, true_edges = _as_edge_set(graph, tree["edges"]), tree_edges(graph, truth)
        exact += edges == true_edges
        same_weight += tree["weight"] == sum(w for _, _, w in true_edges)
        is_mst += _is_mst_of_component(graph, edges, tree["weight"])
    count = max(len(parents), 1)
    return {
        "graphs": len(parents),
        "per_node": right / max(nodes, 1),
        "per_graph": exact / count,
        "same_weight": same_weight / count,
        "is_mst": is_mst / count,
    }
