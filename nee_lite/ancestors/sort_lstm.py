"""Chapter "NPI: sorting": the sequence-to-sequence LSTM baseline the NPI paper compares
against.

The learning-to-execute LSTM (:class:`~nee_lite.ancestors.lte.CharSeq2Seq`: an encoder
LSTM reads the input, a decoder LSTM writes the answer) reads an array of digits as a
string (``"3142"``) and writes it sorted, then ``.`` (``"1234."``). It trains on the
arrays the NPI's traces come from (the same lengths, fresh arrays every step) with only
the sorted array as supervision. At test time it writes greedily, up to the input's
length plus two characters; an answer is exact when it is the sorted array followed by
``.``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..core.training import Recipe, TrainResult, train
from .lte import CharSeq2Seq, Example, LTEConfig, lstm_budget, teacher_forced
from .npi_sort_env import random_arrays

__all__ = [
    "SortLSTMData",
    "SORT_LSTM",
    "train_sort_lstm",
    "lstm_sort",
    "lstm_sort_table",
]


@dataclass(frozen=True)
class SortLSTMData:
    max_length: int = 8
    min_length: int = 1


#: The baseline: the learning-to-execute LSTM's shape and budget style (chosen on arrays
#: of the training lengths).
SORT_LSTM = Recipe(
    model=LTEConfig(hidden=128),
    train=lstm_budget(2000, 64, 1e-2),
    data=SortLSTMData(),
)


def _example(array: list[int]) -> Example:
    return Example("".join(map(str, array)), "".join(map(str, sorted(array))) + ".")


def train_sort_lstm(
    recipe: Recipe = SORT_LSTM, progress: bool = True
) -> tuple[CharSeq2Seq, TrainResult]:
    """Train on fresh random arrays of the recipe's lengths every step (teacher
    forcing).
    """
    train_config, data = recipe.train, recipe.data
    torch.manual_seed(train_config.seed)
    model = CharSeq2Seq(recipe.model)

    def make_batch(generator, device):
        seed = int(torch.randint(2**31, (1,), generator=generator))
        arrays = random_arrays(
            train_config.batch_size, (data.min_length, data.max_length), seed=seed
        )
        return [_example(array) for array in arrays]

    def loss_fn(net, examples):
        loss, hits, keep = teacher_forced(net, examples)
        return loss, {"char_accuracy": (hits.sum() / keep.sum()).item()}

    return model, train(
        model,
        make_batch,
        loss_fn,
        train_config,
        description="seq2seq LSTM sorting",
        progress=progress,
    )


def lstm_sort(model: CharSeq2Seq, arrays: list[list[int]]) -> list[list[int] | None]:
    """The LSTM's answers as arrays (``None`` where it wrote something that is not
    digits then ``.``)."""
    longest = max(len(a) for a in arrays) + 2
    answers = []
    for text in model.greedy(["".join(map(str, a)) for a in arrays], longest):
        body, dot, _ = text.partition(".")
        answers.append([int(d) for d in body] if dot and body.isdigit() else None)
    return answers


def lstm_sort_table(model: CharSeq2Seq, tests, seed: int = 0) -> list[dict]:
    """Per-element accuracy (position by position; a malformed answer scores its digits
    that line up) and exact match, for each ``(length, arrays)`` of ``tests``: the same
    arrays as :func:`~.npi_sort.sort_table`."""
    rows = []
    for length, count in tests:
        arrays = random_arrays(count, length, seed=seed)
        texts = model.greedy(["".join(map(str, a)) for a in arrays], length + 2)
        right = exact = 0
        for text, array in zip(texts, arrays):
            truth = "".join(map(str, sorted(array)))
            right += sum(x == y for x, y in zip(text, truth))
            exact += text.startswith(truth + ".")
        rows.append(
            {
                "length": length,
                "arrays": count,
                "per_element": right / (count * length),
                "exact_match": exact / count,
            }
        )
    return rows
