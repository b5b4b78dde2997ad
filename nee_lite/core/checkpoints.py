"""Weight-only checkpoints with a card.

A checkpoint is two files side by side: ``NAME.pt`` holds only the ``state_dict``
(loaded with ``weights_only=True``, so opening one never runs code), and ``NAME.json``
is its card: the task, the model and training configs, the seed, steps, wall time,
device, library versions and the accuracy measured right after training. Loading checks
the card's model config against the model you built, so a checkpoint of another shape is
refused with a message that says what differs.

:func:`load_model` is the one loader: the card names the model's class and config, so
``load_model(path)`` rebuilds the model and loads its weights. :data:`MODEL_MODULES`
names the module that defines each of the package's model classes, so the loader imports
it when a card asks for that class, whichever modules were imported before. A
:class:`Model` defined elsewhere (a test's, a reader's) enters itself in
:data:`MODEL_CLASSES` when its class statement runs. Loading changes no global setting
(threads, denormals): that is :func:`nee_lite.core.device.tune_cpu`'s job, called by
whoever runs.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
from dataclasses import MISSING, asdict, fields, is_dataclass
from pathlib import Path

import torch
from torch import nn

from .encoding import NumberCodec

__all__ = [
    "Model",
    "save_checkpoint",
    "load_checkpoint",
    "read_card",
    "load_model",
    "data_dir",
    "checkpoint_path",
]

#: Every model class a checkpoint can hold, by name (each subclass of :class:`Model`
#: enters itself).
MODEL_CLASSES: dict[str, type[nn.Module]] = {}

#: The module that defines each of the package's model classes, imported by
#: :func:`model_class` when a card names the class (``tests/test_checkpoints_load.py``
#: checks that it lists them all).
MODEL_MODULES: dict[str, str] = {
    "MinOfTwo": "nee_lite.engines.numbers_as_bits",
    "Seq2SeqSorter": "nee_lite.engines.seq2seq",
    "NEE": "nee_lite.engines.nee",
    "MaskedEngine": "nee_lite.engines.nee",
    "SelectionSortNEE": "nee_lite.engines.selection_sort",
    "MergeNEE": "nee_lite.engines.merge_sort",
    "ArithmeticNEE": "nee_lite.engines.arithmetic",
    "CharSeq2Seq": "nee_lite.ancestors.lte",
    "NPI": "nee_lite.ancestors.npi",
    "ProgramNPI": "nee_lite.ancestors.npi_sort",
    "CanonSeq2Seq": "nee_lite.ancestors.npi_canon",
    "GNNProcessor": "nee_lite.graphs.gnn",
}


class Model(nn.Module):
    """A network of the book: built from one config dataclass (``config_class``), which
    its checkpoint's card stores, so :func:`load_model` can rebuild it by its class
    name. A config with ``bits`` gives the model the
    :class:`~nee_lite.core.encoding.NumberCodec` of that width as ``codec``."""

    config_class: type | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.config_class is not None:
            MODEL_CLASSES[cls.__name__] = cls

    def __init__(self, config):
        super().__init__()
        self.config = config
        if hasattr(config, "bits"):
            self.codec = NumberCodec(config.bits)


def data_dir() -> Path:
    """The repository's ``data/`` folder (checkpoints, test sets, measured results)."""
    override = os.environ.get("NEE_LITE_DATA")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "data"


def checkpoint_path(name: str) -> Path:
    """Where the shipped checkpoint called ``name`` lives (without suffix)."""
    return data_dir() / "checkpoints" / name


def model_config_dict(model: nn.Module) -> dict:
    """The model's config as a plain dict (every model in nee_lite keeps a dataclass in
    ``.config``)."""
    config = getattr(model, "config", None)
    if not is_dataclass(config):
        raise ValueError(
            f"{type(model).__name__} has no dataclass `config`, so it cannot be "
            "checkpointed"
        )
    return asdict(config)


def save_checkpoint(model: nn.Module, path, card: dict) -> Path:
    """Write ``path.pt`` (weights only) and ``path.json`` (the card); return the ``.pt``
    path."""
    path = Path(path).with_suffix("")
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {
        key: value.detach().cpu().contiguous()
        for key, value in model.state_dict().items()
    }
    torch.save(state, path.with_suffix(".pt"))
    full_card = {
        "model_class": type(model).__name__,
        "model": model_config_dict(model),
        "parameters": sum(p.numel() for p in model.parameters()),
        **card,
        "versions": {"torch": torch.__version__, "python": platform.python_version()},
    }
    path.with_suffix(".json").write_text(
        json.dumps(full_card, indent=2, sort_keys=False) + "\n"
    )
    return path.with_suffix(".pt")


