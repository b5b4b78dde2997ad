"""One model of the book as the command line sees it (:class:`Task`); :mod:`.registry`
lists them all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.checkpoints import load_model
from ..core.training import Recipe

__all__ = ["Task", "loader"]


@dataclass(frozen=True)
class Task:
    """One model of the book, as the command line sees it."""

    name: str
    summary: str
    input_help: str
    load: Callable[[Path], Any]  # checkpoint -> what `run` and `evaluate` use
    run: Callable[[Any, Any], list]  # (loaded, parsed JSON input) -> JSON-ready outputs
    evaluate: Callable[
        ..., list[dict]
    ]  # (loaded, seed, quick=False) -> the accuracy table
    recipe: Recipe | None = None  # None: trains nothing of its own
    fit: Callable[..., tuple] | None = (
        None  # (recipe, progress, device) -> (model, [TrainResult], data)
    )
    gpu: bool = True  # False: trains on the CPU only
    composes: tuple[
        str, ...
    ] = ()  # the tasks whose checkpoints a task without a recipe runs


def loader(cls):
    """A task's ``load``: the checkpoint at a path, refused unless it holds a
    ``cls``.
    """
    return lambda path: load_model(path, expect=cls)
