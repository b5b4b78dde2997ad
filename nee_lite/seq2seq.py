"""Chapter "Attention collapse": a plain sequence-to-sequence transformer that learns selection sort.

The encoder reads the unsorted list, the decoder reads the sorted output so far (teacher forcing in training,
its own greedy outputs at test time) and predicts the next number. Numbers go in and out as bits, with the
bitwise embedding, as in the paper's modified transformer (section 4); positions are sinusoidal encodings.
Trained on lists of at most 8 numbers it sorts those well, and fails on longer lists: its attention over
the input, sharp on short lists, spreads out ("goes fuzzy") as lists grow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .encoding import NumberCodec
from .lists import training_lists
from .training import TrainConfig, TrainResult, train
from .transformer import Block, sinusoidal_positions

__all__ = ["Seq2SeqConfig", "Seq2SeqSorter", "train_seq2seq_sorter", "greedy_sort"]


@dataclass
class Seq2SeqConfig:
    """Shape of the baseline sorter (43,337 parameters with the defaults)."""

    bits: int = 8
    d_model: int = 32
    encoder_layers: int = 2
    decoder_layers: int = 2
    ff: int = 64
    score: str = "scaled"
    norm: str = "post"


class Seq2SeqSorter(nn.Module):
    """Encoder-decoder transformer over bit-embedded numbers with sinusoidal positional encodings."""

    def __init__(self, config: Seq2SeqConfig = Seq2SeqConfig()):
        super().__init__()
        self.config = config
        self.codec = NumberCodec(config.bits)
        self.embedding = nn.Linear(self.codec.width, config.d_model, bias=False)
        self.encoder = nn.ModuleList(
            Block(config.d_model, config.ff, config.score, norm=config.norm) for _ in range(config.encoder_layers))
        self.decoder = nn.ModuleList(
            Block(config.d_model, config.ff, config.score, cross=True, norm=config.norm)
            for _ in range(config.decoder_layers))
        self.value_head = nn.Linear(config.d_model, self.codec.width)

    def embed(self, bits: torch.Tensor) -> torch.Tensor:
        positions = sinusoidal_positions(bits.shape[1], self.config.d_model).to(bits.device)
        return self.embedding(bits) * math.sqrt(self.config.d_model) + positions

    def forward(self, source_bits, source_hide, target_bits):
        """Bit logits ``(batch, steps, width)`` and the last decoder layer's attention over the input."""
        memory = self.embed(source_bits)
        for block in self.encoder:
            memory, _ = block(memory, self_hide=source_hide)
        state = self.embed(target_bits)
        for block in self.decoder:
            state, attention = block(state, memory, memory_hide=source_hide, causal=True)
        return self.value_head(state), attention.exp()


def teacher_forcing_batch(lists, max_length: int, codec: NumberCodec):
    """Pad lists to ``max_length``; decoder input ``[START, sorted...]``, target ``[sorted..., END]``."""
    batch = len(lists)
    source = torch.zeros(batch, max_length, dtype=torch.long)
    hide = torch.ones(batch, max_length, dtype=torch.bool)
    decoder_input = torch.zeros(batch, max_length + 1, dtype=torch.long)
    target = torch.full((batch, max_length + 1), codec.end)
    keep = torch.zeros(batch, max_length + 1, dtype=torch.bool)
    for row, numbers in enumerate(lists):
        length, ordered = len(numbers), torch.sort(numbers).values
        source[row, :length], hide[row, :length] = numbers, False
        decoder_input[row, 1:length + 1] = ordered
        target[row, :length] = ordered
        keep[row, :length + 1] = True
    return codec.encode(source), hide, codec.encode(decoder_input), codec.encode(target), keep


def train_seq2seq_sorter(config: Seq2SeqConfig = Seq2SeqConfig(), train_config: TrainConfig | None = None,
                         max_length: int = 8, min_length: int = 4,
                         progress: bool = True, device="cpu") -> tuple[Seq2SeqSorter, TrainResult]:
    """Teacher-forced training on lists of ``min_length`` to ``max_length`` numbers.

    Lists start at 4 numbers: with lengths 1 to 8 the model spends its budget on trivial lists and sorts
    only about 92 % of the 8-number lists exactly.
    """
    train_config = train_config or TrainConfig(steps=3000, batch_size=64, lr=3e-3, warmup_steps=100,
                                               min_lr_ratio=0.0, grad_clip=None, seed=0)
    torch.manual_seed(train_config.seed)
    model = Seq2SeqSorter(config)

    def make_batch(generator, device):
        lists = training_lists(train_config.batch_size, max_length, generator, min_length)
        return [t.to(device) for t in teacher_forcing_batch(lists, max_length, model.codec)]

    def loss_fn(net, batch):
        source, hide, decoder_input, target, keep = batch
        logits, _ = net(source, hide, decoder_input)
        correct = ((logits[keep] > 0) == (target[keep] > 0.5)).all(-1).float().mean()
        return F.binary_cross_entropy_with_logits(logits[keep], target[keep]), {"accuracy": correct.item()}

    result = train(model, make_batch, loss_fn, train_config, device=device, description="seq2seq sorter",
                   progress=progress)
    return model, result


@torch.no_grad()
def greedy_sort(model: Seq2SeqSorter, lists: torch.Tensor):
    """Decode ``n`` numbers greedily for each list of a ``(batch, n)`` tensor.

    Returns the outputs ``(batch, n)`` and the decoder's attention over the input at every output step
    ``(batch, n, n)``: row ``k`` is where the model looked to produce the ``k``-th smallest number.
    """
    codec = model.codec
    lists = codec.check(lists, allow_end=False)
    batch, length = lists.shape
    device = next(model.parameters()).device
    source, hide = codec.encode(lists).to(device), torch.zeros(batch, length, dtype=torch.bool, device=device)
    decoded = torch.zeros(batch, 1, codec.width, device=device)  # the start token, the number 0
    for _ in range(length):
        logits, _ = model(source, hide, decoded)
        decoded = torch.cat([decoded, (logits[:, -1:] > 0).float()], 1)
    _, attention = model(source, hide, decoded[:, :length])
    return codec.decode(decoded[:, 1:].cpu()), attention.cpu()
