"""Benchmark: Dijkstra and Prim on 16-bit weights, the 8-bit engines composed, graphs of
500 and 1,000 nodes.

    python benchmarks/wide_graphs.py [--sizes 500 1000] \
        [--families road geometric ...] [--out FILE]

Loads the shipped find-min and add engines, rebuilds the stored big graphs
(data/test_sets/wide_graphs.json: 2 per size and family; random geometric graphs with
Euclidean lengths, road-like grids with travel times, and the book's ten families,
weights up to 4,000), runs them on the composed 16-bit engines (nee_lite.graphs.wide),
one batch per family, and scores them against networkx: per node and per graph exact
match, and the networks' seconds per graph. Writes JSON (default
data/benchmarks/wide_graphs_cpu.json) with the load average at start and end: on a
shared machine the times are upper bounds. One thread, as in the chapters.
"""

import argparse
import json
import os
import time
from pathlib import Path

import torch

from nee_lite.core.checkpoints import checkpoint_path, load_model
from nee_lite.engines.arithmetic import ArithmeticNEE
from nee_lite.engines.selection_sort import SelectionSortNEE
from nee_lite.graphs.data import ALGORITHMS
from nee_lite.graphs.wide import WIDE_FAMILIES, WIDE_SIZES, wide_graphs_table
from nee_lite.results.store import checkpoint_hashes, write_cpu_record

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(WIDE_SIZES))
    parser.add_argument(
        "--families", nargs="+", default=list(WIDE_FAMILIES), choices=WIDE_FAMILIES
    )
    parser.add_argument(
        "--algorithms", nargs="+", default=list(ALGORITHMS), choices=ALGORITHMS
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "data" / "benchmarks" / "wide_graphs_cpu.json",
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    started, load = time.perf_counter(), os.getloadavg()[0]
    finder = load_model(checkpoint_path("selection-sort"), expect=SelectionSortNEE)
    adder = load_model(checkpoint_path("add"), expect=ArithmeticNEE)
    rows = wide_graphs_table(
        finder,
        adder,
        args.algorithms,
        tuple(args.sizes),
        tuple(args.families),
        log=lambda row: print(json.dumps(row), flush=True),
    )
    command = " ".join(
        [
            "python benchmarks/wide_graphs.py",
            *(
                ["--sizes", *map(str, args.sizes)]
                if args.sizes != list(WIDE_SIZES)
                else []
            ),
            *(
                ["--families", *args.families]
                if args.families != list(WIDE_FAMILIES)
                else []
            ),
            *(
                ["--algorithms", *args.algorithms]
                if args.algorithms != list(ALGORITHMS)
                else []
            ),
        ]
    )
    total = time.perf_counter() - started
    write_cpu_record(
        args.out,
        "Dijkstra and Prim on 16-bit weights, 8-bit engines composed, big graphs",
        command,
        cpus=os.cpu_count(),
        checkpoints=checkpoint_hashes(("selection-sort", "add")),
        load_average_at_start=load,
        load_average_at_end=os.getloadavg()[0],
        total_s=round(total, 1),
        rows=rows,
    )
    print(f"total {total:.0f} s; wrote {args.out}")


if __name__ == "__main__":
    main()
