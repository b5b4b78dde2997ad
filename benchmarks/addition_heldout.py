"""Benchmark: choosing Table 2's recipe on validation numbers, never on the test pairs.

    python benchmarks/addition_heldout.py [--counts 256 64] [--seeds 0 1] \
        [--weight-decay 0.3 0.1] [--steps N] [--batch-size N] [--workers 1] \
        [--out FILE]

For each weight decay, count and seed: the split of `heldout_split` (the numbers allowed
in training), and inside its TRAINING numbers a validation split (`validation_split`: 10
% of the allowed numbers set aside as validation numbers; on the full range 10 % of the
unordered training pairs). One addition engine, the adder's shape and budget
(`nee_lite.engines.arithmetic.ADD`) with the given weight decay, trains on the rest and
is measured on the validation pairs (exact match and per bit) and on its own training
pairs (did it fit them?), with the step at which its training batches were first 99 %
exact. The held-out numbers of the split are never used. Writes JSON (default
data/results/addition_validation.json): the runs, and per weight decay and count the
mean and minimum over seeds. `nee_lite.engines.arithmetic.TABLE_2` records the choice;
chapter "Learning arithmetic" reads the file.
"""

from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

from _common import search_parser

from nee_lite.core.device import tune_cpu
from nee_lite.core.encoding import NumberCodec
from nee_lite.engines.arithmetic import (
    ADD,
    evaluate_pairs,
    heldout_split,
    train_arithmetic,
    validation_over_seeds,
    validation_split,
)
from nee_lite.results.store import write_cpu_record


def one_run(job) -> dict:
    """One engine trained on the validation split's training pairs, measured on its
    validation pairs."""
    weight_decay, count, seed, steps, batch_size = job
    tune_cpu(threads=1)
    changes = {
        "weight_decay": weight_decay,
        "steps": steps,
        "batch_size": batch_size,
        "seed": seed,
    }
    budget = replace(
        ADD.train, **{key: value for key, value in changes.items() if value is not None}
    )
    codec = NumberCodec(ADD.model.bits)
    split = validation_split(
        heldout_split("add", codec, count=count, seed=seed), "add", codec, seed=seed
    )
    model, result = train_arithmetic(ADD.model, split.train, budget)
    fit, valid = evaluate_pairs(model, split.train), evaluate_pairs(model, split.test)
    fitted = [entry["step"] for entry in result.history if entry["accuracy"] >= 0.99]
    return {
        "weight_decay": weight_decay,
        "count": count,
        "seed": seed,
        "train_pairs": fit["pairs"],
        "validation_pairs": valid["pairs"],
        "train_exact_match": fit["accuracy"],
        "validation_exact_match": valid["accuracy"],
        "validation_bit_accuracy": valid["bit_accuracy"],
        "first_step_99": fitted[0] if fitted else None,
        "train_seconds": round(result.wall_time_s, 1),
    }


def summarize(runs: list[dict]) -> list[dict]:
    """Per weight decay and count: mean and minimum over seeds of the validation exact
    match and the fit."""
    groups = {}
    for run in runs:
        groups.setdefault((run["weight_decay"], run["count"]), []).append(run)
    return [
        {
            "weight_decay": decay,
            "count": count,
            "seeds": len(chosen),
            **validation_over_seeds(chosen),
        }
        for (decay, count), chosen in groups.items()
    ]


def main() -> None:
    parser = search_parser(
        __doc__, [0, 1], "default: the adder's budget", "addition_validation.json"
    )
    parser.add_argument("--counts", type=int, nargs="+", default=[256, 64])
    parser.add_argument("--weight-decay", type=float, nargs="+", default=[0.3, 0.1])
    parser.add_argument(
        "--batch-size", type=int, default=None, help="default: the adder's budget"
    )
    args = parser.parse_args()
    jobs = [
        (decay, count, seed, args.steps, args.batch_size)
        for decay in args.weight_decay
        for count in args.counts
        for seed in args.seeds
    ]
    with ProcessPoolExecutor(args.workers) as pool:
        runs = list(pool.map(one_run, jobs))
    extra = [
        *(["--steps", str(args.steps)] if args.steps else []),
        *(["--batch-size", str(args.batch_size)] if args.batch_size else []),
    ]
    result = write_cpu_record(
        args.out,
        "Table 2's recipe chosen on validation numbers (addition, Yan et al. 2020)",
        "python benchmarks/addition_heldout.py "
        + " ".join(
            [
                "--counts",
                *map(str, args.counts),
                "--seeds",
                *map(str, args.seeds),
                "--weight-decay",
                *map(str, args.weight_decay),
                *extra,
            ]
        ),
        runs=runs,
        summary=summarize(runs),
    )
    for row in result["summary"]:
        print(
            f"weight decay {row['weight_decay']}, {row['count']:>4} numbers: "
            "validation exact match mean "
            f"{row['validation_mean']:.2%}, min {row['validation_min']:.2%}; training "
            "pairs fitted, min "
            f"{row['train_min']:.2%}"
        )


if __name__ == "__main__":
    main()
