"""The experiments `nee-lite reproduce` runs beside the tasks: the tables behind the
chapters (numbers as bits, Table 1 and Table 2, multiplication over seeds, the seq2seq
baselines, 16-bit graphs)."""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from multiprocessing import get_context

import torch

from ..ancestors import npi_canon
from ..core.bounds import error_bound_95
from ..core.checkpoints import checkpoint_path, load_model
from ..core.device import tune_cpu
from ..engines.arithmetic import (
    MULTIPLY,
    PAPER_COUNTS,
    TABLE_2,
    TABLE_2_SEEDS,
    ArithmeticNEE,
    seeds_experiment,
    summarize_heldout,
    table_2_experiment,
)
from ..engines.lists import FAMILIES, FAMILY_TEST_SEED, table_scores
from ..engines.numbers_as_bits import (
    ENCODINGS,
    HELDOUT_TRAIN,
    WIDTH_TRAIN,
    encodings_experiment,
)
from ..engines.selection_sort import SelectionSortNEE
from ..engines.seq2seq import (
    QUICK_BASELINE_LENGTHS,
    SORT_BASELINE,
    VARIANT_SEEDS,
    baseline_variants,
)
from ..graphs.composition import evaluation_table
from ..graphs.data import graph_specs, make_graph
from ..graphs.wide import WIDE_FAMILIES, WIDE_SIZES, wide_graphs_table
from ..results.paper import PAPER
from ..results.store import (
    summarize_seeds,
)
from .comparisons import clrs_graphs_table, gnn_table, paper_engine_table
from .registry import TASKS, graph_engines, train_task
from .runs import QUICK_STEPS, Experiment, ReproduceOptions, checkpoint_record


# --------------------------------------------------------------------------------------
# experiments
def numbers_as_bits_tables(run: ReproduceOptions) -> dict:
    """Chapter "Numbers as bits": min(a, b) with numbers held out, per encoding and
    share (2,000 steps each), and scalar against binary at 8, 12 and 16 bits (3,000
    steps each), exactly as the chapter trains them."""
    encodings, fractions, widths = ENCODINGS, (0.25, 0.5, 0.75), (8, 12, 16)
    heldout_train, width_train, test_pairs = HELDOUT_TRAIN, WIDTH_TRAIN, 20000
    if run.quick:
        encodings, fractions, widths = ("one-hot", "binary"), (0.25,), (8,)
        heldout_train = width_train = replace(HELDOUT_TRAIN, steps=QUICK_STEPS)
        test_pairs = 2000
    rows = []
    heldout_budget = replace(heldout_train, seed=run.seed)
    for row in encodings_experiment(
        encodings, fractions, 8, heldout_budget, test_pairs, device=run.device
    ):
        rows.append(_min_row("held-out numbers", row))
    for bits in widths:
        width_budget = replace(width_train, seed=run.seed)
        for row in encodings_experiment(
            ["scalar", "binary"],
            [0.25],
            bits,
            width_budget,
            test_pairs,
            device=run.device,
        ):
            rows.append(_min_row("number range", row))
    return {
        "rows": rows,
        "train_wall_time_s": round(sum(row["train_seconds"] for row in rows), 1),
        "models": len(rows),
        "seeds": [run.seed],
    }


def _min_row(table: str, row: dict) -> dict:
    return {
        "table": table,
        "encoding": row["encoding"],
        "bits": row["bits"],
        "heldout_fraction": row["heldout_fraction"],
        "seen_exact_match": round(row["seen_accuracy"], 6),
        "heldout_exact_match": round(row["heldout_accuracy"], 6),
        "train_seconds": round(row["train_seconds"], 2),
    }


