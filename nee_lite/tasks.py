"""The command line's tasks: how each model the book ships is trained, evaluated and run.

A :class:`Task` ties a name (``min-of-two``, and the engines later chapters add) to three functions.
Each returns plain data, so the same code serves the CLI, the chapters and the tests. ``train`` writes a
checkpoint and its card under ``data/checkpoints/``; ``evaluate`` and ``run`` load that checkpoint and
compute everything with the network alone.

``train`` may also accept ``device`` (where to train; the default, the CPU, reproduces the shipped checkpoint bit
for bit) and ``quick`` (a smoke test: small test sets in the card). ``nee-lite reproduce`` passes them when a task
takes them, and calls a task's optional ``reproduce`` instead where one is given (see :mod:`nee_lite.reproduce`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable

import torch

from .checkpoints import checkpoint_path, load_checkpoint, read_card, save_checkpoint
from .device import cpu_kind
from .encoding import NumberCodec, from_json_number, to_json_number
from .representations import (
    MinOfTwo,
    MinOfTwoConfig,
    evaluate_min,
    sample_heldout_pairs,
    sample_seen_pairs,
    split_numbers,
    train_min_of_two,
)
from .training import TrainConfig

__all__ = ["Task", "TASKS", "get_task"]


@dataclass(frozen=True)
class Task:
    """One trainable, runnable model of the book."""

    name: str
    summary: str
    input_help: str
    train: Callable[..., dict]  # (out: Path, seed: int, steps: int | None, progress: bool) -> card
    evaluate: Callable[[Path], list[dict]]  # checkpoint -> table rows
    run: Callable[[Path, object], list]  # (checkpoint, parsed JSON input) -> JSON-ready outputs
    # Optional: how `nee-lite reproduce` rebuilds this task's results, for tasks that need more than
    # train + evaluate. (nee_lite.reproduce.Run) -> dict; see nee_lite.reproduce.train_and_evaluate.
    reproduce: Callable[..., dict] | None = None


def training_card(task: str, train_config: TrainConfig, data: dict, seed: int, steps: int | None,
                  results: list, accuracy: list, **extra) -> dict:
    """The card beside every shipped checkpoint: how it was trained, how long it took, what it measured.

    ``results`` are the :class:`~nee_lite.training.TrainResult` of every network trained (an engine and its
    mask network count together); ``extra`` adds task-specific entries after ``steps``.
    """
    return {
        "task": task,
        "train": train_config.to_dict(),
        "data": data,
        "seed": seed,
        "steps": results[0].steps,
        **extra,
        "wall_time_s": round(sum(result.wall_time_s for result in results), 1),
        "cpu_time_s": round(sum(result.cpu_time_s for result in results), 1),
        "device": results[0].device,
        **({"cpu_kind": cpu_kind()} if results[0].device == "cpu" else {}),  # bits repeat only on the same kind
        "threads": torch.get_num_threads(),
        "accuracy": accuracy,
        "command": f"nee-lite train {task} --seed {seed}" + (f" --steps {steps}" if steps else ""),
    }


# ------------------------------------------------------------------------------------------ min-of-two
MIN_OF_TWO_HELDOUT = 0.25  # share of the 8-bit numbers never shown in training
MIN_OF_TWO_TEST_PAIRS = 20000


def _min_of_two_split(seed: int):
    return split_numbers(NumberCodec(8), MIN_OF_TWO_HELDOUT, seed=seed)


def _min_of_two_table(model: MinOfTwo, seed: int) -> list[dict]:
    seen, heldout = _min_of_two_split(seed)
    rows = []
    for name, pairs in (
        ("seen numbers", sample_seen_pairs(seen, MIN_OF_TWO_TEST_PAIRS)),
        ("held-out numbers", sample_heldout_pairs(seen, heldout, MIN_OF_TWO_TEST_PAIRS)),
    ):
        result = evaluate_min(model, *pairs)
        rows.append({"test": name, "pairs": result["pairs"], "exact_match": round(result["accuracy"], 6)})
    return rows


def train_min_of_two_task(out: Path, seed: int = 0, steps: int | None = None, progress: bool = True,
                          device="cpu") -> dict:
    """Train the binary min-of-two network of chapter "Numbers as bits" with a quarter of the numbers held out."""
    train_config = TrainConfig(steps=steps or 3000, batch_size=256, lr=3e-3, seed=seed)
    torch.set_num_threads(1)  # a 22k-parameter MLP trains faster on one thread than on several
    seen, heldout = _min_of_two_split(seed)
    model, result = train_min_of_two(MinOfTwoConfig(encoding="binary", bits=8), seen, train_config, progress,
                                     device=device)
    card = training_card("min-of-two", train_config,
                         {"heldout_fraction": MIN_OF_TWO_HELDOUT, "heldout_numbers": heldout.tolist()},
                         seed, steps, [result], _min_of_two_table(model, seed))
    save_checkpoint(model, out / "min-of-two", card)
    return card


def _load_min_of_two(path: Path) -> tuple[MinOfTwo, dict]:
    card = read_card(path)
    model = MinOfTwo(MinOfTwoConfig(**card["model"]))
    load_checkpoint(model, path)
    return model, card


def evaluate_min_of_two_task(path: Path) -> list[dict]:
    model, card = _load_min_of_two(path)
    return _min_of_two_table(model, card.get("seed", 0))


def parse_number_pairs(data, codec: NumberCodec, check=None) -> tuple[list[int], list[int]]:
    """Check a JSON array of ``[a, b]`` pairs (numbers in the codec's range, ``"inf"`` allowed) and split it.

    ``check(a, b)``, if given, adds a task's own rule; every error names the item it is about.
    """
    if not isinstance(data, list) or not data:
        raise ValueError("input must be a non-empty JSON array of [a, b] pairs")
    a, b = [], []
    for index, pair in enumerate(data):
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValueError(f"item {index}: expected a pair [a, b], got {pair!r:.60}")
        try:
            x, y = (from_json_number(value, codec) for value in pair)
            if check is not None:
                check(x, y)
        except ValueError as error:
            raise ValueError(f"item {index}: {error}") from None
        a.append(x)
        b.append(y)
    return a, b


def run_min_of_two_task(path: Path, data) -> list:
    """``data`` is a JSON array of ``[a, b]`` pairs (``"inf"`` allowed); returns the networks' minima."""
    model, _ = _load_min_of_two(path)
    codec = model.codec
    a, b = parse_number_pairs(data, codec)
    minima = model.predict(torch.tensor(a), torch.tensor(b))
    return [to_json_number(value, codec) for value in minima.tolist()]


def parse_number_lists(data, codec: NumberCodec, max_length: int = 10_000) -> list[list[int]]:
    """Check a JSON array of non-empty integer lists (each number in the codec's range, no end token).

    Every list is checked before anything runs, so one bad list stops the whole file with an error that names
    it, rather than being dropped silently.
    """
    if not isinstance(data, list) or not data:
        raise ValueError("input must be a non-empty JSON array of lists of integers")
    lists = []
    for index, item in enumerate(data):
        if not isinstance(item, list):
            raise ValueError(f"item {index}: expected a list of integers, got {item!r:.60}")
        if not item:
            raise ValueError(f"item {index}: the list is empty; lists need at least one number")
        if len(item) > max_length:
            raise ValueError(f"item {index}: {len(item)} numbers is more than the limit of {max_length}")
        numbers = []
        for position, value in enumerate(item):
            if value == "inf":
                raise ValueError(f"item {index}, position {position}: \"inf\" cannot be sorted; "
                                 f"use integers from 0 to {codec.max_value}")
            try:
                numbers.append(from_json_number(value, codec))
            except ValueError as error:
                raise ValueError(f"item {index}, position {position}: {error}") from None
        lists.append(numbers)
    return lists


# --------------------------------------------------------------------------------------- selection sort
SORT_LENGTHS = (8, 25, 50, 75, 100, 200)
QUICK_SORT_LENGTHS = (8, 25)  # the smoke test's table (`nee-lite reproduce --quick`)


def selection_sort_table(model, lengths=SORT_LENGTHS, seed: int = 0, hard_sets: bool = True) -> list[dict]:
    """Closed-loop accuracy of a sorting NEE on the paper's test lists and (``hard_sets``) the harder sets.

    Any sorter with ``execute(lists).outputs`` fits: the selection-sort NEE and the merge-sort NEE.
    """
    from .lists import paper_test_lists, score_sorted, sorting_test_sets

    sets = [("paper", n, paper_test_lists(n, seed=seed)) for n in lengths]
    if hard_sets:
        sets += [(name, n, lists) for name, n, lists in sorting_test_sets(seed) if name != "paper"]
    rows = []
    for name, length, lists in sets:
        score = score_sorted(model.execute(lists).outputs, lists.tolist())
        rows.append({"test": name, "length": length, "lists": score["lists"],
                     "per_element": round(score["per_element"], 6), "exact_match": round(score["exact_match"], 6)})
    return rows


def sorting_table(model, quick: bool = False) -> list[dict]:
    """The card's table of a sorting NEE: every test set, or (``quick``) the paper's lists of 8 and 25 only."""
    return selection_sort_table(model, QUICK_SORT_LENGTHS, hard_sets=False) if quick else selection_sort_table(model)


def train_selection_sort_task(out: Path, seed: int = 0, steps: int | None = None, progress: bool = True,
                              device="cpu", quick: bool = False) -> dict:
    """Train the selection-sort NEE of chapter "Conditional masking" from scratch, with its mask network."""
    from .device import tune_cpu
    from .nee import NEEConfig, train_selection_sort_nee

    tune_cpu(threads=1)
    train_config = TrainConfig(steps=steps or 2000, batch_size=64, lr=1e-2, warmup_steps=100, min_lr_ratio=0.0,
                               grad_clip=None, seed=seed)
    model, engine_result, mask_result = train_selection_sort_nee(NEEConfig(), train_config, progress=progress,
                                                                 device=device)
    card = training_card("selection-sort", train_config,
                         {"list_lengths": "1 to 8", "mix": "50% random, 25% small-difference, 25% duplicates"},
                         seed, steps, [engine_result, mask_result], sorting_table(model, quick),
                         mask_network_steps=mask_result.steps)
    save_checkpoint(model, out / "selection-sort", card)
    return card


def load_selection_sort(path: Path):
    """The selection-sort NEE stored at ``path`` (checked against its card)."""
    from .device import tune_cpu
    from .nee import NEEConfig, SelectionSortNEE

    tune_cpu(threads=None)
    model = SelectionSortNEE(NEEConfig(**read_card(path)["model"]))
    load_checkpoint(model, path)
    return model


def evaluate_selection_sort_task(path: Path) -> list[dict]:
    return selection_sort_table(load_selection_sort(path))


def run_selection_sort_task(path: Path, data) -> list:
    """``data``: a JSON array of integer lists in [0, 255]; returns the lists sorted by the network alone."""
    model = load_selection_sort(path)
    return model.sort(parse_number_lists(data, model.codec))


# ------------------------------------------------------------------------------------------ merge sort
def train_merge_sort_task(out: Path, seed: int = 0, steps: int | None = None, progress: bool = True,
                          device="cpu", quick: bool = False) -> dict:
    """Train the merge NEE of chapter "Merge sort" from scratch (merges of sequences of at most 8 numbers)."""
    from .device import tune_cpu
    from .merge import MergeData, train_merge_nee
    from .nee import NEEConfig

    tune_cpu(threads=1)
    train_config = TrainConfig(steps=steps or 1500, batch_size=64, lr=1e-2, warmup_steps=100, min_lr_ratio=0.0,
                               grad_clip=None, seed=seed)
    model, engine_result, mask_result = train_merge_nee(NEEConfig(), train_config, MergeData(), progress=progress,
                                                        device=device)
    card = training_card("merge-sort", train_config,
                         {"sequence_lengths": "1 to 8 each",
                          "mix": "cut from 50% random, 25% small-difference, 25% duplicate-heavy lists"},
                         seed, steps, [engine_result, mask_result], sorting_table(model, quick),
                         mask_network_steps=mask_result.steps)
    save_checkpoint(model, out / "merge-sort", card)
    return card


def load_merge_sort(path: Path):
    """The merge NEE stored at ``path`` (checked against its card)."""
    from .device import tune_cpu
    from .merge import MergeNEE
    from .nee import NEEConfig

    tune_cpu(threads=None)
    model = MergeNEE(NEEConfig(**read_card(path)["model"]))
    load_checkpoint(model, path)
    return model


def run_merge_sort_task(path: Path, data) -> list:
    """``data``: a JSON array of integer lists in [0, 255]; returns the lists merge-sorted by the network alone."""
    model = load_merge_sort(path)
    return model.sort(parse_number_lists(data, model.codec))


# ------------------------------------------------------------------------------------------ arithmetic
def arithmetic_settings(operation: str):
    """The shipped shape and budget of the addition (8-bit) and multiplication (12-bit) engines.

    A wide feed-forward layer (512) learns the carries quickly; post-norm keeps that stable. Both engines train
    with weight decay 0.3 (AdamW), which pushes them from memorizing pairs towards rules that carry over to unseen
    pairs and, for addition, unseen numbers. Addition trains long, 10,000 steps of 64 pairs (the paper's batch
    size): for about the same CPU time, more and noisier steps generalized better to held-out numbers than fewer
    large ones. In tuning, weight decay 0.6 generalized no better with few numbers and sometimes failed to fit the
    30,000 pairs of the full range; chapter "Learning arithmetic" compares the budgets. Multiplication trains
    12,000 steps of 256 pairs: at 6,000 steps it still missed one unseen pair in two thousand.
    """
    from .arithmetic import ArithmeticConfig

    config = ArithmeticConfig(operation=operation, bits=8 if operation == "add" else 12, d_model=32,
                              encoder_layers=1, decoder_layers=1, ff=512, norm="post")
    steps, batch_size, weight_decay = (10000, 64, 0.3) if operation == "add" else (12000, 256, 0.3)
    return config, TrainConfig(steps=steps, batch_size=batch_size, lr=3e-3, warmup_steps=100, min_lr_ratio=0.0,
                               weight_decay=weight_decay, grad_clip=1.0, log_every=100)


def arithmetic_table(model, seed: int = 0) -> list[dict]:
    """Exact-match accuracy on the training pairs and on the held-out (never trained) pairs."""
    from .arithmetic import evaluate_pairs, heldout_split

    split = heldout_split(model.config.operation, model.codec, seed=seed)
    return [{"test": name, "pairs": result["pairs"], "exact_match": round(result["accuracy"], 6)}
            for name, result in (("training pairs", evaluate_pairs(model, split.train)),
                                 ("held-out pairs", evaluate_pairs(model, split.test)))]


def train_arithmetic_task(operation: str, out: Path, seed: int = 0, steps: int | None = None,
                          progress: bool = True, device="cpu") -> dict:
    """Train the addition or multiplication engine of chapter "Learning arithmetic" on 90 % of the valid pairs."""
    from dataclasses import replace

    from .arithmetic import heldout_split, train_arithmetic
    from .device import tune_cpu

    tune_cpu(threads=1)
    config, train_config = arithmetic_settings(operation)
    train_config = replace(train_config, seed=seed, steps=steps or train_config.steps)
    split = heldout_split(operation, NumberCodec(config.bits), seed=seed)
    model, result = train_arithmetic(config, split.train, train_config, progress=progress, device=device)
    data = {"pairs": "every ordered pair whose result fits" + (", plus pairs with inf" if operation == "add" else ""),
            "held_out": "a random 10% of those pairs, never trained on"}
    card = training_card(operation, train_config, data, seed, steps, [result], arithmetic_table(model, seed))
    save_checkpoint(model, out / operation, card)
    return card


def load_arithmetic(path: Path, operation: str):
    """The addition or multiplication engine stored at ``path`` (checked against its card)."""
    from .arithmetic import ArithmeticConfig, ArithmeticNEE
    from .device import tune_cpu

    tune_cpu(threads=None)
    card = read_card(path)
    if card.get("model_class") != ArithmeticNEE.__name__:
        raise ValueError(f"checkpoint {Path(path).name} was saved from {card.get('model_class')}, not ArithmeticNEE")
    model = ArithmeticNEE(ArithmeticConfig(**card["model"]))
    load_checkpoint(model, path)
    if model.config.operation != operation:
        raise ValueError(f"checkpoint {Path(path).name} holds the {model.config.operation} engine, "
                         f"not the {operation} engine")
    return model


def run_arithmetic_task(operation: str, path: Path, data) -> list:
    """``data``: a JSON array of ``[a, b]`` pairs; returns the engine's results (``"inf"`` for infinity)."""
    model = load_arithmetic(path, operation)
    codec = model.codec

    def check(x: int, y: int) -> None:
        if operation == "multiply" and codec.end in (x, y):
            raise ValueError(f"\"inf\" cannot be multiplied; use integers from 0 to {codec.max_value}")
        model.check_operands(torch.tensor([x]), torch.tensor([y]))

    a, b = parse_number_pairs(data, codec, check)
    return [to_json_number(value, codec) for value in model.predict(torch.tensor(a), torch.tensor(b)).tolist()]


def _arithmetic_task(operation: str, summary: str, input_help: str) -> Task:
    return Task(name=operation, summary=summary, input_help=input_help,
                train=partial(train_arithmetic_task, operation),
                evaluate=lambda path: arithmetic_table(load_arithmetic(path, operation), read_card(path).get("seed", 0)),
                run=partial(run_arithmetic_task, operation))


# ------------------------------------------------------------------------------- the collapsing baseline
BASELINE_LENGTHS = (8, 16, 25, 50, 75, 100)
QUICK_BASELINE_LENGTHS = (8, 16)


def baseline_table(model, lengths=BASELINE_LENGTHS, seed: int = 0) -> list[dict]:
    """Greedy-decoding accuracy and mean attention entropy of the seq2seq sorter per list length."""
    from .lists import paper_test_lists, score_sorted
    from .plotting import attention_entropy
    from .seq2seq import greedy_sort

    rows = []
    for length in lengths:
        lists = paper_test_lists(length, seed=seed)
        outputs, attention = greedy_sort(model, lists)
        score = score_sorted(outputs.tolist(), lists.tolist())
        rows.append({"length": length, "lists": score["lists"], "per_element": round(score["per_element"], 6),
                     "exact_match": round(score["exact_match"], 6),
                     "attention_entropy": round(attention_entropy(attention).mean().item(), 4)})
    return rows


def train_baseline_task(out: Path, seed: int = 0, steps: int | None = None, progress: bool = True,
                        device="cpu", quick: bool = False) -> dict:
    """Train the plain seq2seq sorter of chapter "Attention collapse" (lists of 4 to 8 numbers)."""
    from .device import tune_cpu
    from .seq2seq import Seq2SeqConfig, train_seq2seq_sorter

    tune_cpu(threads=1)
    train_config = TrainConfig(steps=steps or 4000, batch_size=64, lr=3e-3, warmup_steps=100, min_lr_ratio=0.0,
                               grad_clip=None, seed=seed)
    model, result = train_seq2seq_sorter(Seq2SeqConfig(), train_config, progress=progress, device=device)
    card = training_card("sort-baseline", train_config,
                         {"list_lengths": "4 to 8", "mix": "50% random, 25% small-difference, 25% duplicates"},
                         seed, steps, [result],
                         baseline_table(model, QUICK_BASELINE_LENGTHS if quick else BASELINE_LENGTHS))
    save_checkpoint(model, out / "sort-baseline", card)
    return card


def load_baseline(path: Path):
    """The seq2seq sorter stored at ``path`` (checked against its card)."""
    from .seq2seq import Seq2SeqConfig, Seq2SeqSorter

    model = Seq2SeqSorter(Seq2SeqConfig(**read_card(path)["model"]))
    load_checkpoint(model, path)
    return model


def run_baseline_task(path: Path, data) -> list:
    """Greedy sorting by the baseline (expect errors on lists longer than 8: that is the point)."""
    from .seq2seq import greedy_sort

    model = load_baseline(path)
    lists = parse_number_lists(data, model.codec, max_length=1000)
    return [greedy_sort(model, torch.tensor([numbers]))[0][0].tolist() for numbers in lists]


TASKS = {
    "min-of-two": Task(
        name="min-of-two",
        summary="minimum of two 8-bit numbers, binary encoding, a quarter of the numbers held out",
        input_help='a JSON array of [a, b] pairs, each an integer in [0, 255] or "inf"',
        train=train_min_of_two_task,
        evaluate=evaluate_min_of_two_task,
        run=run_min_of_two_task,
    ),
    "selection-sort": Task(
        name="selection-sort",
        summary="selection sort by a Neural Execution Engine, trained on lists of at most 8 numbers",
        input_help="a JSON array of non-empty lists of integers in [0, 255], any length",
        train=train_selection_sort_task,
        evaluate=evaluate_selection_sort_task,
        run=run_selection_sort_task,
    ),
    "merge-sort": Task(
        name="merge-sort",
        summary="merge sort composed from a merge NEE trained on sequences of at most 8 numbers",
        input_help="a JSON array of non-empty lists of integers in [0, 255], any length",
        train=train_merge_sort_task,
        evaluate=lambda path: selection_sort_table(load_merge_sort(path)),
        run=run_merge_sort_task,
    ),
    "sort-baseline": Task(
        name="sort-baseline",
        summary="a plain seq2seq transformer sorting by selection; exact on 8 numbers, collapses on longer lists",
        input_help="a JSON array of non-empty lists of integers in [0, 255] (at most 1000 numbers each)",
        train=train_baseline_task,
        evaluate=lambda path: baseline_table(load_baseline(path)),
        run=run_baseline_task,
    ),
    "add": _arithmetic_task("add", "8-bit addition by a NEE, with inf + x = inf; results up to 255",
                            'a JSON array of [a, b] pairs, integers in [0, 255] or "inf", with a + b <= 255'),
    "multiply": _arithmetic_task("multiply", "12-bit multiplication by a NEE; products up to 4095",
                                 "a JSON array of [a, b] pairs, integers in [0, 4095], with a * b <= 4095"),
}


def get_task(name: str) -> Task:
    """The task called ``name``, or a ``ValueError`` listing the ones there are."""
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}: choose one of {', '.join(TASKS)}")
    return TASKS[name]


