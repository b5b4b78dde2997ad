"""One small training loop for every engine in the book.

Each chapter supplies two functions and a config:

* ``make_batch(generator, device)`` draws a fresh batch (the tasks are generated, never
  read from disk);
* ``loss_fn(model, batch)`` returns ``(loss, metrics)``, where ``metrics`` is a dict of
  floats to log.

The loop does the rest: AdamW with the transformer paper's betas, a linear warm-up then
a cosine decay, gradient clipping, a progress bar (``tqdm.auto``, so it is a widget in
Jupyter and text elsewhere) and a history of the logged values. It returns the history,
the wall time and the CPU time (on a shared machine the wall time overstates the cost),
which go into the checkpoint card.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace

import torch
from torch import nn
from tqdm.auto import tqdm

from .device import seed_everything

__all__ = [
    "TrainConfig",
    "TrainResult",
    "Recipe",
    "train",
    "make_optimizer",
    "noam_rate",
    "unknown_choice",
]


def unknown_choice(what: str, value, choices) -> ValueError:
    """The error for a setting that is none of ``choices``: ``unknown <what> <value>:
    choose one of ...``."""
    return ValueError(f"unknown {what} {value!r}: choose one of {', '.join(choices)}")


OPTIMIZERS = ("adamw", "sgd")
SCHEDULES = ("cosine", "noam")
#: Older names of an optimizer, as cards written before the rename say them: "adam" was
#: always AdamW.
OPTIMIZER_ALIASES = {"adam": "adamw"}


@dataclass
class TrainConfig:
    """Budget and optimizer settings; everything a card needs to say how a model was
    trained."""

    steps: int = 2000
    batch_size: int = 256
    lr: float = 3e-3
    warmup_steps: int = 100
    min_lr_ratio: float = 0.05  # the cosine decay ends at lr * min_lr_ratio
    weight_decay: float = 0.0
    grad_clip: float | None = 1.0  # None: no clipping
    seed: int = 0
    log_every: int = 50
    optimizer: str = "adamw"  # "adamw" or "sgd" (plain SGD, Learning to Execute's)
    # "cosine": warm-up then cosine decay; "noam": the transformer paper's rate
    # lr * noam_d_model^-0.5 * min(step^-0.5, step * warmup_steps^-1.5) (step from 1)
    schedule: str = "cosine"
    noam_d_model: int = 16

    def __post_init__(self) -> None:
        if self.schedule not in SCHEDULES:
            raise unknown_choice("schedule", self.schedule, SCHEDULES)
        self.optimizer = OPTIMIZER_ALIASES.get(self.optimizer, self.optimizer)
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(
                f"optimizer must be one of {OPTIMIZERS}, not {self.optimizer!r}"
            )

    def to_dict(self) -> dict:
        """The settings as a card records them; the schedule's fields only when the
        schedule is not the default cosine (cards written before Noam existed stay
        equal to their recipes)."""
        settings = asdict(self)
        if self.schedule == "cosine":
            del settings["schedule"], settings["noam_d_model"]
        return settings


@dataclass(frozen=True)
class Recipe:
    """A shipped model's shape and budget, kept beside the model's code: the one place
    each is written.

    ``model`` is the model's config dataclass, ``train`` its budget, ``data`` what it
    trains on (a task's own dataclass, or None) and ``mask_steps`` the steps of its mask
    network, for a masked engine.
    """

    model: object
    train: TrainConfig
    data: object = None
    mask_steps: int | None = None

    def with_seed(self, seed: int, steps: int | None = None) -> Recipe:
        """The same recipe with another seed (and, if given, another number of
        steps).
        """
        return replace(
            self, train=replace(self.train, seed=seed, steps=steps or self.train.steps)
        )

    def with_model(self, **changes) -> Recipe:
        """The same recipe with some fields of the model's config changed."""
        return replace(self, model=replace(self.model, **changes))


@dataclass
class TrainResult:
    """What a run leaves behind: logged values per step, the wall time and where it
    ran.
    """

    history: list[dict] = field(default_factory=list)
    wall_time_s: float = 0.0
    cpu_time_s: float = 0.0
    steps: int = 0
    device: str = "cpu"

    def last(self, key: str) -> float:
        """The most recent logged value of ``key``."""
        return self.history[-1][key]


def noam_rate(step: int, d_model: int, warmup_steps: int) -> float:
    """The Noam schedule (Vaswani et al. 2017, section 5.3) at ``step`` (counted from
    1): ``d_model^-0.5 * min(step^-0.5, step * warmup_steps^-1.5)``."""
    return d_model**-0.5 * min(step**-0.5, step * warmup_steps**-1.5)


def make_optimizer(model: nn.Module, config: TrainConfig):
    """AdamW (betas 0.9, 0.98 as in the transformer paper), or plain SGD where
    ``config.optimizer`` says so, with linear warm-up and cosine decay
    (``min_lr_ratio=1`` and no warm-up: a constant rate), or with ``schedule="noam"``
    the transformer paper's rate (:func:`noam_rate`) times ``config.lr``. Without
    weight decay AdamW is Adam."""
    if config.optimizer == "sgd":
        optimizer = torch.optim.SGD(
            model.parameters(), lr=config.lr, weight_decay=config.weight_decay
        )
    else:
        optimizer = torch.optim.AdamW(
            model.parameters(),
            lr=config.lr,
            betas=(0.9, 0.98),
            eps=1e-9,
            weight_decay=config.weight_decay,
        )

    def lr_factor(step: int) -> float:
        if config.schedule == "noam":
            return noam_rate(step + 1, config.noam_d_model, config.warmup_steps)
        if step < config.warmup_steps:
            return (step + 1) / config.warmup_steps
        progress = (step - config.warmup_steps) / max(
            1, config.steps - config.warmup_steps
        )
        cosine = 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))
        return config.min_lr_ratio + (1 - config.min_lr_ratio) * cosine

    return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)


