"""Chapter "Prim": a find-min engine trained on traces of 8-node graphs, as the paper trained its graph engine.

The graph chapters run on the selection-sort engine, unchanged. This module trains the *same* architecture (a
:class:`~nee_lite.nee.SelectionSortNEE`: engine plus mask network) on different data: every question the find-min
engine is asked while Dijkstra or Prim runs on a small graph (:func:`~nee_lite.graphs.algorithm_trace`), the
distance or key lists with visited nodes hidden and infinity inside them, and the two-number relaxation lists.
The graphs are Erdos-Renyi graphs of 2 to 8 nodes with edge probability drawn from [0, 1], random or hard weights.
Like the sorting engine it trains on every state in parallel, teacher forced, and the mask network learns the same
rule ("hide what the pointer names").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .encoding import NumberCodec
from .graphs import ALGORITHMS, WEIGHT_KINDS, WeightedGraph, algorithm_trace, build_structure, dijkstra_weights, \
    prim_weights
from .nee import NEE, NEEConfig, SelectionSortNEE, SortStates, engine_loss, train_mask_network
from .training import TrainConfig, TrainResult, train

__all__ = ["GraphMinData", "random_small_graph", "trace_states", "train_graph_min"]


@dataclass
class GraphMinData:
    """Training graphs: Erdos-Renyi, ``min_nodes`` to ``max_nodes`` nodes, Dijkstra or Prim, random or hard weights."""

    min_nodes: int = 2
    max_nodes: int = 8


def random_small_graph(rng: np.random.Generator, data: GraphMinData = GraphMinData()) -> tuple[WeightedGraph, str]:
    """One training graph and the algorithm to trace on it (each drawn at random)."""
    n = int(rng.integers(data.min_nodes, data.max_nodes + 1))
    edges = build_structure("erdos-renyi", n, rng)
    source = int(rng.integers(n))
    algorithm, kind = ALGORITHMS[rng.integers(2)], WEIGHT_KINDS[rng.integers(2)]
    weights = (dijkstra_weights(n, edges, source, kind, rng) if algorithm == "dijkstra"
               else prim_weights(len(edges), kind, rng))
    return WeightedGraph(n, edges, weights, source), algorithm


def trace_states(rows, width: int, codec: NumberCodec) -> SortStates:
    """Trace rows ``(numbers, hidden)`` as training states, padded (and hidden) to ``width`` positions. The value
    target is the smallest visible number; the pointer target is every visible position holding it."""
    values = np.full((len(rows), width), codec.end)
    hide = np.ones((len(rows), width), dtype=bool)
    for index, (numbers, hidden) in enumerate(rows):
        values[index, : len(numbers)] = numbers
        hide[index, : len(numbers)] = hidden
    shown = np.where(hide, np.iinfo(np.int64).max, values)
    target = shown.min(1)
    return SortStates(bits=codec.encode(torch.from_numpy(values)), hide=torch.from_numpy(hide),
                      target=codec.encode(torch.from_numpy(target)),
                      pointer=torch.from_numpy(shown == target[:, None]))


def train_graph_min(config: NEEConfig = NEEConfig(), train_config: TrainConfig | None = None,
                    data: GraphMinData = GraphMinData(), progress: bool = True, mask_steps: int = 300):
    """Train the engine on traces of ``train_config.batch_size`` fresh small graphs per step, then its mask network
    (``mask_steps``, as for selection sort); return the assembled :class:`~nee_lite.nee.SelectionSortNEE` and both
    training results."""
    train_config = train_config or TrainConfig(steps=2000, batch_size=48, lr=1e-2, warmup_steps=100,
                                               min_lr_ratio=0.0, grad_clip=None, seed=0)
    torch.manual_seed(train_config.seed)
    engine = NEE(config)

    def make_batch(generator, device):
        rng = np.random.default_rng(int(torch.randint(2**31, (1,), generator=generator)))
        rows = [row for _ in range(train_config.batch_size)
                for row in algorithm_trace(*random_small_graph(rng, data), end=engine.codec.end)]
        states = trace_states(rows, data.max_nodes + 1, engine.codec)
        return SortStates(*(getattr(states, name).to(device) for name in ("bits", "hide", "target", "pointer")))

    engine_result: TrainResult = train(engine, make_batch, engine_loss, train_config,
                                       description="graph find-min NEE", progress=progress)
    mask_config = TrainConfig(steps=mask_steps, batch_size=256, lr=1e-2, warmup_steps=10, min_lr_ratio=0.0, grad_clip=None,
                              seed=train_config.seed, log_every=50)
    mask_network, mask_result = train_mask_network(config.mask_filters, mask_config)
    model = SelectionSortNEE(config)
    model.engine.load_state_dict(engine.state_dict())
    model.mask_network.load_state_dict(mask_network.state_dict())
    return model.eval(), engine_result, mask_result
