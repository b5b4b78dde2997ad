"""Chapter "Exact at 16 bits": 16-bit numbers composed from the 8-bit engines, and
Dijkstra and Prim on them.

Nothing here is trained. The 8-bit engines of the earlier chapters, each checked on
every input it can be given, are wired into engines for 16-bit numbers, limb by limb,
the way long addition adds many digits with one table:

* **addition** (:func:`wide_add`): the shipped adder is exact on every pair whose sum is
  at most 255 and on anything with infinity; on larger sums it was never trained and is
  wrong (on 89 % of them, see :func:`adder_overflow`): it cannot report a carry out of 8
  bits. So the numbers are cut into **7-bit limbs** (bits 0-6, 7-13, 14-15). Two limbs
  and a carry sum to at most ``127 + 127 + 1 = 255``, always inside the checked range,
  and the carry into the next limb is the **eighth bit of the adder's own output**. The
  lowest limb takes one adder call, each limb above it two (``a_i + b_i``, then ``+
  carry``): batched, three network calls in all. Infinity (``2**16``) enters every limb
  as the 8-bit end token, and the adder's own ``inf + x = inf`` carries it through.
* **find-min** (:class:`WideFinder`): the numbers are cut into **8-bit limbs**, most
  significant first. The engine finds the smallest high limb; the positions that hold it
  are read from its **pointer**: every position whose log-probability is within
  :data:`~nee_lite.graphs.composition.POINTER_TOLERANCE` of the largest (copies of one
  number share the attention equally, the rule
  :func:`~nee_lite.graphs.composition.first_pointer` already relies on). The **mask
  network** hides every other position (it hides what a pointer names, one position or
  several), and the engine runs again on the low limbs of what is left. Its value is the
  minimum's low limb, its pointer the minimum's position (ties: the lowest index, as
  before).

Splitting a number into limbs and joining the result's limbs only moves bits around; no
Python comparison or addition on the numbers decides anything. :class:`WideFinder` and
:class:`WideAdder` answer like the 8-bit engines (``codec``, ``engine.forward_visible``,
``mask_network``; ``adder(a, b)`` returns bit logits), so the batched loop of
:mod:`nee_lite.graphs.composition` runs Dijkstra and Prim on them unchanged.

Why the composition is exact: every call it makes to an 8-bit engine is one of a finite
set of inputs, and :func:`check_adder_limbs`, :func:`check_min_limbs` and
:func:`check_mask_sets` try every one of them (the adder on every limb pair and carry,
the find-min engine on every two-number list, the mask network on every neighbourhood).
Long lists (the selection step of a graph of 1,000 nodes) are the one part that is
sampled, as in chapter "Dijkstra": the big-graph test sets of :func:`wide_test_set`
measure it.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import networkx as nx
import numpy as np
import torch

from ..core.checkpoints import data_dir
from ..core.encoding import NumberCodec
from .classical import score_dijkstra, score_prim
from .composition import POINTER_TOLERANCE, find_min, min_of_two, run_algorithm
from .data import (
    ALGORITHMS,
    FAMILIES,
    MAX_NODES,
    MAX_VALUE,
    WeightedGraph,
    build_structure,
    checked,
    shortest_distances,
    tentative_overflow,
    write_graph_rows,
)

__all__ = [
    "WIDE_BITS",
    "WIDE_MAX_VALUE",
    "WIDE_END",
    "WIDE_MAX_NODES",
    "ADD_LIMB",
    "wide_add",
    "WideAdder",
    "WideFinder",
    "adder_overflow",
    "check_adder_limbs",
    "check_min_limbs",
    "check_mask_sets",
    "check_wide_add",
    "needs_wide",
    "wide_overflow",
    "WIDE_FAMILIES",
    "WIDE_SIZES",
    "wide_specs",
    "make_wide_graph",
    "wide_test_set",
    "write_wide_test_set",
    "wide_graphs_table",
    "check_wide_min",
    "WIDE_PER_FAMILY",
]

WIDE_BITS = 16
WIDE_MAX_VALUE = 2**WIDE_BITS - 1  # 65,535
WIDE_END = 2**WIDE_BITS  # infinity, the 16-bit end token
WIDE_MAX_NODES = 1000  # the command line's limit for graphs on the composed engines
ADD_LIMB = (
    7  # bits per limb of the composed adder: two limbs and a carry stay within 0..255
)


# --------------------------------------------------------------------------------------
# addition
def _limbs(x: torch.Tensor, bits: int, end: int) -> list[torch.Tensor]:
    """``x`` cut into ``ADD_LIMB``-bit limbs, least significant first; infinity (bit
    ``bits``) is ``end`` in every limb. Only bits are moved."""
    infinite = ((x >> bits) & 1).bool()
    return [
        torch.where(infinite, end, (x >> shift) & (2**ADD_LIMB - 1))
        for shift in range(0, bits, ADD_LIMB)
    ]


@torch.no_grad()
def wide_add(adder, a, b, bits: int = WIDE_BITS) -> torch.Tensor:
    """``a + b`` for ``bits``-bit numbers (``2**bits`` = infinity absorbs everything),
    every sum and carry made by the 8-bit ``adder`` on 7-bit limbs. A sum above
    ``2**bits - 1`` is refused (``ValueError``); the refusal too is read from the
    adder's output (a bit above the top limb)."""
    a, b = torch.as_tensor(a), torch.as_tensor(b)
    if not len(a):
        return a.clone()
    end = adder.codec.end
    left, right = torch.cat(_limbs(a, bits, end)), torch.cat(_limbs(b, bits, end))
    sums = (
        adder.codec.decode_logits(adder(left, right)).cpu().split(len(a))
    )  # every a_i + b_i in one call
    digits, carry = [], torch.zeros_like(a)
    for index, limb_sum in enumerate(sums):
        if (
            index
        ):  # the carry of the limb below: a_i + b_i + carry <= 127 + 127 + 1 = 255
            limb_sum = adder.codec.decode_logits(adder(limb_sum, carry)).cpu()
        if index == 0:
            infinite = (
                (limb_sum >> 8) & 1
            ).bool()  # the adder's infinity flag: inf + x = inf
        carry = (limb_sum >> ADD_LIMB) & 1  # the eighth output bit of the adder
        digits.append(limb_sum & (2**ADD_LIMB - 1))
    top = (
        (bits - 1) // ADD_LIMB * ADD_LIMB
    )  # where the top limb starts (14 for 16 bits)
    over = (
        ((digits[-1] >> (bits - top)) | carry) & 1
    ).bool() & ~infinite  # bit ``bits`` of the sum
    if bool(over.any()):
        index = int(torch.nonzero(over)[0])
        raise ValueError(
            f"{int(a[index])} + {int(b[index])} is out of range: the composed "
            f"{bits}-bit adder "
            f"gives sums from 0 to {2**bits - 1}"
        )
    total = sum(
        digit << (ADD_LIMB * index) for index, digit in enumerate(digits)
    )  # joining bits: no carries
    return torch.where(infinite, 2**bits, total)


