"""Chapters "Dijkstra" and "Prim": graph algorithms composed from learned subroutines,
batched over graphs.

No network here is trained for graphs. Two engines of earlier chapters do all the
arithmetic and every comparison:

* the **find-min engine** (the selection-sort NEE of chapter "Conditional masking"):
  over ``[x_0 .. x_{n-1}, END]`` with some positions hidden it emits the smallest
  visible number (its *value*) and points at it (its *pointer*); its **mask network**
  then hides the pointed position;
* the **adder** (chapter "Learning arithmetic"): ``a + b`` for 8-bit numbers, with ``inf
  + x = inf``.

Each step of Dijkstra, for every graph of a batch at once:

1. find-min over ``[dist_0 .. dist_{n-1}, END]``, visited nodes hidden: the pointer
   names the next node ``u``, the value is its distance ``d_u`` (decoded from the
   network, never read from the array);
2. the mask network marks ``u`` visited;
3. plain code gathers ``u``'s adjacency row: the neighbours ``v`` the mask still shows,
   and their weights ``w``;
4. the adder computes ``d_u + w`` for all of them;
5. find-min on each two-number list ``[dist_v, d_u + w, END]`` gives the new ``dist_v``;
   its pointer says whether the new path won (position 1), which makes ``u`` the
   predecessor of ``v``.

Prim is the same loop with keys instead of distances and ``w`` instead of ``d_u + w``
(no adder): the pointer of step 5 says whether the edge ``(u, v)`` is the new best
connection of ``v``. A graph stops on its **own** end token: when the smallest visible
value is END (infinity: every remaining node is unreachable, or none is left). Plain
code only gathers rows, loops, keeps the per-graph bookkeeping and stops.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F

from .classical import score_dijkstra, score_prim
from .data import graph_test_set

__all__ = [
    "POINTER_TOLERANCE",
    "first_pointer",
    "find_min",
    "min_of_two",
    "add",
    "GraphBatch",
    "GraphTrace",
    "GraphRun",
    "neural_dijkstra",
    "neural_prim",
    "dijkstra_answers",
    "prim_trees",
    "run_algorithm",
    "evaluation_table",
    "check_relaxation",
    "distance_lists",
    "check_selection",
    "first_selection_error",
    "check_one_among_many",
]

#: Copies of one number get the same score (on the CPUs measured they tie exactly; the
#: margin guards hardware whose rounding could set them apart), a larger number at least
#: 10 less; a position counts as "pointed at" within this margin.
POINTER_TOLERANCE = 0.01


def first_pointer(
    log_pointer: torch.Tensor, tolerance: float = POINTER_TOLERANCE
) -> torch.Tensor:
    """The lowest position whose pointer log-probability is within ``tolerance`` of the
    largest.

    Equal numbers are indistinguishable without positions, so the pointer splits its
    attention evenly among the copies of the minimum. In exact arithmetic ``argmax``
    returns the first copy, and on the CPUs measured the copies tie exactly; where
    rounding could set them a hair apart, plain ``argmax`` would return whichever it
    favoured. Reading the pointer with a small tolerance keeps the rule the algorithms
    rely on on any hardware: ties go to the lowest index.
    """
    near = log_pointer >= log_pointer.max(-1, keepdim=True).values - tolerance
    return near.int().argmax(-1)


@torch.no_grad()
def find_min(
    finder, values: torch.Tensor, hide: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """The find-min engine on ``values`` ``(batch, positions)`` under ``hide``: decoded
    value and log-pointer."""
    codec = finder.codec
    value_logits, log_pointer = finder.engine.forward_visible(
        codec.encode(values), hide
    )
    return codec.decode_logits(value_logits), log_pointer


@torch.no_grad()
def min_of_two(
    finder, a: torch.Tensor, b: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """The find-min engine on every ``[a_i, b_i, END]``: the smaller value, and whether
    the pointer chose ``b``."""
    if not len(a):
        return a.clone(), torch.zeros(0, dtype=torch.bool)
    lists = torch.stack([a, b, torch.full_like(a, finder.codec.end)], 1)
    value, log_pointer = find_min(
        finder, lists, torch.zeros(lists.shape, dtype=torch.bool)
    )
    return value, first_pointer(log_pointer) == 1


@torch.no_grad()
def add(adder, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The adder's sums ``a + b`` (decoded bits; the caller keeps them in range)."""
    if not len(a):
        return a.clone()
    return adder.codec.decode_logits(adder(a, b)).cpu()


