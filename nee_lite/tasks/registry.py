"""Every model the book ships, as one table: how ``nee-lite`` trains, evaluates and runs
it.

A :class:`Task` only *names* things that live beside the models (each model module owns
its shipped :class:`~nee_lite.core.training.Recipe` and its accuracy table); this module
adds how the command line loads a checkpoint, reads JSON input, and writes a
checkpoint's card. Every task trains the same way, through :func:`train_task`:
``fit(recipe, progress, device)`` returns ``(model, training results, what it trained
on)``. A task with no ``recipe`` trains nothing (Dijkstra and Prim compose the engines
of other tasks).
"""

from __future__ import annotations

from pathlib import Path

import torch

from ..core.checkpoints import checkpoint_path, load_model, read_card, save_checkpoint
from ..core.device import cpu_kind, tune_cpu
from ..core.encoding import NumberCodec, to_json_number
from ..core.training import Recipe
from ..engines.arithmetic import (
    RECIPES,
    ArithmeticNEE,
    arithmetic_table,
    heldout_split,
    train_arithmetic,
)
from ..engines.lists import card_sorting_table
from ..engines.merge_sort import MERGE_SORT, MergeNEE, train_merge_nee
from ..engines.numbers_as_bits import (
    MIN_OF_TWO,
    MinOfTwo,
    min_of_two_split,
    min_of_two_table,
    train_min_of_two,
)
from ..engines.selection_sort import (
    SELECTION_SORT,
    SelectionSortNEE,
    train_selection_sort_nee,
)
from ..engines.seq2seq import (
    BASELINE_LENGTHS,
    QUICK_BASELINE_LENGTHS,
    SORT_BASELINE,
    Seq2SeqSorter,
    baseline_table,
    greedy_sort,
    train_seq2seq_sorter,
)
from ..graphs.composition import evaluation_table, run_algorithm
from ..graphs.graph_min import GRAPH_MIN, graph_min_table, train_graph_min
from ..graphs.wide import WideAdder, WideFinder, needs_wide
from ..inputs import parse_graphs, parse_number_lists, parse_number_pairs
from .ancestor_tasks import ANCESTOR_TASKS
from .task import Task
from .task import loader as _loader

__all__ = [
    "Task",
    "TASKS",
    "get_task",
    "shipped_checkpoint",
    "train_task",
    "evaluate_task",
    "run_task",
    "run_graphs",
]

SORTING_INPUT = "a JSON array of non-empty lists of integers in [0, 255], any length"
SORT_MIX = "50% random, 25% small-difference, 25% duplicates"


def shipped_checkpoint(name: str) -> Path:
    """Where the shipped checkpoint of task ``name`` is (a composing task's name stands
    for its engines)."""
    return checkpoint_path(name)


def get_task(name: str) -> Task:
    """The task called ``name``, or a ``ValueError`` listing the ones there are."""
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}: choose one of {', '.join(TASKS)}")
    return TASKS[name]


def train_task(
    task: Task,
    out: Path,
    seed: int = 0,
    steps: int | None = None,
    progress: bool = True,
    device="cpu",
    quick: bool = False,
) -> dict:
    """Train ``task``'s model from scratch with its recipe (another seed or step count
    if given), measure its table (``quick``: a small one) and save it with its card
    under ``out``; return the card."""
    if task.recipe is None:
        needs = " and ".join(task.composes) + (
            " checkpoints" if len(task.composes) > 1 else " checkpoint"
        )
        raise ValueError(
            f"{task.name} trains nothing: it composes the {needs} without retraining; "
            "train those (e.g. nee-lite train selection-sort), then run nee-lite "
            f"evaluate {task.name}"
        )
    if torch.device(device).type != "cpu" and not task.gpu:
        raise ValueError(f"task {task.name} trains on the CPU only")
    tune_cpu(threads=1)
    recipe = task.recipe.with_seed(seed, steps)
    model, results, data = task.fit(recipe, progress, device)
    tune_cpu(threads=1)
    card = {
        "task": task.name,
        "train": recipe.train.to_dict(),
        "data": data,
        "seed": seed,
        "steps": results[0].steps,
        **({"mask_network_steps": results[1].steps} if recipe.mask_steps else {}),
        "wall_time_s": round(sum(result.wall_time_s for result in results), 1),
        "cpu_time_s": round(sum(result.cpu_time_s for result in results), 1),
        "device": results[0].device,
        **(
            {"cpu_kind": cpu_kind()} if results[0].device == "cpu" else {}
        ),  # bits repeat only on this kind
        "threads": torch.get_num_threads(),
        "accuracy": task.evaluate(model, seed, quick),
        "command": f"nee-lite train {task.name} --seed {seed}"
        + (f" --steps {steps}" if steps else ""),
    }
    save_checkpoint(model, Path(out) / task.name, card)
    return card


