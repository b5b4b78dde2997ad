"""Chapter "Numbers as bits": one task, three ways to write a number, and numbers held
out of training.

The task is the smallest piece of every algorithm in the book: *the minimum of two
numbers* (``min(x, e) = x`` for the end token ``e``, too). One small network learns it
three times, and only the way numbers go in and come out changes:

* **one-hot**: a learned vector per number in, one class per number out;
* **scalar**: the number divided by the largest value in, one regressed value out;
* **binary**: the bitwise embedding in, one logit per bit out.

A share of the numbers never appears in training. A one-hot row or class that never
received a gradient is still random noise, so one-hot fails on exactly those numbers; a
binary number the network never saw is a sum of bit vectors it did see, so binary keeps
working.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ..core.checkpoints import Model
from ..core.embedding import BitEmbedding
from ..core.encoding import NumberCodec
from ..core.training import Recipe, TrainConfig, TrainResult, train, unknown_choice

__all__ = [
    "ENCODINGS",
    "MinOfTwoConfig",
    "MinOfTwo",
    "split_numbers",
    "PairSampler",
    "sample_heldout_pairs",
    "sample_seen_pairs",
    "train_min_of_two",
    "encodings_experiment",
    "evaluate_min",
    "MinOfTwoData",
    "MIN_OF_TWO",
    "HELDOUT_TRAIN",
    "WIDTH_TRAIN",
    "min_of_two_split",
    "min_of_two_table",
]

ENCODINGS = ("one-hot", "scalar", "binary")


# ------------------------------------------------------------------------------- number
# in, number out
class OneHotNumbers(nn.Module):
    """A lookup table in, a classifier over every value out."""

    def __init__(self, codec: NumberCodec, d_embed: int, hidden: int):
        super().__init__()
        self.codec = codec
        self.table = nn.Embedding(codec.end + 1, d_embed)
        self.head = nn.Linear(hidden, codec.end + 1)

    def embed(self, numbers: torch.Tensor) -> torch.Tensor:
        return self.table(numbers)

    def loss(self, out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(out, target)

    def decode(self, out: torch.Tensor) -> torch.Tensor:
        return out.argmax(-1)


class ScalarNumbers(nn.Module):
    """The number as one real value in ``[0, 1]`` in, one regressed value out (rounded
    to decode)."""

    def __init__(self, codec: NumberCodec, d_embed: int, hidden: int):
        super().__init__()
        self.codec = codec
        self.inp = nn.Linear(1, d_embed)
        self.head = nn.Linear(hidden, 1)

    def embed(self, numbers: torch.Tensor) -> torch.Tensor:
        return self.inp(numbers.unsqueeze(-1).float() / self.codec.end)

    def loss(self, out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return F.mse_loss(out.squeeze(-1), target.float() / self.codec.end)

    def decode(self, out: torch.Tensor) -> torch.Tensor:
        return (
            (out.squeeze(-1) * self.codec.end).round().clamp(0, self.codec.end).long()
        )


class BinaryNumbers(nn.Module):
    """The bitwise embedding in, one logit per bit out (binary cross-entropy)."""

    def __init__(self, codec: NumberCodec, d_embed: int, hidden: int):
        super().__init__()
        self.codec = codec
        self.embedding = BitEmbedding(codec, d_embed)
        self.head = nn.Linear(hidden, codec.width)

    def embed(self, numbers: torch.Tensor) -> torch.Tensor:
        return self.embedding(self.codec.encode(numbers).to(numbers.device))

    def loss(self, out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return F.binary_cross_entropy_with_logits(
            out, self.codec.encode(target).to(out.device)
        )

    def decode(self, out: torch.Tensor) -> torch.Tensor:
        return self.codec.decode_logits(out)


NUMBER_IO = {"one-hot": OneHotNumbers, "scalar": ScalarNumbers, "binary": BinaryNumbers}


# --------------------------------------------------------------------------------------
# the model
@dataclass
class MinOfTwoConfig:
    """Shape of a min-of-two network; ``encoding`` is one of :data:`ENCODINGS`."""

    encoding: str = "binary"
    bits: int = 8
    d_embed: int = 16
    hidden: int = 128

    def __post_init__(self) -> None:
        if self.encoding not in NUMBER_IO:
            raise unknown_choice("encoding", self.encoding, ENCODINGS)


class MinOfTwo(Model):
    """``min(a, b)`` by a two-layer MLP over the two embedded operands. Only the number
    I/O differs."""

    config_class = MinOfTwoConfig

    def __init__(self, config: MinOfTwoConfig):
        super().__init__(config)
        self.numbers = NUMBER_IO[config.encoding](
            self.codec, config.d_embed, config.hidden
        )
        self.mlp = nn.Sequential(
            nn.Linear(2 * config.d_embed, config.hidden),
            nn.ReLU(),
            nn.Linear(config.hidden, config.hidden),
            nn.ReLU(),
        )

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        pair = torch.cat([self.numbers.embed(a), self.numbers.embed(b)], dim=-1)
        return self.numbers.head(self.mlp(pair))

    def loss(self, a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, dict]:
        out = self(a, b)
        target = torch.minimum(a, b)
        accuracy = (self.numbers.decode(out.detach()) == target).float().mean()
        return self.numbers.loss(out, target), {"accuracy": accuracy.item()}

    @torch.no_grad()
    def embedding_table(self) -> torch.Tensor:
        """How the network embeds every value ``0 .. end``, one row per number (for PCA
        plots)."""
        device = next(self.parameters()).device
        return self.numbers.embed(self.codec.all_values().to(device)).cpu()

    @torch.no_grad()
    def predict(self, a, b) -> torch.Tensor:
        """The network's answer for each pair, after checking the operands are in
        range.
        """
        device = next(self.parameters()).device
        a = self.codec.check(a).to(device)
        b = self.codec.check(b).to(device)
        return self.numbers.decode(self(a, b)).cpu()


# --------------------------------------------------------------------------------------
# data
def split_numbers(
    codec: NumberCodec, heldout_fraction: float, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Split ``0 .. max_value`` at random into training numbers and held-out numbers.

    The end token is a token, not data: it always stays in training.
    """
    if not 0.0 <= heldout_fraction < 1.0:
        raise ValueError(f"heldout_fraction must be in [0, 1), got {heldout_fraction}")
    order = torch.randperm(
        codec.max_value + 1, generator=torch.Generator().manual_seed(seed)
    )
    n_heldout = round(heldout_fraction * (codec.max_value + 1))
    heldout = order[:n_heldout].sort().values
    seen = torch.cat([order[n_heldout:].sort().values, torch.tensor([codec.end])])
    return seen, heldout


