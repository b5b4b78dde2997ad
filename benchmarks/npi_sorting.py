"""Benchmark: NPI bubble sort against a seq2seq LSTM by array length, over seeds; one
NPI for both tasks; a new program learned with the core frozen; one NPI for three tasks.

    python benchmarks/npi_sorting.py [--seeds 0 1] \
        [--parts npi lstm multi new beyond three canon] [--out FILE]

Per seed: the sorting NPI (``NPI_SORT``, as ``nee-lite train npi-sort``) and the LSTM
(``SORT_LSTM``) trained from scratch on arrays of 1 to 8 digits, both scored on the same
test arrays (``SORT_TESTS``); the multi-task NPI (``NPI_MULTI``) scored on addition
(``ADDITION_TESTS``) and sorting, then given ``MAX`` trained with the core frozen (its
embedding started from ``BUBBLESORT``'s), scored on validation arrays of 1 to 8 digits
and on the test lengths, with the old programs' outputs compared before and after. Seed
0's multi-task NPI (before the new programs) is saved as ``data/checkpoints/npi-multi``;
``beyond`` runs the shipped sorting NPI on 80 and 100 digits. ``three`` trains the
three-task NPI (``NPI_THREE``: addition, sorting, canonicalization) per seed and scores
each task on its single-task NPI's tests; seed 0's is saved as
``data/checkpoints/npi-three``; ``canon`` trains the single-task canon NPI
(``NPI_CANON``, as ``nee-lite train npi-canon``) per seed for the comparison. Writes
JSON (default ``data/results/npi_sorting.json``); the chapters "NPI: sorting" and "NPI:
turning a car" read it. Times are wall seconds on one thread of a shared 2-core CPU.
"""

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

import torch

from nee_lite.ancestors import npi_sort_env as S
from nee_lite.ancestors.npi import ADDITION_TESTS, random_pairs
from nee_lite.ancestors.npi_canon import NPI_CANON, canon_table, train_canon_npi
from nee_lite.ancestors.npi_multi import (
    MAX_VALIDATION,
    NEW_PROGRAM_TRAIN,
    NPI_MULTI,
    NPI_THREE,
    add_programs,
    execute_addition,
    max_table,
    multi_addition_table,
    three_task_tables,
    train_multi_npi,
    train_new_programs,
    train_three_task_npi,
)
from nee_lite.ancestors.npi_sort import (
    NPI_SORT,
    SORT_TESTS,
    execute_sort,
    sort_table,
    sort_validation,
    train_sort_npi,
)
from nee_lite.ancestors.sort_lstm import SORT_LSTM, lstm_sort_table, train_sort_lstm
from nee_lite.core.checkpoints import checkpoint_path, load_model, save_checkpoint
from nee_lite.core.device import tune_cpu
from nee_lite.results.store import benchmark_environment

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "data" / "results" / "npi_sorting.json"
BEYOND = ((80, 10), (100, 10))
MAX_TESTS = ((2, 50), (8, 50), (16, 30), (32, 20))


def timed_training(train_model, recipe, seed: int):
    """``train_model`` on ``recipe`` with ``seed``: the model, its TrainResult and the
    wall time in seconds."""
    started = time.perf_counter()
    model, result = train_model(recipe.with_seed(seed), progress=False)
    return model, result, round(time.perf_counter() - started, 1)


def npi_part(seed: int) -> dict:
    model, _, seconds = timed_training(train_sort_npi, NPI_SORT, seed)
    return {
        "train_wall_time_s": seconds,
        "validation": sort_validation(model, seed),
        "rows": sort_table(model, SORT_TESTS, seed),
    }


def lstm_part(seed: int) -> dict:
    model, _, seconds = timed_training(train_sort_lstm, SORT_LSTM, seed)
    return {
        "train_wall_time_s": seconds,
        "validation": lstm_sort_table(model, ((8, 500),), 10_000 + seed)[0],
        "rows": lstm_sort_table(model, SORT_TESTS, seed),
    }


def multi_part(seed: int) -> dict:
    model, result, seconds = timed_training(train_multi_npi, NPI_MULTI, seed)
    if seed == 0:
        save_checkpoint(
            model,
            checkpoint_path("npi-multi"),
            {
                "task": "npi-multi (not a nee-lite task: loaded by the chapter NPI: "
                "sorting)",
                "train": NPI_MULTI.train.to_dict(),
                "seed": seed,
                "steps": result.steps,
                "wall_time_s": seconds,
                "device": "cpu",
                "threads": torch.get_num_threads(),
                "data": {
                    "addition": "the traces of npi-add's 3,000 additions",
                    "sorting": "the traces of npi-sort's 1,000 arrays of 1 to 8 digits",
                },
                "command": "python benchmarks/npi_sorting.py --seeds 0 --parts multi",
            },
        )
    return {
        "train_wall_time_s": seconds,
        "addition": multi_addition_table(model, ADDITION_TESTS, seed),
        "sorting": sort_table(model, SORT_TESTS, seed),
        "new_program": new_program(model, seed),
    }


def new_program(model, seed: int) -> dict:
    """``MAX`` learned with the core frozen; the old programs' outputs before and after;
    ``starts``: validation exact match from a random embedding and from
    ``BUBBLESORT``'s, for five draws of the new entry."""
    old_arrays = S.random_arrays(100, (1, 24), seed=77)
    old_pairs = random_pairs(50, 30, seed=77)
    before = execute_sort(model, old_arrays).results, execute_addition(model, old_pairs)
    bigger = add_programs(model, ("MAX",), seed)
    started = time.perf_counter()
    train_new_programs(
        bigger, len(model.program_names), S.random_arrays(300, (1, 8), seed=500 + seed)
    )
    seconds = round(time.perf_counter() - started, 1)
    after = (
        execute_sort(bigger, old_arrays).results,
        execute_addition(bigger, old_pairs),
    )
    return {
        "train_wall_time_s": seconds,
        "validation": max_table(bigger, MAX_VALIDATION, 10_000 + seed)[0],
        "max": max_table(bigger, MAX_TESTS, seed),
        "old_outputs_unchanged": before == after,
        "starts": {
            str(start): [start_run(model, start, draw) for draw in range(5)]
            for start in (None, "BUBBLESORT")
        },
    }


