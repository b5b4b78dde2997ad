"""The bitwise embedding: one learnable vector per bit position, summed where the bit is
1.

``emb(x) = sum_i x_i v_i``, e.g. ``emb(1001) = v_0 + v_3``. It is a linear layer on the
bit vector with no bias, so the number zero (the start token) embeds to the zero vector,
and a number the network never saw in training is still a sum of vectors that it did
train. That is why binary numbers generalize to unseen values where one-hot tokens
cannot: a one-hot table has a separate, untrained row for every number that never
appeared.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .encoding import NumberCodec

__all__ = ["BitEmbedding"]


class BitEmbedding(nn.Module):
    """Embed bit vectors of width ``codec.width`` into ``d_model`` dimensions, ``emb(x)
    = sum_i x_i v_i``.

    ``scale`` multiplies by ``sqrt(d_model)``, as the transformer papers do, so the
    embedding starts at the same magnitude as the residual stream it is added to.
    """

    def __init__(self, codec: NumberCodec, d_model: int, scale: bool = False):
        super().__init__()
        self.codec = codec
        self.vectors = nn.Linear(codec.width, d_model, bias=False)  # column i is v_i
        self.factor = math.sqrt(d_model) if scale else 1.0

    @property
    def weight(self) -> torch.Tensor:
        """The vectors as one matrix, ``(d_model, width)``: column ``i`` is ``v_i``."""
        return self.vectors.weight

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        # Checkpoints written before the engines used this class stored the vectors as
        # ``embedding.weight``.
        if (
            prefix + "weight" in state_dict
            and prefix + "vectors.weight" not in state_dict
        ):
            state_dict[prefix + "vectors.weight"] = state_dict.pop(prefix + "weight")
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def forward(self, bits: torch.Tensor) -> torch.Tensor:
        if bits.shape[-1] != self.codec.width:
            raise ValueError(
                f"expected bit vectors of width {self.codec.width}, got shape "
                f"{tuple(bits.shape)}"
            )
        return self.vectors(bits) * self.factor

    def embed_numbers(self, numbers) -> torch.Tensor:
        """Embed integers directly (encoding them with the codec first)."""
        device = self.vectors.weight.device
        return self(self.codec.encode(numbers).to(device))

    @torch.no_grad()
    def table(self) -> torch.Tensor:
        """The embedding of every value the codec holds, one row per number (``0 ..
        end``)."""
        return self.embed_numbers(self.codec.all_values()).cpu()
