"""The Neural Execution Engine for selection sort: find the minimum under a mask, point at it, mask it, repeat.

Three parts (Yan et al. 2020, section 3):

* :class:`NEE`: a masked transformer encoder over ``[x_1 .. x_n, END]`` without positional encodings, and a
  decoder whose only input is the start token (the number 0). It outputs a *value* (one logit per bit: the
  smallest visible number) and a *pointer* (its last cross-attention: where that number is).
* :class:`MaskNetwork`: a tiny 1-D convolution that turns (current mask, pointer) into the next mask.
* :class:`SelectionSortNEE`: both together, executing selection sort *closed loop*: each step's mask comes from
  the engine's own pointer and the mask network, never from the true answer.

Because nothing in the engine knows about positions, a list of 500 numbers looks, step by step, like the lists
of 8 it was trained on: a set of visible numbers, one of which is the smallest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .encoding import NumberCodec
from .lists import training_lists
from .training import TrainConfig, TrainResult, train
from .transformer import Block, sinusoidal_positions

__all__ = ["NEEConfig", "NEE", "MaskNetwork", "SelectionSortNEE", "SortStates", "selection_states",
           "Execution", "engine_loss", "hide_pointed", "train_engine", "train_mask_network", "train_selection_sort_nee"]


@dataclass
class NEEConfig:
    """Shape of a selection-sort NEE. The defaults are the book's model (7,980 + 65 parameters)."""

    bits: int = 8
    d_model: int = 16
    encoder_layers: int = 1
    decoder_layers: int = 1
    ff: int = 64
    score: str = "learned-temperature"
    norm: str = "none"
    positional: bool = False  # sinusoidal positional encodings (an ablation: they break length generalization)
    mask_filters: int = 8


class NEE(nn.Module):
    """Masked encoder + start-token decoder; returns value bit-logits and pointer log-probabilities."""

    def __init__(self, config: NEEConfig):
        super().__init__()
        self.config = config
        self.codec = NumberCodec(config.bits)
        self.embedding = nn.Linear(self.codec.width, config.d_model, bias=False)  # emb(x) = sum_i x_i v_i
        self.scale = math.sqrt(config.d_model)
        self.encoder = nn.ModuleList(
            Block(config.d_model, config.ff, config.score, norm=config.norm) for _ in range(config.encoder_layers))
        self.decoder = nn.ModuleList(
            Block(config.d_model, config.ff, config.score, cross=True, norm=config.norm)
            for _ in range(config.decoder_layers))
        self.value_head = nn.Linear(config.d_model, self.codec.width)

    def embed(self, bits: torch.Tensor) -> torch.Tensor:
        states = self.embedding(bits) * self.scale
        if self.config.positional:
            states = states + sinusoidal_positions(bits.shape[1], self.config.d_model).to(bits.device)
        return states

    def forward(self, bits: torch.Tensor, hide: torch.Tensor):
        """``bits``: ``(batch, positions, width)``; ``hide``: ``(batch, positions)``, True = masked out."""
        memory = self.embed(bits)
        for block in self.encoder:
            memory, _ = block(memory, self_hide=hide)
        start = self.embedding(torch.zeros(bits.shape[0], 1, bits.shape[2], device=bits.device)) * self.scale
        state = start  # the start token is the number 0, so this is the zero vector
        for block in self.decoder:
            state, pointer = block(state, memory, memory_hide=hide)
        return self.value_head(state[:, 0]), pointer[:, 0]

    def forward_visible(self, bits: torch.Tensor, hide: torch.Tensor):
        """The same result as :meth:`forward`, computed on the visible positions only.

        Without positional encodings a hidden position influences nothing, so each row can be compacted to
        its visible positions (in order, so ties still resolve to the lowest index). For a long list whose
        prefix is mostly sorted away this is several times faster.
        """
        if self.config.positional:
            return self(bits, hide)
        width = int((~hide).sum(1).max())
        keep = torch.argsort(hide.int(), dim=1, stable=True)[:, :width]
        value, pointer = self(bits.gather(1, keep[..., None].expand(-1, -1, bits.shape[-1])), hide.gather(1, keep))
        return value, torch.full(hide.shape, float("-inf"), device=bits.device).scatter(1, keep, pointer)