def _seed(path: Path) -> int:
    card = Path(path).with_suffix(".json")
    return read_card(path).get("seed", 0) if card.is_file() else 0


def evaluate_task(task: Task, path: Path) -> list[dict]:
    """The accuracy table of the checkpoint at ``path``."""
    return task.evaluate(task.load(path), _seed(path))


def run_task(task: Task, path: Path, data, bits: int | None = None) -> list:
    """The outputs of the checkpoint at ``path`` for ``data``, the JSON input already
    parsed. ``bits`` (Dijkstra and Prim only): 16 accepts weights and distances up to
    65,535 (:func:`run_graphs`); default 8."""
    if bits is None:
        return task.run(task.load(path), data)
    if task.name not in ("dijkstra", "prim"):
        raise ValueError(
            f"--bits is for dijkstra and prim; {task.name} has a fixed width"
        )
    return task.run(task.load(path), data, bits=bits)


# --------------------------------------------------------------------------------------
# engines
def _sort(model, data) -> list:
    return model.sort(parse_number_lists(data, model.codec))


def _sort_baseline(model, data) -> list:
    lists = parse_number_lists(data, model.codec, max_length=1000)
    return [
        greedy_sort(model, torch.tensor([numbers]))[0][0].tolist() for numbers in lists
    ]


def _min_of_two(model, data) -> list:
    a, b = parse_number_pairs(data, model.codec)
    return [
        to_json_number(value, model.codec)
        for value in model.predict(torch.tensor(a), torch.tensor(b)).tolist()
    ]


def _fit_min_of_two(recipe: Recipe, progress: bool, device):
    seen, heldout = min_of_two_split(recipe.train.seed)
    model, result = train_min_of_two(
        recipe.model, seen, recipe.train, progress, device=device
    )
    return (
        model,
        [result],
        {
            "heldout_fraction": recipe.data.heldout_fraction,
            "heldout_numbers": heldout.tolist(),
        },
    )


def _masked(train_function, data: dict):
    def fit(recipe: Recipe, progress: bool, device):
        model, engine_result, mask_result = train_function(
            recipe.model, recipe.train, recipe.data, progress, device
        )
        return model, [engine_result, mask_result], data

    return fit


def _fit_baseline(recipe: Recipe, progress: bool, device):
    data = recipe.data
    model, result = train_seq2seq_sorter(
        recipe.model, recipe.train, data.max_length, data.min_length, progress, device
    )
    return model, [result], {"list_lengths": "4 to 8", "mix": SORT_MIX}


