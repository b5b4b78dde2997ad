"""``nee-lite reproduce``: train every model of the book from scratch and measure every
table it reproduces.

The book's numbers come from two kinds of work, and this module runs both:

* the **tasks** of ``nee-lite train`` (:data:`nee_lite.tasks.registry.TASKS`, including
  any a later chapter adds): each is trained from scratch, its checkpoint written to a
  separate folder (never over the shipped ones), and its table measured; a task that
  trains nothing (Dijkstra, Prim) is evaluated with the engines reproduced beside it;
* the **experiments** that train many small models and keep only a table
  (:data:`EXPERIMENTS`): the held-out tables of chapter "Numbers as bits", the paper's
  Table 2 (chapter "Learning arithmetic") and the paper's Table 1 over seeds
  (``table-1``: per seed of ``--seeds``, default 0 to 4, the selection-sort, merge and
  add engines, then sorting 1,000 lists per size of 25 to 500 numbers, and shortest
  paths and spanning trees on 1,000 graphs per size of 25 to 200 nodes).

``--shipped`` trains nothing: it measures the shipped checkpoints of the tasks named, as
``nee-lite evaluate`` does, for the models too slow to retrain in a reproduce run (the
Learning-to-Execute LSTMs).

Everything lands in one JSON file (default ``data/results.json``): one entry per task or
experiment, each with its table rows (per-element and exact-match columns), the wall
time per model, the seeds, and where and with what it ran (device and its name, torch
and Python versions, git commit, date). Running a few names updates only their entries,
so one machine can fill in what another could not. The scorecard page of the book
renders this file.

``--quick`` is a smoke test: a few training steps and small test sets, written to a
temporary folder, never into ``data/``. Its numbers mean nothing; it checks that every
piece runs.
"""

from __future__ import annotations

import tempfile
import time
from functools import partial
from pathlib import Path

import torch

from ..core.checkpoints import data_dir
from ..core.device import device_name, pick_device, tune_cpu
from ..results.store import (
    environment,
    git_commit,
    migrate_results,
    read_results,
    results_path,
    schema_rows,
    write_results,
)
from .experiments import EXPERIMENTS
from .registry import TASKS
from .runs import DEVICES, ReproduceOptions, evaluate_shipped, train_and_evaluate

__all__ = [
    "entry_names",
    "check_names",
    "resolve_device",
    "check_seeds",
    "reproduce_entry",
    "reproduce",
]


# --------------------------------------------------------------------------------------
# runs
def entry_names() -> list[str]:
    """Every name ``reproduce`` knows: the tasks (as registered now) and then the
    experiments."""
    return [*TASKS, *EXPERIMENTS]


def check_names(names) -> list[str]:
    """``names`` if all are known (the default: all of them), or a ``ValueError``
    listing the choices."""
    if not names:
        return entry_names()
    unknown = [name for name in names if name not in entry_names()]
    if unknown:
        raise ValueError(
            f"unknown task {unknown[0]!r}: choose from {', '.join(entry_names())}"
        )
    return list(dict.fromkeys(names))


def resolve_device(name: str) -> torch.device:
    """``auto`` (the best there is), ``cpu``, ``cuda`` or ``mps``; asking for one that
    is not here is an error."""
    if name not in DEVICES:
        raise ValueError(f"unknown device {name!r}: choose {', '.join(DEVICES)}")
    return pick_device(None if name == "auto" else name, verbose=False)


def reproduce_entry(name: str, run: ReproduceOptions) -> dict:
    """Train and measure one task or experiment; return its results entry (``status``
    says whether it worked)."""
    if run.device.type == "cpu":
        tune_cpu(threads=1)
    started = time.perf_counter()
    if name in EXPERIMENTS:
        kind, summary, work = (
            "experiment",
            EXPERIMENTS[name].summary,
            EXPERIMENTS[name].run,
        )
    else:
        task = TASKS[name]
        kind, summary = "task", task.summary
        measure = evaluate_shipped if run.shipped else train_and_evaluate
        work = partial(measure, task)
    entry = {"kind": kind, "summary": summary, "quick": run.quick, "seed": run.seed}
    try:
        entry.update(status="measured", **work(run))
    # an input the run cannot take (a missing checkpoint): said, the others go on
    except ValueError as error:
        entry.update(status="failed", error=str(error))
    if (
        "rows" in entry
    ):  # every table under the one set of row keys (results.store.ROW_SCHEMA)
        entry["rows"] = schema_rows(entry["rows"])
    entry["wall_time_s"] = round(time.perf_counter() - started, 1)
    entry["environment"] = environment(run.device, run.git)
    return entry


