"""Rebuild the comparison entries of data/results.json from the records the long runs
wrote, so the rows the scorecard reads and the records the chapters read are one:

    python benchmarks/entries_from_records.py [--entries paper-engine gnn clrs-graphs]

``paper-engine``: the authors' engine (``data/benchmarks/paper_engine_seeds.json``) and
the one-switch ablation (``selection_sort_switches.json``, the switches of
``nee_lite.tasks.comparisons.ABLATION``); ``gnn``: ``data/results/gnn.json``;
``clrs-graphs``: ``clrs_graphs.json`` and ``graphs_1000.json``. Each entry's rows come
from the same functions `nee-lite reproduce` uses on its own runs; ``measured_by``
names the record's command, ``environment`` the machine and date of the record.
"""

import argparse
import json

import torch

from nee_lite.core.checkpoints import data_dir
from nee_lite.graphs.clrs_graphs import ALGORITHMS
from nee_lite.results.store import environment, read_results, schema_rows, write_results
from nee_lite.tasks.comparisons import ABLATION, clrs_rows, gnn_rows, paper_engine_rows
from nee_lite.tasks.experiments import EXPERIMENTS
from nee_lite.tasks.reproduce import entry_names


def _read(*parts: str) -> dict:
    return json.loads(data_dir().joinpath(*parts).read_text())


def paper_engine() -> tuple[list, list, str, list]:
    paper = _read("benchmarks", "paper_engine_seeds.json")
    switches = _read("benchmarks", "selection_sort_switches.json")
    runs = paper["runs"] + [
        run for run in switches["runs"] if run.get("switch") in ABLATION
    ]
    records = [
        "data/benchmarks/paper_engine_seeds.json",
        "data/benchmarks/selection_sort_switches.json",
    ]
    commands = [paper["command"], switches["command"]]
    seconds = [run["train_seconds"] for run in paper["runs"]]  # the scorecard's line
    return paper_engine_rows(runs), records, " and ".join(commands), seconds


def gnn() -> tuple[list, list, str, list]:
    record = _read("results", "gnn.json")
    seconds = [  # the record keeps CPU seconds (one thread)
        run["cpu_seconds"]
        for part in record["algorithms"].values()
        for run in part["seeds"].values()
    ]
    return gnn_rows(record), ["data/results/gnn.json"], record["command"], seconds


def clrs_graphs() -> tuple[list, list, str, list]:
    clrs = _read("results", "clrs_graphs.json")
    book = _read("results", "graphs_1000.json")
    records = ["data/results/clrs_graphs.json", "data/results/graphs_1000.json"]
    return clrs_rows(clrs, book), records, clrs["command"], []  # trains nothing


def _paper_wall() -> float:
    records = ("paper_engine_seeds.json", "selection_sort_switches.json")
    runs = [run for name in records for run in _read("benchmarks", name)["runs"]]
    return sum(run["train_seconds"] + run["evaluate_seconds"] for run in runs)


def _gnn_wall() -> float:  # the record keeps training CPU seconds only
    record = _read("results", "gnn.json")
    parts = record["algorithms"].values()
    return sum(run["cpu_seconds"] for part in parts for run in part["seeds"].values())


def _clrs_wall() -> float:  # the networks' seconds the records give
    clrs = _read("results", "clrs_graphs.json")
    book = _read("results", "graphs_1000.json")
    engines = [m[a]["seconds"] for m in clrs["mappings"].values() for a in ALGORITHMS]
    book_rows = [row["seconds"] for rows in book["results"].values() for row in rows]
    return sum(engines) + sum(book_rows)


#: the wall seconds an entry reports: what its records give (``gnn``: training only)
WALL = {"paper-engine": _paper_wall, "gnn": _gnn_wall, "clrs-graphs": _clrs_wall}
BUILDERS = {"paper-engine": paper_engine, "gnn": gnn, "clrs-graphs": clrs_graphs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--entries", nargs="+", choices=list(BUILDERS), default=list(BUILDERS)
    )
    args = parser.parse_args()
    path = data_dir() / "results.json"
    results = read_results(path)
    for name in args.entries:
        rows, records, command, seconds = BUILDERS[name]()
        results["entries"][name] = {
            "kind": "experiment",
            "summary": EXPERIMENTS[name].summary,
            "quick": False,
            "seed": 0,
            "status": "measured",
            "rows": schema_rows(rows),
            "trained": name != "clrs-graphs",
            "record": " and ".join(records),
            "measured_by": f"{command} (the same code `nee-lite reproduce --tasks "
            f"{name}` runs; these rows are the record's)",
            "environment": environment(torch.device("cpu")),
            "command": command,
            "train_wall_time_s": round(sum(seconds), 1) if seconds else None,
            "models": len(seconds) or None,
            "wall_time_s": round(WALL[name](), 1),
        }
        print(f"{name}: {len(rows)} rows from {', '.join(records)}")
    write_results(path, results, entry_names())


if __name__ == "__main__":
    main()
