"""The Neural Execution Engine: find the smallest visible number under a mask, point at
it, and let a learned mask network decide what stays visible. Every engine of the book
is built from these pieces (Yan et al. 2020, section 3):

* :class:`NEE`: a masked transformer encoder over ``[x_1 .. x_n, END]`` without
  positional encodings, and a decoder whose only input is the start token (the number
  0). It outputs a *value* (one logit per bit: the smallest visible number) and a
  *pointer* (its last cross-attention: where that number is).
* :class:`MaskNetwork`: a tiny 1-D convolution that turns (current mask, pointer) into
  the next mask.
* :class:`MaskedEngine`: both together; an algorithm (selection sort, merge, the graph
  algorithms' find-min) subclasses it and adds its closed loop.
* :func:`train_masked_engine`: the one way every masked engine is trained: the engine on
  teacher-forced states, then the mask network on its rule, then the two assembled.

Because nothing in the engine knows about positions, a list of 500 numbers looks, step
by step, like the lists of 8 it was trained on: a set of visible numbers, one of which
is the smallest.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..core.checkpoints import Model
from ..core.embedding import BitEmbedding
from ..core.encoding import NumberCodec
from ..core.training import TrainConfig, TrainResult, train
from ..core.transformer import (
    ScoreMLP,
    TransformerShape,
    blocks,
    sinusoidal_positions,
)

__all__ = [
    "NEEConfig",
    "NEE",
    "MaskNetwork",
    "SortStates",
    "engine_loss",
    "hide_pointed",
    "MASK_TRAIN",
    "train_mask_network",
    "Execution",
    "MaskedEngine",
    "train_masked_engine",
    "pointer_scores",
]


@dataclass
class NEEConfig(TransformerShape):
    """Shape of a NEE. The defaults, one encoder and one decoder layer, have 7,980 + 65
    parameters (merge sort builds on them); the shipped selection-sort engine has no
    encoder layer: 4,699 + 65 (`SELECTION_SORT`)."""

    # sinusoidal positional encodings (an ablation: they break length generalization)
    positional: bool = False
    mask_filters: int = 8
    mask_dropout: float = 0.0  # dropout after the mask network's ReLU (the authors')


class NEE(Model):
    """Masked encoder + start-token decoder; returns value bit-logits and pointer
    log-probabilities."""

    def __init__(self, config: NEEConfig):
        super().__init__(config)
        self.embedding = BitEmbedding(
            self.codec, config.d_model, scale=True
        )  # emb(x) = sqrt(d) sum_i x_i v_i
        # score "mlp-symmetric": one scoring MLP shared by every attention block
        scorer = (
            ScoreMLP(config.d_model, config.score_hidden)
            if config.score == "mlp-symmetric"
            else None
        )
        self.encoder = blocks(config, config.encoder_layers, scorer=scorer)
        self.decoder = blocks(config, config.decoder_layers, cross=True, scorer=scorer)
        self.value_head = nn.Linear(config.d_model, self.codec.width)

    def embed(self, bits: torch.Tensor) -> torch.Tensor:
        states = self.embedding(bits)
        if self.config.positional:
            states = states + sinusoidal_positions(
                bits.shape[1], self.config.d_model
            ).to(bits.device)
        return states

    def forward(self, bits: torch.Tensor, hide: torch.Tensor):
        """``bits``: ``(batch, positions, width)``; ``hide``: ``(batch, positions)``,
        True = masked out."""
        memory = self.embed(bits)
        for block in self.encoder:
            memory, _ = block(memory, self_hide=hide)
        start = self.embedding(
            torch.zeros(bits.shape[0], 1, bits.shape[2], device=bits.device)
        )
        state = start  # the start token is the number 0, so this is the zero vector
        for block in self.decoder:
            state, pointer = block(state, memory, memory_hide=hide)
        return self.value_head(state[:, 0]), pointer[:, 0]

    def forward_visible(self, bits: torch.Tensor, hide: torch.Tensor):
        """The same result as :meth:`forward`, computed on the visible positions only.

        Without positional encodings a hidden position influences nothing, so each row
        can be compacted to its visible positions (in order, so ties still resolve to
        the lowest index). For a long list whose prefix is mostly sorted away this is
        several times faster.
        """
        if self.config.positional:
            return self(bits, hide)
        width = int((~hide).sum(1).max())
        keep = torch.argsort(hide.int(), dim=1, stable=True)[:, :width]
        value, pointer = self(
            bits.gather(1, keep[..., None].expand(-1, -1, bits.shape[-1])),
            hide.gather(1, keep),
        )
        return value, torch.full(hide.shape, float("-inf"), device=bits.device).scatter(
            1, keep, pointer
        )


class MaskNetwork(nn.Module):
    """Next mask from (current mask, one-hot pointer): Conv1d (kernel 3) -> ReLU ->
    per-position linear.

    A convolution only sees a small neighbourhood and is shift invariant, so a rule
    learned on short masks ("hide the position the pointer names") holds at every
    position of any length.
    """

    def __init__(self, filters: int = 8, dropout: float = 0.0):
        super().__init__()
        self.conv = nn.Conv1d(2, filters, kernel_size=3, padding=1)
        self.readout = nn.Conv1d(filters, 1, kernel_size=1)
        self.dropout = nn.Dropout(dropout) if dropout > 0 else None

    def forward(
        self, mask: torch.Tensor, pointer_one_hot: torch.Tensor
    ) -> torch.Tensor:
        """Logits of the next mask, one per position (positive = hide)."""
        channels = torch.stack(
            [2 * mask.float() - 1, 2 * pointer_one_hot.float() - 1], dim=1
        )
        hidden = F.relu(self.conv(channels))
        if self.dropout is not None:
            hidden = self.dropout(hidden)
        return self.readout(hidden)[:, 0]


# -----------------------------------------------------------------------------------
# training states
@dataclass
class SortStates:
    """Teacher-forced states of an engine (one row per state): what it sees, and what it
    should answer."""

    bits: torch.Tensor  # (states, positions, width): [x_1 .. x_n, END, padding]
    hide: torch.Tensor  # (states, positions) bool: already selected, or padding
    target: (
        torch.Tensor
    )  # (states, width): bits of the smallest visible number (END when none is left)
    pointer: (
        torch.Tensor
    )  # (states, positions) bool: every visible position holding that number

    @classmethod
    def from_numpy(
        cls, values, hide, target, pointer, codec: NumberCodec
    ) -> SortStates:
        """States from arrays per input: ``values`` (inputs, positions), and per state
        of each input ``hide`` and ``pointer`` (inputs, states, positions) and
        ``target`` (inputs, states); each input's values repeat."""
        count, slots, width = hide.shape
        return cls(
            bits=codec.encode(
                np.repeat(values[:, None, :], slots, 1).reshape(count * slots, width)
            ),
            hide=torch.from_numpy(hide.reshape(count * slots, width)),
            target=codec.encode(target.reshape(-1)),
            pointer=torch.from_numpy(pointer.reshape(count * slots, width)),
        )

    def to(self, device) -> SortStates:
        """The same states on ``device``."""
        return SortStates(
            *(
                getattr(self, name).to(device)
                for name in ("bits", "hide", "target", "pointer")
            )
        )