def _arithmetic_task(operation: str, summary: str, input_help: str) -> Task:
    def load(path):
        model = load_model(path, expect=ArithmeticNEE)
        if model.config.operation != operation:
            raise ValueError(
                f"checkpoint {Path(path).name} holds the {model.config.operation} "
                "engine, "
                f"not the {operation} engine"
            )
        return model

    def run(model, data):
        def check(x: int, y: int) -> None:
            if operation == "multiply" and model.codec.end in (x, y):
                raise ValueError(
                    '"inf" cannot be multiplied; use integers from 0 to '
                    f"{model.codec.max_value}"
                )
            model.check_operands(torch.tensor([x]), torch.tensor([y]))

        a, b = parse_number_pairs(data, model.codec, check)
        outputs = model.predict(torch.tensor(a), torch.tensor(b)).tolist()
        return [to_json_number(value, model.codec) for value in outputs]

    def fit(recipe: Recipe, progress: bool, device):
        split = heldout_split(
            operation, NumberCodec(recipe.model.bits), seed=recipe.train.seed
        )
        model, result = train_arithmetic(
            recipe.model, split.train, recipe.train, progress=progress, device=device
        )
        return (
            model,
            [result],
            {
                "pairs": "every ordered pair whose result fits"
                + (", plus pairs with inf" if operation == "add" else ""),
                "held_out": "a random 10% of those pairs, never trained on",
            },
        )

    return Task(
        operation,
        summary,
        input_help,
        load,
        run,
        lambda model, seed, quick=False: arithmetic_table(model, seed),
        RECIPES[operation],
        fit,
    )


# ----------------------------------------------------------------------------------
# Dijkstra and Prim
def graph_engines(path: Path, algorithm: str):
    """The find-min engine and, for Dijkstra, the adder that a graph task composes:
    ``(finder, adder or None)``.

    A graph task's own name (``data/checkpoints/dijkstra``) stands for the
    ``selection-sort`` and ``add`` checkpoints beside it. Any other path names a
    find-min engine; the adder is then ``add`` in its folder.
    """
    path = Path(path)
    finder_path = (
        path.parent / "selection-sort" if path.name in ("dijkstra", "prim") else path
    )
    finder = load_model(finder_path, expect=SelectionSortNEE)
    adder = (
        _arithmetic_task_loader(path.parent / "add")
        if algorithm == "dijkstra"
        else None
    )
    return finder, adder


def _arithmetic_task_loader(path: Path):
    return TASKS["add"].load(path)


# graphs per batch on the composed engines (a batch holds (graphs, n, n) weights, n up
# to 1,000)
WIDE_BATCH = 8


def run_graphs(
    algorithm: str, finder, adder, graphs, bits: int = 8
) -> tuple[list, list]:
    """:func:`~nee_lite.graphs.composition.run_algorithm` at ``bits`` bits: with 16, a
    graph that fits the 8-bit engines (:func:`~nee_lite.graphs.wide.needs_wide`) runs on
    them as before, the others on the 8-bit engines composed into 16-bit ones
    (:class:`~nee_lite.graphs.wide.WideFinder`,
    :class:`~nee_lite.graphs.wide.WideAdder`)."""
    if bits == 8:
        return run_algorithm(algorithm, finder, adder, graphs)
    wide = [needs_wide(graph, algorithm) for graph in graphs]
    first, second = [None] * len(graphs), [None] * len(graphs)
    for chosen, engines, batch in (
        (False, (finder, adder), 100),
        (True, (WideFinder(finder), adder and WideAdder(adder)), WIDE_BATCH),
    ):
        indices = [index for index, flag in enumerate(wide) if flag == chosen]
        if indices:
            answers = run_algorithm(
                algorithm, *engines, [graphs[i] for i in indices], batch_size=batch
            )
            for position, index in enumerate(indices):
                first[index], second[index] = answers[0][position], answers[1][position]
    return first, second


def _graph_task(algorithm: str, summary: str) -> Task:
    def run(engines, data, bits: int = 8):
        graphs = parse_graphs(data, algorithm, bits)
        return run_graphs(algorithm, *engines, graphs, bits)[
            0 if algorithm == "dijkstra" else 1
        ]

    return Task(
        algorithm,
        summary,
        'a JSON array of graphs {"n": N, "edges": [[u, v, w], ...], "source": s}, '
        "weights 0 to 255 (with --bits 16: 0 to 65535, up to 1000 nodes)",
        lambda path: graph_engines(path, algorithm),
        run,
        lambda engines, seed, quick=False: evaluation_table(algorithm, *engines),
        composes=("selection-sort", "add")
        if algorithm == "dijkstra"
        else ("selection-sort",),
    )