def default_checkpoint(name: str) -> Path:
    return checkpoint_path(name)


# -------------------------------------------------------------------------------- Dijkstra and Prim
GRAPH_TASKS = ("dijkstra", "prim")


def graph_engine_paths(path: Path) -> tuple[Path, Path]:
    """The find-min and add checkpoints a graph task composes.

    A graph task trains nothing, so its default checkpoint name (``data/checkpoints/dijkstra``) holds no weights: it
    stands for the ``selection-sort`` and ``add`` checkpoints beside it. ``--checkpoint PATH`` names another find-min
    engine (a selection-sort NEE checkpoint); the adder is then read from ``add`` in the same folder.
    """
    path = Path(path)
    if path.name in GRAPH_TASKS:
        return path.parent / "selection-sort", path.parent / "add"
    return path, path.parent / "add"


def load_graph_engines(path: Path, algorithm: str):
    """The find-min engine (with its mask network) and, for Dijkstra, the adder; ``(finder, adder or None)``."""
    from .device import tune_cpu

    finder_path, adder_path = graph_engine_paths(path)
    finder = load_selection_sort(finder_path)
    adder = load_arithmetic(adder_path, "add") if algorithm == "dijkstra" else None
    tune_cpu(threads=1)
    return finder, adder


def train_graph_task(algorithm: str, out: Path, seed: int = 0, steps: int | None = None, progress: bool = True):
    """Nothing to train: the graph algorithms compose engines trained for sorting and addition, unchanged."""
    needs = "selection-sort and add checkpoints" if algorithm == "dijkstra" else "selection-sort checkpoint"
    raise ValueError(f"{algorithm} trains nothing: it composes the {needs} without retraining; "
                     f"train those (e.g. nee-lite train selection-sort), then run nee-lite evaluate {algorithm}")


