"""Benchmark: the paper's Table 2, addition with only some numbers allowed as training operands, several seeds.

    python benchmarks/addition_heldout.py [--seeds 0 1 2] [--counts 256 224 ...] [--weight-decay 0.3 ...]
                                          [--members 5] [--steps N] [--batch-size N] [--workers 2] [--out FILE]

Trains one ensemble of ``--members`` addition NEEs per count and seed (and weight decay), from scratch, one
thread each, ``--workers`` at a time: the shipped shape and budget, `nee_lite.engines.arithmetic.ADD`,
unless ``--weight-decay``, ``--steps`` or ``--batch-size`` say otherwise. Writes JSON (default
data/results/addition_heldout.json): per run the weight decay, count, seed, accuracy on pairs with a held-out
number of the ensemble and of each member alone, wall and CPU training time of all members; per weight decay and
count the mean, min and max over the seeds, for the ensembles and for the single engines. Chapter "Learning
arithmetic" reads that file, and data/results/addition_heldout_short.json, the single-engine table for the
earlier short budget:

    python benchmarks/addition_heldout.py --weight-decay 0 0.6 --steps 1500 --batch-size 256 --members 1 \
        --out data/results/addition_heldout_short.json
"""

import argparse
import json
import platform
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import torch

from nee_lite.engines.arithmetic import PAPER_COUNTS, TABLE_2_MEMBERS, heldout_experiment, summarize_heldout
from nee_lite.core.checkpoints import data_dir
from nee_lite.core.device import cpu_kind, tune_cpu
from nee_lite.engines.arithmetic import ADD


def budget(weight_decay=None, steps=None, batch_size=None):
    """The shipped addition settings, with any of weight decay, steps and batch size replaced."""
    config, train_config = ADD.model, ADD.train
    changes = {"weight_decay": weight_decay, "steps": steps, "batch_size": batch_size}
    return config, replace(train_config, **{key: value for key, value in changes.items() if value is not None})


def one_run(job):
    weight_decay, count, seed, members, steps, batch_size = job
    tune_cpu(threads=1)
    config, train_config = budget(weight_decay, steps, batch_size)
    return {"weight_decay": weight_decay,
            **heldout_experiment(config, train_config, counts=(count,), seeds=(seed,), members=members)[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--counts", type=int, nargs="+", default=list(PAPER_COUNTS))
    parser.add_argument("--weight-decay", type=float, nargs="+", default=[budget()[1].weight_decay])
    parser.add_argument("--members", type=int, default=TABLE_2_MEMBERS, help="engines per ensemble")
    parser.add_argument("--steps", type=int, default=None, help="default: the shipped budget")
    parser.add_argument("--batch-size", type=int, default=None, help="default: the shipped budget")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=data_dir() / "results" / "addition_heldout.json")
    args = parser.parse_args()
    jobs = [(wd, count, seed, args.members, args.steps, args.batch_size)
            for wd in args.weight_decay for count in args.counts for seed in args.seeds]
    with ProcessPoolExecutor(args.workers) as pool:
        runs = list(pool.map(one_run, jobs))
    config, train_config = budget(None, args.steps, args.batch_size)
    extra = [*(["--members", str(args.members)] if args.members != TABLE_2_MEMBERS else []),
             *(["--steps", str(args.steps)] if args.steps else []),
             *(["--batch-size", str(args.batch_size)] if args.batch_size else [])]
    result = {
        "benchmark": "addition with held-out numbers (Table 2 of Yan et al. 2020)",
        "command": "python benchmarks/addition_heldout.py " + " ".join(
            ["--seeds", *map(str, args.seeds), "--counts", *map(str, args.counts), "--weight-decay",
             *map(str, args.weight_decay), *extra]),
        "model": config.__dict__, "train": train_config.to_dict(),
        "device": "cpu", "torch": torch.__version__, "python": platform.python_version(),
        "cpu_kind": cpu_kind(),  # training repeats bit for bit only on the same kind of CPU
        "runs": runs, "summary": summarize_heldout(runs),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for row in result["summary"]:
        print(f"weight decay {row['weight_decay']}, {row['count']:>4} numbers: ensembles mean {row['mean']:.2%} "
              f"(min {row['min']:.2%}, max {row['max']:.2%}); single engines mean {row['single_mean']:.2%} "
              f"(min {row['single_min']:.2%}); per bit {row['bit_mean']:.3%}; paper {row['paper']:.2%}")


if __name__ == "__main__":
    main()