def train(
    model: nn.Module,
    make_batch: Callable[[torch.Generator, torch.device], object],
    loss_fn: Callable[[nn.Module, object], tuple[torch.Tensor, dict]],
    config: TrainConfig,
    device: torch.device | str = "cpu",
    description: str = "training",
    progress: bool = True,
    lr_scale: Callable[[], float] | None = None,
) -> TrainResult:
    """Train ``model`` in place for ``config.steps`` steps and return its
    :class:`TrainResult`.

    ``lr_scale``: a factor on the schedule's learning rate, read before every step, for
    a rule decided outside the loop (Learning to Execute's: divide by 1.25 when
    validation stops improving)."""
    device = torch.device(device)
    generator = seed_everything(config.seed)
    model.to(device).train()
    optimizer, scheduler = make_optimizer(model, config)
    result = TrainResult(device=str(device))
    running: dict[str, float] = {}
    start, cpu_start = time.perf_counter(), time.process_time()
    bar = tqdm(
        range(config.steps), desc=description, disable=not progress, mininterval=1.0
    )
    for step in bar:
        loss, metrics = loss_fn(model, make_batch(generator, device))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if config.grad_clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
        if lr_scale is not None:
            for group, scheduled in zip(
                optimizer.param_groups, scheduler.get_last_lr()
            ):
                group["lr"] = scheduled * lr_scale()
        optimizer.step()
        scheduler.step()
        for key, value in {"loss": loss.item(), **metrics}.items():
            running[key] = running.get(key, 0.0) + float(value)
        if (step + 1) % config.log_every == 0 or step + 1 == config.steps:
            count = (step % config.log_every) + 1
            logged = {key: total / count for key, total in running.items()}
            result.history.append({"step": step + 1, **logged})
            bar.set_postfix({key: f"{value:.3g}" for key, value in logged.items()})
            running = {}
    result.wall_time_s = time.perf_counter() - start
    result.cpu_time_s = time.process_time() - cpu_start
    result.steps = config.steps
    model.eval()
    return result
