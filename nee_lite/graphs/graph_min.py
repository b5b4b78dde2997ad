"""Chapter "Prim": a find-min engine trained on traces of 8-node graphs, as the paper
trained its graph engine.

The graph chapters run on the selection-sort engine, unchanged. This module trains the
*same* architecture (a :class:`~nee_lite.engines.selection_sort.SelectionSortNEE`:
engine plus mask network) on different data: every question the find-min engine is asked
while Dijkstra or Prim runs on a small graph
(:func:`~nee_lite.graphs.classical.algorithm_trace`), the distance or key lists with
visited nodes hidden and infinity inside them, and the two-number relaxation lists. The
graphs are Erdos-Renyi graphs of 2 to 8 nodes with edge probability drawn from [0, 1],
random or hard weights. Like the sorting engine it trains on every state in parallel,
teacher forced, and the mask network learns the same rule ("hide what the pointer
names").
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch

from ..core.encoding import NumberCodec
from ..core.training import TrainConfig
from ..engines.nee import NEEConfig, SortStates, train_masked_engine
from ..engines.selection_sort import SELECTION_SORT, SelectionSortNEE
from .classical import algorithm_trace
from .composition import evaluation_table
from .data import (
    ALGORITHMS,
    WEIGHT_KINDS,
    WeightedGraph,
    build_structure,
    dijkstra_weights,
    prim_weights,
)

__all__ = [
    "GraphMinData",
    "GRAPH_MIN",
    "random_small_graph",
    "trace_states",
    "train_graph_min",
    "graph_min_table",
]


@dataclass
class GraphMinData:
    """Training graphs: Erdos-Renyi, ``min_nodes`` to ``max_nodes`` nodes, Dijkstra or
    Prim, random or hard weights."""

    min_nodes: int = 2
    max_nodes: int = 8


def random_small_graph(
    rng: np.random.Generator, data: GraphMinData = GraphMinData()
) -> tuple[WeightedGraph, str]:
    """One training graph and the algorithm to trace on it (each drawn at random)."""
    n = int(rng.integers(data.min_nodes, data.max_nodes + 1))
    edges = build_structure("erdos-renyi", n, rng)
    source = int(rng.integers(n))
    algorithm, kind = ALGORITHMS[rng.integers(2)], WEIGHT_KINDS[rng.integers(2)]
    weights = (
        dijkstra_weights(n, edges, source, kind, rng)
        if algorithm == "dijkstra"
        else prim_weights(len(edges), kind, rng)
    )
    return WeightedGraph(n, edges, weights, source), algorithm


def trace_states(rows, width: int, codec: NumberCodec) -> SortStates:
    """Trace rows ``(numbers, hidden)`` as training states, padded (and hidden) to
    ``width`` positions. The value target is the smallest visible number; the pointer
    target is every visible position holding it."""
    values = np.full((len(rows), width), codec.end)
    hide = np.ones((len(rows), width), dtype=bool)
    for index, (numbers, hidden) in enumerate(rows):
        values[index, : len(numbers)] = numbers
        hide[index, : len(numbers)] = hidden
    shown = np.where(hide, np.iinfo(np.int64).max, values)
    target = shown.min(1)
    return SortStates(
        bits=codec.encode(torch.from_numpy(values)),
        hide=torch.from_numpy(hide),
        target=codec.encode(torch.from_numpy(target)),
        pointer=torch.from_numpy(shown == target[:, None]),
    )


#: The shipped graph find-min engine: the selection-sort budget, but each of the 2,000
#: steps on the traces of 48 fresh graphs of 2 to 8 nodes.
GRAPH_MIN = replace(
    SELECTION_SORT,
    train=replace(SELECTION_SORT.train, batch_size=48),
    data=GraphMinData(),
)


def train_graph_min(
    config: NEEConfig = GRAPH_MIN.model,
    train_config: TrainConfig | None = None,
    data: GraphMinData = GRAPH_MIN.data,
    progress: bool = True,
    mask_steps: int = GRAPH_MIN.mask_steps,
):
    """Train the engine on traces of ``train_config.batch_size`` fresh small graphs per
    step, then its mask network (``mask_steps``, as for selection sort); return the
    assembled :class:`~nee_lite.engines.selection_sort.SelectionSortNEE` and both
    training results (default budget: :data:`GRAPH_MIN`)."""
    train_config = train_config or GRAPH_MIN.train
    codec = NumberCodec(config.bits)

    def make_batch(generator, device):
        rng = np.random.default_rng(
            int(torch.randint(2**31, (1,), generator=generator))
        )
        rows = [
            row
            for _ in range(train_config.batch_size)
            for row in algorithm_trace(*random_small_graph(rng, data), end=codec.end)
        ]
        states = trace_states(rows, data.max_nodes + 1, codec)
        return states.to(device)

    return train_masked_engine(
        SelectionSortNEE,
        config,
        train_config,
        make_batch,
        mask_steps=mask_steps,
        progress=progress,
        description="graph find-min NEE",
    )


def graph_min_table(model: SelectionSortNEE, adder) -> list[dict]:
    """Both graph algorithms on the stored test graphs with ``model`` as the find-min
    engine and ``adder``."""
    return [
        {"algorithm": algorithm, **row}
        for algorithm in ALGORITHMS
        for row in evaluation_table(
            algorithm, model, adder if algorithm == "dijkstra" else None
        )
    ]
