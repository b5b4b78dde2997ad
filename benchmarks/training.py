"""Benchmark: training throughput and time-to-goal, on a CPU or a GPU.

    python benchmarks/training.py [--device auto|cpu|cuda] \
        [--batch-sizes 64 256 1024 4096 16384] [--steps 30] \
        [--compile [BATCH_SIZE ...]] [--tasks NAME ...] [--quick] [--out FILE]

Three measurements, written as JSON (default data/benchmarks/training_<device>.json)
with the device's name, the date and the library versions:

* ``throughput``: training lists per second of the selection-sort NEE through the book's
  training loop, per batch size, with batches drawn on the CPU in Python (the usual
  loop) and on the device (``nee_lite.engines.gpu_training``), in float32 and under bf16
  autocast (and compiled with ``torch.compile``, at the ``--compile`` batch sizes);
* ``tasks``: every ``nee-lite train`` task trained from scratch with its shipped budget
  on the device: training time, examples per second, and whether it reached its goal
  (the claim its chapter asserts);
* ``fast_recipe``: the selection-sort NEE trained with on-device batches and the
  large-batch recipe of chapter "Preparing to train on a GPU", its training time and
  whether it reached the goal (every paper test list up to 100 exact).

``--quick`` (a smoke test) trains each task for a few steps and checks nothing. With
``--compile`` the kernel cache starts empty, so ``warmup_s`` of a compiled setting is a
first compilation. Chapter "Preparing to train on a GPU" shows the GPU records of this
file beside the CPU's.
"""

import argparse
import json
import os
import tempfile
from dataclasses import replace
from pathlib import Path

from nee_lite.core.checkpoints import data_dir
from nee_lite.core.device import tune_cpu
from nee_lite.engines.gpu_training import (
    FAST_RECIPE,
    SortingTest,
    run_sorting,
    training_throughput,
)
from nee_lite.results.store import benchmark_environment, write_json
from nee_lite.tasks.registry import TASKS
from nee_lite.tasks.reproduce import check_names, resolve_device
from nee_lite.tasks.runs import ReproduceOptions, train_and_evaluate


def all_exact(rows, up_to=100):
    return all(
        row["exact_match"] == 1.0 for row in rows if row.get("length", 0) <= up_to
    )


def row(rows, **match):
    return next(r for r in rows if all(r.get(k) == v for k, v in match.items()))


# The claim each task's chapter asserts; a task without one is timed but not judged.
GOALS = {
    "min-of-two": (
        "held-out numbers >= 99 % exact",
        lambda rows: row(rows, test="held-out numbers")["exact_match"] >= 0.99,
    ),
    "selection-sort": ("every test list up to 100 numbers exact", all_exact),
    "merge-sort": ("every test list up to 100 numbers exact", all_exact),
    "sort-baseline": (
        "lists of 8 >= 90 % exact",
        lambda rows: row(rows, length=8)["exact_match"] >= 0.9,
    ),
    "add": (
        "every unseen pair exact",
        lambda rows: row(rows, test="held-out pairs")["exact_match"] == 1.0,
    ),
    "multiply": (
        "unseen pairs >= 99.9 % exact",
        lambda rows: row(rows, test="held-out pairs")["exact_match"] >= 0.999,
    ),
}


def throughput_sweep(device, batch_sizes, steps, compile_sizes):
    plain = [
        (data_on, bf16, False)
        for data_on in ("host", "device")
        for bf16 in (False, True)
    ]
    compiled_settings = [("device", False, True), ("device", True, True)]
    results = []
    for batch_size in batch_sizes:
        for data_on, bf16, compiled in plain + (
            compiled_settings if batch_size in compile_sizes else []
        ):
            result = training_throughput(
                batch_size,
                device,
                steps=steps,
                data_on=data_on,
                bf16=bf16,
                compile=compiled,
            )
            results.append(result)
            print(
                f"batch {batch_size:>6}, data on {data_on:<6}, "
                f"{'bf16' if bf16 else 'fp32'}"
                f"{', compiled' if compiled else ''}: {result['lists_per_s']:>12,.0f} "
                "lists/s",
                flush=True,
            )
    return results


