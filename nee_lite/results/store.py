"""The results file, ``data/results.json``: every measured table of the book, with where
and how it was measured.

``nee-lite reproduce`` (:mod:`nee_lite.tasks.reproduce`) writes it; the scorecard page
reads it (:mod:`nee_lite.results.scorecard`).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import torch

from ..core.checkpoints import data_dir
from ..core.device import cpu_kind, device_name

__all__ = [
    "ROOT",
    "git_commit",
    "environment",
    "results_path",
    "read_results",
    "write_results",
    "display_path",
    "write_cpu_record",
    "write_json",
    "cpu_environment",
    "benchmark_environment",
    "where_run",
    "checkpoint_hashes",
    "summarize_seeds",
    "ROW_SCHEMA",
    "LEGACY_KEYS",
    "EARLIER",
    "row_problems",
    "check_rows",
    "schema_row",
    "schema_rows",
    "migrate_results",
]

ROOT = Path(__file__).resolve().parent.parent.parent


def git_commit() -> dict:
    """The commit the code ran at, and the files that differed from it (None outside a
    git checkout).

    Results files and reproduced checkpoints are left out of the list: writing them is
    what a run does.
    """

    def git(*args):
        return subprocess.run(
            ["git", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout

    try:
        changed = [
            line[3:]
            for line in git("status", "--porcelain").splitlines()
            if not line[3:].endswith("results.json")
        ]
        return {"commit": git("rev-parse", "HEAD").strip(), "changed_files": changed}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "changed_files": None}


def _machine(device: torch.device) -> dict:
    """The device and its name, CPU kind, threads, torch and Python versions."""
    return {
        "device": device.type,
        "device_name": device_name(device),
        "cpu_kind": cpu_kind(),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "python": platform.python_version(),
    }


def environment(device: torch.device, git: dict | None = None) -> dict:
    """Where and with what a measurement ran (``git``: a :func:`git_commit` taken when
    the run started)."""
    return {
        **_machine(device),
        "platform": platform.platform(),
        "git": git if git is not None else git_commit(),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def benchmark_environment(device: torch.device | str = "cpu") -> dict:
    """Where a benchmark ran, flat, for the top of its record: device and its name, CPU
    kind, threads, torch and Python versions, date. Every script in ``benchmarks/``
    writes these through this function."""
    return {
        **_machine(torch.device(device)),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def where_run(env: dict | None = None, version: bool = False) -> str:
    """Where a record (its ``environment``, or a card) ran, in words: the CPU kind (a
    record older than that field: the CPU's model), threads and date where given, and
    with ``version`` the code's commit. ``None``: this machine, now."""
    env = env if env is not None else benchmark_environment()
    parts = [env.get("cpu_kind") or env.get("device_name") or env.get("device", "?")]
    if "threads" in env:
        parts.append(f"{env['threads']} thread" + ("s" if env["threads"] != 1 else ""))
    if env.get("date"):
        parts.append(str(env["date"])[:10])
    if version and env.get("git", {}).get("commit"):
        parts.append(f"code {str(env['git']['commit'])[:8]}")
    return ", ".join(parts)


def cpu_environment() -> dict:
    """:func:`benchmark_environment` on the CPU (what :func:`write_cpu_record`
    writes).
    """
    return benchmark_environment("cpu")


def checkpoint_hashes(names) -> dict:
    """Per shipped checkpoint of ``names``: its path and SHA-256, for a record that
    measured it (tests/test_records.py checks every such hash in ``data/`` against the
    shipped file)."""
    hashes = {}
    for name in names:
        path = data_dir() / "checkpoints" / f"{name}.pt"
        hashes[name] = {
            "path": display_path(path),
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        }
    return hashes


def write_cpu_record(path: Path, benchmark: str, command: str, **body) -> dict:
    """Write a CPU benchmark's JSON record to ``path``: what it measured, the command
    that repeats it, the versions and CPU kind it ran with (:func:`cpu_environment`),
    then ``body`` (its runs and summary; a key of ``body`` that is also one of the
    environment's replaces it). Returns the record."""
    record = {"benchmark": benchmark, "command": command, **cpu_environment(), **body}
    write_json(path, record, indent=2)
    return record


def write_json(path: Path, value, indent: int = 1) -> None:
    """Write ``value`` as JSON (and a final newline) to ``path``, making its folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=indent) + "\n")


def results_path(out: Path) -> Path:
    return Path(out) / "results.json"


def read_results(path: Path | None = None) -> dict:
    """The results file (default ``data/results.json``), or an empty one if there is
    none yet."""
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
    """Write ``results`` atomically, its entries in ``order`` (unknown names last).
    Every row of every entry must have the one shape of :data:`ROW_SCHEMA`
    (:func:`check_rows`), or nothing is written."""
    for name, entry in results["entries"].items():
        check_rows(entry.get("rows", []), name)
    order = {name: index for index, name in enumerate(order)}
    results["entries"] = dict(
        sorted(
            results["entries"].items(), key=lambda item: order.get(item[0], len(order))
        )
    )
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


def summarize_seeds(
    runs: list[dict], keys=("task", "size"), metrics=("per_element", "exact_match")
) -> list[dict]:
    """One row per value of ``keys`` over the per-seed ``runs`` (each holds ``seed``,
    the keys and the metrics): how many seeds, and per metric the mean, the minimum and
    the seed that had it (the first, if several did), in the order the runs first name
    them. A metric a run lacks (None) is left out of that row's numbers; a row whose
    seeds all lack it has ``None``."""
    groups: dict[tuple, list[dict]] = {}
    for run in runs:
        groups.setdefault(tuple(run[key] for key in keys), []).append(run)
    rows = []
    for values, group in groups.items():
        seeds = [run["seed"] for run in group]
        if len(set(seeds)) != len(seeds):
            raise ValueError(
                f"{dict(zip(keys, values))}: seed {max(seeds, key=seeds.count)} is "
                "there twice"
            )
        row = {**dict(zip(keys, values)), "seeds": len(group)}
        for metric in metrics:
            measured = [
                (run[metric], run["seed"])
                for run in group
                if run.get(metric) is not None
            ]
            low = min(measured, key=lambda pair: pair[0], default=(None, None))
            row.update(
                {
                    f"{metric}_mean": round(
                        sum(v for v, _ in measured) / len(measured), 6
                    )
                    if measured
                    else None,
                    f"{metric}_min": low[0],
                    f"{metric}_min_seed": low[1],
                }
            )
        rows.append(row)
    return rows


# -----------------------------------------------------------------------------------
# the shape of a row
# an entry's ``describes`` when the checkpoint it measured is no longer shipped
EARLIER = "an earlier checkpoint"

_FRACTION = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
_COUNT = {"type": "integer", "minimum": 0}
#: Every row of ``data/results.json`` in every entry: one vocabulary across tasks.
#: ``size``: the list length, the nodes of a graph, the digits of a number, a program's
#: length; ``items``: how many lists, graphs, pairs, additions or programs were measured
#: (``train_items``: training pairs); ``per_element``: the share of output positions
#: right (per number, node, digit or character); ``exact_match``: the share of whole
#: outputs right. A row over seeds has ``seeds`` (how many) and ``<metric>_mean`` /
#: ``<metric>_min`` (``_max``, ``_min_seed``) in place of the metric. Other measured
#: fields may follow (``attention_entropy``, ``is_mst``, ...); the old names of
#: :data:`LEGACY_KEYS` may not. As JSON Schema; :func:`row_problems` checks the same
#: rules without it.
ROW_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "size": {"type": "integer", "minimum": 1},
        "items": _COUNT,
        "train_items": _COUNT,
        "seed": _COUNT,
        "seeds": {"type": "integer", "minimum": 1},
        "count": _COUNT,
        "bits": _COUNT,
        "nesting": _COUNT,
        **{
            key: {"type": "string"}
            for key in (
                "test",
                "task",
                "algorithm",
                "variant",
                "operation",
                "encoding",
                "table",
                "family",
            )
        },
        "per_element": _FRACTION,
        "exact_match": _FRACTION,
        **{
            f"{metric}_{stat}": _FRACTION
            for metric in ("per_element", "exact_match")
            for stat in ("mean", "min", "max")
        },
        **{
            f"{metric}_min_seed": {"type": ["integer", "null"]}
            for metric in ("per_element", "exact_match")
        },
    },
    "not": {"anyOf": []},  # filled in below: no legacy name
    "if": {"required": ["seeds"]},
    "then": {"required": ["exact_match_min", "exact_match_mean"]},
    "else": {"required": ["exact_match"]},
}
#: The old names rows used (``length``, ``nodes``, ``per_node``, ...), and the name each
#: has now.
LEGACY_KEYS = {
    "length": "size",
    "nodes": "size",
    "digits": "size",
    "n": "size",
    "lists": "items",
    "graphs": "items",
    "pairs": "items",
    "additions": "items",
    "programs": "items",
    "arrays": "items",
    "test_pairs": "items",
    "train_pairs": "train_items",
    "per_node": "per_element",
    "per_digit": "per_element",
    "per_character": "per_element",
    "per_graph": "exact_match",
    "per_node_predecessor": "per_element_predecessor",
    "heldout_exact_match": "exact_match",
}
#: In a row over seeds (one with ``seeds``), the old names of the statistics: ``mean``,
#: ``min``, ``max`` were the exact match's; ``bit_mean`` the bit accuracy's; ``min_X``
#: is now ``X_min`` and ``X`` beside it ``X_mean``.
_LEGACY_OVER_SEEDS = {
    "mean": "exact_match_mean",
    "min": "exact_match_min",
    "max": "exact_match_max",
    "bit_mean": "bit_accuracy_mean",
    "bit_min": "bit_accuracy_min",
    "train_min": "train_exact_match_min",
    "single_mean": "single_exact_match_mean",
    "single_min": "single_exact_match_min",
    "single_max": "single_exact_match_max",
    "single_bit_mean": "single_bit_accuracy_mean",
    "attention_entropy": "attention_entropy_mean",
}
ROW_SCHEMA["not"]["anyOf"] = [
    {"required": [key]} for key in (*LEGACY_KEYS, "mean", "min", "max")
]


def row_problems(row) -> list[str]:
    """What is wrong with ``row`` against :data:`ROW_SCHEMA` (empty: nothing). Plain
    Python, the same rules as the JSON Schema (the tests check both agree), so the
    package needs no ``jsonschema``."""
    if not isinstance(row, dict):
        return [f"a row is an object, not {type(row).__name__}"]
    problems = [
        f"old key {key!r} (now {LEGACY_KEYS.get(key, _LEGACY_OVER_SEEDS.get(key))!r})"
        for key in row
        if key in LEGACY_KEYS or key in ("mean", "min", "max")
    ]
    for key, rule in ROW_SCHEMA["properties"].items():
        if key not in row:
            continue
        value, kinds = (
            row[key],
            rule["type"] if isinstance(rule["type"], list) else [rule["type"]],
        )
        okay = (
            (value is None and "null" in kinds)
            or (
                "integer" in kinds
                and isinstance(value, int)
                and not isinstance(value, bool)
            )
            or (
                "number" in kinds
                and isinstance(value, (int, float))
                and not isinstance(value, bool)
            )
            or ("string" in kinds and isinstance(value, str))
        )
        if (
            okay
            and isinstance(value, (int, float))
            and (
                value < rule.get("minimum", value) or value > rule.get("maximum", value)
            )
        ):
            okay = False
        if not okay:
            problems.append(f"{key}={value!r} is not {'/'.join(kinds)} in range")
    needed = ROW_SCHEMA["then" if "seeds" in row else "else"]["required"]
    problems += [f"no {key!r}" for key in needed if key not in row]
    return problems


def check_rows(rows, name: str = "") -> None:
    """A ``ValueError`` naming the first row of ``rows`` (an entry's, ``name``) that is
    not of the one shape."""
    for index, row in enumerate(rows):
        if problems := row_problems(row):
            raise ValueError(
                f"results entry {name!r}, row {index}: {'; '.join(problems)}"
            )


def schema_row(row: dict) -> dict:
    """``row`` under the names of :data:`ROW_SCHEMA` (a task's own table uses
    ``length``, ``nodes``, ``per_node`` ...): the keys renamed in place of the old ones,
    their order and values kept."""
    renames = dict(LEGACY_KEYS)
    if "seeds" in row:
        renames.update(_LEGACY_OVER_SEEDS)
        for key in row:
            if key.startswith("min_"):  # min_X beside X (over seeds): X_min and X_mean
                renames[key], renames[key[4:]] = f"{key[4:]}_min", f"{key[4:]}_mean"
    renamed = [renames.get(key, key) for key in row]
    if len(set(renamed)) != len(renamed):
        raise ValueError(f"row {row} would have two keys of one name after renaming")
    return dict(zip(renamed, row.values()))


def schema_rows(rows: list[dict]) -> list[dict]:
    """Every row of ``rows`` under the names of :data:`ROW_SCHEMA`
    (:func:`schema_row`).
    """
    return [schema_row(row) for row in rows]


def migrate_results(results: dict) -> dict:
    """``results`` with every entry's rows under the names of :data:`ROW_SCHEMA` (a
    copy; ``runs`` and the other fields of an entry stay as they are). Used once on
    ``data/results.json``; harmless to repeat."""
    migrated = json.loads(json.dumps(results))
    for entry in migrated["entries"].values():
        if "rows" in entry:
            entry["rows"] = schema_rows(entry["rows"])
    return migrated