def evaluate_graph_task(algorithm: str, path: Path) -> list[dict]:
    """Per-size accuracy (per node, per graph) on the stored test graphs, ``data/test_sets/graphs.json``."""
    from .graph_algorithms import evaluation_table

    return evaluation_table(algorithm, *load_graph_engines(path, algorithm))


def run_graph_task(algorithm: str, path: Path, data) -> list:
    """``data``: a JSON array of graphs ``{"n", "edges", "source"}``. Dijkstra returns each graph's distances
    (None where unreachable); Prim returns ``{"edges": [[u, v, w], ...], "weight": total}`` per graph."""
    from .graph_algorithms import run_algorithm
    from .graphs import parse_graphs

    graphs = parse_graphs(data, algorithm)
    finder, adder = load_graph_engines(path, algorithm)
    return run_algorithm(algorithm, finder, adder, graphs)[0 if algorithm == "dijkstra" else 1]


def _graph_task(algorithm: str, summary: str) -> Task:
    return Task(name=algorithm, summary=summary,
                input_help='a JSON array of graphs {"n": N, "edges": [[u, v, w], ...], "source": s}, '
                           "weights 0 to 255",
                train=partial(train_graph_task, algorithm), evaluate=partial(evaluate_graph_task, algorithm),
                run=partial(run_graph_task, algorithm))