def engine_loss(engine: NEE, states: SortStates) -> tuple[torch.Tensor, dict]:
    """Value: binary cross-entropy per bit. Pointer: -log of the probability on *any*
    minimum position.

    Equal numbers are indistinguishable without positions, so the pointer may split its
    attention among copies of the minimum; argmax then picks the lowest index, which is
    what the mask network expects.
    """
    value, pointer = engine(states.bits, states.hide)
    value_loss = F.binary_cross_entropy_with_logits(value, states.target)
    pointer_loss = -torch.logsumexp(
        pointer.masked_fill(~states.pointer, float("-inf")), -1
    ).mean()
    correct = ((value > 0) == (states.target > 0.5)).all(-1).float().mean()
    return value_loss + pointer_loss, {
        "value_loss": value_loss.item(),
        "pointer_loss": pointer_loss.item(),
        "value_accuracy": correct.item(),
    }


# --------------------------------------------------------------------------------------
# mask networks
#: The mask network's budget (its seed is the engine's); merge sort's rule takes 400
#: steps instead of 300.
MASK_TRAIN = TrainConfig(
    steps=300, lr=1e-2, warmup_steps=10, min_lr_ratio=0.0, grad_clip=None
)


def hide_pointed(mask: torch.Tensor, pointer: torch.Tensor) -> torch.Tensor:
    """Selection sort's mask rule: also hide the position the pointer names."""
    return mask | pointer.bool()


