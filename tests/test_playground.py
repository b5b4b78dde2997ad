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
the PyTorch models). Invalid input must show a message beside the box and change
nothing; the command line must refuse it too. It prints (does not assert) the page's
time to interactive and the time of each run.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from urllib.parse import urljoin

import pytest
from test_browser import browser, open_page, require_environment, screenshot, site  # noqa: F401 - fixtures

from nee_lite.cli.main import main as cli_main
from nee_lite.cli.registry import TASKS as REGISTRY
from nee_lite.cli.registry import run_task, shipped_checkpoint
from nee_lite.graphs.data import graph_test_set

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
    return [
        {
            "n": 5,
            "edges": [[0, 1, 10], [1, 2, 20], [2, 3, 30], [3, 4, 40]],
            "source": 0,
        },
        {
            "n": 7,
            "edges": [
                [0, 1, 5],
                [0, 2, 5],
                [1, 3, 5],
                [2, 3, 5],
                [3, 4, 6],
                [3, 5, 6],
                [4, 6, 5],
                [5, 6, 5],
                [1, 2, 0],
            ],
            "source": 3,
        },
        {"n": 12, "edges": scattered, "source": 2},
        {
            "n": 9,
            "edges": [
                [0, 1, 3],
                [1, 2, 4],
                [0, 2, 8],
                [3, 4, 1],
                [5, 6, 2],
                [6, 7, 2],
                [5, 7, 2],
            ],
            "source": 0,
        },
        {"n": 8, "edges": complete, "source": 5},
        *(graph.to_json() for graph in graph_test_set("dijkstra", sizes=(25,))[25][:2]),
    ]


test_graphs.__test__ = False

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


def cli_answers(mode: str, inputs: list) -> list:
    """What `nee-lite run TASK` prints for these inputs (its task function, on the
    shipped checkpoints)."""
    task = TASKS[mode]
    return run_task(REGISTRY[task], shipped_checkpoint(task), inputs)


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


def run_in_page(tab, mode: str, text: str) -> tuple[object, float]:
    """Pick ``mode``, type ``text``, press Run; return the page's answer and the
    milliseconds it measured."""
    tab.select_option("#nee-pg-mode", mode)
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


def report(mode: str, sizes: list, times: list[float]) -> None:
    print(
        f"{mode}: {len(times)} inputs, page time per input: median "
        f"{statistics.median(times):.0f} ms, "
        f"max {max(times):.0f} ms; "
        + ", ".join(f"{size}: {ms:.0f}" for size, ms in zip(sizes, times))
    )


def compare_with_cli(tab, mode: str, inputs: list, as_text, sizes: list) -> None:
    """Type each input into the page, run ``mode``, and compare with ``nee-lite run``'s
    answer for it."""
    times = []
    for item, answer in zip(inputs, cli_answers(mode, inputs)):
        got, ms = run_in_page(tab, mode, as_text(item))
        assert got == answer, f"{mode} of {item}"
        times.append(ms)
    report(mode, sizes, times)


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


def test_invalid_input_shows_a_message_and_changes_nothing(
    playground, tmp_path, capsys
):
    tab, _ = playground
    run_in_page(tab, "sort", "9, 4, 4, 0")
    for mode, text, cli_input, expected in INVALID:
        tab.select_option("#nee-pg-mode", mode)
        before = tab.evaluate("""() => ({
            answer: document.getElementById('nee-pg-answer').textContent,
            view: document.getElementById('nee-pg-view').innerHTML,
            runs: document.getElementById('nee-playground').dataset.runs})""")
        invalid = int(
            tab.evaluate(
                "document.getElementById('nee-playground').dataset.invalid || 0"
            )
        )
        tab.fill("#nee-pg-input", text)
        tab.click("#nee-pg-run")
        tab.wait_for_function(
            "(document.getElementById('nee-playground').dataset.invalid || 0) > "
            f"{invalid}"
        )
        message = tab.inner_text("#nee-pg-message")
        assert expected in message, f"{mode} {text!r}: message {message!r}"
        assert tab.is_visible("#nee-pg-message")
        after = tab.evaluate("""() => ({
            answer: document.getElementById('nee-pg-answer').textContent,
            view: document.getElementById('nee-pg-view').innerHTML,
            runs: document.getElementById('nee-playground').dataset.runs})""")
        assert after == before, f"{mode} {text!r} changed the page"
        path = tmp_path / "input.json"  # the command line refuses the same input
        path.write_text(text if cli_input is None else json.dumps(cli_input))
        assert cli_main(["run", TASKS[mode], "--input", str(path)]) == 2
        assert "nee-lite: error:" in capsys.readouterr().err


def test_a_list_of_100_sorts_within_a_second(playground):
    """Printed, not asserted: the page's own time for sorting 100 numbers, selection
    sort and merge sort."""
    tab, _ = playground
    numbers = [random.Random(100).randrange(256) for _ in range(100)]
    for mode in ("sort", "merge-sort"):
        answer, ms = run_in_page(tab, mode, " ".join(map(str, numbers)))
        assert answer == sorted(numbers)
        print(f"{mode}, 100 numbers: {ms:.0f} ms in the page (goal: under 1000 ms)")