TASKS["dijkstra"] = _graph_task("dijkstra", "shortest distances by the find-min and add NEEs composed, no retraining; "
                                            "all sums at most 255")
TASKS["prim"] = _graph_task("prim", "minimum spanning tree of the source's component by the find-min NEE, "
                                    "no retraining")


def graph_min_table(model) -> list[dict]:
    """Both graph algorithms on the stored test graphs with ``model`` as the find-min engine (the shipped adder)."""
    from .graph_algorithms import evaluation_table

    adder = load_arithmetic(default_checkpoint("add"), "add")
    return [{"algorithm": algorithm, **row} for algorithm in GRAPH_TASKS
            for row in evaluation_table(algorithm, model, adder if algorithm == "dijkstra" else None)]


def train_graph_min_task(out: Path, seed: int = 0, steps: int | None = None, progress: bool = True) -> dict:
    """Train the find-min engine of chapter "Prim" on traces of Dijkstra and Prim on graphs of at most 8 nodes."""
    from .device import tune_cpu
    from .graph_min import GraphMinData, train_graph_min
    from .nee import NEEConfig

    tune_cpu(threads=1)
    train_config = TrainConfig(steps=steps or 2000, batch_size=48, lr=1e-2, warmup_steps=100, min_lr_ratio=0.0,
                               grad_clip=None, seed=seed)
    model, engine_result, mask_result = train_graph_min(NEEConfig(), train_config, GraphMinData(), progress=progress)
    data = {"graphs": "Erdos-Renyi, 2 to 8 nodes, edge probability ~ U(0, 1); batch_size = graphs per step",
            "traces": "every find-min question of Dijkstra or Prim (drawn per graph), random or hard weights"}
    tune_cpu(threads=1)
    card = training_card("graph-min", train_config, data, seed, steps, [engine_result, mask_result],
                         graph_min_table(model), mask_network_steps=mask_result.steps)
    save_checkpoint(model, out / "graph-min", card)
    return card