class MaskNetwork(nn.Module):
    """Next mask from (current mask, one-hot pointer): Conv1d (kernel 3) -> ReLU -> per-position linear.

    A convolution only sees a small neighbourhood and is shift invariant, so a rule learned on short masks
    ("hide the position the pointer names") holds at every position of any length.
    """

    def __init__(self, filters: int = 8):
        super().__init__()
        self.conv = nn.Conv1d(2, filters, kernel_size=3, padding=1)
        self.readout = nn.Conv1d(filters, 1, kernel_size=1)

    def forward(self, mask: torch.Tensor, pointer_one_hot: torch.Tensor) -> torch.Tensor:
        """Logits of the next mask, one per position (positive = hide)."""
        channels = torch.stack([2 * mask.float() - 1, 2 * pointer_one_hot.float() - 1], dim=1)
        return self.readout(F.relu(self.conv(channels)))[:, 0]


# ----------------------------------------------------------------------------------- training states
@dataclass
class SortStates:
    """All teacher-forced states of selection sort for a batch of lists (one row per state)."""

    bits: torch.Tensor  # (states, positions, width): [x_1 .. x_n, END, padding]
    hide: torch.Tensor  # (states, positions) bool: already selected, or padding
    target: torch.Tensor  # (states, width): bits of the smallest visible number (END when none is left)
    pointer: torch.Tensor  # (states, positions) bool: every visible position holding that number


def selection_states(lists, max_length: int, codec: NumberCodec) -> SortStates:
    """Every intermediate state of selection sort on each list, computed in parallel.

    State ``k`` hides the ``k`` numbers selected so far (smallest first, lowest index on ties); after the last
    number the only visible position is END, whose value is the answer. Lists shorter than ``max_length``
    repeat their final state, so every list contributes ``max_length + 1`` rows.
    """
    slots = max_length + 1
    values = np.full((len(lists), slots), codec.end)
    rank = np.full((len(lists), slots), 10**6)  # selection order of each slot; padding is never visible
    lengths = np.array([len(x) for x in lists])
    for row, numbers in enumerate(lists):
        numbers = np.asarray(numbers)
        values[row, : len(numbers)] = numbers
        rank[row, np.argsort(numbers, kind="stable")] = np.arange(len(numbers))
        rank[row, len(numbers)] = len(numbers)  # END is selected last
    step = np.minimum(np.arange(slots)[None, :], lengths[:, None])
    hide = (rank[:, None, :] < step[:, :, None]) | (rank[:, None, :] >= 10**6)
    target = np.take_along_axis(values, np.argmax(rank[:, None, :] == step[:, :, None], -1), 1)
    pointer = (values[:, None, :] == target[:, :, None]) & ~hide
    states = len(lists) * slots
    return SortStates(
        bits=codec.encode(np.repeat(values[:, None, :], slots, 1).reshape(states, slots)),
        hide=torch.from_numpy(hide.reshape(states, slots)),
        target=codec.encode(target.reshape(-1)),
        pointer=torch.from_numpy(pointer.reshape(states, slots)),
    )


def engine_loss(engine: NEE, states: SortStates) -> tuple[torch.Tensor, dict]:
    """Value: binary cross-entropy per bit. Pointer: -log of the probability on *any* minimum position.

    Equal numbers are indistinguishable without positions, so the pointer may split its attention among
    copies of the minimum; argmax then picks the lowest index, which is what the mask network expects.
    """
    value, pointer = engine(states.bits, states.hide)
    value_loss = F.binary_cross_entropy_with_logits(value, states.target)
    pointer_loss = -torch.logsumexp(pointer.masked_fill(~states.pointer, float("-inf")), -1).mean()
    correct = ((value > 0) == (states.target > 0.5)).all(-1).float().mean()
    return value_loss + pointer_loss, {"value_loss": value_loss.item(), "pointer_loss": pointer_loss.item(),
                                       "value_accuracy": correct.item()}