class WideAdder:
    """The 8-bit adder composed into a ``bits``-bit adder, answering like the 8-bit one:
    ``codec`` and ``adder(a, b)`` -> bit logits (so
    :func:`nee_lite.graphs.composition.add` takes it)."""

    def __init__(self, adder, bits: int = WIDE_BITS):
        self.adder, self.codec = adder, NumberCodec(bits)

    def __call__(self, a, b) -> torch.Tensor:
        return 2 * self.codec.encode(wide_add(self.adder, a, b, self.codec.bits)) - 1


# --------------------------------------------------------------------------------------
# find-min
class _LimbEngine:
    """``forward_visible`` of the composed find-min engine (see :class:`WideFinder`)."""

    def __init__(self, finder, bits: int):
        self.finder, self.bits = finder, bits

    @torch.no_grad()
    def forward_visible(self, bits: torch.Tensor, hide: torch.Tensor):
        """Value bit-logits ``(batch, bits + 1)`` and log-pointer ``(batch, positions)``
        of the smallest visible number of ``bits`` (``(batch, positions, bits + 1)``,
        the wide codec's vectors; END last, visible)."""
        flag, data = bits[..., :1], bits[..., 1:]
        value, hidden = [], hide
        for start in range(0, self.bits, 8):  # 8-bit limbs, most significant first
            limb = torch.cat(
                [flag, data[..., start : start + 8]], -1
            )  # infinity stays END in every limb
            logits, log_pointer = self.finder.engine.forward_visible(limb, hidden)
            value.append(
                logits if start == 0 else logits[:, 1:]
            )  # the flag from the top limb
            if start + 8 < self.bits:
                near = (
                    log_pointer
                    >= log_pointer.max(-1, keepdim=True).values - POINTER_TOLERANCE
                )
                others = ~near
                others[:, -1] = False  # END stays visible, as in every list
                hidden = (
                    self.finder.mask_network(hidden, others) > 0
                )  # hide all but the smallest limb's copies
        return torch.cat(value, -1), log_pointer