@dataclass
class GraphBatch:
    """Graphs of one batch as tensors, padded to the largest: weights ``(B, N, N)`` (-1
    = no edge)."""

    weights: torch.Tensor
    sizes: torch.Tensor
    sources: torch.Tensor

    @classmethod
    def from_graphs(cls, graphs) -> GraphBatch:
        width = max(graph.n for graph in graphs)
        weights = torch.full((len(graphs), width, width), -1, dtype=torch.long)
        for row, graph in enumerate(graphs):
            weights[row, : graph.n, : graph.n] = torch.from_numpy(graph.matrix())
        return cls(
            weights,
            torch.tensor([g.n for g in graphs]),
            torch.tensor([g.source for g in graphs]),
        )


@dataclass
class GraphTrace:
    """Every step of a run, for the step-through pictures: what the find-min engine saw
    and what it did."""

    entries: list = field(
        default_factory=list
    )  # (B, N) distances / keys before the step
    masks: list = field(
        default_factory=list
    )  # (B, N + 1) the mask the engine saw (True = hidden)
    pointers: list = field(default_factory=list)  # (B, N + 1) pointer probabilities
    values: list = field(default_factory=list)  # (B,) the value emitted
    chosen: list = field(default_factory=list)  # (B,) the position pointed at
    candidates: list = field(
        default_factory=list
    )  # (B, N) d_u + w (Dijkstra) or w (Prim); -1 = not offered
    won: list = field(
        default_factory=list
    )  # (B, N) the candidate won (pointer on position 1)
    running: list = field(
        default_factory=list
    )  # (B,) the graph was still running at this step


@dataclass
class GraphRun:
    """The result of a batched run: final entries, parents, and per graph the selected
    nodes and values."""

    entries: torch.Tensor  # (B, N) distances or keys (END = infinity)
    parents: torch.Tensor  # (B, N) predecessor / tree parent, -1 = none
    order: list  # per graph, the nodes in the order they were selected
    selected: list  # per graph, the value the engine emitted for each selected node
    sizes: torch.Tensor
    end: int
    trace: GraphTrace | None = None


def _initial_state(batch: GraphBatch, end: int):
    count, width = batch.weights.shape[:2]
    entries = torch.full((count, width), end, dtype=torch.long)
    entries[torch.arange(count), batch.sources] = 0
    mask = torch.arange(width + 1)[None, :] >= batch.sizes[:, None]  # padding hidden
    mask[:, width] = False  # END stays visible
    return entries, mask, torch.full((count, width), -1, dtype=torch.long)


def _record(trace, entries, mask, log_pointer, value, chosen, running) -> None:
    if trace is not None:
        trace.entries.append(entries.clone())
        trace.masks.append(mask.clone())
        trace.pointers.append(log_pointer.exp())
        trace.values.append(value)
        trace.chosen.append(chosen)
        trace.running.append(running.clone())


def _relax(
    finder, batch, entries, parents, mask, u, value, running, candidate_value, trace
) -> None:
    """Steps 3 to 5: gather ``u``'s row, offer candidates to the unvisited neighbours,
    keep the engine's minima."""
    rows = batch.weights[torch.arange(len(u)), u.clamp(max=batch.weights.shape[1] - 1)]
    graphs, nodes = torch.nonzero(
        (rows >= 0) & ~mask[:, :-1] & running[:, None], as_tuple=True
    )
    candidates = candidate_value(value[graphs], rows[graphs, nodes])
    new, won = min_of_two(finder, entries[graphs, nodes], candidates)
    entries[graphs, nodes] = new
    parents[graphs[won], nodes[won]] = u[graphs[won]]
    if trace is not None:
        shown = torch.full_like(entries, -1)
        shown[graphs, nodes] = candidates
        trace.candidates.append(shown)
        trace.won.append(
            torch.zeros_like(mask[:, :-1]).index_put_(
                (graphs[won], nodes[won]), torch.tensor(True)
            )
        )