class PairSampler:
    """Draw random operand pairs from a pool of allowed numbers (a ``make_batch`` for
    :func:`train`).

    Each operand is replaced by the end token with probability ``end_rate``, so that
    ``min(x, e) = x`` and ``min(e, e) = e`` are seen often enough to be learned (drawn
    uniformly, ``(e, e)`` would be rare).
    """

    def __init__(
        self,
        numbers: torch.Tensor,
        batch_size: int,
        end: int | None = None,
        end_rate: float = 0.05,
    ):
        self.numbers = numbers
        self.batch_size = batch_size
        self.end = end
        self.end_rate = end_rate if end is not None else 0.0

    def __call__(
        self, generator: torch.Generator, device
    ) -> tuple[torch.Tensor, torch.Tensor]:
        picks = torch.randint(
            len(self.numbers), (2, self.batch_size), generator=generator
        )
        pairs = self.numbers[picks]
        if self.end_rate:
            ends = torch.rand(pairs.shape, generator=generator) < self.end_rate
            pairs = torch.where(ends, torch.full_like(pairs, self.end), pairs)
        return pairs[0].to(device), pairs[1].to(device)


def sample_heldout_pairs(
    seen: torch.Tensor, heldout: torch.Tensor, count: int, seed: int = 1
) -> tuple[torch.Tensor, torch.Tensor]:
    """``count`` random ordered pairs in which at least one operand is a held-out
    number.

    One operand is drawn from ``heldout``, the other from all numbers, and a coin
    decides which side each goes on, so the held-out number is as often the first
    operand as the second.
    """
    if len(heldout) == 0:
        raise ValueError("there are no held-out numbers to test on")
    generator = torch.Generator().manual_seed(seed)
    everything = torch.cat([seen, heldout])
    fresh = heldout[torch.randint(len(heldout), (count,), generator=generator)]
    other = everything[torch.randint(len(everything), (count,), generator=generator)]
    swap = torch.rand(count, generator=generator) < 0.5
    return torch.where(swap, other, fresh), torch.where(swap, fresh, other)


def sample_seen_pairs(
    seen: torch.Tensor, count: int, seed: int = 1
) -> tuple[torch.Tensor, torch.Tensor]:
    """``count`` random ordered pairs of training numbers (the in-distribution test)."""
    generator = torch.Generator().manual_seed(seed)
    picks = torch.randint(len(seen), (2, count), generator=generator)
    return seen[picks[0]], seen[picks[1]]