def read_card(path) -> dict:
    """Read a checkpoint's card, or raise ``ValueError`` if it is missing or not valid
    JSON."""
    card_path = Path(path).with_suffix(".json")
    if not card_path.is_file():
        raise ValueError(
            f"no checkpoint card at {card_path}; train one with `nee-lite train`"
        )
    try:
        card = json.loads(card_path.read_text())
    except json.JSONDecodeError as error:
        raise ValueError(
            f"checkpoint card {card_path} is not valid JSON: {error}"
        ) from None
    if not isinstance(card, dict) or "model" not in card:
        raise ValueError(f"checkpoint card {card_path} has no `model` section")
    return card


def load_checkpoint(model: nn.Module, path) -> dict:
    """Load the weights at ``path`` into ``model`` after checking its card; return the
    card."""
    path = Path(path).with_suffix("")
    card = read_card(path)
    saved_class = card.get("model_class", type(model).__name__)
    if (
        saved_class != type(model).__name__
    ):  # two engines can share a config and weight shapes
        raise ValueError(
            f"checkpoint {path.name} was saved from {saved_class}, not "
            f"{type(model).__name__}"
        )
    _check_same_config(
        {**_field_defaults(model.config), **card["model"]},
        model_config_dict(model),
        path,
    )
    weights = path.with_suffix(".pt")
    if not weights.is_file():
        raise ValueError(f"no checkpoint weights at {weights}")
    try:
        state = torch.load(weights, map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises several types for a damaged file
        raise ValueError(
            f"{weights} is not a readable weight-only checkpoint: {error}"
        ) from None
    if not isinstance(state, dict):
        raise ValueError(f"{weights} does not hold a state_dict")
    try:
        model.load_state_dict(state)
    except RuntimeError as error:
        first = str(error).strip().splitlines()
        raise ValueError(
            f"{weights} does not fit {type(model).__name__}: {' '.join(first[:2])}"
        ) from None
    model.eval()
    return card


def load_model(path, expect: type[nn.Module] | None = None) -> nn.Module:
    """The model stored at ``path`` (without suffix), rebuilt from its card's class and
    config, in eval mode.

    ``expect``: the class the caller needs; a checkpoint of another class is refused
    with a clear error.
    """
    path = Path(path).with_suffix("")
    card = read_card(path)
    name = card.get("model_class")
    cls = model_class(name)
    if cls is None:
        raise ValueError(
            f"checkpoint {path.name} holds a {name!r}, which nee_lite cannot build"
        )
    if expect is not None and not issubclass(cls, expect):
        raise ValueError(
            f"checkpoint {path.name} was saved from {name}, not {expect.__name__}"
        )
    try:
        config = cls.config_class(**card["model"])
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"checkpoint {path.name} has a model config {name} does not take: {error}"
        ) from None
    model = cls(config)
    load_checkpoint(model, path)
    return model


def model_class(name: str | None) -> type[nn.Module] | None:
    """The model class called ``name``: one of the package's (its module imported now if
    it was not yet) or one a program defined; ``None`` if there is none of that name."""
    if name in MODEL_MODULES and name not in MODEL_CLASSES:
        importlib.import_module(MODEL_MODULES[name])  # the class enters MODEL_CLASSES
    return MODEL_CLASSES.get(name)


def _field_defaults(config) -> dict:
    """The defaults of a config's fields: a card written before a field existed was
    trained with its default."""
    return {
        field.name: field.default
        for field in fields(config)
        if field.default is not MISSING
    }


def _check_same_config(saved: dict, wanted: dict, path: Path) -> None:
    differences = [
        f"{key}={saved.get(key)!r} (model has {wanted.get(key)!r})"
        for key in sorted(set(saved) | set(wanted))
        if saved.get(key) != wanted.get(key)
    ]
    if differences:
        raise ValueError(
            f"checkpoint {path.name} was trained with a different model: "
            f"{', '.join(differences)}"
        )
