"""The comparisons the field would run, as `nee-lite reproduce` experiments: the NEE
authors' own engine over seeds (``paper-engine``), a CLRS-style graph network on the
NEE's graphs (``gnn``), and the shipped graph engines on CLRS-30's graph distribution
and on 1,000 of the book's graphs per size (``clrs-graphs``).

Each experiment runs the package code that also writes the chapter's record, and turns
that record into results rows (:func:`paper_engine_rows`, :func:`gnn_rows`,
:func:`clrs_rows`), so the rows of ``data/results.json`` and the record the chapter
reads come from one run.
"""

from __future__ import annotations

import json
from dataclasses import replace

from ..core.checkpoints import checkpoint_path, load_model
from ..engines.lists import family_table
from ..engines.paper_engine import PAPER_ENGINE, paper_budget, switched
from ..engines.selection_sort import train_selection_sort_nee
from ..graphs import clrs_graphs, gnn
from ..results.store import summarize_seeds
from .runs import QUICK_STEPS, ReproduceOptions

__all__ = [
    "ABLATION",
    "PAPER_LENGTHS",
    "PAPER_LISTS",
    "paper_engine_runs",
    "paper_engine_rows",
    "paper_engine_table",
    "clrs_rows",
    "clrs_graphs_table",
    "gnn_rows",
    "gnn_table",
]

#: The lengths and lists per family of the paper engine's table (fewer at the long
#: lengths: twelve layers with the MLP score cost ~2.5 s per list of 200 and ~33 s per
#: list of 500 here).
PAPER_LENGTHS, PAPER_LISTS = (8, 25, 50, 100, 200, 500), [100, 50, 20, 10, 5, 1]


#: The one-switch ablation (chapter "Conditional masking"): the switches run, and its
#: lengths and lists per family.
ABLATION = ("score", "residual", "dropout", "noam", "depth")
ABLATION_LENGTHS, ABLATION_LISTS = (8, 100, 200), 50


def paper_engine_runs(
    seeds, steps: int, lengths, lists, progress: bool, switch: str | None = None
) -> list[dict]:
    """``PAPER_ENGINE`` (or, with ``switch``, ``SELECTION_SORT`` with that one of the
    authors' choices) trained from scratch per seed (``steps`` steps) and tested on
    every list family; one run per seed."""
    runs = []
    for seed in seeds:
        model_config, budget = (
            switched(switch, seed, steps)
            if switch
            else (PAPER_ENGINE.model, replace(paper_budget(steps), seed=seed))
        )
        model, engine, mask = train_selection_sort_nee(
            model_config, budget, progress=progress
        )
        runs.append(
            {
                "seed": seed,
                **({"switch": switch} if switch else {}),
                "train_cpu_seconds": round(engine.cpu_time_s + mask.cpu_time_s, 1),
                "accuracy": family_table(model, lengths, lists),
            }
        )
    return runs


def paper_engine_rows(runs: list[dict]) -> list[dict]:
    """Mean and minimum over seeds per engine, family and length, under the row keys:
    variant ``"paper engine"``, or ``"book engine + <switch>"`` for the ablation."""
    flat = [
        {
            "task": "selection-sort",
            "variant": f"book engine + {run['switch']}"
            if run.get("switch")
            else "paper engine",
            "family": row["family"],
            "size": row["length"],
            "seed": run["seed"],
            "per_element": row["per_element"],
            "exact_match": row["exact_match"],
        }
        for run in runs
        for row in run["accuracy"]
    ]
    return summarize_seeds(flat, keys=("task", "variant", "family", "size"))


def paper_engine_table(run: ReproduceOptions) -> dict:
    """Chapter "Conditional masking": the NEE authors' engine (6 + 6 layers, MLP
    score, their residual, dropout, Noam), every seed of ``--seeds``, on the six list
    families (the record: ``benchmarks/selection_sort_seeds.py --engine paper``); then
    the ablation: the book's engine with each of :data:`ABLATION` switched alone, the
    same seeds (the record: ``benchmarks/selection_sort_switches.json``)."""
    steps = QUICK_STEPS if run.quick else PAPER_ENGINE.train.steps
    lengths, lists = ((8,), 5) if run.quick else (PAPER_LENGTHS, PAPER_LISTS)
    seeds = run.seeds[:1] if run.quick else run.seeds
    runs = paper_engine_runs(seeds, steps, lengths, lists, run.progress)
    for switch in ABLATION[:1] if run.quick else ABLATION:
        runs += paper_engine_runs(
            seeds,
            QUICK_STEPS if run.quick else None,
            (8,) if run.quick else ABLATION_LENGTHS,
            5 if run.quick else ABLATION_LISTS,
            run.progress,
            switch,
        )
    return {"rows": paper_engine_rows(runs), "trained": True, "runs": runs}


