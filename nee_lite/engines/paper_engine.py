"""The NEE authors' own engine, written as a configuration of the book's transformer.

Every choice below is a switch of :class:`~nee_lite.engines.nee.NEEConfig` or
:class:`~nee_lite.core.training.TrainConfig` whose default is the book's; this module
only sets them the way the authors' code does (``/work/shared/reference/nee-facts.md``,
section "Architecture as the authors coded it"). Benchmark
``benchmarks/selection_sort_seeds.py --engine paper`` trains and tests it over seeds.
"""

from __future__ import annotations

from dataclasses import replace

from ..core.training import Recipe, TrainConfig
from .lists import SortData
from .nee import NEEConfig
from .selection_sort import SELECTION_SORT

__all__ = [
    "PAPER_ENGINE",
    "PAPER_STEPS",
    "PAPER_WARMUP",
    "SWITCHES",
    "paper_budget",
    "switched",
]

#: The authors' budget: 24,000 lists x 100 epochs in batches of 64 (nee-facts,
#: "Training": "24,000 training lists of length 8 ... 100 epochs", "batch 64").
PAPER_STEPS = 24_000 * 100 // 64
#: Their Noam warm-up (nee-facts, "Training": "Noam schedule with 4000 warm-up steps").
PAPER_WARMUP = 4000


def paper_budget(steps: int) -> TrainConfig:
    """The authors' optimizer and schedule cut to ``steps`` steps: the warm-up keeps its
    share of the run, ``4000 / 37,500`` (at least one step)."""
    return TrainConfig(
        steps=steps,
        batch_size=64,
        lr=1.0,  # Noam's rate as written: lr = 1 x d^-0.5 min(...)
        schedule="noam",
        noam_d_model=16,
        warmup_steps=max(1, round(steps * PAPER_WARMUP / PAPER_STEPS)),
        min_lr_ratio=0.0,
        grad_clip=None,
        log_every=50,
    )


#: The paper's engine, each choice with its line of nee-facts.md ("Architecture as the
#: authors coded it"):
#:
#: * ``encoder_layers=6, decoder_layers=6, ff=128`` and ``dropout=0.1``: "Size: 6
#:   encoder + 6 decoder layers, feed-forward width 128, dropout 0.1";
#: * ``d_model=16``: "d_model 16 for sort / find-min (about 66k parameters)";
#: * ``score="mlp-symmetric"`` (one :class:`~nee_lite.core.transformer.ScoreMLP` shared
#:   by all blocks; its hidden width, 16, is ours: the line does not give it):
#:   "an MLP on [q; k] plus the same MLP on [k; q] (symmetric), no 1/sqrt(d) scaling,
#:   one scoring MLP shared by all attention blocks";
#: * ``shared_qkv=True``: "q, k and v share one projection";
#: * ``norm="paper"``: "Residual is LayerNorm(1.5 x + 0.5 sublayer(x))";
#: * the pointer is the last decoder layer's cross-attention, as in the book's
#:   :class:`~nee_lite.engines.nee.NEE`: "pointer = the last decoder layer's
#:   cross-attention weights";
#: * ``mask_filters=16, mask_dropout=0.1``: "Conv1D 16 filters, kernel 3, ReLU,
#:   dropout, linear to one logit" (the dropout rate is not given; we use the model's);
#: * :func:`paper_budget`: "Adam (0.9, 0.98, eps 1e-9), Noam schedule with 4000
#:   warm-up steps, batch 64", cut from their 37,500 steps to 5,500 (15 %; warm-up
#:   587): what 15 CPU minutes per seed allow here (690 to 753 CPU s a seed; the
#:   record, ``data/benchmarks/paper_engine_seeds.json``, has each seed's seconds).
#:
#: Not the authors': the data (the book's :class:`~nee_lite.engines.lists.SortData`,
#: lists of 1 to 8 numbers, fresh each step), the embedding and the mask network's
#: training (``train_masked_engine``, 300 steps on its rule), as for ``SELECTION_SORT``.
PAPER_ENGINE = Recipe(
    model=NEEConfig(
        encoder_layers=6,
        decoder_layers=6,
        ff=128,
        d_model=16,
        score="mlp-symmetric",
        shared_qkv=True,
        norm="paper",
        dropout=0.1,
        mask_filters=16,
        mask_dropout=0.1,
    ),
    train=paper_budget(5500),
    data=SortData(),
    mask_steps=300,
)


#: One of the authors' choices, switched alone on the book's ``SELECTION_SORT``: the
#: model's changes, and whether the budget becomes theirs (Noam, at the book's steps).
SWITCHES = {
    "depth": ({"encoder_layers": 6, "decoder_layers": 6}, False),
    "score": ({"score": "mlp-symmetric"}, False),
    "residual": ({"norm": "paper"}, False),
    "dropout": ({"dropout": 0.1}, False),
    "shared-qkv": ({"shared_qkv": True}, False),
    "noam": ({}, True),
}


def switched(name: str, seed: int, steps: int | None = None):
    """``SELECTION_SORT``'s model and budget (``steps``: default the recipe's) with the
    one choice ``name`` of :data:`SWITCHES` switched: ``(NEEConfig, TrainConfig)``."""
    changes, noam = SWITCHES[name]
    steps = steps or SELECTION_SORT.train.steps
    book = SELECTION_SORT.train
    budget = (
        paper_budget(steps)
        if noam
        else replace(book, steps=steps, warmup_steps=min(book.warmup_steps, steps))
    )
    return replace(SELECTION_SORT.model, **changes), replace(budget, seed=seed)