def _run(
    finder, graphs, candidate_value, record: bool, batch_stop: bool = False
) -> GraphRun:
    """The loop Dijkstra and Prim share; ``candidate_value(selected value, weights)``
    makes the candidates of step 4 (``d_u + w`` for Dijkstra, ``w`` for Prim).

    ``batch_stop=True`` stops every graph as soon as any graph emits END, as the
    authors' code did (an ablation).
    """
    end = finder.codec.end
    batch = GraphBatch.from_graphs(graphs)
    entries, mask, parents = _initial_state(batch, end)
    width = entries.shape[1]
    running = torch.ones(len(graphs), dtype=torch.bool)
    order, selected = [[] for _ in graphs], [[] for _ in graphs]
    trace = GraphTrace() if record else None
    for _ in range(width + 1):
        value, log_pointer = find_min(
            finder, torch.cat([entries, torch.full((len(graphs), 1), end)], 1), mask
        )
        u = first_pointer(log_pointer)
        running &= (value != end) & (u < width)  # each graph stops on its own end token
        if batch_stop and not running.all():
            running[:] = False
        _record(trace, entries, mask, log_pointer, value, u, running)
        if not running.any():
            break
        for row in torch.nonzero(running).flatten().tolist():
            order[row].append(int(u[row]))
            selected[row].append(int(value[row]))
        new_mask = finder.mask_network(mask, F.one_hot(u, width + 1)) > 0
        mask = torch.where(running[:, None], new_mask, mask)
        _relax(
            finder,
            batch,
            entries,
            parents,
            mask,
            u,
            value,
            running,
            candidate_value,
            trace,
        )
    return GraphRun(entries, parents, order, selected, batch.sizes, end, trace)


@torch.no_grad()
def neural_dijkstra(
    finder, adder, graphs, record: bool = False, batch_stop: bool = False
) -> GraphRun:
    """Shortest distances from each graph's source, computed by the find-min engine, its
    mask network and the adder (see the module docstring for which does what).
    ``graphs``: :class:`~nee_lite.graphs.data.WeightedGraph`."""
    return _run(finder, graphs, lambda d_u, w: add(adder, d_u, w), record, batch_stop)


@torch.no_grad()
def neural_prim(
    finder, graphs, record: bool = False, batch_stop: bool = False
) -> GraphRun:
    """A minimum spanning tree of each source's component, computed by the find-min
    engine and its mask network: keys are compared with the offered edge weights, and
    the pointer says which edge won."""
    return _run(finder, graphs, lambda key_u, w: w, record, batch_stop)


def dijkstra_answers(run: GraphRun) -> tuple[list, list]:
    """Per graph: the distances (None where the engine left infinity) and the
    predecessors (-1 = none)."""
    distances = [
        [None if d == run.end else int(d) for d in row[:n].tolist()]
        for row, n in zip(run.entries, run.sizes)
    ]
    parents = [row[:n].tolist() for row, n in zip(run.parents, run.sizes)]
    return distances, parents


def prim_trees(run: GraphRun) -> list[dict]:
    """Per graph: the tree's edges ``[parent, node, weight]`` in the order the nodes
    joined, with the weight the engine emitted for the node, and their total (summed
    here for the report; it can exceed 8 bits)."""
    trees = []
    for graph, (nodes, values) in enumerate(zip(run.order, run.selected)):
        edges = [
            [int(run.parents[graph, v]), v, w]
            for v, w in zip(nodes, values)
            if run.parents[graph, v] >= 0
        ]
        trees.append({"edges": edges, "weight": sum(w for _, _, w in edges)})
    return trees


