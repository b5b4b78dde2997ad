"""nee_lite: Neural Execution Engines small enough to train on a laptop.

The companion package of the book. Each module holds one idea, in the order the chapters build them:
``encoding`` (numbers as bits), ``embedding`` (the bitwise embedding), ``device`` and ``training`` (the
shared loop), ``checkpoints`` (weights plus a card), ``representations`` (chapter "Numbers as bits"),
``lists`` (test lists and scores), ``transformer`` and ``seq2seq`` (chapter "Attention collapse"), ``nee`` and
``widgets`` (chapter "Conditional masking"), ``merge`` (chapter "Merge sort"), ``arithmetic`` (chapter "Learning
arithmetic"), ``graphs``, ``graph_algorithms`` and ``graph_widgets`` (chapter "Dijkstra"), ``graph_min`` (chapter
"Prim"), ``gpu`` (chapter "Training on a GPU"), ``reproduce``, ``reference`` and ``scorecard`` (the results page),
``tasks`` and ``cli`` (the ``nee-lite`` command). The part "Where it started" adds ``lte_programs`` and
``lte`` (chapter "Learning to Execute"), ``npi_env``, ``npi``, ``npi_viewer`` and ``long_addition`` (chapter "Neural
Programmer-Interpreters").
"""

from .checkpoints import load_checkpoint, read_card, save_checkpoint
from .device import pick_device, quick_mode, seed_everything
from .embedding import BitEmbedding
from .encoding import START, NumberCodec
from .training import TrainConfig, TrainResult, train

__version__ = "0.1.0"

__all__ = [
    "NumberCodec",
    "START",
    "BitEmbedding",
    "pick_device",
    "seed_everything",
    "quick_mode",
    "TrainConfig",
    "TrainResult",
    "train",
    "save_checkpoint",
    "load_checkpoint",
    "read_card",
]
