"""The page "Try the engines" (book/playground.md) in a real browser: its answers are
`nee-lite run`'s.

Follows tests/test_browser.py (and uses its server and browser): the built book is
served on 127.0.0.1, Debian's Chromium opens the page, requests to any other host are
blocked and fail the test, and without the built book or Chromium the tests skip, saying
why, unless ``NEE_REQUIRE_BROWSER_TEST=1``.

The test types 24 lists of up to 100 numbers (duplicates, 0 and 255 among them) and
sorts each with the selection-sort and the merge-sort engine, 5 sets of addition pairs,
and 7 graphs (up to 25 nodes) through Dijkstra and Prim, and compares every answer with
what ``nee-lite run`` answers for the same input (the same task functions, in Python, on
the PyTorch models). With the box "16-bit numbers" checked it runs 20 graphs with
weights in the thousands (ten families of :mod:`nee_lite.graphs.wide`, up to 100 nodes,
one of 300; ties in the high byte, in the low byte and in all 16 bits; distances of
exactly 65,535; a star of 501 nodes; a graph within 8 bits) through both and compares
each answer with ``nee-lite run --bits 16``'s, and the engines' width the page ran on
with the command line's choice (:func:`~nee_lite.graphs.wide.needs_wide`). Invalid input
must show a message beside the box and change nothing; the command line must refuse it
too (16-bit input: with the very message the page shows). It prints (does not assert)
the page's time to interactive and the time of each run.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from urllib.parse import urljoin

import numpy as np
import pytest
from test_browser import browser, open_page, require_environment, screenshot, site  # noqa: F401 - fixtures

from nee_lite.cli.main import main as cli_main
from nee_lite.graphs.data import WeightedGraph, graph_test_set
from nee_lite.graphs.wide import make_wide_graph, needs_wide
from nee_lite.tasks.registry import TASKS as REGISTRY
from nee_lite.tasks.registry import run_task, shipped_checkpoint

PAGE = "book/playground.html"
TASKS = {
    "sort": "selection-sort",
    "merge-sort": "merge-sort",
    "add": "add",
    "dijkstra": "dijkstra",
    "prim": "prim",
}


def test_lists() -> list[list[int]]:
    """24 lists of 1 to 100 numbers: random, duplicate-heavy, all equal, sorted,
    reversed, with 0 and 255."""
    rng = random.Random(19)
    lists = [
        [0],
        [255],
        [255, 0],
        [7, 7],
        [0, 255, 0, 255],
        list(range(100, 0, -1)),
        sorted(rng.choices(range(256), k=40)),
        [42] * 30,
    ]
    for length in (3, 5, 8, 13, 21, 34, 50, 75, 100, 100):
        lists.append([rng.randrange(256) for _ in range(length)])
    for length in (10, 60, 100):  # duplicate-heavy: a few values many times
        lists.append([rng.choice((3, 4, 5, 200)) for _ in range(length)])
    for length in (16, 64, 100):  # 0 and 255 inside
        numbers = [rng.randrange(256) for _ in range(length - 2)] + [0, 255]
        rng.shuffle(numbers)
        lists.append(numbers)
    assert len(lists) >= 20 and max(map(len, lists)) == 100
    return lists


test_lists.__test__ = False  # a helper, not a test


def test_pairs() -> list[list]:
    return [
        [[3, 4], ["inf", 7]],
        [[0, 0], [255, 0], [0, 255]],
        [[100, 155], [128, 127], [1, 254], [17, 38]],
        [["inf", "inf"], [200, "inf"], [99, 99]],
        [[a, 255 - a - a % 7] for a in range(0, 120, 13)],
    ]


test_pairs.__test__ = False

PATH = {"n": 5, "edges": [[i, i + 1, 10 * (i + 1)] for i in range(4)], "source": 0}


def triangle(a: int, ab: int, bc: int, ac: int) -> list[list[int]]:
    """The edges of the triangle ``a, a+1, a+2`` with weights ``ab``, ``bc``, ``ac``."""
    b, c = a + 1, a + 2
    return [[a, b, ab], [b, c, bc], [a, c, ac]]


def diamond(top: int, out: int, into: int) -> list[list[int]]:
    """The edges of a diamond ``top -> {top+1, top+2} -> top+3``: weight ``out`` on both
    edges out of ``top``, ``into`` on both into ``top+3`` (two equal paths, a tie)."""
    left, right, bottom = top + 1, top + 2, top + 3
    return [
        [top, left, out],
        [top, right, out],
        [left, bottom, into],
        [right, bottom, into],
    ]


def test_graphs() -> list[dict]:
    """7 graphs: a path, a tie-heavy graph, a random one, a disconnected one, a complete
    one, and the first two 25-node graphs of the stored Dijkstra test set; all sums <=
    255."""
    rng = random.Random(7)
    complete = [[u, v, rng.randrange(1, 40)] for u in range(8) for v in range(u + 1, 8)]
    scattered = [
        [u, v, rng.randrange(0, 30)]
        for u in range(12)
        for v in range(u + 1, 12)
        if rng.random() < 0.3
    ]
    ties = diamond(0, 5, 5) + diamond(3, 6, 5) + [[1, 2, 0]]
    disconnected = triangle(0, 3, 4, 8) + [[3, 4, 1]] + triangle(5, 2, 2, 2)
    return [
        PATH,
        {"n": 7, "edges": ties, "source": 3},
        {"n": 12, "edges": scattered, "source": 2},
        {"n": 9, "edges": disconnected, "source": 0},
        {"n": 8, "edges": complete, "source": 5},
        *(graph.to_json() for graph in graph_test_set("dijkstra", sizes=(25,))[25][:2]),
    ]


test_graphs.__test__ = False

# (family, nodes) of the 16-bit graphs made by nee_lite.graphs.wide.make_wide_graph
WIDE_SPECS = [
    ("geometric", 100),
    ("road", 100),
    ("erdos-renyi", 60),
    ("regular", 80),
    ("grid", 100),
    ("tree", 100),
    ("caveman", 60),
    ("complete", 40),
    ("sparse-disconnected", 100),
    ("barabasi-albert", 50),
    ("geometric", 300),  # a few hundred nodes: the long selection steps
]


def wide_graphs(algorithm: str) -> list[dict]:
    """20 graphs for the 16-bit engines: the families of :data:`WIDE_SPECS` (weights up
    to 4,000, scaled down where Dijkstra's sums would pass 65,535), ties in the high
    byte (300, 301, 511 and 512 share it in pairs), exact ties in all 16 bits, weights
    and distances of exactly 65,535, 0 weights, infinity, a star of 501 nodes with 8-bit
    weights (on the composed engines for its size alone), and one graph within 8 bits
    (the command line runs it on the 8-bit engines)."""
    made = [
        make_wide_graph(
            {"n": n, "family": family, "seed": 28_000 + 10 * n + index}, algorithm
        )
        for index, (family, n) in enumerate(WIDE_SPECS)
    ]
    rng = random.Random(28)
    high_ties = [  # random weights that share high bytes with each other
        [u, v, rng.choice((256, 300, 301, 511, 512, 513, 767, 1000, 1001))]
        for u in range(14)
        for v in range(u + 1, 14)
        if rng.random() < 0.35
    ]
    return [
        *(graph.to_json() for graph in made),
        {
            "n": 6,
            "edges": [
                [0, 1, 300],
                [0, 2, 301],
                [0, 3, 300],
                [1, 4, 511],
                [2, 4, 510],
                [3, 5, 256],
                [4, 5, 512],
                [1, 2, 1],
            ],
            "source": 0,
        },
        {"n": 14, "edges": high_ties, "source": 5},
        {"n": 7, "edges": diamond(0, 1000, 2000) + diamond(3, 4096, 1000), "source": 0},
        {"n": 4, "edges": [[0, 1, 30000], [1, 2, 35535], [0, 3, 0]], "source": 0},
        {"n": 3, "edges": [[0, 1, 65535], [1, 2, 0]], "source": 0},
        {"n": 5, "edges": [[0, 1, 65535], [2, 3, 65534], [3, 4, 257]], "source": 3},
        {  # 8-bit weights and distances, but more nodes than the 8-bit engines take
            "n": 501,
            "edges": [[0, v, rng.randrange(256)] for v in range(1, 501)],
            "source": 0,
        },
        PATH,
        {"n": 1, "edges": [], "source": 0},
    ]


wide_graphs.__test__ = False

# (mode, what is typed, the same input as nee-lite run's JSON, part of the message)
INVALID = [
    ("sort", "1, 2, 256", [[1, 2, 256]], "out of range"),
    ("sort", "1, two, 3", [[1, "two", 3]], "not a number"),
    ("sort", "  ", [[]], "empty"),
    ("merge-sort", "5 -4 9", [[5, -4, 9]], "negative"),
    ("merge-sort", "3, inf", [[3, "inf"]], "cannot be sorted"),
    ("add", "200 + 100", [[200, 100]], "out of range"),
    ("add", "x + 1", [["x", 1]], "not a number"),
    (
        "dijkstra",
        json.dumps({"n": 3, "edges": [[0, 1, -2]], "source": 0}),
        [{"n": 3, "edges": [[0, 1, -2]], "source": 0}],
        "negative weight",
    ),
    (
        "dijkstra",
        json.dumps({"n": 3, "edges": [[0, 1, 200], [1, 2, 100]], "source": 0}),
        [{"n": 3, "edges": [[0, 1, 200], [1, 2, 100]], "source": 0}],
        "out of range",
    ),
    (
        "prim",
        json.dumps({"n": 2, "edges": [[0, 1, 256]], "source": 0}),
        [{"n": 2, "edges": [[0, 1, 256]], "source": 0}],
        "out of range",
    ),
    ("prim", '{"n": 2, "edges": [[0, 1, 3]]', None, "not valid JSON"),
    (
        "prim",
        json.dumps({"n": 2, "edges": [[0, 0, 3]], "source": 0}),
        [{"n": 2, "edges": [[0, 0, 3]], "source": 0}],
        "self-loop",
    ),
    (
        "prim",
        '{"n": 2, "edges": [[0, 1, 3.0]], "source": 0}',
        None,
        "weight must be an integer, got 3.0",
    ),
    (
        "dijkstra",
        json.dumps({"n": 600, "edges": [], "source": 0}),
        [{"n": 600, "edges": [], "source": 0}],
        "out of range",
    ),
]


def cli_answers(mode: str, inputs: list, bits: int | None = None) -> list:
    """What `nee-lite run TASK [--bits BITS]` prints for these inputs (its task
    function, on the shipped checkpoints)."""
    task = TASKS[mode]
    return run_task(REGISTRY[task], shipped_checkpoint(task), inputs, bits=bits)


@pytest.fixture(scope="module")
def playground(site, browser):  # noqa: F811 - fixtures from test_browser
    browser.outside_requests.clear()
    started = time.perf_counter()
    tab, errors = open_page(browser, urljoin(site, PAGE))
    tab.wait_for_function(
        "document.getElementById('nee-playground').dataset.state !== 'loading'",
        timeout=60_000,
    )
    wall = time.perf_counter() - started
    root = tab.evaluate("({...document.getElementById('nee-playground').dataset})")
    assert root["state"] == "ready", (
        f"the engines did not load: {tab.inner_text('#nee-pg-status')}; {errors}"
    )
    print(
        f"\nplayground: time to interactive {root['readyAt']} ms after navigation "
        "start "
        f"(engines loaded {root['loadMs']} ms after the page's script started; "
        f"{wall:.2f} s wall clock in the test)"
    )
    yield tab, errors
    screenshot(tab, PAGE)
    tab.close()
    assert not browser.outside_requests, (
        f"requests to other hosts (blocked): {browser.outside_requests}"
    )
    assert not errors, "JavaScript console errors:\n" + "\n".join(errors)


def pick(tab, mode: str, bits: int = 8) -> None:
    """Pick ``mode``; for a graph, check the box "16-bit numbers" for ``bits`` 16 and
    clear it for 8."""
    tab.select_option("#nee-pg-mode", mode)
    if mode in ("dijkstra", "prim"):
        tab.set_checked("#nee-pg-wide", bits == 16)
    else:
        assert not tab.is_visible("#nee-pg-wide"), "the 16-bit box shows for " + mode


def run_in_page(tab, mode: str, text: str, bits: int = 8) -> tuple[object, float]:
    """Pick ``mode`` (and ``bits`` for a graph), type ``text``, press Run; return the
    page's answer and the milliseconds it measured."""
    pick(tab, mode, bits)
    tab.fill("#nee-pg-input", text)
    runs = int(
        tab.evaluate("document.getElementById('nee-playground').dataset.runs || 0")
    )
    tab.click("#nee-pg-run")
    tab.wait_for_function(
        f"(document.getElementById('nee-playground').dataset.runs || 0) > {runs} || "
        "document.getElementById('nee-pg-message').textContent",
        timeout=60_000,
    )
    message = tab.inner_text("#nee-pg-message")
    assert not message, f"{mode} refused {text[:80]!r}: {message}"
    return json.loads(tab.inner_text("#nee-pg-answer")), float(
        tab.evaluate("document.getElementById('nee-playground').dataset.ms")
    )


def page_state(tab) -> dict:
    """What a refused input must leave as it was: the answer, the drawing, the count of
    runs."""
    return tab.evaluate("""() => ({
        answer: document.getElementById('nee-pg-answer').textContent,
        view: document.getElementById('nee-pg-view').innerHTML,
        runs: document.getElementById('nee-playground').dataset.runs})""")


def refused_in_page(tab, mode: str, text: str, bits: int = 8) -> str:
    """Pick ``mode`` (and ``bits`` for a graph), type ``text``, press Run: the page must
    show a message beside the box and change nothing else; return the message."""
    pick(tab, mode, bits)
    before = page_state(tab)
    invalid = int(
        tab.evaluate("document.getElementById('nee-playground').dataset.invalid || 0")
    )
    tab.fill("#nee-pg-input", text)
    tab.click("#nee-pg-run")
    tab.wait_for_function(
        f"(document.getElementById('nee-playground').dataset.invalid || 0) > {invalid}"
    )
    assert tab.is_visible("#nee-pg-message")
    assert page_state(tab) == before, f"{mode} {text[:200]!r} changed the page"
    return tab.inner_text("#nee-pg-message")


def refused_by_cli(argv: list[str], content: str, tmp_path, capsys) -> str:
    """Run ``nee-lite argv --input FILE`` with ``content`` in FILE: it must exit with
    status 2; return what it wrote to stderr."""
    path = tmp_path / "input.json"
    path.write_text(content)
    assert cli_main([*argv, "--input", str(path)]) == 2
    return capsys.readouterr().err.strip()


def report(mode: str, sizes: list, times: list[float]) -> None:
    print(
        f"{mode}: {len(times)} inputs, page time per input: median "
        f"{statistics.median(times):.0f} ms, "
        f"max {max(times):.0f} ms; "
        + ", ".join(f"{size}: {ms:.0f}" for size, ms in zip(sizes, times))
    )


def compare_with_cli(
    tab, mode: str, inputs: list, as_text, sizes: list, bits: int | None = None
) -> list[float]:
    """Type each input into the page, run ``mode`` (at ``bits``), and compare with
    ``nee-lite run [--bits BITS]``'s answer for it; returns the page's times."""
    times = []
    for item, answer in zip(inputs, cli_answers(mode, inputs, bits)):
        got, ms = run_in_page(tab, mode, as_text(item), bits or 8)
        assert got == answer, f"{mode} of {item}"
        times.append(ms)
    report(mode + (f" --bits {bits}" if bits else ""), sizes, times)
    return times


@pytest.mark.parametrize("mode", ["sort", "merge-sort"])
def test_sorting_in_the_page(mode, playground):
    lists = test_lists()
    compare_with_cli(
        playground[0],
        mode,
        lists,
        lambda numbers: ", ".join(map(str, numbers)),
        [len(x) for x in lists],
    )


def test_addition_in_the_page(playground):
    tab, _ = playground
    times = []
    for pairs in test_pairs():
        got, ms = run_in_page(tab, "add", "\n".join(f"{a} + {b}" for a, b in pairs))
        assert got == cli_answers("add", pairs), f"add {pairs}"
        times.append(ms)
    report("add", [len(p) for p in test_pairs()], times)


@pytest.mark.parametrize("mode", ["dijkstra", "prim"])
def test_graphs_in_the_page(mode, playground):
    graphs = test_graphs()
    compare_with_cli(
        playground[0], mode, graphs, json.dumps, [f"n={g['n']}" for g in graphs]
    )


@pytest.mark.parametrize("mode", ["dijkstra", "prim"])
def test_16_bit_graphs_in_the_page(mode, playground):
    """Weights in the thousands: the page's answers are ``nee-lite run --bits 16``'s,
    and it runs each graph on the engines the command line chooses (the composed 16-bit
    ones where :func:`~nee_lite.graphs.wide.needs_wide`, else the 8-bit ones)."""
    tab, _ = playground
    graphs = wide_graphs(mode)
    wide = [
        needs_wide(
            WeightedGraph(
                g["n"],
                np.array([e[:2] for e in g["edges"]], dtype=np.int64).reshape(-1, 2),
                np.array([e[2] for e in g["edges"]], dtype=np.int64),
                g["source"],
            ),
            mode,
        )
        for g in graphs
    ]
    assert sum(wide) >= 18 and not wide[-2]  # the 8-bit graph runs on 8-bit engines
    assert wide[-3] and max(e[2] for e in graphs[-3]["edges"]) <= 255  # 501 nodes
    assert max(e[2] for g in graphs for e in g["edges"]) == 65535
    sizes = [f"n={g['n']}" for g in graphs]
    times = []
    for graph, is_wide, answer in zip(graphs, wide, cli_answers(mode, graphs, 16)):
        got, ms = run_in_page(tab, mode, json.dumps(graph), 16)
        assert got == answer, f"{mode} --bits 16 of {json.dumps(graph)[:200]}"
        ran = tab.evaluate("document.getElementById('nee-playground').dataset.bits")
        assert ran == ("16" if is_wide else "8"), f"{mode}: ran on {ran} bits"
        times.append(ms)
    report(mode + " --bits 16", sizes, times)
    if mode == "dijkstra":  # the engines' distances reach the top of the range
        assert 65535 in cli_answers(mode, graphs[-6:-5], 16)[0]


# (mode, JSON typed with the box "16-bit numbers" checked): the command line refuses
# each with --bits 16, and the page shows its message
INVALID_16 = [
    ("prim", {"n": 2, "edges": [[0, 1, 65536]], "source": 0}),
    ("dijkstra", {"n": 3, "edges": [[0, 1, 5], [1, 2, 65536]], "source": 0}),
    ("dijkstra", {"n": 3, "edges": [[0, 1, 40000], [1, 2, 30000]], "source": 0}),
    ("dijkstra", {"n": 4, "edges": [[0, 1, 1], [1, 2, 1], [2, 3, 65534]], "source": 0}),
    ("prim", {"n": 1001, "edges": [], "source": 0}),
    ("dijkstra", {"n": 1001, "edges": [[0, 1, 3]], "source": 0}),
    ("prim", {"n": 3, "edges": [[0, 1, -1]], "source": 0}),
]


def test_invalid_16_bit_input_is_refused_with_the_cli_message(
    playground, tmp_path, capsys
):
    tab, _ = playground
    run_in_page(tab, "prim", json.dumps(wide_graphs("prim")[-8]), 16)
    assert (
        tab.evaluate("document.getElementById('nee-playground').dataset.bits") == "16"
    )
    for mode, graph in INVALID_16:
        message = refused_in_page(tab, mode, json.dumps(graph), 16)
        error = refused_by_cli(
            ["run", mode, "--bits", "16"], json.dumps([graph]), tmp_path, capsys
        )
        assert error == f"nee-lite: error: graph 0: {message}", (mode, graph, message)


def test_invalid_input_shows_a_message_and_changes_nothing(
    playground, tmp_path, capsys
):
    tab, _ = playground
    run_in_page(tab, "sort", "9, 4, 4, 0")
    for mode, text, cli_input, expected in INVALID:
        message = refused_in_page(tab, mode, text)
        assert expected in message, f"{mode} {text!r}: message {message!r}"
        # the command line refuses the same input
        content = text if cli_input is None else json.dumps(cli_input)
        error = refused_by_cli(["run", TASKS[mode]], content, tmp_path, capsys)
        assert "nee-lite: error:" in error


def test_a_list_of_100_sorts_within_a_second(playground):
    """Printed, not asserted: the page's own time for sorting 100 numbers, selection
    sort and merge sort."""
    tab, _ = playground
    numbers = [random.Random(100).randrange(256) for _ in range(100)]
    for mode in ("sort", "merge-sort"):
        answer, ms = run_in_page(tab, mode, " ".join(map(str, numbers)))
        assert answer == sorted(numbers)
        print(f"{mode}, 100 numbers: {ms:.0f} ms in the page (goal: under 1000 ms)")
