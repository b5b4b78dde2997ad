"""Benchmark: how long an addition the NPI gets exactly right, how fast, and whether
that holds for other seeds.

    python benchmarks/npi_addition.py [--digits 5 100 1000 10000] [--seeds 0 1 2] \
        [--out FILE]

Closed-loop exact match and per-digit accuracy of the shipped ``npi-add`` checkpoint per
digit count (with the wall time of each run), then NPIs trained from scratch with the
shipped settings and other seeds, scored at 100 and 1000 digits. Writes JSON (default
``data/benchmarks/npi_addition_cpu.json``). The times are for one thread of a shared
2-core CPU: the steps of one addition are sequential, so a long addition takes about 12
core steps per digit.
"""

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

from nee_lite.ancestors.npi import (
    NPI_ADD,
    addition_table,
    execute,
    random_pairs,
    score_additions,
    train_npi,
)
from nee_lite.core.checkpoints import checkpoint_path, load_model
from nee_lite.core.device import tune_cpu
from nee_lite.results.store import benchmark_environment

ROOT = Path(__file__).resolve().parent.parent
COUNTS = {5: 1000, 10: 500, 100: 200, 1000: 50, 10_000: 2, 100_000: 1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--digits", type=int, nargs="*", default=[5, 10, 100, 1000, 10_000]
    )
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2])
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "data" / "benchmarks" / "npi_addition_cpu.json",
    )
    args = parser.parse_args()
    tune_cpu(threads=1)
    model = load_model(checkpoint_path("npi-add"))
    rows = []
    for digits in args.digits:
        pairs = random_pairs(COUNTS.get(digits, 1), digits, seed=100)
        started = time.perf_counter()
        execution = execute(model, pairs)
        seconds = time.perf_counter() - started
        rows.append(
            {
                "digits": digits,
                **score_additions(execution.results, pairs),
                "finished": sum(execution.finished),
                "core_steps": execution.steps,
                "wall_time_s": round(seconds, 1),
            }
        )
        print(rows[-1], flush=True)
    seeds = []
    config, budget = NPI_ADD.model, NPI_ADD.train
    for seed in args.seeds:
        trained, result = train_npi(
            config,
            replace(budget, seed=seed),
            NPI_ADD.data.max_digits,
            NPI_ADD.data.additions,
            progress=False,
        )
        table = addition_table(trained, tests=((100, 100), (1000, 20)))
        seeds.append(
            {"seed": seed, "wall_time_s": round(result.wall_time_s, 1), "table": table}
        )
        print(seeds[-1], flush=True)
    exact = [row["digits"] for row in rows if row["exact_match"] == 1.0]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "benchmark": "closed-loop NPI addition (shipped checkpoint), then "
                "other training seeds",
                "command": "python benchmarks/npi_addition.py "
                + " ".join(
                    [
                        "--digits",
                        *map(str, args.digits),
                        "--seeds",
                        *map(str, args.seeds),
                    ]
                ),
                **benchmark_environment(),
                "longest_exact_digits": max(exact) if exact else None,
                "shipped": rows,
                "seeds": seeds,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