TASKS["graph-min"] = Task(
    name="graph-min",
    summary="the find-min NEE trained on traces of Dijkstra and Prim on graphs of at most 8 nodes (as the paper); "
            "use it with run dijkstra|prim --checkpoint data/checkpoints/graph-min",
    input_help="a JSON array of non-empty lists of integers in [0, 255]: sorted with this find-min engine",
    train=train_graph_min_task,
    evaluate=lambda path: graph_min_table(load_selection_sort(path)),
    run=run_selection_sort_task,
)


# ------------------------------------------------------------------------ Neural Programmer-Interpreter
def npi_settings():
    """The shipped NPI's shape and budget: traces of additions of at most 5 digits."""
    from .npi import NPIConfig

    return NPIConfig(), TrainConfig(steps=1000, batch_size=256, lr=1e-2, warmup_steps=50, min_lr_ratio=0.0,
                                    grad_clip=1.0, log_every=50)


NPI_MAX_DIGITS = 5
NPI_ADDITIONS = 3000  # traced once; enough that every (digit, digit, carry) case of ADD1 appears


def train_npi_task(out: Path, seed: int = 0, steps: int | None = None, progress: bool = True) -> dict:
    """Train the NPI of chapter "Neural Programmer-Interpreters" on traces of additions of at most 5 digits."""
    from dataclasses import replace

    from .device import tune_cpu
    from .npi import addition_table, train_npi

    tune_cpu(threads=1)
    config, train_config = npi_settings()
    train_config = replace(train_config, seed=seed, steps=steps or train_config.steps)
    model, result = train_npi(config, train_config, NPI_MAX_DIGITS, NPI_ADDITIONS, progress=progress)
    data = {"additions": NPI_ADDITIONS, "operands": f"1 to {NPI_MAX_DIGITS} digits each (the count uniform)",
            "supervision": "every decision of the teacher's execution traces; each step samples calls"}
    card = training_card("npi-add", train_config, data, seed, steps, [result], addition_table(model))
    save_checkpoint(model, out / "npi-add", card)
    return card