# --------------------------------------------------------------------------------------
# evaluation
def run_algorithm(
    algorithm: str, finder, adder, graphs, batch_size: int = 100
) -> tuple[list, list]:
    """Run ``algorithm`` on ``graphs``, in batches of similar size. Dijkstra returns
    (distances, predecessors), Prim (parents, trees), one entry per graph in input
    order."""
    if algorithm not in ("dijkstra", "prim"):
        raise ValueError(f"unknown algorithm {algorithm!r}: choose dijkstra or prim")
    order = sorted(range(len(graphs)), key=lambda index: graphs[index].n)
    first, second = [None] * len(graphs), [None] * len(graphs)
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        batch = [graphs[index] for index in chunk]
        if algorithm == "dijkstra":
            answers = dijkstra_answers(neural_dijkstra(finder, adder, batch))
        else:
            run = neural_prim(finder, batch)
            answers = (
                [row[: graph.n].tolist() for row, graph in zip(run.parents, batch)],
                prim_trees(run),
            )
        for position, index in enumerate(chunk):
            first[index], second[index] = answers[0][position], answers[1][position]
    return first, second


def evaluation_table(
    algorithm: str, finder, adder=None, test_set=None, answers: dict | None = None
) -> list[dict]:
    """Per graph size: per-node and per-graph accuracy of the composed engines on the
    stored test graphs, and the seconds the networks took (100 graphs in one batch).
    ``test_set``: size -> graphs (default: the stored set); ``answers``, if given a
    dict, receives the engines' answers per size (to look at the graphs they got wrong).
    """
    rows = []
    for size, graphs in (test_set or graph_test_set(algorithm)).items():
        started = time.perf_counter()
        first, second = run_algorithm(algorithm, finder, adder, graphs)
        seconds = time.perf_counter() - started
        if answers is not None:
            answers[size] = (first, second)
        score = (
            score_dijkstra(graphs, first, second)
            if algorithm == "dijkstra"
            else score_prim(graphs, first, second)
        )
        rows.append(
            {
                "nodes": size,
                **{key: round(value, 6) for key, value in score.items()},
                "seconds": round(seconds, 1),
            }
        )
    return rows


# -------------------------------------------------------------------------------
# checking the engines
def check_relaxation(finder) -> dict:
    """The find-min engine on every ``[a, b, END]`` with ``a, b`` in ``0 .. 255`` or
    infinity (66,049 lists): is the value ``min(a, b)`` and is the pointer on ``b``
    exactly when ``b < a`` (a tie keeps ``a``)? Every relaxation of Dijkstra and every
    key update of Prim is one of these lists, so all right here means all right there.
    """
    numbers = torch.arange(finder.codec.end + 1)
    a, b = (grid.flatten() for grid in torch.meshgrid(numbers, numbers, indexing="ij"))
    value, second = min_of_two(finder, a, b)
    wrong = torch.nonzero(
        (value != torch.minimum(a, b)) | (second != (b < a))
    ).flatten()
    return {
        "lists": len(a),
        "wrong": [(int(a[i]), int(b[i]), int(value[i])) for i in wrong[:10]],
    }


def distance_lists(length: int, count: int, generator: torch.Generator, end: int = 256):
    """Lists as the selection step sees them: ``length`` entries and END, a random share
    infinite (not reached yet) and a random share hidden (visited); half random numbers,
    half within 9 of each other (near-ties)."""
    values = torch.randint(0, end, (count, length), generator=generator)
    close = torch.randint(0, 10, (count, length), generator=generator) + torch.randint(
        0, end - 9, (count, 1), generator=generator
    )
    values = torch.where(torch.arange(count)[:, None] % 2 == 1, close, values)
    values[
        torch.rand(count, length, generator=generator)
        < torch.rand(count, 1, generator=generator)
    ] = end
    hide = torch.rand(count, length, generator=generator) < torch.rand(
        count, 1, generator=generator
    )
    return (
        torch.cat([values, torch.full((count, 1), end)], 1),
        torch.cat([hide, torch.zeros(count, 1, dtype=torch.bool)], 1),
    )