def check_seeds(seeds) -> tuple[int, ...]:
    """``seeds`` (default 0 to 4) if they are distinct and not negative, else a
    ``ValueError``."""
    seeds = tuple(seeds) if seeds else ReproduceOptions.seeds
    if any(seed < 0 for seed in seeds):
        raise ValueError(f"--seeds must not be negative, got {min(seeds)}")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"--seeds names seed {max(seeds, key=seeds.count)} twice")
    return seeds


def reproduce(
    names=None,
    device: str = "auto",
    quick: bool = False,
    out: Path | None = None,
    seed: int = 0,
    progress: bool = True,
    command: str | None = None,
    log=print,
    seeds=None,
    shipped: bool = False,
) -> Path:
    """Reproduce ``names`` (default: everything) and update their entries in
    ``out/results.json``.

    ``out`` defaults to ``data/`` (checkpoints into ``data/reproduced/``, never over
    ``data/checkpoints/``); with ``quick`` it defaults to a new temporary folder, and
    ``data/`` is refused. The file is rewritten after each entry, so an interrupted run
    keeps what it finished. Returns the results file's path. ``seeds``: those of the
    multi-seed tables (``table-1``; default 0 to 4). ``shipped``: train nothing, measure
    the shipped checkpoints of the tasks named (default: every task).
    """
    names, seeds = (
        check_names(names or (list(TASKS) if shipped else None)),
        check_seeds(seeds),
    )
    if shipped and (experiments := [name for name in names if name in EXPERIMENTS]):
        raise ValueError(
            f"--shipped measures the shipped checkpoints of tasks; {experiments[0]} "
            "is an experiment "
            "that trains its own models"
        )
    if shipped and quick:
        raise ValueError(
            "--shipped trains nothing, so --quick has nothing to shorten; drop one of "
            "them"
        )
    target = resolve_device(device)
    if quick and out is not None and Path(out).resolve() == data_dir().resolve():
        raise ValueError(
            "--quick results are a smoke test and never go into data/; choose another "
            "--out"
        )
    if out is None:
        out = Path(tempfile.mkdtemp(prefix="nee-lite-quick-")) if quick else data_dir()
    path = results_path(out)
    run = ReproduceOptions(
        checkpoints=Path(out) / "reproduced",
        seed=seed,
        device=target,
        quick=quick,
        progress=progress,
        git=git_commit(),
        seeds=seeds,
        shipped=shipped,
    )
    results = migrate_results(
        read_results(path)
    )  # an older file's rows under today's keys (ROW_SCHEMA)
    results["about"] = (
        "Measured by `nee-lite reproduce` (nee_lite/reproduce.py); "
        "book/scorecard.ipynb renders it. "
        "Each entry says how, where and when it was measured."
    )
    log(
        f"reproducing {len(names)} of {len(entry_names())} on {device_name(target)}"
        f"{' (quick smoke test)' if quick else ''}; results: {path}"
    )
    failed = []
    for name in names:
        entry = reproduce_entry(name, run)
        entry["command"] = command or f"nee-lite reproduce --tasks {name}" + (
            " --quick" if quick else ""
        ) + (" --shipped" if shipped else "")
        results["entries"][name] = entry
        write_results(path, results, entry_names())
        if entry["status"] == "failed":
            failed.append(name)
            log(f"{name}: FAILED: {entry['error']}")
        else:
            log(
                f"{name}: measured in {entry['wall_time_s']} s (training "
                f"{entry.get('train_wall_time_s')} s)"
            )
    if failed:
        raise ValueError(
            f"{len(failed)} of {len(names)} failed ({', '.join(failed)}); the others "
            f"are in {path}"
        )
    return path
