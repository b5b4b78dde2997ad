"""Chapter "Attention collapse": a plain sequence-to-sequence transformer that learns
selection sort.

The encoder reads the unsorted list, the decoder reads the sorted output so far (teacher
forcing in training, its own greedy outputs at test time) and predicts the next number:
supervision on every intermediate state of selection sort, as in the paper's section 4.
By default numbers go in and out as bits, with the bitwise embedding, as in the paper's
modified transformer; ``numbers="one-hot"`` gives the paper's vanilla transformer (one
token per number in, a softmax over the numbers out). Positions are sinusoidal
encodings, in the decoder always and in the encoder unless ``encoder_positions=False``.
Trained on lists of at most 8 numbers it sorts those well, and fails on longer lists:
its attention over the input, sharp on short lists, spreads out ("goes fuzzy") as lists
grow. :func:`baseline_variants` trains the variants over seeds (``nee-lite reproduce
--tasks seq2seq-baselines``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import torch
import torch.nn.functional as F
from torch import nn

from ..core.checkpoints import Model
from ..core.embedding import BitEmbedding
from ..core.encoding import NumberCodec
from ..core.training import Recipe, TrainConfig, TrainResult, train
from ..core.transformer import (
    TransformerShape,
    attention_entropy,
    blocks,
    sinusoidal_positions,
)
from .lists import SortData, paper_test_lists, score_sorted, training_lists

__all__ = [
    "NUMBERS",
    "Seq2SeqConfig",
    "Seq2SeqSorter",
    "SORT_BASELINE",
    "train_seq2seq_sorter",
    "greedy_sort",
    "BASELINE_LENGTHS",
    "baseline_table",
    "BASELINE_VARIANTS",
    "VARIANT_LENGTHS",
    "VARIANT_SEEDS",
    "baseline_variants",
    "summarize_variants",
]

NUMBERS = ("bits", "one-hot")


@dataclass
class Seq2SeqConfig(TransformerShape):
    """Shape of the baseline sorter (43,337 parameters with the defaults): a standard
    transformer's scaled attention and post-norm, two layers each. ``numbers``:
    ``"bits"`` (bitwise embedding, one logit per bit) or ``"one-hot"`` (a learned vector
    per number 0 .. 256 in, a softmax over those 257 tokens out: 59,457 parameters).
    ``encoder_positions``: add sinusoidal positions to the encoder's input (the decoder
    always has them: it must know which output step it is at)."""

    d_model: int = 32
    encoder_layers: int = 2
    decoder_layers: int = 2
    score: str = "scaled"
    norm: str = "post"
    numbers: str = "bits"
    encoder_positions: bool = True

    def __post_init__(self):
        if self.numbers not in NUMBERS:
            raise ValueError(
                f"unknown numbers {self.numbers!r}: choose {' or '.join(NUMBERS)}"
            )


class Seq2SeqSorter(Model):
    """Encoder-decoder transformer over bit-embedded (or one-hot) numbers with
    sinusoidal positional encodings. Its inputs are bit vectors either way; a one-hot
    model turns each into its number's token."""

    config_class = Seq2SeqConfig

    def __init__(self, config: Seq2SeqConfig = Seq2SeqConfig()):
        super().__init__(config)
        one_hot = config.numbers == "one-hot"
        tokens = self.codec.end + 1  # the numbers 0 .. 255 and the end token 256
        self.embedding = (
            nn.Embedding(tokens, config.d_model)
            if one_hot
            else BitEmbedding(self.codec, config.d_model, scale=True)
        )
        self.encoder = blocks(config, config.encoder_layers)
        self.decoder = blocks(config, config.decoder_layers, cross=True)
        self.value_head = nn.Linear(
            config.d_model, tokens if one_hot else self.codec.width
        )

    def embed(self, bits: torch.Tensor, positions: bool = True) -> torch.Tensor:
        if (
            self.config.numbers == "one-hot"
        ):  # scaled by sqrt(d) as the bitwise embedding and the original
            vectors = self.embedding(self.codec.decode(bits)) * math.sqrt(
                self.config.d_model
            )
        else:
            vectors = self.embedding(bits)
        if not positions:
            return vectors
        return vectors + sinusoidal_positions(bits.shape[1], self.config.d_model).to(
            bits.device
        )

    def next_input(self, logits: torch.Tensor) -> torch.Tensor:
        """The decoder's next input from its output logits: the thresholded bits, or the
        most likely token's."""
        if self.config.numbers == "one-hot":
            return self.codec.encode(logits.argmax(-1))
        return (logits > 0).float()

    def forward(self, source_bits, source_hide, target_bits):
        """Logits ``(batch, steps, width)`` (bits) or ``(batch, steps, 257)`` (one-hot)
        and the last decoder layer's attention over the input."""
        memory = self.embed(source_bits, self.config.encoder_positions)
        for block in self.encoder:
            memory, _ = block(memory, self_hide=source_hide)
        state = self.embed(target_bits)
        for block in self.decoder:
            state, attention = block(
                state, memory, memory_hide=source_hide, causal=True
            )
        return self.value_head(state), attention.exp()