class WideFinder:
    """The 8-bit find-min engine and its mask network composed into a find-min engine
    for ``bits``-bit numbers (``bits`` a multiple of 8), answering like the 8-bit one:
    ``codec``, ``engine.forward_visible``, ``mask_network``; so
    :func:`~nee_lite.graphs.composition.find_min`, ``min_of_two`` and the graph loop
    take it as they are."""

    def __init__(self, finder, bits: int = WIDE_BITS):
        if bits % 8:
            raise ValueError(
                f"the composed find-min works on whole 8-bit limbs; got {bits} bits"
            )
        self.finder, self.codec = finder, NumberCodec(bits)
        self.engine, self.mask_network = _LimbEngine(finder, bits), finder.mask_network


# --------------------------------------------------------------------------------------
# checks
@torch.no_grad()
def adder_overflow(adder) -> dict:
    """What the 8-bit adder answers for the 32,640 pairs whose sum exceeds 255 (never
    trained): how many it gets right as ``sum - 256`` with the infinity flag up (a carry
    it could report), how often the flag is up."""
    numbers = torch.arange(adder.codec.end)
    a, b = (grid.flatten() for grid in torch.meshgrid(numbers, numbers, indexing="ij"))
    over = a + b > adder.codec.max_value
    bits = adder(a[over], b[over]) > 0
    data = adder.codec.decode(
        torch.cat([torch.zeros_like(bits[:, :1]), bits[:, 1:]], 1)
    )
    return {
        "pairs": int(over.sum()),
        "flag_up": float(bits[:, 0].float().mean()),
        "carry_readable": float(
            (bits[:, 0] & (data == a[over] + b[over] - 256)).float().mean()
        ),
        "low_bits_right": float((data == a[over] + b[over] - 256).float().mean()),
    }


@torch.no_grad()
def check_adder_limbs(adder) -> dict:
    """The adder on every pair the composed adder can hand it: two limbs (``0 .. 127``
    each, 16,384 pairs), a limb sum and a carry (``0 .. 254`` and 0 or 1), infinity with
    either (and with itself). Returns how many pairs and the wrong ones: none wrong
    means every 16-bit sum is exact."""
    end, limb = adder.codec.end, torch.arange(2**ADD_LIMB)
    x, y = (grid.flatten() for grid in torch.meshgrid(limb, limb, indexing="ij"))
    t, c = (
        grid.flatten()
        for grid in torch.meshgrid(
            torch.arange(2 * 2**ADD_LIMB - 1), torch.arange(2), indexing="ij"
        )
    )
    everything = torch.cat(
        [limb, torch.arange(2 * 2**ADD_LIMB - 1), torch.tensor([end])]
    )
    a = torch.cat([x, t, c, torch.full_like(everything, end), everything])
    b = torch.cat([y, c, t, everything, torch.full_like(everything, end)])
    got = adder.codec.decode_logits(adder(a, b))
    truth = torch.where((a == end) | (b == end), end, a + b)
    wrong = torch.nonzero(got != truth).flatten()
    return {
        "pairs": len(a),
        "wrong": [(int(a[i]), int(b[i]), int(got[i])) for i in wrong[:10]],
    }