def addition_heldout_table(run: ReproduceOptions) -> dict:
    """The paper's Table 2: one single addition engine per (count of allowed numbers,
    seed), 5 seeds, the recipe :data:`nee_lite.engines.arithmetic.TABLE_2` (chosen on
    validation numbers), tested on every pair with a held-out number. On the CPU the
    engines train one per core, each on one thread, in fresh processes: the same engines
    as one process would train, bit for bit."""
    config, budget = TABLE_2.model, TABLE_2.train
    counts, seeds = PAPER_COUNTS, tuple(run.seed + s for s in TABLE_2_SEEDS)
    if run.quick:
        counts, seeds = (256, 64), (run.seed,)
        budget = replace(budget, steps=QUICK_STEPS, warmup_steps=5)
    jobs = [(config, budget, count, seed) for count in counts for seed in seeds]
    workers = min(os.cpu_count() or 1, len(jobs)) if run.device.type == "cpu" else 1
    if workers > 1:  # one engine per core, one thread each: the same engines
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            rows = [row for rows in pool.map(_table_2_job, jobs) for row in rows]
    else:
        rows = [
            row
            for job in jobs
            for row in _table_2_job(job, progress=run.progress, device=run.device)
        ]
    return {
        "rows": summarize_heldout(rows),
        "runs": rows,
        "train_wall_time_s": round(sum(r["train_seconds"] for r in rows), 1),
        "models": len(rows),
        "members": 1,
        "seeds": list(seeds),
        "weight_decays": [budget.weight_decay],
        "train": {**budget.to_dict(), "seed": "per run"},
    }


def _table_2_job(job, progress: bool = False, device="cpu") -> list[dict]:
    """One (budget, count, seed) engine of Table 2, on one CPU thread when on the
    CPU.
    """
    config, budget, count, seed = job
    if torch.device(device).type == "cpu":
        tune_cpu(threads=1)
    return [
        {"weight_decay": budget.weight_decay, **row}
        for row in table_2_experiment(
            config,
            budget,
            counts=(count,),
            seeds=(seed,),
            progress=progress,
            device=device,
        )
    ]


def multiply_seeds_table(run: ReproduceOptions) -> dict:
    """The shipped multiplier's recipe trained from seeds 0, 1 and 2 (each its own
    held-out pairs), one engine per seed (``members`` stays in the record: its entries
    have always said how many engines a seed had)."""
    recipe, seeds = MULTIPLY, tuple(run.seed + s for s in (0, 1, 2))
    if run.quick:
        recipe, seeds = recipe.with_seed(0, steps=QUICK_STEPS), (run.seed,)
    rows = seeds_experiment(recipe, seeds, progress=run.progress, device=run.device)
    return {
        "rows": rows,
        "seeds": list(seeds),
        "members": 1,
        "models": len(rows),
        "train_wall_time_s": round(sum(r["train_seconds"] for r in rows), 1),
        "train": {**recipe.train.to_dict(), "seed": "per run"},
    }


def seq2seq_baselines_table(run: ReproduceOptions) -> dict:
    """Chapter "Attention collapse": the paper's one-hot seq2seq baseline, the binary
    one, and the binary one without encoder positions,
    :data:`~nee_lite.engines.seq2seq.VARIANT_SEEDS` seeds each
    (:func:`~nee_lite.engines.seq2seq.baseline_variants`)."""
    seeds, budget, lengths = (
        tuple(run.seed + s for s in VARIANT_SEEDS),
        SORT_BASELINE.train,
        {},
    )
    if run.quick:
        seeds, budget = (run.seed,), replace(budget, steps=QUICK_STEPS, warmup_steps=5)
        lengths = {"lengths": QUICK_BASELINE_LENGTHS}
    result = baseline_variants(
        seeds=seeds,
        train_config=budget,
        progress=run.progress,
        device=run.device,
        **lengths,
    )
    return {
        **result,
        "train_wall_time_s": round(
            sum(
                {
                    (r["variant"], r["seed"]): r["train_seconds"]
                    for r in result["runs"]
                }.values()
            ),
            1,
        ),
        "models": len({(r["variant"], r["seed"]) for r in result["runs"]}),
        "seeds": list(seeds),
        "train": {**budget.to_dict(), "seed": "per run"},
    }


TABLE_1_SIZES = (25, 50, 75, 100, 200)  # the paper's 25 to 100, and 200
TABLE_1_LIST_SIZES = (*TABLE_1_SIZES, 500)  # the sorts also at 500
TABLE_1_ITEMS = 1000  # test lists or graphs per size: 0 errors bound the rate at 0.3 %
TABLE_1_GRAPH_SEED = 1  # graph_specs' seed (the graphs_1000 record's)
TABLE_1_TASKS = (
    "selection-sort",
    "merge-sort",
    "dijkstra",
    "prim",
)  # the paper's four rows, in its order
TABLE_1_TRAINS = (
    "selection-sort",
    "merge-sort",
    "add",
)  # what one seed trains (Dijkstra also runs the adder)


