"""The command line's tasks: how each model the book ships is trained, evaluated and run.

A :class:`Task` ties a name (``min-of-two``, and the engines later chapters add) to three functions.
Each returns plain data, so the same code serves the CLI, the chapters and the tests. ``train`` writes a
checkpoint and its card under ``data/checkpoints/``; ``evaluate`` and ``run`` load that checkpoint and
compute everything with the network alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch

from .checkpoints import checkpoint_path, load_checkpoint, read_card, save_checkpoint
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


def train_min_of_two_task(out: Path, seed: int = 0, steps: int | None = None, progress: bool = True) -> dict:
    """Train the binary min-of-two network of chapter "Numbers as bits" with a quarter of the numbers held out."""
    train_config = TrainConfig(steps=steps or 3000, batch_size=256, lr=3e-3, seed=seed)
    torch.set_num_threads(1)  # a 22k-parameter MLP trains faster on one thread than on several
    seen, heldout = _min_of_two_split(seed)
    model, result = train_min_of_two(MinOfTwoConfig(encoding="binary", bits=8), seen, train_config, progress)
    card = {
        "task": "min-of-two",
        "train": train_config.to_dict(),
        "data": {"heldout_fraction": MIN_OF_TWO_HELDOUT, "heldout_numbers": heldout.tolist()},
        "seed": seed,
        "steps": result.steps,
        "wall_time_s": round(result.wall_time_s, 1),
        "device": result.device,
        "threads": torch.get_num_threads(),
        "accuracy": _min_of_two_table(model, seed),
        "command": f"nee-lite train min-of-two --seed {seed}" + (f" --steps {steps}" if steps else ""),
    }
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


def run_min_of_two_task(path: Path, data) -> list:
    """``data`` is a JSON array of ``[a, b]`` pairs (``"inf"`` allowed); returns the networks' minima."""
    model, _ = _load_min_of_two(path)
    codec = model.codec
    if not isinstance(data, list) or not data:
        raise ValueError("input must be a non-empty JSON array of [a, b] pairs")
    a, b = [], []
    for index, pair in enumerate(data):
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValueError(f"item {index}: expected a pair [a, b], got {pair!r:.60}")
        try:
            a.append(from_json_number(pair[0], codec))
            b.append(from_json_number(pair[1], codec))
        except ValueError as error:
            raise ValueError(f"item {index}: {error}") from None
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


TASKS = {
    "min-of-two": Task(
        name="min-of-two",
        summary="minimum of two 8-bit numbers, binary encoding, a quarter of the numbers held out",
        input_help='a JSON array of [a, b] pairs, each an integer in [0, 255] or "inf"',
        train=train_min_of_two_task,
        evaluate=evaluate_min_of_two_task,
        run=run_min_of_two_task,
    ),
}


def get_task(name: str) -> Task:
    """The task called ``name``, or a ``ValueError`` listing the ones there are."""
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}: choose one of {', '.join(TASKS)}")
    return TASKS[name]


def default_checkpoint(name: str) -> Path:
    return checkpoint_path(name)