@torch.no_grad()
def check_min_limbs(finder) -> dict:
    """The find-min engine on every list a two-number question of the composed find-min
    can give it: every ``[a, b, END]`` (``a, b`` in ``0 .. 255`` or END, 66,049 lists)
    with nothing hidden, and ``[a, b, END]`` with ``a`` or ``b`` hidden. Right means:
    the value is the smallest visible number, and the positions within
    :data:`POINTER_TOLERANCE` of the pointer's largest log-probability are exactly those
    that hold it."""
    end = finder.codec.end
    numbers = torch.arange(end + 1)
    a, b = (grid.flatten() for grid in torch.meshgrid(numbers, numbers, indexing="ij"))
    lists = torch.stack([a, b, torch.full_like(a, end)], 1)
    count, wrong = 0, []
    for hidden in ((False, False), (True, False), (False, True)):
        hide = torch.tensor([*hidden, False]).expand(len(lists), 3)
        value, log_pointer = find_min(finder, lists, hide)
        shown = lists.masked_fill(hide, end + 1)
        smallest = shown.min(1).values
        near = (
            log_pointer >= log_pointer.max(-1, keepdim=True).values - POINTER_TOLERANCE
        )
        bad = (value != smallest) | (near != (shown == smallest[:, None])).any(1)
        count += len(lists)
        wrong += [
            (lists[i].tolist(), hidden, int(value[i]))
            for i in torch.nonzero(bad).flatten()[:10]
        ]
    return {"lists": count, "wrong": wrong}


@torch.no_grad()
def check_mask_sets(finder) -> dict:
    """The mask network on every neighbourhood it can see (its convolution reads three
    positions, two channels: every mask and pointer pattern of lists of 1, 2 and 3
    positions covers the middle, the edges and the single position). Right means: it
    hides exactly what was hidden or pointed at, also when the pointer names several
    positions."""
    count, wrong = 0, []
    for length in (1, 2, 3):
        patterns = torch.tensor(
            list(np.ndindex(*(2,) * (2 * length))), dtype=torch.bool
        )
        mask, pointer = patterns[:, :length], patterns[:, length:]
        got = finder.mask_network(mask, pointer) > 0
        bad = (got != (mask | pointer)).any(1)
        count += len(patterns)
        wrong += [
            (mask[i].tolist(), pointer[i].tolist())
            for i in torch.nonzero(bad).flatten()
        ]
    return {"patterns": count, "wrong": wrong}


@torch.no_grad()
def check_wide_add(
    adder,
    others=(0, 1, 127, 128, 255, 256, 16383, 16384, 32767, 40000),
    bits: int = WIDE_BITS,
    chunk: int = 65536,
) -> dict:
    """The composed adder on every ``a`` in ``0 .. 2**bits - 1`` and infinity, each with
    every ``b`` of ``others`` (pairs whose sum fits) and infinity: how many pairs, and
    the wrong ones."""
    numbers = torch.arange(2**bits + 1)
    count, wrong = 0, []
    for other in (*others, 2**bits):
        keep = (
            (numbers + other <= 2**bits - 1) | (numbers == 2**bits) | (other == 2**bits)
        )
        a = numbers[keep]
        b = torch.full_like(a, other)
        for start in range(0, len(a), chunk):
            x, y = a[start : start + chunk], b[start : start + chunk]
            got = wide_add(adder, x, y, bits)
            truth = torch.where((x == 2**bits) | (y == 2**bits), 2**bits, x + y)
            count += len(x)
            wrong += [
                (int(x[i]), int(y[i]), int(got[i]))
                for i in torch.nonzero(got != truth).flatten()[:10]
            ]
    return {"pairs": count, "wrong": wrong}