def table_1(run: ReproduceOptions) -> dict:
    """The paper's Table 1 over seeds: per seed, train the selection-sort engine, the
    merge engine and the adder with their shipped recipes
    (:func:`~nee_lite.tasks.registry.train_task`, into ``checkpoints/table-1/seed-S``),
    then measure selection sort and merge sort on 1,000 of the paper's test lists per
    size (25 to 500, drawn from the family test seed) and Dijkstra (that seed's
    find-min engine and adder) and Prim (its find-min engine) on 1,000 of the book's
    test graphs per size (25 to 200, rebuilt from ``graph_specs``' seeds, not stored).
    ``rows``: per task and size, the mean and minimum over seeds, beside the paper's
    number, with the items per seed and the 95 % upper bound on the worst seed's
    whole-output error rate; ``runs``: every seed's own numbers; ``per_seed``: each
    seed's times and its engines' own tables (their cards': the sorters on harder lists
    too, the adder on its training and held-out pairs). Seed 0 is the shipped recipe
    and seed: on the same CPU kind its checkpoints are the shipped ones, byte for byte
    (``per_seed[...] ["checkpoints"]`` says)."""
    runs, per_seed = [], []
    for seed in run.seeds:
        seed_runs, timing = _table_1_seed(run, seed)
        runs += seed_runs
        per_seed.append(timing)
    rows = summarize_seeds(runs)
    for row in rows:
        paper = PAPER.get((row["task"], row["size"]))
        mine = [r for r in runs if (r["task"], r["size"]) == (row["task"], row["size"])]
        worst = max(mine, key=lambda r: r["items"] - r["right"])
        row.update(
            items=min(r["items"] for r in mine),
            exact_match_error_bound_95=round(
                error_bound_95(worst["items"] - worst["right"], worst["items"]), 6
            ),
            paper=paper.value if paper else None,
            paper_metric=paper.metric if paper else None,
        )
    return {
        "rows": rows,
        "runs": runs,
        "per_seed": per_seed,
        "seeds": list(run.seeds),
        "train_wall_time_s": round(sum(seed["train_s"] for seed in per_seed), 1),
        "models": len(TABLE_1_TRAINS) * len(run.seeds),
        "paper": "Yan et al. 2020, Table 1 (section 5.1)",
        "test_sets": {
            "lists": f"nee_lite.engines.lists.FAMILIES['paper'](n, count="
            f"{TABLE_1_ITEMS}, seed={FAMILY_TEST_SEED}), n in {TABLE_1_LIST_SIZES}",
            "graphs": f"nee_lite.graphs.data.graph_specs(sizes={TABLE_1_SIZES}, "
            f"per_size={TABLE_1_ITEMS}, seed={TABLE_1_GRAPH_SEED}) rebuilt by "
            "make_graph (not stored)",
        },
        "metrics": {
            "per_element": "sorting: per position of the sorted list; graphs: per "
            "node (its distance, "
            "or its parent in the tree)",
            "exact_match": "the whole sorted list, or every distance / the exact tree "
            "of the graph",
            "exact_match_error_bound_95": "one-sided 95 % upper bound (Clopper-"
            "Pearson) on the whole-output error rate of the seed with the most "
            "errors",
        },
    }


def _table_1_sets(quick: bool) -> tuple[dict, dict]:
    """The lists (size -> lists) and the graphs (algorithm -> size -> graphs) every
    seed of Table 1 is measured on (``quick``: a few at 25)."""
    count = 4 if quick else TABLE_1_ITEMS
    lists = {
        n: FAMILIES["paper"](n, count=count, seed=FAMILY_TEST_SEED)
        for n in ((25,) if quick else TABLE_1_LIST_SIZES)
    }
    specs = graph_specs(
        sizes=(25,) if quick else TABLE_1_SIZES,
        per_size=count,
        seed=TABLE_1_GRAPH_SEED,
    )
    graphs = {
        algorithm: {
            n: [make_graph(spec, algorithm) for spec in specs if spec["n"] == n]
            for n in dict.fromkeys(spec["n"] for spec in specs)
        }
        for algorithm in ("dijkstra", "prim")
    }
    return lists, graphs


