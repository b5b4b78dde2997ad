"""Input given as JSON, checked before any network runs: number pairs, number lists,
decimal pairs, programs, graphs.

Every check names the item (and position, or edge) it is about, so one bad entry stops
the whole input with an error that says where and what is allowed, rather than being
dropped silently. The command line reads the JSON (:mod:`nee_lite.cli.inputs`) and hands
it to these; the chapters call them on their own examples. The only classical
computation on a graph here is a range check
(:func:`~nee_lite.graphs.data.tentative_overflow`, and
:func:`~nee_lite.graphs.wide.wide_overflow` for 16 bits), used to *refuse* a graph whose
sums would leave the engines' range, never to answer.
"""

from __future__ import annotations

import json

import numpy as np

from .ancestors.lte_programs import VOCAB
from .ancestors.npi_env import parse_operand
from .core.encoding import NumberCodec, from_json_number
from .graphs.data import MAX_NODES, MAX_VALUE, WeightedGraph, tentative_overflow
from .graphs.wide import WIDE_MAX_NODES, WIDE_MAX_VALUE, wide_overflow

__all__ = [
    "parse_number_pairs",
    "parse_number_lists",
    "parse_decimal_pairs",
    "parse_programs",
    "parse_graphs",
]


def parse_number_pairs(
    data, codec: NumberCodec, check=None
) -> tuple[list[int], list[int]]:
    """Check a JSON array of ``[a, b]`` pairs (numbers in the codec's range, ``"inf"``
    allowed) and split it.

    ``check(a, b)``, if given, adds a task's own rule; every error names the item it is
    about.
    """
    if not isinstance(data, list) or not data:
        raise ValueError("input must be a non-empty JSON array of [a, b] pairs")
    a, b = [], []
    for index, pair in enumerate(data):
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValueError(f"item {index}: expected a pair [a, b], got {pair!r:.60}")
        try:
            x, y = (from_json_number(value, codec) for value in pair)
            if check is not None:
                check(x, y)
        except ValueError as error:
            raise ValueError(f"item {index}: {error}") from None
        a.append(x)
        b.append(y)
    return a, b


def parse_number_lists(
    data, codec: NumberCodec, max_length: int = 10_000
) -> list[list[int]]:
    """Check a JSON array of non-empty integer lists (each number in the codec's range,
    no end token)."""
    if not isinstance(data, list) or not data:
        raise ValueError("input must be a non-empty JSON array of lists of integers")
    lists = []
    for index, item in enumerate(data):
        if not isinstance(item, list):
            raise ValueError(
                f"item {index}: expected a list of integers, got {item!r:.60}"
            )
        if not item:
            raise ValueError(
                f"item {index}: the list is empty; lists need at least one number"
            )
        if len(item) > max_length:
            raise ValueError(
                f"item {index}: {len(item)} numbers is more than the limit of "
                f"{max_length}"
            )
        numbers = []
        for position, value in enumerate(item):
            if value == "inf":
                raise ValueError(
                    f'item {index}, position {position}: "inf" cannot be sorted; '
                    f"use integers from 0 to {codec.max_value}"
                )
            try:
                numbers.append(from_json_number(value, codec))
            except ValueError as error:
                raise ValueError(
                    f"item {index}, position {position}: {error}"
                ) from None
        lists.append(numbers)
    return lists


def parse_decimal_pairs(data) -> list[tuple[str, str]]:
    """Check a JSON array of ``[a, b]`` pairs of non-negative integers written as
    decimal strings."""
    if not isinstance(data, list) or not data:
        raise ValueError(
            "input must be a non-empty JSON array of [a, b] pairs of decimal strings, "
            'e.g. [["12", "30"]]'
        )
    pairs = []
    for index, pair in enumerate(data):
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValueError(
                f"item {index}: expected a pair [a, b] of decimal strings, got "
                f"{pair!r:.60}"
            )
        try:
            pairs.append((parse_operand(pair[0]), parse_operand(pair[1])))
        except ValueError as error:
            raise ValueError(f"item {index}: {error}") from None
    return pairs


def parse_programs(data) -> list[str]:
    """Check a JSON array of program texts in the Learning-to-Execute alphabet, at most
    2,000 characters each."""
    if not isinstance(data, list) or not data:
        raise ValueError(
            "input must be a non-empty JSON array of program texts, e.g. "
            '["a=12\\nprint((a+7))"]'
        )
    for index, program in enumerate(data):
        if not isinstance(program, str) or not program.strip():
            raise ValueError(
                f"item {index}: expected the text of a program, got {program!r:.60}"
            )
        if len(program) > 2000:
            raise ValueError(
                f"item {index}: {len(program)} characters is more than the limit of "
                "2000"
            )
        try:
            VOCAB.encode(program)
        except ValueError as error:
            raise ValueError(f"item {index}: {error}") from None
    return data


