"""Chapter "Merge sort": the merge subroutine as a Neural Execution Engine, and merge
sort composed from it.

Merging two sorted sequences is *pointer manipulation* (Yan et al. 2020, section 5.1).
The engine reads ``[a_1 .. a_k, END, b_1 .. b_m, END]`` under a mask that exposes only
the two current heads, one per sequence. Each step it emits the smaller head (value) and
points at it (pointer); the mask network then *advances that sequence's pointer*: it
hides the chosen position and exposes the one to its right. When both heads are END, the
smallest visible value is END and the merge is over.

* :class:`MergeNEE`: the :class:`~nee_lite.engines.nee.NEE` of selection sort (masked
  encoder without positions, start-token decoder, value and pointer) with a mask network
  trained on the advance rule, run closed loop.
* :func:`merge_states`: every teacher-forced state of a batch of merges, for training.
* :meth:`MergeNEE.sort`: bottom-up merge sort of lists of any length, every merge of a
  level in one batch.

Ties between the heads go to the first sequence (the lower index): the pointer's argmax
picks the lowest index among equal numbers, and the training traces advance the first
sequence on a tie. Either choice gives the same merged values, so a tie can never make
the output wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch
import torch.nn.functional as F

from ..core.encoding import NumberCodec
from ..core.training import TrainConfig
from .lists import training_lists
from .nee import (
    NEE,
    Execution,
    MaskedEngine,
    NEEConfig,
    SortStates,
    train_masked_engine,
)
from .selection_sort import SELECTION_SORT

__all__ = [
    "merge_layout",
    "merge_states",
    "advance_heads",
    "MergeData",
    "MergeNEE",
    "MERGE_SORT",
    "all_head_pairs",
    "train_merge_nee",
]


def merge_layout(a, b, end: int = 256) -> list[int]:
    """The engine's input for merging ``a`` and ``b``: ``[a_1 .. a_k, END, b_1 .. b_m,
    END]``."""
    return [int(x) for x in a] + [end] + [int(x) for x in b] + [end]


def initial_mask(lengths_a, width: int) -> torch.Tensor:
    """Hide everything but the two heads: position 0 (start of ``a``) and ``k + 1``
    (start of ``b``)."""
    mask = torch.ones(len(lengths_a), width, dtype=torch.bool)
    rows = torch.arange(len(lengths_a))
    mask[rows, 0] = False
    mask[rows, torch.as_tensor(lengths_a) + 1] = False
    return mask


def advance_heads(mask: torch.Tensor, pointer: torch.Tensor) -> torch.Tensor:
    """The merge's mask rule: hide the position the pointer names and expose the one to
    its right.

    It only reads a position and its left neighbour, so a kernel-3 convolution can learn
    it exactly.
    """
    pointer = pointer.bool()
    from_left = F.pad(pointer, (1, 0))[..., :-1]  # position i - 1 was chosen
    return (mask | pointer) & ~from_left


# -----------------------------------------------------------------------------------
# training states
def merge_states(pairs, max_length: int, codec: NumberCodec) -> SortStates:
    """Every state of merging each ``(a, b)`` pair of sorted sequences (each at most
    ``max_length`` long).

    Row layout ``[a, END, b, END, padding]`` of width ``2 * max_length + 2``; padding is
    always hidden. A merge of ``k + m`` numbers has ``k + m + 1`` states (the last one
    outputs END); shorter merges repeat their final state so that each pair contributes
    ``2 * max_length + 1`` rows.
    """
    width, slots = 2 * max_length + 2, 2 * max_length + 1
    end = codec.end
    values = np.full((len(pairs), width), end)
    hide = np.ones((len(pairs), slots, width), dtype=bool)
    target = np.full((len(pairs), slots), end)
    pointer = np.zeros((len(pairs), slots, width), dtype=bool)
    for row, (a, b) in enumerate(pairs):
        a, b = sorted(int(x) for x in a), sorted(int(x) for x in b)
        if len(a) > max_length or len(b) > max_length:
            raise ValueError(
                f"sequences may hold at most {max_length} numbers, got {len(a)} and "
                f"{len(b)}"
            )
        layout = merge_layout(a, b, end)
        values[row, : len(layout)] = layout
        i, j = 0, len(a) + 1  # the two heads
        for step in range(slots):
            hide[row, step, [i, j]] = False
            smaller = min(layout[i], layout[j])
            target[row, step] = smaller
            pointer[row, step, [i, j]] = [layout[i] == smaller, layout[j] == smaller]
            if smaller == end:
                hide[row, step + 1 :] = hide[row, step]
                target[row, step + 1 :] = end
                pointer[row, step + 1 :] = pointer[row, step]
                break
            if layout[i] <= layout[j]:  # ties: the first sequence advances
                i += 1
            else:
                j += 1
    return SortStates.from_numpy(values, hide, target, pointer, codec)


@dataclass
class MergeData:
    """Training merges: two sorted sequences of 1 to ``max_length`` numbers each, cut
    from one training list.

    Cutting one list (random, small-difference or duplicate-heavy, in ``mix`` shares) in
    two gives merges whose heads are often equal or one apart: the near-ties that decide
    exactness.
    """

    max_length: int = 8
    mix: tuple = (0.5, 0.25, 0.25)


def training_pairs(
    count: int, data: MergeData, generator: torch.Generator
) -> list[tuple[list, list]]:
    """``count`` pairs of sorted sequences for :func:`merge_states`."""
    pairs = []
    for numbers in training_lists(
        count, 2 * data.max_length, generator, min_length=2, mix=data.mix
    ):
        size = len(numbers)
        low, high = max(1, size - data.max_length), min(data.max_length, size - 1)
        cut = torch.randint(low, high + 1, (1,), generator=generator).item()
        pairs.append((sorted(numbers[:cut].tolist()), sorted(numbers[cut:].tolist())))
    return pairs


def visible_only(states: SortStates) -> SortStates:
    """The same states cut down to their visible positions (two per merge state), in
    order.

    Without positional encodings a hidden position changes nothing (see
    ``NEE.forward_visible``), so this is the same training signal as the full rows, at a
    fraction of the cost.
    """
    width = int((~states.hide).sum(1).max())
    keep = torch.argsort(states.hide.int(), dim=1, stable=True)[:, :width]
    return SortStates(
        bits=states.bits.gather(
            1, keep[..., None].expand(-1, -1, states.bits.shape[-1])
        ),
        hide=states.hide.gather(1, keep),
        target=states.target,
        pointer=states.pointer.gather(1, keep),
    )


class MergeNEE(MaskedEngine):
    """The merge subroutine executed by a :class:`~nee_lite.engines.nee.NEE` and a
    :class:`~nee_lite.engines.nee.MaskNetwork`, closed loop, and merge sort built from
    it."""

    @torch.no_grad()
    def merge(
        self, pairs, record: bool = False, oracle_mask: bool = False
    ) -> Execution:
        """Merge each ``(a, b)`` pair of sorted sequences, all pairs in one batch.

        Each step: value and pointer under the current mask (two heads visible); the
        mask network turns the engine's own argmax pointer into the next mask. A row
        stops on its own END (or after ``k + m + 1`` steps); its mask then stays as it
        was. ``oracle_mask=True`` applies the true rule (:func:`advance_heads`) to the
        engine's pointer instead of the mask network (an ablation).
        """
        if not pairs:
            raise ValueError("nothing to merge")
        lengths_a = [len(a) for a, _ in pairs]
        width = max(len(a) + len(b) for a, b in pairs) + 2
        layouts = [merge_layout(a, b, self.codec.end) for a, b in pairs]
        values = torch.full((len(pairs), width), self.codec.end)
        for row, layout in enumerate(layouts):
            values[row, : len(layout)] = self.codec.check(torch.tensor(layout))
        device = next(self.parameters()).device
        bits = self.codec.encode(values).to(device)
        mask = initial_mask(lengths_a, width).to(device)
        outputs: list[list[int]] = [[] for _ in pairs]
        running = torch.ones(len(pairs), dtype=torch.bool, device=device)
        trace = Execution(outputs)
        for _ in range(width - 1):
            value_logits, pointer = self.engine.forward_visible(bits, mask)
            emitted = self.codec.decode_logits(value_logits)
            if record:
                trace.masks.append(mask.cpu().clone())
                trace.pointers.append(pointer.exp().cpu())
                trace.values.append(emitted.cpu())
            running &= emitted != self.codec.end
            for row in torch.nonzero(running).flatten().tolist():
                outputs[row].append(int(emitted[row]))
            if not running.any():
                break
            choice = F.one_hot(pointer.argmax(-1), width)
            new_mask = (
                advance_heads(mask, choice)
                if oracle_mask
                else self.mask_network(mask, choice) > 0
            )
            mask = torch.where(running[:, None], new_mask, mask)
        return trace

    def merge_sort(self, lists) -> list[list[int]]:
        """Bottom-up merge sort of lists of any lengths: start from runs of one number,
        merge neighbouring runs level by level (an odd run out waits for the next
        level), every merge of a level in one batch."""
        runs = [[[int(x)] for x in numbers] for numbers in lists]
        while any(len(list_runs) > 1 for list_runs in runs):
            pairs, slots = [], []
            for index, list_runs in enumerate(runs):
                for start in range(0, len(list_runs) - 1, 2):
                    pairs.append((list_runs[start], list_runs[start + 1]))
                    slots.append((index, start))
            merged = self.merge(pairs).outputs
            next_runs = [[] if len(list_runs) > 1 else list_runs for list_runs in runs]
            for (index, start), output in zip(slots, merged):
                next_runs[index].append(output)
                if start + 3 == len(runs[index]):  # odd run out, carried up unchanged
                    next_runs[index].append(runs[index][-1])
            runs = next_runs
        return [list_runs[0] if list_runs else [] for list_runs in runs]

    def execute(self, lists) -> Execution:
        """Sort a ``(batch, n)`` tensor of numbers (the same interface as the
        selection-sort NEE)."""
        lists = self.codec.check(lists, allow_end=False)
        if lists.dim() != 2 or lists.shape[1] == 0:
            raise ValueError(
                "expected a (batch, length) tensor of numbers, got shape "
                f"{tuple(lists.shape)}"
            )
        return Execution(self.merge_sort(lists.tolist()))

    def sort(self, lists) -> list[list[int]]:
        """Sort lists of any lengths (Python lists of integers in range); returns Python
        lists."""
        for numbers in lists:
            self.codec.check(torch.tensor(list(numbers)), allow_end=False)
        return self.merge_sort(lists)


#: The shipped merge engine: the selection-sort budget with 1,500 steps of 64 merges of
#: sequences of 1 to 8 numbers; the mask network's advance rule takes 400 steps.
MERGE_SORT = replace(
    SELECTION_SORT,
    model=NEEConfig(),
    train=replace(SELECTION_SORT.train, steps=1500),
    data=MergeData(),
    mask_steps=400,
)


def train_merge_nee(
    config: NEEConfig = MERGE_SORT.model,
    train_config: TrainConfig | None = None,
    data: MergeData = MERGE_SORT.data,
    progress: bool = True,
    device="cpu",
):
    """Train the merge engine on every teacher-forced state of fresh merges of sequences
    of at most ``data.max_length``, then its mask network on :func:`advance_heads`;
    return the model (on ``device``) and both results. The default budget is
    :data:`MERGE_SORT`'s."""
    train_config = train_config or MERGE_SORT.train
    codec = NumberCodec(config.bits)

    def make_batch(generator, device):
        states = visible_only(
            merge_states(
                training_pairs(train_config.batch_size, data, generator),
                data.max_length,
                codec,
            )
        )
        return states.to(device)

    return train_masked_engine(
        MergeNEE,
        config,
        train_config,
        make_batch,
        rule=advance_heads,
        mask_steps=MERGE_SORT.mask_steps,
        device=device,
        progress=progress,
        description="merge NEE",
    )