def start_run(model, start, draw: int) -> dict:
    """``MAX`` from embedding ``start`` (None: random), entry and training arrays drawn
    with ``draw``."""
    bigger = add_programs(
        model, ("MAX",), draw, None if start is None else {"MAX": start}
    )
    result = train_new_programs(
        bigger,
        len(model.program_names),
        S.random_arrays(300, (1, 8), seed=500 + draw),
        replace(NEW_PROGRAM_TRAIN, seed=draw),
    )
    arrays = S.random_arrays(*MAX_VALIDATION[0][::-1], seed=10_000 + draw)
    pad = S.BatchSortPad(arrays)
    with (
        torch.no_grad()
    ):  # MAX's first decision, from the scratchpad as it starts: return (wrong) or call
        _, returns, keys, _, _ = bigger.step(
            pad.observe(),
            torch.full((len(arrays),), len(model.program_names)),
            None,
            bigger.environment_names.index("sort"),
        )
    bubble = bigger.program_names.index("BUBBLE")
    return {
        "draw": draw,
        **max_table(bigger, MAX_VALIDATION, 10_000 + draw)[0],
        "returns_at_once": (returns > 0).float().mean().item(),
        "key_is_bubble": (keys.argmax(-1) == bubble).float().mean().item(),
        "final_loss": result.last("loss"),
    }


def new_part(seed: int) -> dict:
    """Seed 0 only: the new program on the saved multi-task NPI (as ``multi`` does after
    training it)."""
    assert seed == 0, "only seed 0's multi-task NPI is saved"
    results = json.loads(DEFAULT_OUT.read_text())
    results["multi"]["0"]["new_program"] = new_program(
        load_model(checkpoint_path("npi-multi")), 0
    )
    return results["multi"]["0"]


def beyond_part(seed: int) -> dict:
    """The shipped NPI (seed 0) on arrays longer than the test set's longest: ``BEYOND``
    (length, arrays)."""
    assert seed == 0, "the shipped checkpoint is seed 0"
    started = time.perf_counter()
    rows = sort_table(load_model(checkpoint_path("npi-sort")), BEYOND, seed=seed)
    return {"rows": rows, "wall_time_s": round(time.perf_counter() - started, 1)}


def three_part(seed: int) -> dict:
    """The three-task NPI from scratch: wall and CPU seconds, the kept check, and each
    task's test table."""
    started, cpu = time.perf_counter(), time.process_time()
    model, result, checks = train_three_task_npi(NPI_THREE.with_seed(seed), False)
    seconds = round(time.perf_counter() - started, 1)
    cpu_seconds = round(time.process_time() - cpu, 1)
    if seed == 0:
        save_checkpoint(
            model,
            checkpoint_path("npi-three"),
            {
                "task": "npi-three (not a nee-lite task: loaded by the chapter NPI: "
                "turning a car to its canonical view)",
                "train": NPI_THREE.train.to_dict(),
                "seed": seed,
                "steps": result.steps,
                "kept_step": checks["kept_step"],
                "wall_time_s": seconds,
                "cpu_time_s": cpu_seconds,
                "device": "cpu",
                "threads": torch.get_num_threads(),
                "data": {
                    "addition": "the traces of npi-add's 3,000 additions",
                    "sorting": "the traces of npi-sort's 1,000 arrays of 1 to 8 digits",
                    "canon": "the planner's traces from every start pose of "
                    "npi-canon's 64 training car models",
                },
                "command": "python benchmarks/npi_sorting.py --seeds 0 --parts three",
            },
        )
    return {
        "train_wall_time_s": seconds,
        "train_cpu_time_s": cpu_seconds,
        "kept_step": checks["kept_step"],
        "validation": checks["validation_accuracy"],
        **three_task_tables(model),
    }


def canon_part(seed: int) -> dict:
    """The single-task canonicalizing NPI from scratch, scored on every start pose of
    the 20 test cars."""
    started, cpu = time.perf_counter(), time.process_time()
    model, _, checks = train_canon_npi(NPI_CANON.with_seed(seed), False)
    return {
        "train_wall_time_s": round(time.perf_counter() - started, 1),
        "train_cpu_time_s": round(time.process_time() - cpu, 1),
        "kept_step": checks["kept_step"],
        "canon": canon_table(model),
    }


PARTS = {
    "npi": npi_part,
    "lstm": lstm_part,
    "multi": multi_part,
    "new": new_part,
    "beyond": beyond_part,
    "three": three_part,
    "canon": canon_part,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1])
    parser.add_argument(
        "--parts",
        nargs="*",
        default=["npi", "lstm", "multi"],
        choices=list(PARTS),
        help="new and beyond: seed 0 only",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    tune_cpu(threads=1)
    results = json.loads(args.out.read_text()) if args.out.is_file() else {}
    results["about"] = __doc__.splitlines()[0]
    results["environment"] = benchmark_environment()
    for part in args.parts:
        for seed in args.seeds:
            started = time.perf_counter()
            results.setdefault("multi" if part == "new" else part, {})[str(seed)] = (
                PARTS[part](seed)
            )
            print(
                f"{part} seed {seed}: {round(time.perf_counter() - started)} s",
                flush=True,
            )
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