def teacher_forcing_batch(lists, max_length: int, codec: NumberCodec):
    """Pad lists to ``max_length``; decoder input ``[START, sorted...]``, target
    ``[sorted..., END]``."""
    batch = len(lists)
    source = torch.zeros(batch, max_length, dtype=torch.long)
    hide = torch.ones(batch, max_length, dtype=torch.bool)
    decoder_input = torch.zeros(batch, max_length + 1, dtype=torch.long)
    target = torch.full((batch, max_length + 1), codec.end)
    keep = torch.zeros(batch, max_length + 1, dtype=torch.bool)
    for row, numbers in enumerate(lists):
        length, ordered = len(numbers), torch.sort(numbers).values
        source[row, :length], hide[row, :length] = numbers, False
        decoder_input[row, 1 : length + 1] = ordered
        target[row, :length] = ordered
        keep[row, : length + 1] = True
    return (
        codec.encode(source),
        hide,
        codec.encode(decoder_input),
        codec.encode(target),
        keep,
    )


#: The shipped baseline: 4,000 steps of 64 lists of 4 to 8 numbers. Lists start at 4
#: numbers: with lengths 1 to 8 the model spends its budget on trivial lists and sorts
#: only about 92 % of the 8-number lists exactly.
SORT_BASELINE = Recipe(
    model=Seq2SeqConfig(),
    train=TrainConfig(steps=4000, batch_size=64, min_lr_ratio=0.0, grad_clip=None),
    data=SortData(max_length=8, min_length=4),
)


def train_seq2seq_sorter(
    config: Seq2SeqConfig = SORT_BASELINE.model,
    train_config: TrainConfig | None = None,
    max_length: int = SORT_BASELINE.data.max_length,
    min_length: int = SORT_BASELINE.data.min_length,
    progress: bool = True,
    device="cpu",
) -> tuple[Seq2SeqSorter, TrainResult]:
    """Teacher-forced training on lists of ``min_length`` to ``max_length`` numbers
    (default budget: :data:`SORT_BASELINE`): the loss covers every output step, each
    intermediate state of selection sort."""
    train_config = train_config or SORT_BASELINE.train
    torch.manual_seed(train_config.seed)
    model = Seq2SeqSorter(config)

    def make_batch(generator, device):
        lists = training_lists(
            train_config.batch_size, max_length, generator, min_length
        )
        return [
            t.to(device) for t in teacher_forcing_batch(lists, max_length, model.codec)
        ]

    def loss_fn(net, batch):
        source, hide, decoder_input, target, keep = batch
        logits, _ = net(source, hide, decoder_input)
        if config.numbers == "one-hot":
            tokens = model.codec.decode(target[keep])
            correct = (logits[keep].argmax(-1) == tokens).float().mean()
            return F.cross_entropy(logits[keep], tokens), {"accuracy": correct.item()}
        correct = ((logits[keep] > 0) == (target[keep] > 0.5)).all(-1).float().mean()
        return F.binary_cross_entropy_with_logits(logits[keep], target[keep]), {
            "accuracy": correct.item()
        }

    result = train(
        model,
        make_batch,
        loss_fn,
        train_config,
        device=device,
        description="seq2seq sorter",
        progress=progress,
    )
    return model, result


@torch.no_grad()
def greedy_sort(model: Seq2SeqSorter, lists: torch.Tensor):
    """Decode ``n`` numbers greedily for each list of a ``(batch, n)`` tensor.

    Returns the outputs ``(batch, n)`` and the decoder's attention over the input at
    every output step ``(batch, n, n)``: row ``k`` is where the model looked to produce
    the ``k``-th smallest number.
    """
    codec = model.codec
    lists = codec.check(lists, allow_end=False)
    batch, length = lists.shape
    device = next(model.parameters()).device
    source, hide = (
        codec.encode(lists).to(device),
        torch.zeros(batch, length, dtype=torch.bool, device=device),
    )
    decoded = torch.zeros(
        batch, 1, codec.width, device=device
    )  # the start token, the number 0
    for _ in range(length):
        logits, _ = model(source, hide, decoded)
        decoded = torch.cat([decoded, model.next_input(logits[:, -1:])], 1)
    _, attention = model(source, hide, decoded[:, :length])
    return codec.decode(decoded[:, 1:].cpu()), attention.cpu()