@torch.no_grad()
def all_head_pairs(engine: NEE) -> dict:
    """Run the engine on every pair of heads ``(x, y)``, ``x, y`` in ``0 .. END``
    (66,049 pairs for 8 bits).

    With two positions visible and no positional encodings, a merge step depends on
    nothing but its two heads and their order. So if the engine is right on every pair
    (value ``min(x, y)``, pointer on ``x`` when ``x <= y``), and the mask network
    applies its rule exactly, every merge of any length is right.
    """
    codec = engine.codec
    numbers = codec.all_values()
    x, y = torch.meshgrid(numbers, numbers, indexing="ij")
    x, y = x.flatten(), y.flatten()
    device = next(engine.parameters()).device
    value, pointer = engine(
        codec.encode(torch.stack([x, y], 1)).to(device),
        torch.zeros(len(x), 2, dtype=torch.bool, device=device),
    )
    value, pointer = codec.decode_logits(value).cpu(), pointer.argmax(-1).cpu()
    value_ok, pointer_ok = value == torch.minimum(x, y), pointer == (x > y).long()
    wrong = torch.nonzero(~(value_ok & pointer_ok)).flatten()
    return {
        "pairs": len(x),
        "value": value_ok.float().mean().item(),
        "pointer": pointer_ok.float().mean().item(),
        "wrong": [(int(x[i]), int(y[i])) for i in wrong[:20]],
    }
