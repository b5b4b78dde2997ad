"""Benchmark: the whole graph evaluation (Dijkstra and Prim, every test size), timed
step by step.

    python benchmarks/graphs.py [--sizes 25 50 75 100 200] [--out FILE]

Loads the shipped find-min and add engines, rebuilds the stored test graphs
(data/test_sets/graphs.json), runs the NEE-composed algorithms on 100 graphs per size in
one batch each, and scores them. Writes JSON (default data/benchmarks/graphs_cpu.json):
the accuracy tables and the seconds spent rebuilding graphs, in the networks and in
scoring. The budget is 3 minutes for everything on a 2-core CPU. One thread, as in the
chapters.
"""

import argparse
import json
import os
import time
from pathlib import Path

from nee_lite.core.checkpoints import checkpoint_path, load_model
from nee_lite.graphs.classical import score_dijkstra, score_prim
from nee_lite.graphs.composition import run_algorithm
from nee_lite.graphs.data import ALGORITHMS, TEST_SIZES, graph_test_set
from nee_lite.results.store import benchmark_environment, checkpoint_hashes

ROOT = Path(__file__).resolve().parent.parent


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def evaluate(algorithm: str, sizes, finder, adder) -> list[dict]:
    score = score_dijkstra if algorithm == "dijkstra" else score_prim
    rows = []
    for size in sizes:
        graphs, build_s = timed(lambda n=size: graph_test_set(algorithm, sizes=(n,))[n])
        answers, network_s = timed(run_algorithm, algorithm, finder, adder, graphs)
        result, score_s = timed(score, graphs, *answers)
        rows.append(
            {
                "algorithm": algorithm,
                "nodes": size,
                **{k: round(v, 6) for k, v in result.items()},
                "build_s": round(build_s, 2),
                "network_s": round(network_s, 2),
                "score_s": round(score_s, 2),
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(TEST_SIZES))
    parser.add_argument(
        "--out", type=Path, default=ROOT / "data" / "benchmarks" / "graphs_cpu.json"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    (finder, adder), load_s = timed(
        lambda: (
            load_model(checkpoint_path("selection-sort")),
            load_model(checkpoint_path("add")),
        )
    )
    rows = [
        row
        for algorithm in ALGORITHMS
        for row in evaluate(algorithm, args.sizes, finder, adder)
    ]
    total = time.perf_counter() - started
    result = {
        "benchmark": "NEE-composed Dijkstra and Prim on the stored test graphs (100 "
        "per size)",
        "command": "python benchmarks/graphs.py"
        + (
            ""
            if args.sizes == list(TEST_SIZES)
            else " --sizes " + " ".join(map(str, args.sizes))
        ),
        **benchmark_environment(),
        "cpus": os.cpu_count(),
        "checkpoints": checkpoint_hashes(
            ("selection-sort", "add")
        ),  # the engines measured
        "load_average_at_start": os.getloadavg()[0]
        if hasattr(os, "getloadavg")
        else None,
        "load_engines_s": round(load_s, 2),
        "total_s": round(total, 1),
        "network_s": round(sum(r["network_s"] for r in rows), 1),
        "rows": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"total {total:.0f} s (networks {result['network_s']} s); wrote {args.out}")


if __name__ == "__main__":
    main()