def _table_1_seed(run: ReproduceOptions, seed: int) -> tuple[list[dict], dict]:
    """One seed of Table 1: its rows (task, size, per element, exact match, items and
    how many were right) and its times and checkpoints."""
    folder = run.checkpoints / "table-1" / f"seed-{seed}"
    started, train, rows, checkpoints, tables = time.perf_counter(), {}, [], {}, {}
    for name in TABLE_1_TRAINS:
        task = TASKS[name]
        card = train_task(
            task,
            folder,
            seed=seed,
            steps=QUICK_STEPS if run.quick else None,
            progress=run.progress,
            device=run.device if task.gpu else torch.device("cpu"),
            quick=run.quick,
        )
        train[name], tables[name] = card["wall_time_s"], card["accuracy"]
        checkpoints[name] = checkpoint_record(folder / name)
        # only seed 0 is the shipped recipe's seed: the others differ from it on purpose
        if seed != 0:
            checkpoints[name].pop("identical_to_shipped", None)
    lists, graphs = _table_1_sets(run.quick)
    for name in ("selection-sort", "merge-sort"):
        model = load_model(folder / name)
        for n, batch in lists.items():
            outputs = [
                answer
                for start in range(0, len(batch), 100)
                for answer in model.execute(batch[start : start + 100]).outputs
            ]
            score = table_scores(outputs, batch.tolist())
            rows.append(
                {
                    "seed": seed,
                    "task": name,
                    "size": n,
                    "per_element": score["per_element"],
                    "exact_match": score["exact_match"],
                    "items": len(batch),
                    "right": round(score["exact_match"] * len(batch)),
                }
            )
    for algorithm in ("dijkstra", "prim"):
        for row in evaluation_table(
            algorithm,
            *graph_engines(folder / algorithm, algorithm),
            test_set=graphs[algorithm],
        ):
            items = len(graphs[algorithm][row["nodes"]])
            rows.append(
                {
                    "seed": seed,
                    "task": algorithm,
                    "size": row["nodes"],
                    "per_element": row["per_node"],
                    "exact_match": row["per_graph"],
                    "items": items,
                    "right": round(row["per_graph"] * items),
                    **({"is_mst": row["is_mst"]} if algorithm == "prim" else {}),
                }
            )
    wall = time.perf_counter() - started
    if run.progress:
        print(
            f"table-1 seed {seed}: trained in {sum(train.values()):.0f} s, measured "
            f"in {wall:.0f} s in all"
        )
    return rows, {
        "seed": seed,
        "train_s": round(sum(train.values()), 1),
        "train_s_per_model": train,
        "evaluate_s": round(wall - sum(train.values()), 1),
        "wall_s": round(wall, 1),
        "checkpoints": checkpoints,
        "tables": tables,
    }


def wide_graphs_table_entry(run: ReproduceOptions) -> dict:
    """Chapter "Exact at 16 bits": Dijkstra and Prim on the 8-bit engines composed
    into 16-bit ones (:mod:`nee_lite.graphs.wide`), on the stored big graphs (500 and
    1,000 nodes, 2 per family; ``--quick``: the road-like graphs of 500 nodes), with the
    engines reproduced in this run where they are there, else the shipped ones. Trains
    nothing; its rows hold the networks' seconds per graph and the load it ran under."""
    needs = ("selection-sort", "add")
    reproduced = all(
        (run.checkpoints / name).with_suffix(".pt").is_file() for name in needs
    )
    folder, source = (
        (run.checkpoints, "checkpoints reproduced in this run")
        if reproduced
        else (checkpoint_path("add").parent, "shipped checkpoints (data/checkpoints)")
    )
    finder = load_model(folder / "selection-sort", expect=SelectionSortNEE)
    adder = load_model(folder / "add", expect=ArithmeticNEE)
    sizes, families = ((500,), ("road",)) if run.quick else (WIDE_SIZES, WIDE_FAMILIES)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    rows = wide_graphs_table(
        finder,
        adder,
        sizes=sizes,
        families=families,
        log=(lambda row: print(json.dumps(row), flush=True)) if run.progress else None,
    )
    return {
        "rows": rows,
        "trained": False,
        "evaluated_with": source,
        "train_wall_time_s": None,
        "load_average_at_start": load,
        "load_average_at_end": os.getloadavg()[0]
        if hasattr(os, "getloadavg")
        else None,
        "cpus": os.cpu_count(),
        "test_set": "data/test_sets/wide_graphs.json",
    }


