"""Chapter "Conditional masking": selection sort executed by a Neural Execution Engine,
closed loop.

Find the minimum under a mask, point at it, mask it, repeat: :class:`SelectionSortNEE`
runs a :class:`~nee_lite.engines.nee.NEE` and its
:class:`~nee_lite.engines.nee.MaskNetwork` until the engine emits END. Each step's mask
comes from the engine's own pointer and the mask network, never from the true answer.
:func:`selection_states` gives every teacher-forced state of selection sort for
training, and :data:`SELECTION_SORT` is the shipped model's shape and budget.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ..core.encoding import NumberCodec
from ..core.training import Recipe, TrainConfig
from .lists import SortData, training_lists
from .nee import Execution, MaskedEngine, NEEConfig, SortStates, train_masked_engine

__all__ = [
    "selection_states",
    "SelectionSortNEE",
    "SELECTION_SORT",
    "sort_batches",
    "train_selection_sort_nee",
]


def selection_states(lists, max_length: int, codec: NumberCodec) -> SortStates:
    """Every intermediate state of selection sort on each list, computed in parallel.

    State ``k`` hides the ``k`` numbers selected so far (smallest first, lowest index on
    ties); after the last number the only visible position is END, whose value is the
    answer. Lists shorter than ``max_length`` repeat their final state, so every list
    contributes ``max_length + 1`` rows.
    """
    slots = max_length + 1
    values = np.full((len(lists), slots), codec.end)
    rank = np.full(
        (len(lists), slots), 10**6
    )  # selection order of each slot; padding is never visible
    lengths = np.array([len(x) for x in lists])
    for row, numbers in enumerate(lists):
        numbers = np.asarray(numbers)
        values[row, : len(numbers)] = numbers
        rank[row, np.argsort(numbers, kind="stable")] = np.arange(len(numbers))
        rank[row, len(numbers)] = len(numbers)  # END is selected last
    step = np.minimum(np.arange(slots)[None, :], lengths[:, None])
    hide = (rank[:, None, :] < step[:, :, None]) | (rank[:, None, :] >= 10**6)
    target = np.take_along_axis(
        values, np.argmax(rank[:, None, :] == step[:, :, None], -1), 1
    )
    pointer = (values[:, None, :] == target[:, :, None]) & ~hide
    return SortStates.from_numpy(values, hide, target, pointer, codec)


class SelectionSortNEE(MaskedEngine):
    """Selection sort executed by a :class:`NEE` and a :class:`MaskNetwork`, closed
    loop."""

    @torch.no_grad()
    def execute(
        self, lists, oracle_mask: bool = False, record: bool = False
    ) -> Execution:
        """Sort each list (a ``(batch, n)`` integer tensor) by running the engine until
        it emits END.

        Each step: value and pointer under the current mask; the mask network turns the
        previous mask and the engine's own argmax pointer into the next mask. A list
        stops on its own END (or after ``n + 1`` steps). ``oracle_mask=True`` uses the
        true selection-sort mask instead (an ablation).
        """
        lists = self.codec.check(lists, allow_end=False)
        if lists.dim() != 2 or lists.shape[1] == 0:
            raise ValueError(
                "expected a (batch, length) tensor of numbers, got shape "
                f"{tuple(lists.shape)}"
            )
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
        """Sort lists of any lengths (grouped by length, then batched); returns Python
        lists."""
        results: list = [None] * len(lists)
        by_length: dict[int, list[int]] = {}
        for index, numbers in enumerate(lists):
            by_length.setdefault(len(numbers), []).append(index)
        for indices in by_length.values():
            for start in range(0, len(indices), batch_size):
                chunk = indices[start : start + batch_size]
                outputs = self.execute(
                    torch.tensor([list(lists[i]) for i in chunk])
                ).outputs
                for index, output in zip(chunk, outputs):
                    results[index] = output
        return results


#: The shipped engine: 2,000 steps of 64 lists of 1 to 8 numbers, then 300 steps of the
#: mask network. It has no encoder layer, so each number gets one pointer score that
#: depends on it alone; when those scores fall as numbers grow, the pointer finds the
#: minimum of lists of any length.
SELECTION_SORT = Recipe(
    model=NEEConfig(encoder_layers=0),
    train=TrainConfig(batch_size=64, lr=1e-2, min_lr_ratio=0.0, grad_clip=None),
    data=SortData(),
    mask_steps=300,
)


def sort_batches(train_config: TrainConfig, data: SortData, codec: NumberCodec):
    """A ``make_batch`` drawing ``train_config.batch_size`` fresh training lists and all
    their states."""

    def make_batch(generator, device):
        lists = training_lists(
            train_config.batch_size,
            data.max_length,
            generator,
            data.min_length,
            data.mix,
            high=codec.end,
        )
        states = selection_states([x.numpy() for x in lists], data.max_length, codec)
        return states.to(device)

    return make_batch


def train_selection_sort_nee(
    config: NEEConfig = SELECTION_SORT.model,
    train_config: TrainConfig | None = None,
    data: SortData = SELECTION_SORT.data,
    progress: bool = True,
    device="cpu",
):
    """Train the engine and the mask network from scratch (on ``device``); return the
    assembled model (on ``device``) and both results. The default budget is
    :data:`SELECTION_SORT`'s."""
    train_config = train_config or SELECTION_SORT.train
    return train_masked_engine(
        SelectionSortNEE,
        config,
        train_config,
        sort_batches(train_config, data, NumberCodec(config.bits)),
        mask_steps=SELECTION_SORT.mask_steps,
        device=device,
        progress=progress,
        description="selection-sort NEE",
    )