# --------------------------------------------------------------------------------------
# graphs
def _bounded_row(algorithm: str, test: str, size: int, node: dict, graph: dict):
    return {
        "task": algorithm,
        "test": test,
        "size": size,
        "items": graph["of"],
        "per_element": node["accuracy"],
        "exact_match": graph["accuracy"],
        "exact_match_error_bound_95": graph["error_bound_95"],
    }


def clrs_rows(clrs: dict, book: dict) -> list[dict]:
    """Results rows of the ``clrs_graphs`` and ``graphs_1000`` records: per node the
    CLRS measure (pointer right, against the real-weight answers and against the
    integer ones), per graph all right, with the 95 % bound on the per-graph error."""
    rows = []
    for bits, mapping in clrs["mappings"].items():
        for algorithm in ("dijkstra", "prim"):
            for truth in ("real", "integer"):
                scores = mapping[algorithm][f"clrs_measure_{truth}_truth"]
                rows.append(
                    _bounded_row(
                        algorithm,
                        f"CLRS-30 graphs, {bits}-bit weights, {truth}-weight answers",
                        clrs["sampler"]["nodes"],
                        scores["per_node"],
                        scores["per_graph"],
                    )
                )
    for algorithm, sized in book["results"].items():
        node_key = "per_node_distance" if algorithm == "dijkstra" else "per_node_parent"
        for row in sized:
            rows.append(
                _bounded_row(
                    algorithm,
                    "book graphs, 1,000 per size",
                    row["nodes"],
                    row[node_key],
                    row["per_graph_exact"],
                )
            )
    return rows


def clrs_graphs_table(run: ReproduceOptions) -> dict:
    """Chapter "The other road": the shipped engines on CLRS-30's graph distribution
    (64 nodes, 8- and 16-bit weights) and on 1,000 of the book's graphs per size (the
    records ``clrs_graphs.json`` and ``graphs_1000.json``)."""
    engines = [load_model(checkpoint_path(name)) for name in ("selection-sort", "add")]
    count = 10 if run.quick else 1000
    clrs = clrs_graphs.clrs_record(*engines, count)
    book = clrs_graphs.graphs_1000_record(*engines, count)
    return {"rows": clrs_rows(clrs, book), "trained": False}


def gnn_rows(record: dict) -> list[dict]:
    """Results rows of the ``gnn`` record: per algorithm and size, mean and minimum
    over seeds of per node (Dijkstra: the distance the predicted predecessors imply;
    Prim: the parent) and per graph; and CLRS's per-node measure on 64-node graphs."""
    rows = []
    for algorithm, part in record["algorithms"].items():
        for test, test_name in (
            ("stored", "book graphs (stored)"),
            ("generated", None),
        ):
            for row in part["summary"][test]:
                rows.append(
                    {
                        "task": f"gnn-{algorithm}",
                        "test": test_name or f"book graphs, {row['graphs']} generated",
                        "size": row["size"],
                        "items": row["graphs"],
                        "seeds": len(part["seeds"]),
                        **{
                            f"{metric}_{stat}": row[f"{metric}_{stat}"]
                            for metric in ("per_element", "exact_match")
                            for stat in ("mean", "min")
                        },
                    }
                )
        clrs = part["summary"]["clrs64"]
        rows.append(
            {
                "task": f"gnn-{algorithm}",
                "test": "CLRS-30 graphs, real-weight answers",
                "size": 64,
                "seeds": len(part["seeds"]),
                "per_element_mean": clrs["real_truth_per_node_mean"],
                "per_element_min": clrs["real_truth_per_node_min"],
                "exact_match_mean": clrs["real_truth_per_graph_mean"],
                "exact_match_min": clrs["real_truth_per_graph_min"],
            }
        )
    return rows


def gnn_table(run: ReproduceOptions) -> dict:
    """Chapter "The other road": the CLRS-style GNN trained per algorithm and seed on
    the NEE's 8-node traces, tested on the book's graphs and CLRS-style 64-node graphs
    (the record ``data/results/gnn.json``)."""
    out = run.checkpoints / "gnn.json"
    seeds = run.seeds[:1] if run.quick else run.seeds[:3]
    args = ["--seeds", ",".join(map(str, seeds)), "--out", str(out)]
    if run.quick:
        args += ["--counts", "25:10", "--clrs-count", "10", "--steps", str(QUICK_STEPS)]
    run.checkpoints.mkdir(parents=True, exist_ok=True)
    gnn.main(args)
    record = json.loads(out.read_text())
    return {"rows": gnn_rows(record), "trained": True}
