"""nee_lite: Neural Execution Engines small enough to train on a laptop; the companion
package of the book.

Seven subpackages, each importing only those above it in this list:

* :mod:`nee_lite.core`: numbers as bits (``encoding``), the bitwise ``embedding``, the
  ``transformer`` pieces, the ``training`` loop and recipes, the ``device`` and
  ``checkpoints`` (one loader, :func:`load_model`).
* :mod:`nee_lite.engines`: the engines and what they learn from, one module per chapter:
  ``numbers_as_bits``, ``seq2seq`` (chapter "Attention collapse"), ``nee`` and
  ``selection_sort`` (chapter "Conditional masking"), ``merge_sort``, ``arithmetic``,
  ``gpu_training``; ``lists`` holds the lists they sort.
* :mod:`nee_lite.graphs`: graph ``data``, the ``classical`` algorithms they are scored
  against, the neural algorithms ``composition`` builds from the engines, and the
  ``graph_min`` engine of chapter "Prim".
* :mod:`nee_lite.ancestors`: Learning to Execute (``lte_programs``, ``lte``,
  ``lte_grid``) and the Neural Programmer-Interpreter (``npi_env``, ``npi``,
  ``long_addition``).
* :mod:`nee_lite.pictures`: the book's plot ``style``, one ``steps`` viewer, and each
  chapter's pictures.
* :mod:`nee_lite.results`: the ``paper``'s numbers, the results ``store``, the
  ``scorecard``.
* :mod:`nee_lite.tasks`: every model as a task (``registry``), and the reproduction of
  every record (``reproduce``); the benchmarks use it too.
* :mod:`nee_lite.cli`: the ``nee-lite`` command (``main``, reading JSON ``inputs``).

Two modules stand outside the layers: :mod:`nee_lite.inputs` checks input given as
JSON (number pairs and lists, programs, graphs) for the chapters and the command line
alike, and :mod:`nee_lite.project` says where the book lives. The chapters import from
the first six subpackages and :mod:`nee_lite.inputs`; nothing but the command line's
tests imports :mod:`nee_lite.cli`.
"""

# load_model imports the module of the class a card names (checkpoints.MODEL_MODULES),
# so nothing here is imported only to register model classes.
from .core.checkpoints import (
    checkpoint_path,
    data_dir,
    load_checkpoint,
    load_model,
    read_card,
    save_checkpoint,
)
from .core.device import pick_device, seed_everything, tune_cpu
from .core.embedding import BitEmbedding
from .core.encoding import START, NumberCodec
from .core.training import Recipe, TrainConfig, TrainResult, train

__version__ = "0.1.0"

__all__ = [
    "NumberCodec",
    "START",
    "BitEmbedding",
    "pick_device",
    "seed_everything",
    "tune_cpu",
    "TrainConfig",
    "TrainResult",
    "Recipe",
    "train",
    "save_checkpoint",
    "load_checkpoint",
    "load_model",
    "read_card",
    "checkpoint_path",
    "data_dir",
]
