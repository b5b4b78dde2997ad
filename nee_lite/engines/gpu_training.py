"""Chapter "Preparing to train on a GPU": the sorting NEE's training, rebuilt so
that a GPU has enough to do.

A GPU is fast only when it gets large pieces of work without waiting for Python. The
book's training loop draws each batch in Python on the CPU (one list at a time, see
:func:`nee_lite.engines.lists.training_lists`) and sends it over: fine for a CPU, where
the model's arithmetic takes five times longer than the data, but on a GPU that Python
loop *is* the training time. This module draws the same kind of lists, and all the
teacher-forced states of selection sort, as whole tensors on the device, with no Python
loop over lists:

* :func:`sorting_lists`: random, small-difference and duplicate-heavy lists, as
  :func:`~nee_lite.engines.lists.training_lists` draws them (the same three kinds and
  shares), of any number width;
* :func:`sorting_states`: every state of selection sort for a batch, as
  :func:`~nee_lite.engines.selection_sort.selection_states` computes them (a test checks
  they agree state for state);
* :func:`train_sorting_nee`: the engine and mask network trained with on-device batches,
  optionally under bf16 autocast and ``torch.compile``;
* :func:`training_throughput`: lists per second of the training loop, for one setting;
* :func:`run_sorting`: train one :class:`~nee_lite.core.training.Recipe` and test it:
  the large-batch recipe, or the chapter's experiment beyond the paper (wider numbers,
  far longer test lists).

Models trained here are not the shipped checkpoints (those come from ``nee-lite train``
on a CPU, bit for bit): the random stream differs, so the weights differ, and so may the
last digits of a result.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from pathlib import Path

import torch

from ..core.checkpoints import data_dir
from ..core.encoding import NumberCodec
from ..core.training import Recipe, TrainConfig, train
from .lists import PROGRESSION_CAP, paper_test_lists, score_sorted
from .nee import NEE, NEEConfig, SortStates, engine_loss, train_masked_engine
from .selection_sort import SELECTION_SORT, SelectionSortNEE, SortData, sort_batches

__all__ = [
    "sorting_lists",
    "sorting_states",
    "device_batches",
    "host_batches",
    "with_autocast",
    "train_sorting_nee",
    "training_throughput",
    "SortingTest",
    "FAST_RECIPE",
    "SCALED_CPU",
    "SCALED_GPU",
    "SCALED_CPU_TEST",
    "SCALED_GPU_TEST",
    "describe",
    "sorting_rows",
    "run_sorting",
    "synchronize",
    "benchmark_record",
    "best_throughput",
]


def synchronize(device: torch.device) -> None:
    """Wait for the device to finish its queued work, so a timer measures the work and
    not just its launch."""
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize(device)


# ------------------------------------------------------------------------------------
# data on the device
def sorting_lists(
    count: int,
    max_length: int,
    high: int,
    generator: torch.Generator,
    min_length: int = 1,
    mix=(0.5, 0.25, 0.25),
) -> tuple[torch.Tensor, torch.Tensor]:
    """``count`` training lists on the generator's device: ``(values (count,
    max_length), lengths (count,))``.

    Each list is uniformly random, a shuffled arithmetic progression with step 1 to 4,
    or drawn from a pool of 1 to 3 numbers within 8 of each other, in the ``mix`` shares
    (the kinds of :func:`~nee_lite.engines.lists.training_lists`). Positions past a
    list's length hold the end token ``high``.
    """
    device = generator.device
    options = {"generator": generator, "device": device}
    lengths = torch.randint(min_length, max_length + 1, (count,), **options)
    position = torch.arange(max_length, device=device)
    inside = position[None, :] < lengths[:, None]
    uniform = torch.randint(high, (count, max_length), **options)
    # progressions: a random order of 0 .. length-1 (the rank of a random key), times
    # the step, from a start
    keys = torch.rand(count, max_length, **options).masked_fill(~inside, 2.0)
    rank = torch.argsort(torch.argsort(keys, dim=1), dim=1)
    step = torch.randint(1, 5, (count, 1), **options)
    run = lengths.clamp(max=PROGRESSION_CAP)[:, None]
    start = (torch.rand(count, 1, **options) * (high - step * (run - 1))).long()
    progression = torch.where(rank < run, start + step * rank, uniform)
    # duplicates: each number picked from 1 to 3 distinct values within 8 of a base
    pool = (
        torch.randint(high - 8, (count, 1), **options)
        + torch.argsort(torch.rand(count, 8, **options), dim=1)[:, :3]
    )
    picks = (
        torch.rand(count, max_length, **options)
        * torch.randint(1, 4, (count, 1), **options)
    ).long()
    duplicates = pool.gather(1, picks)
    kind = torch.rand(count, 1, **options)
    values = torch.where(
        kind < mix[0],
        uniform,
        torch.where(kind < mix[0] + mix[1], progression, duplicates),
    )
    return values.masked_fill(~inside, high), lengths


def sorting_states(
    values: torch.Tensor, lengths: torch.Tensor, codec: NumberCodec
) -> SortStates:
    """Every teacher-forced state of selection sort for a padded batch, computed with
    tensor operations only.

    The same states as :func:`~nee_lite.engines.selection_sort.selection_states`
    (``max_length + 1`` rows per list, shorter lists repeating their final state): state
    ``k`` hides the ``k`` numbers selected first (stable: the lowest index goes first
    among equal numbers), and its target is the next one, or the end token once none is
    left.
    """
    count, max_length = values.shape
    slots, end = max_length + 1, codec.end
    position = torch.arange(slots, device=values.device)
    layout = torch.cat(
        [values, torch.full((count, 1), end, device=values.device, dtype=values.dtype)],
        1,
    )
    layout = layout.masked_fill(
        position[None, :] >= lengths[:, None], end
    )  # END at `length`, padding after
    padding = position[None, :] > lengths[:, None]
    order = torch.argsort(
        layout + padding * (position + 1), dim=1, stable=True
    )  # padding sorts after END
    rank = torch.empty_like(order).scatter_(1, order, position.expand(count, -1))
    step = torch.minimum(
        position[None, :], lengths[:, None]
    )  # (count, slots): state -> selection step
    hide = (rank[:, None, :] < step[:, :, None]) | padding[:, None, :]
    target = layout.gather(1, order.gather(1, step))
    pointer = (layout[:, None, :] == target[:, :, None]) & ~hide
    bits = codec.encode(layout)[:, None].expand(-1, slots, -1, -1)
    return SortStates(
        bits=bits.reshape(count * slots, slots, -1),
        hide=hide.reshape(count * slots, slots),
        target=codec.encode(target.reshape(-1)),
        pointer=pointer.reshape(count * slots, slots),
    )


def device_batches(
    batch_size: int, data: SortData, device, seed: int = 0, bits: int = 8
):
    """A ``make_batch`` for :func:`nee_lite.train` that draws lists and states on
    ``device`` (no Python loop)."""
    generator = torch.Generator(device=device).manual_seed(seed)
    codec = NumberCodec(bits)

    def make_batch(_cpu_generator, _device):
        values, lengths = sorting_lists(
            batch_size, data.max_length, codec.end, generator, data.min_length, data.mix
        )
        return sorting_states(values, lengths, codec)

    return make_batch


def host_batches(batch_size: int, data: SortData, device, bits: int = 8):
    """The book's usual ``make_batch`` (lists drawn one by one on the CPU, states in
    NumPy, then copied over), with the batch moved to ``device`` whatever the loop asks
    for."""
    make_batch = sort_batches(
        replace(SELECTION_SORT.train, batch_size=batch_size), data, NumberCodec(bits)
    )
    return lambda generator, _device: make_batch(generator, device)


def with_autocast(loss_fn, device, dtype=torch.bfloat16):
    """``loss_fn`` run under mixed precision: matrix products in ``dtype``, losses and
    softmax in float32."""
    device = torch.device(device)

    def loss_in_low_precision(model, batch):
        with torch.autocast(device_type=device.type, dtype=dtype):
            return loss_fn(model, batch)

    return loss_in_low_precision


# --------------------------------------------------------------------------------------
# training
def train_sorting_nee(
    config: NEEConfig,
    train_config: TrainConfig,
    data: SortData = SortData(),
    device="cpu",
    bf16: bool = False,
    compile: bool = False,
    progress: bool = True,
    mask_steps: int = 300,
):
    """Train the selection-sort engine on batches drawn on ``device``, then its mask
    network; return the model (on ``device``) and both
    :class:`~nee_lite.core.training.TrainResult`. ``bf16`` and ``compile`` switch on
    mixed precision and ``torch.compile`` for the engine."""
    device = torch.device(device)
    return train_masked_engine(
        SelectionSortNEE,
        config,
        train_config,
        device_batches(
            train_config.batch_size, data, device, train_config.seed, bits=config.bits
        ),
        mask_steps=mask_steps,
        device=device,
        progress=progress,
        description=f"{config.bits}-bit sorting NEE",
        loss_fn=with_autocast(engine_loss, device) if bf16 else engine_loss,
        compile=compile,
    )


def training_throughput(
    batch_size: int,
    device="cpu",
    steps: int = 20,
    warmup: int = 3,
    data_on: str = "device",
    bf16: bool = False,
    compile: bool = False,
    config: NEEConfig = NEEConfig(),
    data: SortData = SortData(),
) -> dict:
    """Lists per second through the book's training loop (:func:`nee_lite.train`) for
    one setting.

    ``data_on``: ``"device"`` (:func:`device_batches`) or ``"host"``
    (:func:`host_batches`, the usual loop). The ``warmup`` steps (where
    ``torch.compile`` compiles, and CUDA loads its kernels) are timed apart.
    """
    device = torch.device(device)
    torch.manual_seed(0)
    engine = NEE(config).to(device)
    runner = torch.compile(engine) if compile else engine
    if data_on not in ("device", "host"):
        raise ValueError(f"data_on must be 'device' or 'host', got {data_on!r}")
    make_batch = (
        device_batches(batch_size, data, device, bits=config.bits)
        if data_on == "device"
        else host_batches(batch_size, data, device, bits=config.bits)
    )
    loss_fn = with_autocast(engine_loss, device) if bf16 else engine_loss
    budget = TrainConfig(
        steps=warmup, batch_size=batch_size, lr=1e-3, warmup_steps=1, log_every=10**9
    )
    warm = train(runner, make_batch, loss_fn, budget, device=device, progress=False)
    timed = train(
        runner,
        make_batch,
        loss_fn,
        replace(budget, steps=steps),
        device=device,
        progress=False,
    )
    synchronize(device)
    return {
        "batch_size": batch_size,
        "data_on": data_on,
        "bf16": bf16,
        "compile": compile,
        "steps": steps,
        "lists_per_s": round(batch_size * steps / timed.wall_time_s, 1),
        "states_per_s": round(
            batch_size * (data.max_length + 1) * steps / timed.wall_time_s, 1
        ),
        "ms_per_step": round(1000 * timed.wall_time_s / steps, 3),
        "warmup_s": round(warm.wall_time_s, 2),
    }


# ------------------------------------------------------------------------- recipes and
# the scaled-up run
@dataclass(frozen=True)
class SortingTest:
    """How a recipe of this chapter is tested: ``lists`` of the paper's kind (60 %
    random, 40 % small differences) per length in ``lengths``."""

    lengths: tuple = (8, 25, 50, 75, 100)
    lists: int = 100


# Larger batches for a GPU: the shipped 8-bit engine of chapter "Conditional masking"
# with the same number of steps and four times the lists per step (an optimizer step,
# not a list, is what sharpens the attention).
FAST_RECIPE = replace(
    SELECTION_SORT, train=replace(SELECTION_SORT.train, batch_size=256)
)
# The experiment beyond the paper: 12-bit numbers, an engine without encoder layers (see
# `nee.pointer_scores`), trained on lists of at most 8. On a CPU (here and in CI): 64
# lists per step, 50 test lists per length up to 500.
SCALED_CPU = Recipe(
    model=NEEConfig(bits=12, encoder_layers=0),
    train=replace(SELECTION_SORT.train, steps=3000),
    data=SortData(),
    mask_steps=300,
)
SCALED_CPU_TEST = SortingTest(lengths=(8, 100, 500), lists=50)
# On a GPU: 256 lists per step, 100 test lists per length up to 1,000.
SCALED_GPU = replace(SCALED_CPU, train=replace(SCALED_CPU.train, batch_size=256))
SCALED_GPU_TEST = SortingTest(lengths=(8, 100, 500, 1000), lists=100)


def describe(recipe: Recipe) -> str:
    """One line saying what a sorting recipe trains."""
    model, train_config = recipe.model, recipe.train
    return (
        f"{model.bits}-bit numbers, d_model {model.d_model}, {model.encoder_layers} "
        "encoder layer(s), "
        f"{train_config.steps} steps of {train_config.batch_size} lists of 1 to "
        f"{recipe.data.max_length} "
        f"numbers, lr {train_config.lr}"
    )


def sorting_rows(
    model, lengths, count: int = 100, bits: int = 8, device=None
) -> list[dict]:
    """Closed-loop accuracy on the paper's kind of test lists (seed 0) of each length,
    and the time it took."""
    rows = []
    for length in lengths:
        lists = paper_test_lists(length, count=count, seed=0, high=2**bits)
        started = time.perf_counter()
        outputs = model.execute(lists).outputs
        synchronize(device or next(model.parameters()).device)
        rows.append(
            {
                "length": length,
                **score_sorted(outputs, lists.tolist()),
                "seconds": round(time.perf_counter() - started, 2),
            }
        )
    return rows


def run_sorting(
    recipe: Recipe,
    test: SortingTest = SortingTest(),
    device="cpu",
    bf16: bool = False,
    progress: bool = True,
) -> dict:
    """Train ``recipe``'s engine on lists of at most ``recipe.data.max_length`` numbers,
    then ``test`` it."""
    model, engine_result, mask_result = train_sorting_nee(
        recipe.model,
        recipe.train,
        recipe.data,
        device,
        bf16=bf16,
        progress=progress,
        mask_steps=recipe.mask_steps,
    )
    bits = recipe.model.bits
    return {
        "model": model,
        "run": describe(recipe),
        "bits": bits,
        "rows": sorting_rows(model, test.lengths, test.lists, bits),
        "train_seconds": engine_result.wall_time_s + mask_result.wall_time_s,
        "lists_per_s": recipe.train.steps
        * recipe.train.batch_size
        / engine_result.wall_time_s,
        "history": engine_result.history,
        "parameters": sum(p.numel() for p in model.parameters()),
    }


# ----------------------------------------------------------------------------------
# measuring and checking
def benchmark_record(
    kind: str = "training", device_type: str = "cuda", folder=None
) -> dict | None:
    """The recorded ``benchmarks/<kind>.py`` result for a device type
    (``data/benchmarks/<kind>_<type>.json``), or None if nobody has measured on one yet.
    """
    path = Path(folder or data_dir() / "benchmarks") / f"{kind}_{device_type}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def best_throughput(record: dict, **setting) -> dict:
    """The fastest row of a training record's throughput sweep among those matching
    ``setting``."""
    rows = [
        row
        for row in record["throughput"]
        if all(row.get(key) == value for key, value in setting.items())
    ]
    if not rows:
        raise ValueError(f"no throughput row with {setting}")
    return max(rows, key=lambda row: row["lists_per_s"])