def load_npi(path: Path):
    """The NPI stored at ``path`` (checked against its card)."""
    from .device import tune_cpu
    from .npi import NPI, NPIConfig

    tune_cpu(threads=1)
    model = NPI(NPIConfig(**read_card(path)["model"]))
    load_checkpoint(model, path)
    return model


def parse_decimal_pairs(data) -> list[tuple[str, str]]:
    """Check a JSON array of ``[a, b]`` pairs of non-negative integers written as decimal strings."""
    from .npi_env import parse_operand

    if not isinstance(data, list) or not data:
        raise ValueError('input must be a non-empty JSON array of [a, b] pairs of decimal strings, e.g. [["12", "30"]]')
    pairs = []
    for index, pair in enumerate(data):
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValueError(f"item {index}: expected a pair [a, b] of decimal strings, got {pair!r:.60}")
        try:
            pairs.append((parse_operand(pair[0]), parse_operand(pair[1])))
        except ValueError as error:
            raise ValueError(f"item {index}: {error}") from None
    return pairs


def run_npi_task(path: Path, data) -> list:
    """``data``: a JSON array of ``[a, b]`` decimal strings of any length; returns the NPI's sums as strings."""
    from .npi import add_numbers

    pairs = parse_decimal_pairs(data)
    return add_numbers(load_npi(path), pairs)