def _fit_graph_min(recipe: Recipe, progress: bool, device):
    model, engine_result, mask_result = train_graph_min(
        recipe.model, recipe.train, recipe.data, progress, recipe.mask_steps
    )
    return (
        model,
        [engine_result, mask_result],
        {
            "graphs": "Erdos-Renyi, 2 to 8 nodes, edge probability ~ U(0, 1); "
            "batch_size = graphs per step",
            "traces": "every find-min question of Dijkstra or Prim (drawn per graph), "
            "random or hard weights",
        },
    )


# --------------------------------------------------------------------------------------
# the table
TASKS: dict[str, Task] = {
    task.name: task
    for task in (
        Task(
            "min-of-two",
            "minimum of two 8-bit numbers, binary encoding, a quarter of the numbers "
            "held out",
            'a JSON array of [a, b] pairs, each an integer in [0, 255] or "inf"',
            _loader(MinOfTwo),
            _min_of_two,
            lambda model, seed, quick=False: min_of_two_table(model, seed),
            MIN_OF_TWO,
            _fit_min_of_two,
        ),
        Task(
            "selection-sort",
            "selection sort by a Neural Execution Engine, trained on lists of at most "
            "8 numbers",
            SORTING_INPUT,
            _loader(SelectionSortNEE),
            _sort,
            lambda model, seed, quick=False: card_sorting_table(model, quick),
            SELECTION_SORT,
            _masked(
                train_selection_sort_nee, {"list_lengths": "1 to 8", "mix": SORT_MIX}
            ),
        ),
        Task(
            "merge-sort",
            "merge sort composed from a merge NEE trained on sequences of at most 8 "
            "numbers",
            SORTING_INPUT,
            _loader(MergeNEE),
            _sort,
            lambda model, seed, quick=False: card_sorting_table(model, quick),
            MERGE_SORT,
            _masked(
                train_merge_nee,
                {
                    "sequence_lengths": "1 to 8 each",
                    "mix": "cut from 50% random, 25% small-difference, "
                    "25% duplicate-heavy lists",
                },
            ),
        ),
        Task(
            "sort-baseline",
            "a plain seq2seq transformer sorting by selection; exact on 8 numbers, "
            "collapses on "
            "longer lists",
            "a JSON array of non-empty lists of integers in [0, 255] (at most 1000 "
            "numbers each)",
            _loader(Seq2SeqSorter),
            _sort_baseline,
            lambda model, seed, quick=False: baseline_table(
                model, QUICK_BASELINE_LENGTHS if quick else BASELINE_LENGTHS
            ),
            SORT_BASELINE,
            _fit_baseline,
        ),
        _arithmetic_task(
            "add",
            "8-bit addition by a NEE, with inf + x = inf; results up to 255",
            'a JSON array of [a, b] pairs, integers in [0, 255] or "inf", with a + b '
            "<= 255",
        ),
        _arithmetic_task(
            "multiply",
            "12-bit multiplication by a NEE; products up to 4095",
            "a JSON array of [a, b] pairs, integers in [0, 4095], with a * b <= 4095",
        ),
        _graph_task(
            "dijkstra",
            "shortest distances by the find-min and add NEEs composed, no retraining; "
            "all sums at most 255",
        ),
        _graph_task(
            "prim",
            "minimum spanning tree of the source's component by the find-min NEE, no "
            "retraining",
        ),
        Task(
            "graph-min",
            "the find-min NEE trained on traces of Dijkstra and Prim on graphs of at "
            "most 8 nodes (as the "
            "paper); use it with run dijkstra|prim --checkpoint "
            "data/checkpoints/graph-min",
            "a JSON array of non-empty lists of integers in [0, 255]: sorted with "
            "this find-min engine",
            _loader(SelectionSortNEE),
            _sort,
            lambda model, seed, quick=False: graph_min_table(
                model, _arithmetic_task_loader(shipped_checkpoint("add"))
            ),
            GRAPH_MIN,
            _fit_graph_min,
            gpu=False,
        ),
        *ANCESTOR_TASKS,
    )
}
