"""Benchmark: choosing the multiplier's recipe on validation pairs, never on the test
pairs.

    python benchmarks/multiply_validation.py [--candidates ff512 ff1024 ...] \
        [--seeds 0 1 2] [--steps N] [--workers 1] [--out FILE]

For each candidate and seed: the seed's split of `heldout_split("multiply", ...)` (a
random 90 % of the ordered pairs whose product fits in 12 bits; the other 10 % are the
test pairs, never read here), and inside its TRAINING pairs a validation split
(`validation_split`: 10 % of the unordered training pairs, both orders together). One
multiplier trains on the rest and is measured on the validation pairs (exact match, per
bit, the first few it gets wrong) and on its own training pairs. Every candidate changes
one thing from the 12,000-step budget of `nee_lite.engines.arithmetic.MULTIPLY`: see
`CANDIDATES`. Writes JSON (default data/results/multiply_validation.json): the runs, and
per candidate the mean and minimum over seeds. The decision rule, written before the
runs, is in book/recipes_arithmetic.ipynb; `MULTIPLY` records the choice; chapter
"Learning arithmetic" reads the file.

The ensemble rounds (several multipliers of the recipe answering together, `ensembles`
and `ensembles_before`) are recorded in data/results/multiply_validation.json; they were
made with an option `--members` and code (`ArithmeticEnsemble`, `member_seed`) that were
removed later, since no shipped recipe used them.
"""

import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

from _common import search_parser

from nee_lite.core.device import tune_cpu
from nee_lite.core.encoding import NumberCodec
from nee_lite.engines.arithmetic import (
    MULTIPLY,
    evaluate_pairs,
    heldout_split,
    train_arithmetic,
    validation_over_seeds,
    validation_split,
)
from nee_lite.results.store import write_cpu_record

#: The adder's shape on 12-bit multiplication (the recipe before this benchmark): every
#: candidate is relative to it.
BASE = replace(MULTIPLY.model, ff=512, encoder_layers=1, decoder_layers=1)
#: name -> (changes to BASE, changes to MULTIPLY's budget).
CANDIDATES = {
    "ff512": ({"ff": 512}, {}),
    "ff512-wd0.1": ({"ff": 512}, {"weight_decay": 0.1}),
    "ff512-wd1.0": ({"ff": 512}, {"weight_decay": 1.0}),
    "ff512-d64": ({"ff": 512, "d_model": 64}, {}),
    "ff1024": ({"ff": 1024}, {}),
    "ff2048": ({"ff": 2048}, {}),
    "ff1024-24k": ({"ff": 1024}, {"steps": 24000}),
    "ff1024-lr1e-3": ({"ff": 1024}, {"lr": 1e-3}),
    "ff1024-enc2": ({"ff": 1024, "encoder_layers": 2}, {}),
    "ff1024-dec2": ({"ff": 1024, "decoder_layers": 2}, {}),
    "ff1024-enc2-dec2": ({"ff": 1024, "encoder_layers": 2, "decoder_layers": 2}, {}),
    "ff512-enc2-dec2": ({"ff": 512, "encoder_layers": 2, "decoder_layers": 2}, {}),
}


def one_run(job) -> dict:
    """One multiplier trained on the validation split's training pairs, measured on its
    validation pairs."""
    name, seed, steps = job
    tune_cpu(threads=1)
    model_changes, budget_changes = CANDIDATES[name]
    config = replace(BASE, **model_changes)
    budget = replace(MULTIPLY.train, **budget_changes, seed=seed)
    if steps is not None:  # a smoke test
        budget = replace(
            budget, steps=steps, warmup_steps=min(budget.warmup_steps, steps)
        )
    codec = NumberCodec(config.bits)
    split = validation_split(
        heldout_split("multiply", codec, seed=seed), "multiply", codec, seed=seed
    )
    started = time.process_time()
    model, _ = train_arithmetic(config, split.train, budget)
    valid, fit = evaluate_pairs(model, split.test), evaluate_pairs(model, split.train)
    cpu_seconds = time.process_time() - started  # training and measuring, one thread
    return {
        "candidate": name,
        "seed": seed,
        "ff": config.ff,
        "d_model": config.d_model,
        "encoder_layers": config.encoder_layers,
        "decoder_layers": config.decoder_layers,
        "steps": budget.steps,
        "lr": budget.lr,
        "weight_decay": budget.weight_decay,
        "train_pairs": fit["pairs"],
        "validation_pairs": valid["pairs"],
        "train_exact_match": fit["accuracy"],
        "validation_exact_match": valid["accuracy"],
        "validation_bit_accuracy": valid["bit_accuracy"],
        "validation_wrong": valid["wrong"][:5],
        "cpu_seconds": round(cpu_seconds, 1),
    }


def summarize(runs: list[dict]) -> list[dict]:
    """Per candidate: mean and minimum over seeds of the validation exact match, and the
    fit."""
    groups = {}
    for run in runs:
        groups.setdefault(run["candidate"], []).append(run)
    return [
        {
            "candidate": name,
            "seeds": [r["seed"] for r in chosen],
            **validation_over_seeds(chosen),
        }
        for name, chosen in groups.items()
    ]


def main() -> None:
    parser = search_parser(
        __doc__,
        [0, 1, 2],
        "default: each candidate's budget",
        "multiply_validation.json",
    )
    parser.add_argument(
        "--candidates", nargs="+", default=list(CANDIDATES), choices=list(CANDIDATES)
    )
    args = parser.parse_args()
    jobs = [(name, seed, args.steps) for name in args.candidates for seed in args.seeds]
    with ProcessPoolExecutor(args.workers) as pool:
        runs = list(pool.map(one_run, jobs))
    result = write_cpu_record(
        args.out,
        "the multiplier's recipe chosen on validation pairs (12-bit multiplication, "
        "Yan et al. 2020)",
        "python benchmarks/multiply_validation.py --candidates "
        + " ".join(args.candidates)
        + " --seeds "
        + " ".join(map(str, args.seeds))
        + (f" --steps {args.steps}" if args.steps else ""),
        runs=runs,
        summary=summarize(runs),
    )
    for row in result["summary"]:
        print(
            f"{row['candidate']:>14}: validation exact match mean "
            f"{row['validation_mean']:.3%}, "
            f"min {row['validation_min']:.3%}; training pairs fitted, min "
            f"{row['train_min']:.2%}"
        )


if __name__ == "__main__":
    main()