def evaluate_npi_task(path: Path) -> list[dict]:
    from .npi import addition_table

    return addition_table(load_npi(path))


TASKS["npi-add"] = Task(
    name="npi-add",
    summary="multi-digit addition by a Neural Programmer-Interpreter trained on traces of at most 5 digits",
    input_help='a JSON array of [a, b] pairs of non-negative integers as decimal strings, any length: [["12", "30"]]',
    train=train_npi_task,
    evaluate=evaluate_npi_task,
    run=run_npi_task,
)


# ------------------------------------------------------------------------- Learning to Execute (LSTMs)
@dataclass(frozen=True)
class LTESpec:
    """A shipped Learning-to-Execute model: which programs, which curriculum, which model and budget."""

    length: int
    nesting: int
    operations: tuple[str, ...]
    curriculum: str
    steps: int
    hidden: int = 128
    reverse: bool = True
    lr: float = 1e-2
    batch_size: int = 64


def lte_specs() -> dict[str, LTESpec]:
    """``lte-add``: addition at the chapter's CPU size, longer than the curricula runs; ``lte-programs``: the
    paper's six operations with 2-digit constants and nesting 2."""
    from .lte import ADDITION, CPU_SETTINGS
    from .lte_programs import PROGRAM_OPERATIONS

    return {"lte-add": LTESpec(CPU_SETTINGS["digits"], 1, ADDITION, "combined", 10000),
            "lte-programs": LTESpec(2, 2, PROGRAM_OPERATIONS, "combined", 8000)}


