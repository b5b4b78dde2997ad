"""`nee-lite reproduce`'s options, and how one task is trained (or measured) and
recorded."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

from ..core.checkpoints import checkpoint_path
from ..results.store import (
    display_path,
)
from .registry import Task, evaluate_task, train_task

QUICK_STEPS = 20  # training steps per model in a --quick smoke test
DEVICES = ("auto", "cpu", "cuda", "mps")


@dataclass
class ReproduceOptions:
    """What one reproduce run asks of every task and experiment (a task's ``reproduce``
    hook receives it)."""

    checkpoints: Path  # folder for the checkpoints trained here
    seed: int = 0
    device: torch.device = torch.device("cpu")
    quick: bool = False
    progress: bool = True
    git: dict | None = None  # the code's commit when the run started
    seeds: tuple[int, ...] = (
        0,
        1,
        2,
        3,
        4,
    )  # the seeds of a multi-seed table (Table 1)
    shipped: bool = (
        False  # measure the shipped checkpoints of the tasks named, train nothing
    )


@dataclass(frozen=True)
class Experiment:
    """A table the book reproduces that is not one task: many small models, only their
    measurements kept."""

    name: str
    summary: str
    chapter: str
    run: Callable[[ReproduceOptions], dict]  # -> {"rows": [...], ...}


# --------------------------------------------------------------------------------------
# tasks
def checkpoint_record(path: Path) -> dict:
    """Where a reproduced checkpoint is, its SHA-256, and whether it is byte-identical
    to the shipped one."""
    weights = Path(path).with_suffix(".pt")
    if not weights.is_file():
        return {"path": str(weights), "sha256": None}
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()
    shipped = checkpoint_path(Path(path).name).with_suffix(".pt")
    record = {"path": display_path(weights), "sha256": digest}
    if shipped.is_file() and shipped.resolve() != weights.resolve():
        record["identical_to_shipped"] = (
            hashlib.sha256(shipped.read_bytes()).hexdigest() == digest
        )
    return record


def train_and_evaluate(task: Task, run: ReproduceOptions) -> dict:
    """Reproduce a task: train it from scratch
    (:func:`~nee_lite.tasks.registry.train_task`), then its table, the one its card
    records (the rows ``nee-lite evaluate`` prints). A task that trains nothing of its
    own is only evaluated (:func:`evaluate_only`). A training error is an error, never a
    result."""
    if task.recipe is None:
        return evaluate_only(task, run)
    device = run.device if task.gpu else torch.device("cpu")
    card = train_task(
        task,
        run.checkpoints,
        seed=run.seed,
        steps=QUICK_STEPS if run.quick else None,
        progress=run.progress,
        device=device,
        quick=run.quick,
    )
    return {
        "rows": card["accuracy"],
        "train_wall_time_s": card["wall_time_s"],
        "steps": card["steps"],
        "trained_on": card["device"],
        "checkpoint": checkpoint_record(run.checkpoints / task.name),
    }


def evaluate_only(task: Task, run: ReproduceOptions) -> dict:
    """Measure a task that trains nothing (Dijkstra and Prim compose the sorting and
    addition engines): with the checkpoints reproduced in this run where they are all
    there, else (``--tasks`` named it alone) with the shipped ones; the entry says
    which."""
    needs = task.composes
    reproduced = all(
        (run.checkpoints / name).with_suffix(".pt").is_file() for name in needs
    )
    folder, source = (
        (run.checkpoints, "checkpoints reproduced in this run")
        if reproduced
        else (
            checkpoint_path(task.name).parent,
            "shipped checkpoints (data/checkpoints)",
        )
    )
    return {
        "rows": evaluate_task(task, folder / task.name),
        "trained": False,
        "note": f"{task.name} trains nothing: it composes the {' and '.join(needs)} "
        "engines",
        "evaluated_with": source,
        "train_wall_time_s": None,
    }


def evaluate_shipped(task: Task, run: ReproduceOptions) -> dict:
    """Measure a task's shipped checkpoint (``data/checkpoints``), training nothing: the
    table ``nee-lite evaluate`` prints, with the checkpoint's SHA-256 and, from its
    card, the seed and the training time it was trained with. For the models too slow to
    retrain in a reproduce run (the Learning-to-Execute LSTMs take 35 to 54 minutes)."""
    path = checkpoint_path(task.name)
    card_file = path.with_suffix(".json")
    card = json.loads(card_file.read_text()) if card_file.is_file() else {}
    entry = {
        "rows": evaluate_task(task, path),
        "trained": False,
        "evaluated_with": "shipped checkpoint",
        "evaluated_checkpoint": checkpoint_record(path),
        "train_wall_time_s": card.get("wall_time_s"),
    }
    if card:
        entry.update(
            seed=card.get("seed", 0),
            card={
                key: card.get(key)
                for key in (
                    "seed",
                    "steps",
                    "wall_time_s",
                    "device",
                    "cpu_kind",
                    "command",
                )
            },
        )
    return entry
