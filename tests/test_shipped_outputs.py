"""Every shipped checkpoint gives the same outputs on the test sets (a part of each) as
when this file's hashes were written.

The hashes in ``shipped_outputs.json`` were computed from ``nee-lite run`` on the inputs
below before the package was reorganised (and must stay equal through any refactoring):
a change that alters a single output of a shipped model fails here. Regenerate them only
on purpose, after retraining a checkpoint: ``python tests/test_shipped_outputs.py``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest
import torch

HASHES = Path(__file__).with_name("shipped_outputs.json")
DATA = Path(__file__).resolve().parent.parent / "data"


def _sorting_lists(limit: int | None = None, longest: int = 10_000) -> list[list[int]]:
    sets = json.loads((DATA / "test_sets" / "sorting.json").read_text())
    return [
        numbers
        for entry in sets
        if entry["length"] <= longest
        for numbers in entry["lists"][:limit]
    ]


def _graphs(algorithm: str) -> list[dict]:
    from nee_lite.graphs.data import graph_test_set

    return [
        graph.to_json()
        for graphs in graph_test_set(algorithm).values()
        for graph in graphs[:20]
    ]


def _inputs(task: str):
    """The test inputs of ``task``, in the JSON form ``nee-lite run`` reads."""
    if task == "min-of-two":
        numbers = [*range(256), "inf"]
        return [[a, b] for a in numbers for b in numbers]
    if task in ("selection-sort", "merge-sort", "graph-min"):
        return _sorting_lists(limit=25)
    if task == "sort-baseline":
        return _sorting_lists(limit=5, longest=100)
    if task == "add":
        return [[a, b] for a in range(256) for b in range(256 - a)] + [
            ["inf", b] for b in range(256)
        ]
    if task == "multiply":
        return [
            [a, b]
            for a in range(4096)
            for b in range(4096 // max(a, 1) + 1)
            if a * b <= 4095
        ][::7]
    if task in ("dijkstra", "prim"):
        return _graphs(task)
    if task == "npi-add":
        return [
            [str(7**k % 10**d), str(3**k % 10**d)]
            for d in (3, 5, 10, 40)
            for k in range(1, 40)
        ]
    if task == "npi-sort":
        return [
            [(7**k + 3 * i * i) % 10 for i in range(n)]
            for n in (1, 2, 3, 5, 8, 13, 20)
            for k in range(1, 6)
        ]
    if task == "lte-add":
        return [
            [str(7**k % 10**d), str(3**k % 10**d)]
            for d in (1, 2, 3, 4, 6)
            for k in range(1, 40)
        ]
    if task == "lte-programs":
        return [
            f"a={a}\nfor x in range({k}):a+={b}\nprint(a)"
            for a in (3, 12, 57)
            for b in (4, 9)
            for k in (1, 2, 3)
        ] + [f"print(({a}+{b}))" for a in range(0, 99, 7) for b in range(3, 99, 13)]
    if task == "npi-canon":
        return [
            {"model": 900_000 + k, "azimuth": 15 * ((7 * k) % 24), "elevation": e}
            for k in range(4)
            for e in (0, 15, 30)
        ]
    raise KeyError(task)


TASKS = (
    "min-of-two",
    "selection-sort",
    "merge-sort",
    "graph-min",
    "sort-baseline",
    "add",
    "multiply",
    "dijkstra",
    "prim",
    "npi-add",
    "lte-add",
    "lte-programs",
    "npi-sort",
    "npi-canon",
)


def digest(outputs) -> str:
    return hashlib.sha256(json.dumps(outputs, sort_keys=True).encode()).hexdigest()


def run_shipped(task: str):
    """``nee-lite run TASK`` on the task's test inputs with the shipped checkpoint."""
    from nee_lite.tasks.registry import TASKS, run_task, shipped_checkpoint

    return run_task(TASKS[task], shipped_checkpoint(task), _inputs(task))


@pytest.mark.parametrize("task", TASKS)
def test_shipped_checkpoint_outputs_unchanged(task):
    torch.set_num_threads(1)
    assert digest(run_shipped(task)) == json.loads(HASHES.read_text())[task]


if __name__ == "__main__":
    torch.set_num_threads(1)
    # Regenerate the named tasks (all without arguments); the others keep their stored
    # digests.
    hashes = json.loads(HASHES.read_text()) if HASHES.exists() else {}
    fresh = {task: digest(run_shipped(task)) for task in (sys.argv[1:] or TASKS)}
    hashes.update(fresh)
    HASHES.write_text(
        json.dumps({task: hashes[task] for task in TASKS if task in hashes}, indent=1)
        + "\n"
    )
    print(fresh)