def lte_table(name: str, model, seed: int = 0, count: int = 500) -> list[dict]:
    """Per-character accuracy (teacher forcing) and exact match (greedy) per difficulty, within and beyond
    training: for addition, 1 to 4 digits more than trained; for programs, lengths 1-4 by nestings 1-4."""
    from .lte import LTETask, evaluate_programs

    spec = lte_specs()[name]
    task = LTETask(spec.length, spec.nesting, spec.operations)
    grid = ([(digits, 1) for digits in range(1, spec.length + 5)] if spec.nesting == 1
            else [(length, nesting) for nesting in range(1, 5) for length in range(1, 5)])
    rows = []
    for length, nesting in grid:
        score = evaluate_programs(model, task, length, nesting, count=count, seed=seed)
        rows.append({"length": length, "nesting": nesting, "trained": length <= spec.length and nesting <= spec.nesting,
                     "programs": score["examples"], "per_character": round(score["per_character"], 6),
                     "exact_match": round(score["exact_match"], 6)})
    return rows


def train_lte_task(name: str, out: Path, seed: int = 0, steps: int | None = None, progress: bool = True) -> dict:
    """Train a shipped Learning-to-Execute LSTM (``lte-add`` or ``lte-programs``) with its curriculum."""
    from .device import tune_cpu
    from .lte import LTEConfig, LTETask, train_lte

    tune_cpu(threads=1)
    spec = lte_specs()[name]
    train_config = TrainConfig(steps=steps or spec.steps, batch_size=spec.batch_size, lr=spec.lr, warmup_steps=50,
                               min_lr_ratio=0.05, grad_clip=5.0, seed=seed, log_every=100)
    task = LTETask(spec.length, spec.nesting, spec.operations)
    model, result, run = train_lte(task, spec.curriculum, LTEConfig(hidden=spec.hidden, reverse=spec.reverse),
                                   train_config, progress=progress)
    data = {"digits": spec.length, "nesting": spec.nesting, "operations": list(spec.operations),
            "curriculum": spec.curriculum, "naive_levels": run.levels,
            "programs": "fresh every step, from the train third of all programs (hash of the text)"}
    card = training_card(name, train_config, data, seed, steps, [result], lte_table(name, model))
    save_checkpoint(model, out / name, card)
    return card


def load_lte(path: Path):
    """A Learning-to-Execute LSTM and its card (checked against each other)."""
    from .device import tune_cpu
    from .lte import CharSeq2Seq, LTEConfig

    tune_cpu(threads=1)
    card = read_card(path)
    model = CharSeq2Seq(LTEConfig(**card["model"]))
    load_checkpoint(model, path)
    return model, card


def run_lte_add_task(path: Path, data) -> list:
    """``data``: ``[a, b]`` pairs of decimal strings; the LSTM's answers to ``print((a+b))``, right or wrong."""
    from .lte import lstm_add

    pairs = parse_decimal_pairs(data)
    if max(max(len(a), len(b)) for a, b in pairs) > 1000:
        raise ValueError("the LSTM reads at most 1000 digits per number (it is wrong long before that)")
    return lstm_add(load_lte(path)[0], pairs)


def run_lte_programs_task(path: Path, data) -> list:
    """``data``: a JSON array of program texts; the LSTM's reading of what each prints (it runs nothing)."""
    from .lte_programs import VOCAB

    if not isinstance(data, list) or not data:
        raise ValueError('input must be a non-empty JSON array of program texts, e.g. ["a=12\\nprint((a+7))"]')
    for index, program in enumerate(data):
        if not isinstance(program, str) or not program.strip():
            raise ValueError(f"item {index}: expected the text of a program, got {program!r:.60}")
        if len(program) > 2000:
            raise ValueError(f"item {index}: {len(program)} characters is more than the limit of 2000")
        try:
            VOCAB.encode(program)
        except ValueError as error:
            raise ValueError(f"item {index}: {error}") from None
    model, _ = load_lte(path)
    return [answer.removesuffix(".") for answer in model.greedy(data, 24)]


TASKS["lte-add"] = Task(
    name="lte-add",
    summary="Learning to Execute: a character-level LSTM reads print((a+b)) and writes the sum (3-digit training)",
    input_help='a JSON array of [a, b] pairs of decimal strings (the LSTM\'s answers, right or wrong): [["12", "30"]]',
    train=partial(train_lte_task, "lte-add"),
    evaluate=lambda path: lte_table("lte-add", load_lte(path)[0]),
    run=run_lte_add_task,
)
TASKS["lte-programs"] = Task(
    name="lte-programs",
    summary="Learning to Execute: the LSTM reads a program of the paper's kind and writes what it prints",
    input_help='a JSON array of program texts, e.g. ["a=12\\nfor x in range(3):a+=4\\nprint(a)"]',
    train=partial(train_lte_task, "lte-programs"),
    evaluate=lambda path: lte_table("lte-programs", load_lte(path)[0]),
    run=run_lte_programs_task,
)
