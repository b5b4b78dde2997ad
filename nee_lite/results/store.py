"""The results file, ``data/results.json``: every measured table of the book, with where and how it was measured.

``nee-lite reproduce`` (:mod:`nee_lite.cli.reproduce`) writes it; the scorecard page reads it
(:mod:`nee_lite.results.scorecard`).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import torch

from ..core.checkpoints import data_dir
from ..core.device import cpu_kind, device_name

__all__ = ["ROOT", "git_commit", "environment", "results_path", "read_results", "write_results", "display_path",
           "write_cpu_record",
           "summarize_seeds"]

ROOT = Path(__file__).resolve().parent.parent.parent


def git_commit() -> dict:
    """The commit the code ran at, and the files that differed from it (None outside a git checkout).

    Results files and reproduced checkpoints are left out of the list: writing them is what a run does.
    """
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True).stdout

    try:
        changed = [line[3:] for line in git("status", "--porcelain").splitlines()
                   if not line[3:].endswith("results.json")]
        return {"commit": git("rev-parse", "HEAD").strip(), "changed_files": changed}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "changed_files": None}


def environment(device: torch.device, git: dict | None = None) -> dict:
    """Where and with what a measurement ran (``git``: a :func:`git_commit` taken when the run started)."""
    return {"device": device.type, "device_name": device_name(device), "cpu_kind": cpu_kind(),
            "threads": torch.get_num_threads(),
            "torch": torch.__version__, "python": platform.python_version(), "platform": platform.platform(),
            "git": git if git is not None else git_commit(),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def write_cpu_record(path: Path, benchmark: str, command: str, **body) -> dict:
    """Write a CPU benchmark's JSON record to ``path``: what it measured, the command that repeats it, the
    versions and CPU kind it ran with, then ``body`` (its runs and summary). Returns the record."""
    record = {"benchmark": benchmark, "command": command, "device": "cpu", "torch": torch.__version__,
              "python": platform.python_version(), "cpu_kind": cpu_kind(), **body}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2) + "\n")
    return record


def results_path(out: Path) -> Path:
    return Path(out) / "results.json"


def read_results(path: Path | None = None) -> dict:
    """The results file (default ``data/results.json``), or an empty one if there is none yet."""
    path = Path(path) if path is not None else results_path(data_dir())
    if not path.is_file():
        return {"entries": {}}
    try:
        results = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ValueError(f"results file {path} is not valid JSON: {error}") from None
    if not isinstance(results, dict) or not isinstance(results.get("entries"), dict):
        raise ValueError(f"results file {path} has no `entries` object")
    return results


def write_results(path: Path, results: dict, order: list[str]) -> None:
    """Write ``results`` atomically, its entries in ``order`` (unknown names last)."""
    order = {name: index for index, name in enumerate(order)}
    results["entries"] = dict(sorted(results["entries"].items(), key=lambda item: order.get(item[0], len(order))))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(results, indent=1) + "\n")
    os.replace(temporary, path)


def display_path(path: Path) -> str:
    """``path`` relative to the repository, where it is inside it."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def summarize_seeds(runs: list[dict], keys=("task", "size"), metrics=("per_element", "exact_match")) -> list[dict]:
    """One row per value of ``keys`` over the per-seed ``runs`` (each holds ``seed``, the keys and the metrics): how
    many seeds, and per metric the mean, the minimum and the seed that had it (the first, if several did), in the
    order the runs first name them. A metric a run lacks (None) is left out of that row's numbers; a row whose
    seeds all lack it has ``None``."""
    groups: dict[tuple, list[dict]] = {}
    for run in runs:
        groups.setdefault(tuple(run[key] for key in keys), []).append(run)
    rows = []
    for values, group in groups.items():
        seeds = [run["seed"] for run in group]
        if len(set(seeds)) != len(seeds):
            raise ValueError(f"{dict(zip(keys, values))}: seed {max(seeds, key=seeds.count)} is there twice")
        row = {**dict(zip(keys, values)), "seeds": len(group)}
        for metric in metrics:
            measured = [(run[metric], run["seed"]) for run in group if run.get(metric) is not None]
            low = min(measured, key=lambda pair: pair[0], default=(None, None))
            row.update({f"{metric}_mean": round(sum(v for v, _ in measured) / len(measured), 6) if measured else None,
                        f"{metric}_min": low[0], f"{metric}_min_seed": low[1]})
        rows.append(row)
    return rows