def check_wide_min(
    finder, count: int = 20000, seed: int = 0, bits: int = WIDE_BITS
) -> dict:
    """The composed find-min on ``count`` random pairs ``[a, b, END]`` of ``bits``-bit
    numbers (a quarter with equal high limbs, a tenth infinite): is the value ``min(a,
    b)`` and the pointer on ``b`` exactly when ``b < a``? (Every such pair is made of
    lists :func:`check_min_limbs` tries; this checks the wiring.)"""
    generator = torch.Generator().manual_seed(seed)
    a = torch.randint(2**bits, (count,), generator=generator)
    b = torch.randint(2**bits, (count,), generator=generator)
    same_high = torch.arange(count) % 4 == 0
    b = torch.where(same_high, (a >> 8 << 8) | (b & 255), b)
    a = torch.where(torch.rand(count, generator=generator) < 0.1, 2**bits, a)
    b = torch.where(torch.rand(count, generator=generator) < 0.1, 2**bits, b)
    value, second = min_of_two(WideFinder(finder, bits), a, b)
    wrong = torch.nonzero(
        (value != torch.minimum(a, b)) | (second != (b < a))
    ).flatten()
    return {
        "pairs": count,
        "wrong": [(int(a[i]), int(b[i]), int(value[i])) for i in wrong[:10]],
    }


# --------------------------------------------------------------------------------------
# input range
def wide_overflow(graph: WeightedGraph, limit: int = WIDE_MAX_VALUE):
    """The first sum Dijkstra would compute above ``limit``, as ``(u, v, dist_u, w)``,
    or None (classical: only to refuse an input, never to answer). Sums are ``dist[u] +
    w(u, v)`` for every edge with ``dist[u] <= dist[v]``, as
    :func:`nee_lite.graphs.data.tentative_overflow` counts them."""
    if not len(graph.edges):
        return None
    return tentative_overflow(graph, limit)


def needs_wide(graph: WeightedGraph, algorithm: str) -> bool:
    """Whether ``graph`` needs the composed 16-bit engines: more nodes than the 8-bit
    command line takes, a weight above 255, or (Dijkstra) a sum above 255."""
    if graph.n > MAX_NODES or (
        len(graph.weights) and int(graph.weights.max()) > MAX_VALUE
    ):
        return True
    return algorithm == "dijkstra" and wide_overflow(graph, MAX_VALUE) is not None


# --------------------------------------------------------------------------------------
# test graphs
def _geometric(n: int, rng: np.random.Generator):
    """Random points in the unit square, joined within a radius that makes the graph
    connected with high probability; real weights: the Euclidean lengths (scaled to
    integers by :func:`_scaled`)."""
    radius = math.sqrt(2.2 * math.log(n) / (math.pi * n))
    points = rng.random((n, 2))
    graph = nx.random_geometric_graph(
        n,
        radius,
        pos={i: tuple(p) for i, p in enumerate(points)},
        seed=int(rng.integers(2**31)),
    )
    edges = np.array(list(graph.edges), dtype=np.int64).reshape(-1, 2)
    lengths = np.linalg.norm(points[edges[:, 0]] - points[edges[:, 1]], axis=1)
    return edges, lengths


def _road(n: int, rng: np.random.Generator):
    """A grid of streets (rows x columns = n) with a tenth of its streets missing and
    diagonals across a twentieth of its blocks; each street has a length (100 to 1,000
    m) and a speed limit (30, 50 or 80 km/h); real weight: the travel time."""
    rows = max(r for r in range(1, int(n**0.5) + 1) if n % r == 0)
    columns = n // rows
    grid = nx.convert_node_labels_to_integers(
        nx.grid_2d_graph(rows, columns)
    )  # node r * columns + c
    edges = np.array(list(grid.edges), dtype=np.int64).reshape(-1, 2)
    edges = edges[rng.random(len(edges)) >= 0.1]
    corner = rng.integers(max(rows - 1, 1), size=n // 20) * columns + rng.integers(
        max(columns - 1, 1), size=n // 20
    )
    diagonals = np.stack([corner, corner + columns + 1], 1)  # (r, c) to (r + 1, c + 1)
    edges = np.unique(
        np.sort(np.concatenate([edges, diagonals[diagonals[:, 1] < n]]), 1), axis=0
    )
    length = rng.uniform(100, 1000, len(edges))
    speed = rng.choice([30.0, 50.0, 80.0], len(edges), p=[0.5, 0.35, 0.15]) / 3.6
    return edges, length / speed


