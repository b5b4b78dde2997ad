"""Benchmark: inference latency and throughput of every shipped model, on a CPU or a
GPU.

    python benchmarks/inference.py [--device auto|cpu|cuda] [--length 100] \
        [--nodes 100] [--batch 100] [--repeats 3] [--tasks NAME ...] [--out FILE]

Per task, with its shipped checkpoint: the latency of one input (median of
``--repeats``) and the throughput on a batch (inputs per second). Sorting tasks sort
lists of ``--length`` numbers (the paper's kind of test lists), closed loop; the pair
tasks (min-of-two, add, multiply) answer 8,192 random valid pairs per batch; the graph
tasks (``dijkstra``, ``prim``, once ``nee_lite.graphs.composition`` exists) run on
random connected graphs of ``--nodes`` nodes through their ``nee-lite run`` entry point
(which loads its checkpoints on the CPU each call, so their figures include loading and
are CPU figures). Writes JSON (default data/benchmarks/inference_<device>.json) with the
device's name, the date and the library versions. A task without an input generator here
is listed as skipped.
"""

import argparse
import importlib.util
import json
import statistics
import time
from pathlib import Path

import torch

from nee_lite.core.checkpoints import checkpoint_path, data_dir, load_model
from nee_lite.core.device import tune_cpu
from nee_lite.engines.gpu_training import synchronize
from nee_lite.engines.lists import paper_test_lists
from nee_lite.results.store import benchmark_environment, write_json
from nee_lite.tasks.registry import TASKS, run_task
from nee_lite.tasks.reproduce import check_names, resolve_device


def timed(work, device, repeats):
    """Median wall time of ``work()`` over ``repeats`` runs, after one untimed run
    (kernels load, caches fill)."""
    work()
    times = []
    for _ in range(repeats):
        synchronize(device)
        started = time.perf_counter()
        work()
        synchronize(device)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def sorting_case(name, device, args):
    from nee_lite.engines.seq2seq import greedy_sort

    model = load_model(checkpoint_path(name)).to(device)
    sort = (
        (lambda lists: greedy_sort(model, lists))
        if name == "sort-baseline"
        else model.execute
    )
    lists = paper_test_lists(args.length, count=args.batch, seed=0)
    return {
        "unit": f"lists of {args.length}",
        "latency": lambda: sort(lists[:1]),
        "batch": lambda: sort(lists),
        "batch_size": len(lists),
    }


def pair_case(name, device, args):
    generator = torch.Generator().manual_seed(0)
    if name == "min-of-two":
        model = load_model(checkpoint_path(name))
        a, b = torch.randint(256, (2, 8192), generator=generator)
    else:
        model = load_model(checkpoint_path(name))
        top = model.codec.max_value
        a = torch.randint(top + 1, (8192,), generator=generator)
        room = (
            (top - a) + 1 if name == "add" else top // a.clamp(min=1) + 1
        )  # b in 0 .. room - 1 keeps it in range
        b = (torch.rand(8192, generator=generator) * room).long()
    model = model.to(device)
    return {
        "unit": "pairs",
        "latency": lambda: model.predict(a[:1], b[:1]),
        "batch": lambda: model.predict(a, b),
        "batch_size": len(a),
    }


def random_graphs(count, nodes, seed=0):
    """Connected Erdos-Renyi graphs in the `nee-lite run dijkstra|prim` format, every
    distance below 256."""
    import networkx as nx

    graphs, rng = [], torch.Generator().manual_seed(seed)
    while len(graphs) < count:
        graph = nx.gnp_random_graph(
            nodes, 0.1, seed=int(torch.randint(10**9, (1,), generator=rng))
        )
        if not nx.is_connected(graph):
            continue
        edges = [
            [u, v, int(torch.randint(1, 9, (1,), generator=rng))]
            for u, v in graph.edges
        ]
        weighted = nx.Graph()
        weighted.add_weighted_edges_from(edges)
        if max(nx.single_source_dijkstra_path_length(weighted, 0).values()) + 8 < 256:
            graphs.append({"n": nodes, "edges": edges, "source": 0})
    return graphs


def graph_case(name, device, args):
    graphs = random_graphs(args.batch, args.nodes)
    task = TASKS[name]
    return {
        "unit": f"graphs of {args.nodes} nodes",
        "via": "nee-lite run (CPU, checkpoints loaded per call)",
        "latency": lambda: run_task(task, checkpoint_path(name), graphs[:1]),
        "batch": lambda: run_task(task, checkpoint_path(name), graphs),
        "batch_size": len(graphs),
    }


CASES = {
    "selection-sort": sorting_case,
    "merge-sort": sorting_case,
    "sort-baseline": sorting_case,
    "min-of-two": pair_case,
    "add": pair_case,
    "multiply": pair_case,
}
if importlib.util.find_spec("nee_lite.graphs.composition") is not None:
    CASES.update({name: graph_case for name in ("dijkstra", "prim") if name in TASKS})


def measure(name, device, args):
    if name not in CASES:
        return {
            "task": name,
            "skipped": "no input generator for this task in benchmarks/inference.py",
        }
    case = CASES[name](name, device, args)
    latency = timed(case["latency"], device, args.repeats)
    batch = timed(case["batch"], device, args.repeats)
    return {
        "task": name,
        "unit": case["unit"],
        "via": case.get("via", "model on the device"),
        "latency_ms": round(1000 * latency, 3),
        "batch_size": case["batch_size"],
        "per_second": round(case["batch_size"] / batch, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="auto")
    parser.add_argument(
        "--length", type=int, default=100, help="list length for the sorting tasks"
    )
    parser.add_argument(
        "--nodes", type=int, default=100, help="graph size for the graph tasks"
    )
    parser.add_argument(
        "--batch", type=int, default=100, help="lists or graphs per batch"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tasks", nargs="*", default=None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    device = resolve_device(args.device)
    if device.type == "cpu":
        tune_cpu(threads=1)
    names = [name for name in check_names(args.tasks) if name in TASKS]
    results = []
    for name in names:
        results.append(measure(name, device, args))
        if device.type == "cpu":
            tune_cpu(threads=1)  # the loaders leave the thread count as they found it
        print(json.dumps(results[-1]), flush=True)
    result = {
        "benchmark": "inference latency and throughput",
        **benchmark_environment(device),
        "length": args.length,
        "nodes": args.nodes,
        "results": results,
    }
    out = args.out or data_dir() / "benchmarks" / f"inference_{device.type}.json"
    write_json(out, result)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
