"""Benchmark: the four curricula of Learning to Execute on program evaluation, scored on
a length x nesting grid.

    python benchmarks/lte_program_grid.py [--paper] [--seeds 0 1 2] \
        [--curricula baseline combined mix naive] [--steps N] [--out FILE] [--fresh]

Trains one character-level LSTM per curriculum and seed on the paper's programs (all six
operations) at a target (length, nesting), one run at a time, and scores each on test
programs of every cell 1..length x 1..nesting: greedy whole-answer exact match and
teacher-forced per-character accuracy (nee_lite.ancestors.lte_grid).

Without --paper: the CPU scale run for the book (length 2, nesting 2, a 1 x 128 LSTM
reading reversed input, 1,000 steps of 64 programs; a few minutes per run on one CPU
thread). With --paper: the paper's configuration for a GPU (length 4, nesting 3 as in
its Figures 1 and 6, a 2 x 400 LSTM, batches of 100, 50,000 steps, gradients clipped at
5, plain SGD at 0.5 multiplied by 0.8 on reaching the target and whenever it stops
improving there; unlike the paper, default initialization and no hidden state carried
from one batch to the next); its default output is
data/results/lte_program_grid_paper.json. Never run for the book.

The JSON (default data/results/lte_program_grid.json) holds the setting, per run the
training time, the naive levels, the curve at the target and the grid, and per
curriculum the mean and minimum over seeds of every cell. It is rewritten after every
run, and runs already in it (same setting) are skipped: an interrupted benchmark resumes
where it stopped. Chapter "Learning to Execute" reads it.
"""

import argparse
import json
import time
from pathlib import Path

import torch

from nee_lite.ancestors.lte import CURRICULA
from nee_lite.ancestors.lte_grid import (
    grid_recipe,
    grid_record,
    grid_run,
    summarize_grid,
)
from nee_lite.core.checkpoints import data_dir
from nee_lite.core.device import tune_cpu
from nee_lite.results.store import benchmark_environment


def write(path: Path, record: dict, runs: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({**record, "summary": summarize_grid(runs), "runs": runs}, indent=1)
        + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[5:]),
    )
    parser.add_argument(
        "--paper",
        action="store_true",
        help="the paper's configuration (length 4, nesting 3, 2 x 400 LSTM, batch 100, "
        "50,000 steps, SGD at 0.5 with its decay of 0.8): for a GPU",
    )
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2])
    parser.add_argument(
        "--curricula",
        nargs="*",
        default=["baseline", "combined", "mix", "naive"],
        choices=CURRICULA,
        help="which to train, in this order (default: %(default)s)",
    )
    parser.add_argument(
        "--steps",
        type=int,
        default=None,
        help="training steps per run (default: the setting's)",
    )
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--fresh", action="store_true", help="ignore runs already in --out"
    )
    args = parser.parse_args()
    recipe = grid_recipe(args.paper)
    name = "lte_program_grid_paper.json" if args.paper else "lte_program_grid.json"
    out = args.out or data_dir() / "results" / name
    command = "python benchmarks/lte_program_grid.py" + (
        " --paper" if args.paper else ""
    )
    command += (
        " --seeds "
        + " ".join(map(str, args.seeds))
        + (f" --steps {args.steps}" if args.steps else "")
    )
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cpu":
        tune_cpu(threads=1)
    record = {
        "benchmark": "Learning to Execute: the four curricula on program evaluation, "
        "length x nesting grid",
        "command": command,
        "setting": grid_record(recipe, args.steps),
        **benchmark_environment(device),
    }
    runs = []
    if out.exists() and not args.fresh:
        old = json.loads(out.read_text())
        if old["setting"] == record["setting"]:
            runs = old["runs"]
    for curriculum in (
        args.curricula
    ):  # curriculum by curriculum, in the order given: baseline first by default
        for seed in args.seeds:
            if any(r["curriculum"] == curriculum and r["seed"] == seed for r in runs):
                print(f"{curriculum}, seed {seed}: already in {out}")
                continue
            start = time.time()
            run = grid_run(
                curriculum, seed, recipe, args.steps, progress=False, device=device
            )
            runs.append(run)
            write(out, record, runs)
            exact = ", ".join(
                f"{c['length']}/{c['nesting']}: {c['exact_match']:.1%}"
                for c in run["grid"]
            )
            print(
                f"{curriculum}, seed {seed}: trained {run['wall_time_s']:.0f} s, "
                "scored "
                f"{time.time() - start - run['wall_time_s']:.0f} s; exact match "
                f"(length/nesting) {exact}",
                flush=True,
            )
    write(out, record, runs)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
