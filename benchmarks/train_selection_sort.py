"""Benchmark: train the selection-sort NEE from scratch and time it to its goal (100 % exact up to length 100).

    python benchmarks/train_selection_sort.py [--seeds 0 1 2] [--steps 2000] [--threads 1] [--out FILE]

Writes JSON (default data/benchmarks/selection_sort_train_<device>.json) with, per seed, the training wall time
(engine + mask network), the evaluation time and the accuracy table. A benchmark, not a test: the suite only
checks that it runs with a tiny budget.
"""

import argparse
import json
import platform
import time
from pathlib import Path

import torch

from nee_lite import TrainConfig
from nee_lite.core.checkpoints import data_dir
from nee_lite.core.device import tune_cpu
from nee_lite.engines.lists import sorting_table
from nee_lite.engines.nee import NEEConfig
from nee_lite.engines.selection_sort import train_selection_sort_nee


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--lengths", type=int, nargs="+", default=[8, 25, 50, 75, 100, 200])
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    tune_cpu(args.threads)
    runs = []
    for seed in args.seeds:
        config = TrainConfig(steps=args.steps, batch_size=64, lr=1e-2, warmup_steps=min(100, args.steps),
                             min_lr_ratio=0.0, grad_clip=None, seed=seed)
        model, engine, mask = train_selection_sort_nee(NEEConfig(), config, progress=False)
        started = time.perf_counter()
        table = sorting_table(model, lengths=tuple(args.lengths))
        goal = all(row["exact_match"] == 1.0 for row in table if row["length"] <= 100)
        runs.append({"seed": seed, "train_seconds": round(engine.wall_time_s + mask.wall_time_s, 2),
                     "evaluate_seconds": round(time.perf_counter() - started, 2), "goal_reached": goal,
                     "accuracy": table})
        print(f"seed {seed}: trained in {runs[-1]['train_seconds']} s, goal reached: {goal}")
    result = {"benchmark": "selection-sort NEE, training from scratch", "steps": args.steps,
              "threads": torch.get_num_threads(), "device": "cpu", "processor": platform.processor() or platform.machine(),
              "torch": torch.__version__, "runs": runs}
    out = args.out or data_dir() / "benchmarks" / "selection_sort_train_cpu.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