BASELINE_LENGTHS = (8, 16, 25, 50, 75, 100)
QUICK_BASELINE_LENGTHS = (8, 16)


def baseline_table(
    model: Seq2SeqSorter,
    lengths=BASELINE_LENGTHS,
    seed: int = 0,
    seen_steps: int | None = None,
) -> list[dict]:
    """Greedy-decoding accuracy and mean attention entropy of the seq2seq sorter per
    list length. With ``seen_steps`` (the longest training list), also ``first_output``
    (the share of lists whose first output is their minimum) and
    ``seen_steps_per_element`` (the share of right numbers among the first
    ``seen_steps`` outputs, the steps whose decoder positions occurred in training)."""
    rows = []
    for length in lengths:
        lists = paper_test_lists(length, seed=seed)
        outputs, attention = greedy_sort(model, lists)
        score = score_sorted(outputs.tolist(), lists.tolist())
        rows.append(
            {
                "length": length,
                "lists": score["lists"],
                "per_element": round(score["per_element"], 6),
                "exact_match": round(score["exact_match"], 6),
                "attention_entropy": round(
                    attention_entropy(attention).mean().item(), 4
                ),
            }
        )
        if seen_steps:
            right = (outputs == torch.sort(lists, 1).values).float()
            rows[-1].update(
                first_output=round(right[:, 0].mean().item(), 6),
                seen_steps_per_element=round(right[:, :seen_steps].mean().item(), 6),
            )
    return rows


#: The variants of the chapter's control, all trained with :data:`SORT_BASELINE`'s data
#: and budget: the paper's vanilla transformer (one-hot numbers), the book's binary
#: baseline, and the binary one without encoder positions.
BASELINE_VARIANTS = {
    "one-hot": Seq2SeqConfig(numbers="one-hot"),
    "bits": Seq2SeqConfig(),
    "bits, no encoder positions": Seq2SeqConfig(encoder_positions=False),
}
VARIANT_LENGTHS = (8, 16, 25, 50, 100)
VARIANT_SEEDS = (0, 1, 2, 3, 4)  # five seeds, as every headline table of the book


def baseline_variants(
    variants=tuple(BASELINE_VARIANTS),
    seeds=VARIANT_SEEDS,
    lengths=VARIANT_LENGTHS,
    train_config: TrainConfig = SORT_BASELINE.train,
    progress: bool = False,
    device="cpu",
) -> dict:
    """Train every variant once per seed (data and budget of :data:`SORT_BASELINE`,
    ``seed`` replaced) and test each on :func:`~nee_lite.engines.lists.paper_test_lists`
    of every length (the same lists for all). Returns ``{"runs": one row per variant,
    seed and length, "rows": summarize_variants(runs)}``; the rows have
    :func:`baseline_table`'s columns with ``seen_steps`` = the longest training list."""
    runs = []
    for name in variants:
        for seed in seeds:
            model, result = train_seq2seq_sorter(
                BASELINE_VARIANTS[name],
                replace(train_config, seed=seed),
                progress=progress,
                device=device,
            )
            for row in baseline_table(
                model.cpu().eval(), lengths, seen_steps=SORT_BASELINE.data.max_length
            ):
                runs.append(
                    {
                        "variant": name,
                        "seed": seed,
                        **row,
                        "train_seconds": round(result.wall_time_s, 1),
                    }
                )
    return {"runs": runs, "rows": summarize_variants(runs)}


def summarize_variants(runs: list[dict]) -> list[dict]:
    """Per variant and length: mean and minimum over seeds of per-element accuracy and
    exact match (and of ``first_output`` and ``seen_steps_per_element`` where the runs
    have them), and the mean attention entropy."""
    groups: dict[tuple, list[dict]] = {}
    for run in runs:
        groups.setdefault((run["variant"], run["length"]), []).append(run)
    rows = []
    for (variant, length), group in groups.items():
        row = {"variant": variant, "length": length, "seeds": len(group)}
        for key in (
            "per_element",
            "exact_match",
            "first_output",
            "seen_steps_per_element",
        ):
            if key not in group[0]:
                continue
            values = [run[key] for run in group]
            row[key] = round(sum(values) / len(values), 6)
            row[f"min_{key}"] = min(values)
        row["attention_entropy"] = round(
            sum(run["attention_entropy"] for run in group) / len(group), 4
        )
        rows.append(row)
    return rows