# --------------------------------------------------------------------------------------
# graphs
def _integer(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be an integer, got {json.dumps(value)[:40]}")
    return value


def _limits(bits: int) -> tuple[int, int, str]:
    """Largest weight, most nodes, and the engines' name for graphs on ``bits``-bit
    engines."""
    if bits == 8:
        return MAX_VALUE, MAX_NODES, "the 8-bit engines"
    if bits == 16:
        return WIDE_MAX_VALUE, WIDE_MAX_NODES, "the composed 16-bit engines"
    raise ValueError(f"bits must be 8 or 16, got {bits!r}")


def _parse_edge(edge, index: int, n: int, bits: int = 8) -> tuple[int, int, int]:
    if not isinstance(edge, list) or len(edge) != 3:
        raise ValueError(
            f"edge {index}: expected [u, v, w], got {json.dumps(edge)[:60]}"
        )
    u, v = (_integer(x, f"edge {index}: node id") for x in edge[:2])
    w = _integer(edge[2], f"edge {index}: weight")
    for node in (u, v):
        if not 0 <= node < n:
            raise ValueError(
                f"edge {index}: node id {node} is out of range: nodes are 0 to {n - 1}"
            )
    if u == v:
        raise ValueError(f"edge {index}: self-loop on node {u}")
    top, _, engines = _limits(bits)
    if w < 0:
        raise ValueError(
            f"edge {index}: negative weight {w}; weights are integers from 0 to {top}"
        )
    if w > top:
        raise ValueError(
            f"edge {index}: weight {w} is out of range: {engines} take weights from 0 "
            "to "
            f"{top}"
        )
    return u, v, w


def _parse_edges(items, n: int, bits: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Edges and weights; an identical duplicate is dropped, a duplicate with another
    weight refused."""
    seen: dict[tuple[int, int], int] = {}
    for index, item in enumerate(items):
        u, v, w = _parse_edge(item, index, n, bits)
        pair = (min(u, v), max(u, v))
        if seen.setdefault(pair, w) != w:
            raise ValueError(
                f"edge {index}: duplicate edge {u}-{v} with a different weight ({w}; "
                "before: "
                f"{seen[pair]})"
            )
    edges = np.array(list(seen), dtype=np.int64).reshape(-1, 2)
    return edges, np.array(list(seen.values()), dtype=np.int64)


def _parse_graph(item, algorithm: str, bits: int = 8) -> WeightedGraph:
    fields = {"n", "edges", "source"}
    if not isinstance(item, dict):
        raise ValueError(
            f'expected an object {{"n": N, "edges": [[u, v, w], ...], "source": s}}, '
            f"got {json.dumps(item)[:60]}"
        )
    if fields - set(item) or set(item) - fields:
        missing, unknown = sorted(fields - set(item)), sorted(set(item) - fields)
        raise ValueError(
            f"missing field {missing[0]!r}"
            if missing
            else f"unknown field {unknown[0]!r}"
        )
    n = _integer(item["n"], "n")
    top, most, engines = _limits(bits)
    if not 1 <= n <= most:
        raise ValueError(
            f"n = {n} is out of range: graphs have 1 to {most} nodes"
            + (" on the 16-bit engines" if bits == 16 else "")
        )
    source = _integer(item["source"], "source")
    if not 0 <= source < n:
        raise ValueError(f"source {source} is out of range: nodes are 0 to {n - 1}")
    if not isinstance(item["edges"], list):
        raise ValueError(
            f"edges must be a list of [u, v, w], got {json.dumps(item['edges'])[:60]}"
        )
    graph = WeightedGraph(n, *_parse_edges(item["edges"], n, bits), source)
    if (
        algorithm == "dijkstra"
        and bits == 16
        and (overflow := wide_overflow(graph, top))
    ):
        u, v, dist_u, w = overflow
        raise ValueError(
            f"dist[{u}] + w({u}, {v}) = {dist_u} + {w} = {dist_u + w} is out of "
            "range: the composed "
            f"16-bit adder gives sums from 0 to {top}, so every shortest distance and "
            "every sum "
            f"dist[u] + w(u, v) that Dijkstra computes must be at most {top}"
        )
    if (
        algorithm == "dijkstra"
        and bits == 8
        and (overflow := tentative_overflow(graph))
    ):
        u, v, dist_u, w = overflow
        raise ValueError(
            f"dist[{u}] + w({u}, {v}) = {dist_u} + {w} = {dist_u + w} is out of "
            "range: the addition "
            f"engine gives sums from 0 to {MAX_VALUE}, so every shortest distance and "
            "every sum "
            f"dist[u] + w(u, v) that Dijkstra computes must be at most {MAX_VALUE}"
        )
    return graph


def parse_graphs(data, algorithm: str, bits: int = 8) -> list[WeightedGraph]:
    """Check a JSON array of graphs ``{"n": N, "edges": [[u, v, w], ...], "source": s}``
    and build them.

    Every graph is checked before anything runs; an error names the graph (and edge) and
    says what is allowed. ``bits``: the engines' width, 8 (weights and Dijkstra's sums
    up to 255, at most 500 nodes) or 16 (the composed engines of
    :mod:`nee_lite.graphs.wide`: up to 65,535, at most 1,000 nodes).
    """
    if not isinstance(data, list) or not data:
        raise ValueError(
            'input must be a non-empty JSON array of graphs {"n": N, "edges": [[u, v, '
            "w], ...], "
            '"source": s}'
        )
    graphs = []
    for index, item in enumerate(data):
        try:
            graphs.append(_parse_graph(item, algorithm, bits))
        except ValueError as error:
            raise ValueError(f"graph {index}: {error}") from None
    return graphs