def npi_canon_comparison(run: ReproduceOptions) -> dict:
    """Chapter "NPI: canonicalizing a car": the NPI against the CNN + LSTM seq2seq
    baseline by the number of training car models (1, 4, 16, 64; ``--quick``: 1 model,
    seed 0, a few steps), seeds of ``--seeds`` (at most the first 3), on every start
    pose of the 20 test models; the shipped comparison is
    ``data/results/npi_canon_comparison.json``."""
    counts, seeds = ((1,), (0,)) if run.quick else ((1, 4, 16, 64), run.seeds[:3])
    steps = (QUICK_STEPS, QUICK_STEPS) if run.quick else npi_canon.COMPARISON_STEPS
    record = npi_canon.compare(counts, seeds, *steps, progress=run.progress)
    rows = [
        {
            "task": name,
            "size": int(count),
            "seeds": summary["seeds"],
            "exact_match_mean": summary["mean"],
            "exact_match_min": summary["min"],
        }
        for name in ("npi", "seq2seq")
        for count, summary in record["summary"][name].items()
    ]
    runs = {name: record[name] for name in ("npi", "seq2seq")}
    return {"rows": rows, "trained": True, "runs": runs}


EXPERIMENTS = {
    experiment.name: experiment
    for experiment in (
        Experiment(
            "table-1",
            "Table 1: selection sort and merge sort on 1,000 lists of 25 to 500 "
            "numbers, shortest path and minimum spanning tree on 1,000 graphs of 25 to "
            "200 nodes per size, every seed's own engines (default seeds 0 to 4)",
            "scorecard",
            table_1,
        ),
        Experiment(
            "numbers-as-bits",
            "min(a, b) with numbers held out: one-hot, scalar and binary; 8 to 16 bits",
            "numbers_as_bits",
            numbers_as_bits_tables,
        ),
        Experiment(
            "addition-heldout",
            "Table 2: addition with only some numbers allowed in training, single "
            "engines, "
            f"{len(TABLE_2_SEEDS)} seeds",
            "arithmetic",
            addition_heldout_table,
        ),
        Experiment(
            "multiply-seeds",
            "12-bit multiplication, the shipped recipe from 3 seeds, "
            "one engine each: training and held-out pairs",
            "arithmetic",
            multiply_seeds_table,
        ),
        Experiment(
            "seq2seq-baselines",
            "Figure 3: seq2seq sorters, one-hot (the paper's) and binary with and "
            f"without encoder positions, {len(VARIANT_SEEDS)} seeds",
            "attention_collapse",
            seq2seq_baselines_table,
        ),
        Experiment(
            "wide-graphs",
            "Dijkstra and Prim on 16-bit weights (the 8-bit engines composed), graphs "
            "of 500 and 1,000 nodes: geometric, road-like and the book's families",
            "wide_numbers",
            wide_graphs_table_entry,
        ),
        Experiment(
            "npi-canon-comparison",
            "NPI against a CNN + LSTM seq2seq on canonicalizing rendered cars, by the "
            "number of training car models (1 to 64), 3 seeds",
            "npi_canon",
            npi_canon_comparison,
        ),
        Experiment(
            "paper-engine",
            "the NEE authors' own engine (6 + 6 layers, MLP score, their residual, "
            "dropout, Noam) on six list families, and the book's engine with one of "
            "their choices switched at a time, every seed's own engine",
            "conditional_masking",
            paper_engine_table,
        ),
        Experiment(
            "clrs-graphs",
            "the shipped Dijkstra and Prim engines on 1,000 CLRS-30-style graphs of 64 "
            "nodes and on 1,000 of the book's graphs per size, 25 to 200 nodes",
            "gnn",
            clrs_graphs_table,
        ),
        Experiment(
            "gnn",
            "a CLRS-style graph network (encode-process-decode, max-aggregation MPNN, "
            "hints at every step) on the NEE's 8-node traces, 3 seeds per algorithm",
            "gnn",
            gnn_table,
        ),
    )
}
