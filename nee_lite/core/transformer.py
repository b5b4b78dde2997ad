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
    "ScoreMLP",
    "Attention",
    "Block",
    "blocks",
    "attention_entropy",
]

SCORES = ("scaled", "dot", "learned-temperature", "mlp-symmetric")
NORMS = ("post", "pre", "none", "paper")


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
    # the NEE authors' switches (see nee_lite.engines.paper_engine); the defaults are
    # the book's and leave every shipped model as it was
    shared_qkv: bool = False  # queries, keys and values from one projection
    dropout: float = 0.0  # on each sublayer's output before its residual
    score_hidden: int = 16  # hidden width of the "mlp-symmetric" scoring MLP


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


class ScoreMLP(nn.Module):
    """The NEE authors' attention score: ``g([q; k]) + g([k; q])`` with ``g`` an MLP
    (one hidden ReLU layer), symmetric in ``q`` and ``k`` and without scaling.

    ``g``'s first layer splits into a query part ``A`` and a key part ``B``, so the
    ``(queries, keys, 2 d)`` concatenation is never built: ``g([q; k]) = w . relu(A q
    + B k + b) + c``. Only the ``(queries, keys, hidden)`` pre-activations are.
    """

    def __init__(self, d_model: int, hidden: int = 16):
        super().__init__()
        self.first = nn.Linear(2 * d_model, hidden)
        self.second = nn.Linear(hidden, 1)
        self.d_model = d_model

    def half(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """``g([a_i; b_j])`` for every pair: ``(batch, len a, len b)``."""
        weight = self.first.weight
        left = a @ weight[:, : self.d_model].T  # (batch, len a, hidden)
        right = b @ weight[:, self.d_model :].T + self.first.bias
        hidden = F.relu(left[:, :, None, :] + right[:, None, :, :])
        return hidden @ self.second.weight[0] + self.second.bias[0]

    def forward(self, queries: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        """Logits ``(batch, queries, keys)``: ``g([q; k]) + g([k; q])`` (in
        self-attention with one projection, ``keys is queries``: then the second half
        is the first transposed, computed once)."""
        first = self.half(queries, keys)
        if keys is queries:
            return first + first.transpose(1, 2)
        return first + self.half(keys, queries).transpose(1, 2)


class Attention(nn.Module):
    """Single-head attention returning its output and its log-weights.

    ``score`` chooses how query-key products become logits:

    * ``"scaled"``: ``q.k / sqrt(d)``, the standard transformer;
    * ``"dot"``: ``q.k`` without the scaling;
    * ``"learned-temperature"``: ``q.k * exp(t) / sqrt(d)`` with ``t`` learned, starting
      as plain ``q.k``. It lets the model make its attention as sharp as exactness on
      long lists needs;
    * ``"mlp-symmetric"``: the NEE authors' :class:`ScoreMLP`, passed in as ``scorer``
      so that every attention of a model shares one.

    ``shared_qkv``: queries, keys and values from one projection (the authors').
    ``hide`` is a ``(batch, keys)`` boolean tensor, True where a key may not be
    attended to.
    """

    def __init__(
        self,
        d_model: int,
        score: str = "scaled",
        shared_qkv: bool = False,
        scorer: ScoreMLP | None = None,
    ):
        super().__init__()
        if score not in SCORES:
            raise ValueError(
                f"unknown attention score {score!r}: choose one of {', '.join(SCORES)}"
            )
        if shared_qkv:
            self.query = nn.Linear(d_model, d_model)
            self.key = self.value = self.query
            self.out = nn.Linear(d_model, d_model)
        else:
            self.query, self.key, self.value, self.out = (
                nn.Linear(d_model, d_model) for _ in range(4)
            )
        self.score, self.d_model = score, d_model
        if score == "learned-temperature":
            self.log_temperature = nn.Parameter(torch.tensor(0.5 * math.log(d_model)))
        if score == "mlp-symmetric":
            self.scorer = scorer if scorer is not None else ScoreMLP(d_model)

    def forward(self, queries, keys_values, hide=None, causal: bool = False):
        if self.score == "mlp-symmetric":
            query = self.query(queries)
            same = self.key is self.query and keys_values is queries
            logits = self.scorer(query, query if same else self.key(keys_values))
        else:
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
    ``"pre"`` is ``x + f(LayerNorm(x))``, ``"none"`` is plain ``x + f(x)``, ``"paper"``
    is the NEE authors' ``LayerNorm(1.5 x + 0.5 f(x))``. ``dropout`` acts on ``f(x)``;
    ``shared_qkv`` and ``scorer`` go to :class:`Attention`.
    """

    def __init__(
        self,
        d_model: int,
        ff: int,
        score: str,
        cross: bool = False,
        norm: str = "post",
        shared_qkv: bool = False,
        dropout: float = 0.0,
        scorer: ScoreMLP | None = None,
    ):
        super().__init__()
        if norm not in NORMS:
            raise ValueError(f"unknown norm {norm!r}: choose one of {', '.join(NORMS)}")
        self.self_attention = Attention(d_model, score, shared_qkv, scorer)
        self.cross_attention = (
            Attention(d_model, score, shared_qkv, scorer) if cross else None
        )
        self.dropout = nn.Dropout(dropout) if dropout > 0 else None
        self.feed_forward = nn.Sequential(
            nn.Linear(d_model, ff), nn.ReLU(), nn.Linear(ff, d_model)
        )
        self.norm = norm
        self.norms = nn.ModuleList(
            nn.LayerNorm(d_model) for _ in range(3 if cross else 2)
        )

    def residual(self, index: int, x, sublayer):
        if self.dropout is not None:
            inner = sublayer

            def sublayer(h):
                return self.dropout(inner(h))

        if self.norm == "paper":
            return self.norms[index](1.5 * x + 0.5 * sublayer(x))
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


def blocks(
    shape: TransformerShape,
    layers: int,
    cross: bool = False,
    scorer: ScoreMLP | None = None,
) -> nn.ModuleList:
    """``layers`` blocks of ``shape``: an encoder's, or with ``cross`` (cross-attention)
    a decoder's. ``scorer``: the one :class:`ScoreMLP` every block shares (score
    ``"mlp-symmetric"``; made here if not given)."""
    if shape.score == "mlp-symmetric" and scorer is None:
        scorer = ScoreMLP(shape.d_model, shape.score_hidden)
    return nn.ModuleList(
        Block(
            shape.d_model,
            shape.ff,
            shape.score,
            cross=cross,
            norm=shape.norm,
            shared_qkv=shape.shared_qkv,
            dropout=shape.dropout,
            scorer=scorer,
        )
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