def train_min_of_two(
    config: MinOfTwoConfig,
    seen: torch.Tensor,
    train_config: TrainConfig,
    progress: bool = False,
    device="cpu",
) -> tuple[MinOfTwo, TrainResult]:
    """Build and train one min-of-two network on pairs drawn from the ``seen`` numbers
    only."""
    torch.manual_seed(train_config.seed)
    model = MinOfTwo(config)
    sampler = PairSampler(seen, train_config.batch_size, end=model.codec.end)
    result = train(
        model,
        sampler,
        lambda net, batch: net.loss(*batch),
        train_config,
        device=device,
        description=f"{config.encoding}, {config.bits} bits",
        progress=progress,
    )
    return model, result


def encodings_experiment(
    encodings,
    heldout_fractions,
    bits: int,
    train_config: TrainConfig,
    test_pairs: int = 20000,
    device="cpu",
) -> list[dict]:
    """Train one network per (encoding, held-out share) and measure it on seen and
    held-out numbers.

    Returns one row per network, with the trained model under ``"model"`` for later
    plots.
    """
    codec = NumberCodec(bits)
    rows = []
    for fraction in heldout_fractions:
        seen, heldout = split_numbers(codec, fraction, seed=train_config.seed)
        for encoding in encodings:
            model, result = train_min_of_two(
                MinOfTwoConfig(encoding=encoding, bits=bits),
                seen,
                train_config,
                device=device,
            )
            rows.append(
                {
                    "encoding": encoding,
                    "bits": bits,
                    "heldout_fraction": fraction,
                    "seen_accuracy": evaluate_min(
                        model, *sample_seen_pairs(seen, test_pairs)
                    )["accuracy"],
                    "heldout_accuracy": (
                        evaluate_min(
                            model, *sample_heldout_pairs(seen, heldout, test_pairs)
                        )["accuracy"]
                        if len(heldout)
                        else float("nan")
                    ),
                    "train_seconds": result.wall_time_s,
                    "model": model,
                    "heldout": heldout,
                }
            )
    return rows


def evaluate_min(model: MinOfTwo, a: torch.Tensor, b: torch.Tensor) -> dict:
    """Exact-match accuracy of ``min(a, b)`` and the mean absolute error of the wrong
    answers."""
    if len(a) == 0:
        return {"accuracy": float("nan"), "mean_abs_error": float("nan"), "pairs": 0}
    predicted = model.predict(a, b)
    target = torch.minimum(a, b)
    wrong = predicted != target
    error = (predicted - target).abs().float()
    return {
        "accuracy": 1.0 - wrong.float().mean().item(),
        "mean_abs_error": error.mean().item(),
        "pairs": len(a),
    }


# -----------------------------------------------------------------------------------
# the shipped model
@dataclass(frozen=True)
class MinOfTwoData:
    """The shipped model's numbers: ``heldout_fraction`` of them never trained on; its
    table uses ``test_pairs`` pairs of seen numbers and as many with a held-out number.
    """

    heldout_fraction: float = 0.25
    test_pairs: int = 20000


#: The chapter's experiments: one network per encoding and held-out share, then per
#: number width.
HELDOUT_TRAIN = TrainConfig(steps=2000)
WIDTH_TRAIN = TrainConfig(steps=3000)

#: The shipped binary min-of-two network: 3,000 steps of 256 pairs, a quarter of the
#: numbers held out.
MIN_OF_TWO = Recipe(
    model=MinOfTwoConfig(encoding="binary", bits=8),
    train=TrainConfig(steps=3000, batch_size=256, lr=3e-3),
    data=MinOfTwoData(),
)


def min_of_two_split(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The shipped model's seen and held-out numbers for ``seed``."""
    return split_numbers(
        NumberCodec(MIN_OF_TWO.model.bits), MIN_OF_TWO.data.heldout_fraction, seed=seed
    )


def min_of_two_table(model: MinOfTwo, seed: int = 0) -> list[dict]:
    """Exact match on pairs of seen numbers and on pairs with a held-out number (the
    shipped split of ``seed``)."""
    seen, heldout = min_of_two_split(seed)
    count = MIN_OF_TWO.data.test_pairs
    rows = []
    for name, pairs in (
        ("seen numbers", sample_seen_pairs(seen, count)),
        ("held-out numbers", sample_heldout_pairs(seen, heldout, count)),
    ):
        result = evaluate_min(model, *pairs)
        rows.append(
            {
                "test": name,
                "pairs": result["pairs"],
                "exact_match": round(result["accuracy"], 6),
            }
        )
    return rows
