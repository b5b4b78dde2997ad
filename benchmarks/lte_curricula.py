"""Benchmark: the four curricula of Learning to Execute on the addition task, same
budget, several seeds.

    python benchmarks/lte_curricula.py [--seeds 0 1] \
        [--curricula baseline naive mix combined] [--workers 2] [--steps N] \
        [--out FILE]

Trains one character-level LSTM per curriculum and seed with the addition recipe of
``nee_lite.ancestors.lte_grid.addition_recipe()`` (the small CPU setting without a GPU,
the paper's 9 digits and 2 x 400 LSTM with one), one thread each, ``--workers`` at a
time, and writes JSON (default data/results/lte_curricula.json): per run the curve of
per-character accuracy at the target length during training, when the naive level
stepped up, and the final per-character accuracy (teacher forcing) and exact match
(greedy decoding) on test programs at the target length; per curriculum the mean, min
and max over the seeds. Chapter "Learning to Execute" reads that file.
"""

import argparse
import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import torch

from nee_lite.ancestors.lte import CURRICULA
from nee_lite.ancestors.lte_grid import addition_recipe, addition_record, curriculum_run
from nee_lite.core.checkpoints import data_dir
from nee_lite.core.device import tune_cpu
from nee_lite.results.store import benchmark_environment


def one_run(job):
    curriculum, seed, steps = job
    tune_cpu(threads=1)
    return curriculum_run(curriculum, seed, steps=steps, progress=False)


def summarize(runs: list[dict]) -> list[dict]:
    rows = []
    for curriculum in dict.fromkeys(run["curriculum"] for run in runs):
        mine = [run for run in runs if run["curriculum"] == curriculum]
        row = {"curriculum": curriculum, "seeds": len(mine)}
        for metric in ("per_character", "exact_match"):
            values = [run["final"][metric] for run in mine]
            row[metric] = {
                "mean": sum(values) / len(values),
                "min": min(values),
                "max": max(values),
            }
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1])
    parser.add_argument(
        "--curricula", nargs="*", default=list(CURRICULA), choices=CURRICULA
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--steps",
        type=int,
        default=None,
        help="training steps per run (default: the setting's)",
    )
    parser.add_argument(
        "--out", type=Path, default=data_dir() / "results" / "lte_curricula.json"
    )
    args = parser.parse_args()
    jobs = [
        (curriculum, seed, args.steps)
        for seed in args.seeds
        for curriculum in args.curricula
    ]
    with ProcessPoolExecutor(args.workers) as pool:
        runs = list(pool.map(one_run, jobs))
    command = "python benchmarks/lte_curricula.py --seeds " + " ".join(
        map(str, args.seeds)
    )
    command += f" --steps {args.steps}" if args.steps else ""
    default_out = data_dir() / "results" / "lte_curricula.json"
    command += (
        "" if args.out.resolve() == default_out.resolve() else f" --out {args.out}"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "benchmark": "Learning to Execute: the four curricula on addition, "
                "same budget",
                "command": command,
                "setting": addition_record(
                    addition_recipe(), args.steps
                ),  # what the runs had
                **benchmark_environment("cuda" if torch.cuda.is_available() else "cpu"),
                **(
                    {} if torch.cuda.is_available() else {"threads": 1}
                ),  # one per run, in worker processes
                "summary": summarize(runs),
                "runs": runs,
            },
            indent=1,
        )
        + "\n"
    )
    for row in summarize(runs):
        print(row)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