#: The realistic families (Euclidean lengths, travel times) and the book's families with
#: random weights.
WIDE_FAMILIES = ("geometric", "road", *FAMILIES)
WIDE_SIZES = (500, 1000)
# weights are scaled to at most this, or less where Dijkstra's sums would pass 65,535
TOP_WEIGHT = 4000


def _scaled(
    n: int, edges: np.ndarray, real: np.ndarray, source: int, algorithm: str
) -> np.ndarray:
    """Integer weights ``floor(s * real)``, the largest at most :data:`TOP_WEIGHT` and,
    for Dijkstra, every sum ``dist[u] + w`` at most 65,535 (rounding down never
    lengthens a path, as in :func:`nee_lite.graphs.data.dijkstra_weights`)."""
    if not len(edges):
        return np.zeros(0, dtype=np.int64)
    scale = TOP_WEIGHT / max(float(real.max()), 1e-12)
    if algorithm == "dijkstra":
        dist = shortest_distances(n, edges, real, source)
        sums = np.concatenate([dist[edges[:, 0]] + real, dist[edges[:, 1]] + real])
        worst = float(sums[np.isfinite(sums)].max()) if np.isfinite(sums).any() else 0.0
        scale = min(scale, WIDE_MAX_VALUE / max(worst, 1e-12))
    return np.floor(scale * real).astype(np.int64)


def wide_specs(
    sizes=WIDE_SIZES, families=WIDE_FAMILIES, per_family: int = 1, seed: int = 0
) -> list[dict]:
    """The big-graph test set as specs (``n``, ``family``, ``seed``): ``per_family``
    graphs per size and family."""
    return [
        {
            "n": n,
            "family": family,
            "seed": seed * 1_000_003 + n * 100 + index * 10 + copy,
        }
        for n in sizes
        for index, family in enumerate(families)
        for copy in range(per_family)
    ]


def make_wide_graph(spec: dict, algorithm: str) -> WeightedGraph:
    """The weighted graph ``spec`` describes: geometric graphs with Euclidean lengths,
    road-like grids with travel times, or a book family
    (:data:`~nee_lite.graphs.data.FAMILIES`) with weights uniform in [1, 2) before
    scaling; then scaled by :func:`_scaled` (the largest weight :data:`TOP_WEIGHT`,
    smaller where a long graph's distances would pass 65,535)."""
    n, rng = spec["n"], np.random.default_rng(spec["seed"])
    if spec["family"] == "geometric":
        edges, real = _geometric(n, rng)
    elif spec["family"] == "road":
        edges, real = _road(n, rng)
    else:
        edges = build_structure(spec["family"], n, rng)
        real = 1 + rng.random(len(edges))
    if spec["family"] in ("geometric", "road"):
        labels = rng.permutation(n)
        edges = labels[edges]
    source = int(rng.integers(n))
    weights = _scaled(n, edges, real, source, algorithm)
    return WeightedGraph(n, edges, weights, source, dict(spec))


WIDE_PER_FAMILY = 2  # graphs per size and family in the stored test set


def _wide_path() -> Path:
    return data_dir() / "test_sets" / "wide_graphs.json"


def write_wide_test_set(path=None, seed: int = 0) -> Path:
    """Write the specs of :func:`wide_specs` (2 graphs per size and family) with each
    weighted graph's checksum per algorithm: ``python -m nee_lite.graphs.wide`` writes
    ``data/test_sets/wide_graphs.json``."""
    path = Path(path) if path else _wide_path()
    rows = [
        {
            **spec,
            "checksum": {a: make_wide_graph(spec, a).checksum() for a in ALGORITHMS},
        }
        for spec in wide_specs(per_family=WIDE_PER_FAMILY, seed=seed)
    ]
    description = (
        "big graphs with 16-bit weights; each is rebuilt by nee_lite.graphs.wide."
        "make_wide_graph(spec, algorithm) and checked against its checksum"
    )
    return write_graph_rows(
        path, rows, description, "python -m nee_lite.graphs.wide", seed
    )