def task_times(names, device, quick):
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            task = TASKS[name]
            options = ReproduceOptions(
                Path(folder), device=device, quick=quick, progress=False
            )
            entry = train_and_evaluate(task, options)
            if entry.get("trained") is False:
                results.append({"task": name, "skipped": entry["note"]})
                continue
            card = json.loads((Path(folder) / f"{name}.json").read_text())
            examples = card["steps"] * card["train"]["batch_size"]
            goal, reached = GOALS.get(name, (None, None))
            results.append(
                {
                    "task": name,
                    "train_seconds": entry["train_wall_time_s"],
                    "steps": card["steps"],
                    "batch_size": card["train"]["batch_size"],
                    "trained_on": entry["trained_on"],
                    "examples_per_s": round(
                        examples / max(entry["train_wall_time_s"], 1e-9), 1
                    ),
                    "goal": goal,
                    "goal_reached": None
                    if quick or goal is None
                    else bool(reached(entry["rows"])),
                }
            )
            print(
                f"{name}: trained in {entry['train_wall_time_s']} s, goal reached: "
                f"{results[-1]['goal_reached']}",
                flush=True,
            )
    return results


def fast_recipe(device, quick):
    recipe, test = FAST_RECIPE, SortingTest()
    if quick:
        recipe = replace(
            recipe,
            train=replace(recipe.train, steps=5, batch_size=16, warmup_steps=1),
            mask_steps=5,
        )
        test = SortingTest(lengths=(8,), lists=10)
    result = run_sorting(recipe, test, device, progress=False)
    summary = {
        "recipe": result["run"],
        "train_seconds": round(result["train_seconds"], 2),
        "lists_per_s": round(result["lists_per_s"], 1),
        "goal": "every paper test list up to 100 numbers exact",
        "rows": result["rows"],
        "goal_reached": None
        if quick
        else all(r["exact_match"] == 1.0 for r in result["rows"]),
    }
    print(
        f"fast recipe: trained in {summary['train_seconds']} s, goal reached: "
        f"{summary['goal_reached']}",
        flush=True,
    )
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="auto")
    parser.add_argument(
        "--batch-sizes", type=int, nargs="+", default=[64, 256, 1024, 4096, 16384]
    )
    parser.add_argument(
        "--steps", type=int, default=30, help="timed steps per throughput setting"
    )
    parser.add_argument(
        "--compile",
        type=int,
        nargs="*",
        default=None,
        metavar="BATCH_SIZE",
        help="also time torch.compile, at these batch sizes (none given: all); it "
        "compiles per setting",
    )
    parser.add_argument(
        "--tasks",
        nargs="*",
        default=None,
        help="tasks to time to their goal (default: all)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke test: a few steps per task, goals not judged",
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if (
        args.compile is not None
    ):  # time a first compilation, not one served from an earlier run's kernel cache
        os.environ["TORCHINDUCTOR_CACHE_DIR"] = tempfile.mkdtemp(
            prefix="nee-lite-inductor-"
        )
    device = resolve_device(args.device)
    if device.type == "cpu":
        tune_cpu(threads=1)
    names = (
        [n for n in check_names(args.tasks) if n in TASKS] if args.tasks != [] else []
    )
    result = {
        "benchmark": "training throughput and time-to-goal",
        **benchmark_environment(device),
        "quick": args.quick,
        "throughput": throughput_sweep(
            device,
            args.batch_sizes,
            args.steps,
            args.batch_sizes if args.compile == [] else args.compile or [],
        ),
        "fast_recipe": fast_recipe(device, args.quick),
        "tasks": task_times(names, device, args.quick),
    }
    out = args.out or data_dir() / "benchmarks" / f"training_{device.type}.json"
    write_json(out, result)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
