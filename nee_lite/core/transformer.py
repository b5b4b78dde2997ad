"""Transformer pieces shared by the plain sequence-to-sequence sorter and the Neural
Execution Engine.

Small and explicit on purpose: single-head attention that hands back its weights (the
NEE's pointer *is* an attention distribution, and the chapters plot them), and a block
whose residual normalisation can be switched, because that choice matters for how far a
model generalizes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

__all__ = [
    "SCORES",
    "NORMS",
    "TransformerShape",
    "sinusoidal_positions",
    "Attention",
    "Block",
    "blocks",
    "attention_entropy",
]

SCORES = ("scaled", "dot", "learned-temperature")
NORMS = ("post", "pre", "none")


@dataclass
class TransformerShape:
    """The shape every transformer of the book shares: number width, width of the
    states, layers, feed-forward width, attention score (:data:`SCORES`) and residual
    normalisation (:data:`NORMS`). The defaults are the NEE's."""

    bits: int = 8
    d_model: int = 16
    encoder_layers: int = 1
    decoder_layers: int = 1
    ff: int = 64
    score: str = "learned-temperature"
    norm: str = "none"


def sinusoidal_positions(length: int, d_model: int) -> torch.Tensor:
    """The original transformer's positional encodings, shape ``(length, d_model)``."""
    position = torch.arange(length, dtype=torch.float32)[:, None]
    frequency = torch.exp(
        torch.arange(0, d_model, 2, dtype=torch.float32)
        * (-math.log(10000.0) / d_model)
    )
    table = torch.zeros(length, d_model)
    table[:, 0::2] = torch.sin(position * frequency)
    table[:, 1::2] = torch.cos(position * frequency)
    return table


class Attention(nn.Module):
    """Single-head attention returning its output and its log-weights.

    ``score`` chooses how query-key products become logits:

    * ``"scaled"``: ``q.k / sqrt(d)``, the standard transformer;
    * ``"dot"``: ``q.k`` without the scaling;
    * ``"learned-temperature"``: ``q.k * exp(t) / sqrt(d)`` with ``t`` learned, starting
      as plain ``q.k``. It lets the model make its attention as sharp as exactness on
      long lists needs.

    ``hide`` is a ``(batch, keys)`` boolean tensor, True where a key may not be attended
    to.
    """

    def __init__(self, d_model: int, score: str = "scaled"):
        super().__init__()
        if score not in SCORES:
            raise ValueError(
                f"unknown attention score {score!r}: choose one of {', '.join(SCORES)}"
            )
        self.query, self.key, self.value, self.out = (
            nn.Linear(d_model, d_model) for _ in range(4)
        )
        self.score, self.d_model = score, d_model
        if score == "learned-temperature":
            self.log_temperature = nn.Parameter(torch.tensor(0.5 * math.log(d_model)))

    def forward(self, queries, keys_values, hide=None, causal: bool = False):
        logits = self.query(queries) @ self.key(keys_values).transpose(1, 2)
        if self.score == "scaled":
            logits = logits / math.sqrt(self.d_model)
        elif self.score == "learned-temperature":
            logits = logits * (self.log_temperature.exp() / math.sqrt(self.d_model))
        if hide is not None:
            logits = logits.masked_fill(hide[:, None, :], float("-inf"))
        if causal:
            steps, keys = logits.shape[1:]
            future = torch.ones(
                steps, keys, dtype=torch.bool, device=logits.device
            ).triu(1)
            logits = logits.masked_fill(future, float("-inf"))
        log_weights = F.log_softmax(logits, dim=-1)
        return self.out(log_weights.exp() @ self.value(keys_values)), log_weights


class Block(nn.Module):
    """Self-attention, optional cross-attention, then a feed-forward layer, each with a
    residual.

    ``norm``: ``"post"`` is ``LayerNorm(x + f(x))`` (the original transformer),
    ``"pre"`` is ``x + f(LayerNorm(x))``, ``"none"`` is plain ``x + f(x)``.
    """

    def __init__(
        self, d_model: int, ff: int, score: str, cross: bool = False, norm: str = "post"
    ):
        super().__init__()
        if norm not in NORMS:
            raise ValueError(f"unknown norm {norm!r}: choose one of {', '.join(NORMS)}")
        self.self_attention = Attention(d_model, score)
        self.cross_attention = Attention(d_model, score) if cross else None
        self.feed_forward = nn.Sequential(
            nn.Linear(d_model, ff), nn.ReLU(), nn.Linear(ff, d_model)
        )
        self.norm = norm
        self.norms = nn.ModuleList(
            nn.LayerNorm(d_model) for _ in range(3 if cross else 2)
        )

    def residual(self, index: int, x, sublayer):
        if self.norm == "post":
            return self.norms[index](x + sublayer(x))
        if self.norm == "pre":
            return x + sublayer(self.norms[index](x))
        return x + sublayer(x)

    def forward(
        self, x, memory=None, self_hide=None, memory_hide=None, causal: bool = False
    ):
        """Returns the new states and the cross-attention log-weights (None without
        cross-attention)."""
        x = self.residual(
            0, x, lambda h: self.self_attention(h, h, self_hide, causal)[0]
        )
        cross_log_weights = None
        if self.cross_attention is not None:
            kept = {}

            def cross(h):
                out, kept["log_weights"] = self.cross_attention(h, memory, memory_hide)
                return out

            x = self.residual(1, x, cross)
            cross_log_weights = kept["log_weights"]
        return self.residual(
            len(self.norms) - 1, x, self.feed_forward
        ), cross_log_weights


def blocks(shape: TransformerShape, layers: int, cross: bool = False) -> nn.ModuleList:
    """``layers`` blocks of ``shape``: an encoder's, or with ``cross`` (cross-attention)
    a decoder's."""
    return nn.ModuleList(
        Block(shape.d_model, shape.ff, shape.score, cross=cross, norm=shape.norm)
        for _ in range(layers)
    )


def attention_entropy(weights: torch.Tensor) -> torch.Tensor:
    """Entropy (in nats) of attention distributions along the last axis; 0 means
    attention on one position.

    A uniform distribution over ``n`` positions has entropy ``log n``: the "fuzzy"
    attention of a model that no longer knows where to look.
    """
    weights = torch.as_tensor(weights, dtype=torch.float64)
    return -(weights * torch.log(weights.clamp_min(1e-30))).sum(-1)