def wide_test_set(
    algorithm: str, sizes=WIDE_SIZES, families=WIDE_FAMILIES, path=None
) -> dict[int, list]:
    """The stored big graphs per size (those of ``families``), rebuilt from their seeds
    and checked against their checksums."""
    graphs: dict[int, list[WeightedGraph]] = {n: [] for n in sizes}
    for row in json.loads(Path(path or _wide_path()).read_text())["graphs"]:
        if row["n"] not in graphs or row["family"] not in families:
            continue
        graph = make_wide_graph(
            {key: row[key] for key in ("n", "family", "seed")}, algorithm
        )
        graphs[row["n"]].append(checked(graph, row, algorithm, "nee_lite.graphs.wide"))
    return graphs


def wide_graphs_table(
    finder,
    adder,
    algorithms=ALGORITHMS,
    sizes=WIDE_SIZES,
    families=WIDE_FAMILIES,
    path=None,
    log=None,
) -> list[dict]:
    """Per algorithm, size and family: the stored big graphs run on the composed 16-bit
    engines (a batch per family), scored against networkx
    (:func:`~nee_lite.graphs.classical.score_dijkstra`, ``score_prim``): per node and
    per graph exact match, the largest weight and distance or key, and the networks'
    seconds per graph. ``log(row)`` is called after each row."""
    rows = []
    engines = WideFinder(finder), WideAdder(adder)
    for algorithm in algorithms:
        for size, graphs in wide_test_set(algorithm, sizes, families, path).items():
            for family in families:
                chosen = [graph for graph in graphs if graph.spec["family"] == family]
                started = time.perf_counter()
                first, second = run_algorithm(
                    algorithm,
                    engines[0],
                    engines[1] if algorithm == "dijkstra" else None,
                    chosen,
                    batch_size=len(chosen),
                )
                seconds = time.perf_counter() - started
                if algorithm == "dijkstra":
                    score, top = (
                        score_dijkstra(chosen, first, second),
                        max(
                            max((d for d in dist if d is not None), default=0)
                            for dist in first
                        ),
                    )
                else:
                    score, top = score_prim(chosen, first, second), None
                row = {
                    "algorithm": algorithm,
                    "family": family,
                    "size": size,
                    "items": len(chosen),
                    "per_element": round(score["per_node"], 6),
                    "exact_match": round(score["per_graph"], 6),
                    **(
                        {
                            "per_element_predecessor": round(
                                score["per_node_predecessor"], 6
                            )
                        }
                        if algorithm == "dijkstra"
                        else {"is_mst": round(score["is_mst"], 6)}
                    ),
                    "edges_mean": round(
                        sum(len(g.edges) for g in chosen) / len(chosen)
                    ),
                    "max_weight": max(
                        int(g.weights.max()) if len(g.weights) else 0 for g in chosen
                    ),
                    **({"max_distance": top} if top is not None else {}),
                    "seconds_per_graph": round(seconds / len(chosen), 2),
                }
                rows.append(row)
                if log is not None:
                    log(row)
            rows.append(_all_families(rows[-len(families) :]))
            if log is not None:
                log(rows[-1])
    return rows


def _all_families(rows: list[dict]) -> dict:
    """One row for a size over every family (each family's graphs have the same size, so
    the per node share is the mean of the families' shares weighted by their graphs)."""
    items = sum(row["items"] for row in rows)

    def mean(key):
        return round(sum(row[key] * row["items"] for row in rows) / items, 6)

    extra = (
        "per_element_predecessor" if "per_element_predecessor" in rows[0] else "is_mst"
    )
    return {
        "algorithm": rows[0]["algorithm"],
        "family": "all",
        "size": rows[0]["size"],
        "items": items,
        "per_element": mean("per_element"),
        "exact_match": mean("exact_match"),
        extra: mean(extra),
        "max_weight": max(row["max_weight"] for row in rows),
        "seconds_per_graph": round(
            sum(row["seconds_per_graph"] * row["items"] for row in rows) / items, 2
        ),
        "seconds_per_graph_max": max(row["seconds_per_graph"] for row in rows),
    }


if __name__ == "__main__":
    print(f"wrote {write_wide_test_set()}")