# --------------------------------------------------------------------------------------------- training
@dataclass
class SortData:
    """What the engine trains on: list lengths and the share of random / small-difference / duplicate lists."""

    max_length: int = 8
    min_length: int = 1
    mix: tuple = (0.5, 0.25, 0.25)


def train_engine(config: NEEConfig, train_config: TrainConfig, data: SortData = SortData(),
                 progress: bool = True, device="cpu") -> tuple[NEE, TrainResult]:
    """Train the engine on every teacher-forced state of fresh lists of length ``<= data.max_length``.

    The lists are drawn on the CPU and moved to ``device``; chapter "Training on a GPU" draws them on the device.
    """
    torch.manual_seed(train_config.seed)
    engine = NEE(config)

    def make_batch(generator, device):
        lists = training_lists(train_config.batch_size, data.max_length, generator, data.min_length, data.mix)
        states = selection_states([x.numpy() for x in lists], data.max_length, engine.codec)
        return SortStates(*(getattr(states, name).to(device) for name in ("bits", "hide", "target", "pointer")))

    result = train(engine, make_batch, engine_loss, train_config, device=device, description="selection-sort NEE",
                   progress=progress)
    return engine, result


def hide_pointed(mask: torch.Tensor, pointer: torch.Tensor) -> torch.Tensor:
    """Selection sort's mask rule: also hide the position the pointer names."""
    return mask | pointer.bool()


def train_mask_network(filters: int = 8, train_config: TrainConfig | None = None, length: int = 12,
                       progress: bool = False, rule=hide_pointed, device="cpu") -> tuple[MaskNetwork, TrainResult]:
    """Teach the mask network a local ``rule`` (default: "hide what the pointer names") on random masks and
    pointers of one length. A rule that only looks at neighbouring positions, learned here, holds at any length.
    """
    train_config = train_config or TrainConfig(steps=300, batch_size=256, lr=1e-2, warmup_steps=10)
    torch.manual_seed(train_config.seed)
    network = MaskNetwork(filters)

    def make_batch(generator, device):
        size = train_config.batch_size
        mask = torch.rand(size, length, generator=generator) < torch.rand(size, 1, generator=generator)
        pointer = F.one_hot(torch.randint(length, (size,), generator=generator), length)
        return mask.to(device), pointer.to(device), rule(mask, pointer).float().to(device)

    def loss_fn(net, batch):
        mask, pointer, target = batch
        logits = net(mask, pointer)
        return F.binary_cross_entropy_with_logits(logits, target), {
            "mask_accuracy": ((logits > 0) == (target > 0.5)).all(-1).float().mean().item()}

    result = train(network, make_batch, loss_fn, train_config, device=device, description="mask network",
                   progress=progress)
    return network, result


# ---------------------------------------------------------------------------------------- execution
@dataclass
class Execution:
    """A recorded closed-loop run on one batch: the outputs and, if asked, every step's state."""

    outputs: list  # per list, the numbers the engine emitted before END
    masks: list = field(default_factory=list)  # per step, (batch, n+1) bool: the mask the engine saw
    pointers: list = field(default_factory=list)  # per step, (batch, n+1) pointer probabilities
    values: list = field(default_factory=list)  # per step, (batch,) decoded values


class MaskedEngine(nn.Module):
    """An engine and its mask network, the pair every NEE algorithm runs closed loop (subclasses add the loop)."""

    def __init__(self, config: NEEConfig = NEEConfig()):
        super().__init__()
        self.config = config
        self.codec = NumberCodec(config.bits)
        self.engine = NEE(config)
        self.mask_network = MaskNetwork(config.mask_filters)