def train_mask_network(
    filters: int = 8,
    train_config: TrainConfig | None = None,
    length: int = 12,
    progress: bool = False,
    rule=hide_pointed,
    device="cpu",
    dropout: float = 0.0,
) -> tuple[MaskNetwork, TrainResult]:
    """Teach the mask network a local ``rule`` (default: "hide what the pointer names")
    on random masks and pointers of one length. A rule that only looks at neighbouring
    positions, learned here, holds at any length.
    """
    train_config = train_config or MASK_TRAIN
    torch.manual_seed(train_config.seed)
    network = MaskNetwork(filters, dropout)

    def make_batch(generator, device):
        size = train_config.batch_size
        mask = torch.rand(size, length, generator=generator) < torch.rand(
            size, 1, generator=generator
        )
        pointer = F.one_hot(torch.randint(length, (size,), generator=generator), length)
        return (
            mask.to(device),
            pointer.to(device),
            rule(mask, pointer).float().to(device),
        )

    def loss_fn(net, batch):
        mask, pointer, target = batch
        logits = net(mask, pointer)
        return F.binary_cross_entropy_with_logits(logits, target), {
            "mask_accuracy": ((logits > 0) == (target > 0.5))
            .all(-1)
            .float()
            .mean()
            .item()
        }

    result = train(
        network,
        make_batch,
        loss_fn,
        train_config,
        device=device,
        description="mask network",
        progress=progress,
    )
    return network, result


# --------------------------------------------------------------------------------------
# execution
@dataclass
class Execution:
    """A recorded closed-loop run on one batch: the outputs and, if asked, every step's
    state."""

    outputs: list  # per list, the numbers the engine emitted before END
    masks: list = field(
        default_factory=list
    )  # per step, (batch, n+1) bool: the mask the engine saw
    pointers: list = field(
        default_factory=list
    )  # per step, (batch, n+1) pointer probabilities
    values: list = field(default_factory=list)  # per step, (batch,) decoded values


class MaskedEngine(Model):
    """An engine and its mask network, the pair every NEE algorithm runs closed loop
    (subclasses add the loop)."""

    config_class = NEEConfig

    def __init__(self, config: NEEConfig = NEEConfig()):
        super().__init__(config)
        self.engine = NEE(config)
        self.mask_network = MaskNetwork(config.mask_filters, config.mask_dropout)


def train_masked_engine(
    model_class: type[MaskedEngine],
    config: NEEConfig,
    train_config: TrainConfig,
    make_batch,
    rule=hide_pointed,
    mask_steps: int = MASK_TRAIN.steps,
    device="cpu",
    progress: bool = True,
    description: str = "NEE",
    loss_fn=engine_loss,
    compile: bool = False,
) -> tuple[MaskedEngine, TrainResult, TrainResult]:
    """Train a masked engine from scratch: the :class:`NEE` on ``make_batch``'s
    teacher-forced :class:`SortStates`, then a :class:`MaskNetwork` on ``rule``
    (``mask_steps`` steps), then both assembled into a ``model_class`` on ``device``.
    Returns the model and both :class:`~nee_lite.core.training.TrainResult`.

    ``loss_fn`` and ``compile`` let chapter "Preparing to train on a GPU" train under
    mixed precision and ``torch.compile``; the mask network always trains plainly.
    """
    torch.manual_seed(train_config.seed)
    engine = NEE(config).to(device)
    runner = torch.compile(engine) if compile else engine
    engine_result = train(
        runner,
        make_batch,
        loss_fn,
        train_config,
        device=device,
        description=description,
        progress=progress,
    )
    mask_config = replace(
        MASK_TRAIN,
        steps=mask_steps,
        warmup_steps=min(MASK_TRAIN.warmup_steps, mask_steps),
        seed=train_config.seed,
    )
    mask_network, mask_result = train_mask_network(
        config.mask_filters,
        mask_config,
        rule=rule,
        device=device,
        dropout=config.mask_dropout,
    )
    model = model_class(config).to(device)
    model.engine.load_state_dict(engine.state_dict())
    model.mask_network.load_state_dict(mask_network.state_dict())
    return model.eval(), engine_result, mask_result


@torch.no_grad()
def pointer_scores(engine: NEE) -> torch.Tensor:
    """The pointer's score of every number ``0 .. max_value`` and the end token, for an
    engine without encoder layers.

    Without encoder self-attention a number's key depends on that number alone, and the
    decoder's query (from the start token) is always the same, so the pointer picks the
    argmax of one fixed score per number. If the score falls strictly as the number
    grows, the pointer picks the minimum of *every* list, of any length.
    """
    if engine.config.encoder_layers != 0:
        raise ValueError(
            "with encoder layers a number's score depends on the other numbers; no "
            "single table exists"
        )
    values = engine.codec.all_values()
    device = next(engine.parameters()).device
    bits = engine.codec.encode(values)[None].to(device)
    _, pointer = engine(
        bits, torch.zeros(1, len(values), dtype=torch.bool, device=device)
    )
    return (
        pointer[0] - pointer[0].max()
    ).cpu()  # log-softmax over all numbers: differences are the score gaps
