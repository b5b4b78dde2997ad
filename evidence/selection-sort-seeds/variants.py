"""Experimental variants of the NEE, applied from outside the library (nee_lite itself stays as on the branch).

* ``length_scale``: every attention's logits are multiplied by log(number of visible keys) ("scalable softmax",
  cf. Chiang & Cholak 2022), in training and at inference.
* ``embedding_bias``: the number embedding gets a bias, so the number 0 is no longer the zero vector.
* ``shift_to_zero`` (data only): a quarter of the training lists (still <= 8 numbers) are shifted to start at 0.

``install(flags)`` swaps ``nee_lite.nee.NEE`` for a subclass with those flags, so ``train_selection_sort_nee`` and
``SelectionSortNEE`` build the variant; ``load(path)`` rebuilds any checkpoint trained by scratch17/train.py.
"""
import json
from pathlib import Path

import torch
from torch import nn
import torch.nn.functional as F

import nee_lite.nee as nee_module
from nee_lite.transformer import Attention

_ORIGINAL_NEE = nee_module.NEE
FLAGS = {"length_scale": False, "embedding_bias": False, "shift_to_zero": False}
_ORIGINAL_TRAINING_LISTS = nee_module.training_lists


def _shifted_training_lists(count, max_length, generator, min_length=1, mix=(0.5, 0.25, 0.25), high=256):
    """The usual training lists, then a quarter of them shifted down so that their minimum is 0: the number 0 (the
    zero vector, whose encoder state is all context) then meets its near-ties 1, 2, ... in training."""
    lists = _ORIGINAL_TRAINING_LISTS(count, max_length, generator, min_length, mix, high)
    shift = torch.rand(len(lists), generator=generator) < 0.25
    return [x - x.min() if flag else x for x, flag in zip(lists, shift.tolist())]


def _length_scaled_forward(self, queries, keys_values, hide=None, causal: bool = False):
    logits = self.query(queries) @ self.key(keys_values).transpose(1, 2)
    logits = logits * (self.log_temperature.exp() / (self.d_model ** 0.5))
    visible = (~hide).sum(-1) if hide is not None else torch.full(logits.shape[:1], logits.shape[-1])
    logits = logits * torch.log(visible.clamp(min=1).float())[:, None, None]
    if hide is not None:
        logits = logits.masked_fill(hide[:, None, :], float("-inf"))
    log_weights = F.log_softmax(logits, dim=-1)
    return self.out(log_weights.exp() @ self.value(keys_values)), log_weights


class VariantNEE(_ORIGINAL_NEE):
    def __init__(self, config):
        super().__init__(config)
        if FLAGS["embedding_bias"]:
            self.embedding = nn.Linear(self.codec.width, config.d_model, bias=True)
        if FLAGS["length_scale"]:
            assert config.score == "learned-temperature"
            for module in self.modules():
                if isinstance(module, Attention):
                    module.forward = _length_scaled_forward.__get__(module)


def install(**flags):
    FLAGS.update({key: bool(flags.get(key, False)) for key in FLAGS})
    nee_module.NEE = VariantNEE if FLAGS["length_scale"] or FLAGS["embedding_bias"] else _ORIGINAL_NEE
    nee_module.training_lists = _shifted_training_lists if FLAGS["shift_to_zero"] else _ORIGINAL_TRAINING_LISTS


def load(path):
    """A checkpoint written by scratch17/train.py (or a shipped one), with its variant rebuilt."""
    path = Path(path).with_suffix("")
    card = json.loads(path.with_suffix(".json").read_text())
    model_config = dict(card["model"])
    flags = {key: model_config.pop(key, False) for key in list(FLAGS)}
    flags.update(card.get("variant_flags", {}))
    install(**flags)
    model = nee_module.SelectionSortNEE(nee_module.NEEConfig(**model_config))
    model.load_state_dict(torch.load(path.with_suffix(".pt")))
    install()
    return model.eval()