class SelectionSortNEE(MaskedEngine):
    """Selection sort executed by a :class:`NEE` and a :class:`MaskNetwork`, closed loop."""

    @torch.no_grad()
    def execute(self, lists, oracle_mask: bool = False, record: bool = False) -> Execution:
        """Sort each list (a ``(batch, n)`` integer tensor) by running the engine until it emits END.

        Each step: value and pointer under the current mask; the mask network turns the previous mask and
        the engine's own argmax pointer into the next mask. A list stops on its own END (or after ``n + 1``
        steps). ``oracle_mask=True`` uses the true selection-sort mask instead (an ablation).
        """
        lists = self.codec.check(lists, allow_end=False)
        if lists.dim() != 2 or lists.shape[1] == 0:
            raise ValueError(f"expected a (batch, length) tensor of numbers, got shape {tuple(lists.shape)}")
        batch, length = lists.shape
        device = next(self.parameters()).device
        with_end = torch.cat([lists, torch.full((batch, 1), self.codec.end)], 1)
        bits = self.codec.encode(with_end).to(device)
        mask = torch.zeros(batch, length + 1, dtype=torch.bool, device=device)
        selection_order = torch.argsort(lists, dim=1, stable=True).to(device)
        outputs: list[list[int]] = [[] for _ in range(batch)]
        running = torch.ones(batch, dtype=torch.bool)
        trace = Execution(outputs)
        for step in range(length + 1):
            value_logits, pointer = self.engine.forward_visible(bits, mask)
            values = self.codec.decode_logits(value_logits).cpu()
            if record:
                trace.masks.append(mask.cpu().clone())
                trace.pointers.append(pointer.exp().cpu())
                trace.values.append(values)
            for row in torch.nonzero(running).flatten().tolist():
                if values[row] == self.codec.end:
                    running[row] = False
                else:
                    outputs[row].append(int(values[row]))
            if not running.any():
                break
            if oracle_mask:
                if step < length:
                    mask[torch.arange(batch), selection_order[:, step]] = True
            else:
                choice = F.one_hot(pointer.argmax(-1), length + 1)
                mask = self.mask_network(mask, choice) > 0
        return trace

    def sort(self, lists, batch_size: int = 100) -> list[list[int]]:
        """Sort lists of any lengths (grouped by length, then batched); returns Python lists."""
        results: list = [None] * len(lists)
        by_length: dict[int, list[int]] = {}
        for index, numbers in enumerate(lists):
            by_length.setdefault(len(numbers), []).append(index)
        for indices in by_length.values():
            for start in range(0, len(indices), batch_size):
                chunk = indices[start:start + batch_size]
                outputs = self.execute(torch.tensor([list(lists[i]) for i in chunk])).outputs
                for index, output in zip(chunk, outputs):
                    results[index] = output
        return results


def train_selection_sort_nee(config: NEEConfig = NEEConfig(), train_config: TrainConfig | None = None,
                             data: SortData = SortData(), progress: bool = True, device="cpu"):
    """Train the engine and the mask network from scratch (on ``device``); return the assembled model (on
    ``device``) and both results."""
    train_config = train_config or TrainConfig(steps=2000, batch_size=64, lr=1e-2, warmup_steps=100,
                                               min_lr_ratio=0.0, grad_clip=None, seed=0)
    engine, engine_result = train_engine(config, train_config, data, progress, device=device)
    mask_config = TrainConfig(steps=300, batch_size=256, lr=1e-2, warmup_steps=10, min_lr_ratio=0.0,
                              grad_clip=None, seed=train_config.seed, log_every=50)
    mask_network, mask_result = train_mask_network(config.mask_filters, mask_config, device=device)
    model = SelectionSortNEE(config).to(device)
    model.engine.load_state_dict(engine.state_dict())
    model.mask_network.load_state_dict(mask_network.state_dict())
    return model.eval(), engine_result, mask_result