def check_selection(
    finder, lengths=(25, 50, 100, 200), count: int = 500, seed: int = 0
) -> list[dict]:
    """The find-min engine on :func:`distance_lists`: how often the value is wrong, how
    often the (tolerant) pointer misses the lowest-index minimum, and the two
    log-probability gaps that justify :data:`POINTER_TOLERANCE`: the widest between
    copies of the minimum, the narrowest to any larger number."""
    generator = torch.Generator().manual_seed(seed)
    rows = []
    for length in lengths:
        lists, hide = distance_lists(length, count, generator, finder.codec.end)
        value, log_pointer = find_min(finder, lists, hide)
        shown = lists.masked_fill(hide, 10**6)
        smallest = shown.min(1).values
        is_min = shown == smallest[:, None]
        gap = log_pointer.max(-1, keepdim=True).values - log_pointer
        rows.append(
            {
                "length": length,
                "lists": count,
                "value_wrong": int((value != smallest).sum()),
                "pointer_wrong": int(
                    (first_pointer(log_pointer) != shown.argmin(1)).sum()
                ),
                "argmax_not_first": int(
                    (log_pointer.argmax(-1) != shown.argmin(1)).sum()
                ),
                "tie_gap": float(gap[is_min].max()),
                "other_gap": float(gap[~is_min & ~hide].min()),
            }
        )
    return rows


def first_selection_error(trace: GraphTrace, row: int, end: int = 256) -> dict | None:
    """The first step at which graph ``row``'s selection went wrong, judged on the
    recorded list itself: the value is not the smallest visible entry, or the pointer is
    not on one. Returns the step, how many entries were visible, the smallest, what the
    engine emitted and pointed at, how many visible entries hold the smallest, how many
    lie at most 8 above it, and the median visible entry; None if every selection was
    right."""
    for step, (entries, mask, value, chosen) in enumerate(
        zip(trace.entries, trace.masks, trace.values, trace.chosen)
    ):
        full = torch.cat([entries[row], torch.tensor([end])])
        visible = full[~mask[row]]
        smallest = int(visible.min())
        if (
            int(value[row]) != smallest
            or bool(mask[row, chosen[row]])
            or int(full[chosen[row]]) != smallest
        ):
            return {
                "step": step,
                "visible": len(visible),
                "smallest": smallest,
                "value": int(value[row]),
                "pointed_at": int(full[chosen[row]]),
                "copies": int((visible == smallest).sum()),
                "within_8": int(
                    ((visible > smallest) & (visible <= smallest + 8)).sum()
                ),
                "median": int(visible.float().median()),
            }
        if not trace.running[step][row]:
            return None
    return None


def check_one_among_many(
    finder,
    lengths=(50, 100, 150, 200, 300),
    spread: int = 1,
    repeats: int = 1,
    seed: int = 0,
) -> dict[int, list[int]]:
    """For every ``x`` in ``0 .. 255 - spread`` (``repeats`` times) and each length
    ``L``: one ``x`` at a random position among ``L - 1`` numbers drawn from ``x + 1 ..
    x + spread``, then END. Returns, per length, the ``x`` whose value or pointer the
    engine got wrong (each once). Dense graphs produce this near-tie: a single smallest
    key among very many keys just above it."""
    end = finder.codec.end
    numbers = torch.arange(end - spread).repeat(repeats)
    generator = torch.Generator().manual_seed(seed)
    failures = {}
    for length in lengths:
        lists = (
            numbers[:, None]
            + 1
            + torch.randint(spread, (len(numbers), length), generator=generator)
        )
        where = torch.randint(length, (len(numbers),), generator=generator)
        lists[torch.arange(len(numbers)), where] = numbers
        lists = torch.cat([lists, torch.full((len(numbers), 1), end)], 1)
        value, log_pointer = find_min(
            finder, lists, torch.zeros(lists.shape, dtype=torch.bool)
        )
        wrong = (value != numbers) | (first_pointer(log_pointer) != where)
        failures[length] = sorted(set(numbers[wrong].tolist()))
    return failures
