"""Lists to sort: the paper's test distribution, harder variants, and how to score a sorted output.

The NEE paper tests on a mix that is hard on purpose (footnote 5): most errors of a learned sorter are numbers
regenerated off by a small difference, so 40 % of the test lists are arithmetic progressions with small steps.
For each length: 60 lists of uniform random numbers (with replacement) and 40 "small-difference" lists,
progressions with step 1, 2, 3 and 4 (10 each) from a random start, shuffled. A progression of more than 60
numbers would not fit in 8 bits with step 4, so above length 60 the progression is 60 long and the rest of the
list is random.
"""

from __future__ import annotations

import torch

__all__ = [
    "random_lists",
    "small_difference_lists",
    "paper_test_lists",
    "duplicate_lists",
    "extreme_lists",
    "score_sorted",
]

PROGRESSION_CAP = 60  # longest arithmetic progression in a test list
PROGRESSION_STEPS = (1, 2, 3, 4)


def random_lists(count: int, length: int, generator: torch.Generator, high: int = 256) -> torch.Tensor:
    """``count`` lists of ``length`` numbers drawn uniformly from ``[0, high)`` with replacement."""
    return torch.randint(high, (count, length), generator=generator)


def small_difference_lists(count: int, length: int, generator: torch.Generator, high: int = 256) -> torch.Tensor:
    """Shuffled arithmetic progressions (step 1 to 4, cycling), random-padded past :data:`PROGRESSION_CAP`."""
    rows = []
    for index in range(count):
        step = PROGRESSION_STEPS[index * len(PROGRESSION_STEPS) // max(count, 1)]
        run = min(length, PROGRESSION_CAP)
        start = torch.randint(high - step * (run - 1), (1,), generator=generator).item()
        row = torch.cat([start + step * torch.arange(run), torch.randint(high, (length - run,), generator=generator)])
        rows.append(row[torch.randperm(length, generator=generator)])
    return torch.stack(rows) if rows else torch.empty(0, length, dtype=torch.long)


def paper_test_lists(length: int, count: int = 100, seed: int = 0, high: int = 256) -> torch.Tensor:
    """The paper's test set for one length: 60 % random lists, then 40 % small-difference lists."""
    generator = torch.Generator().manual_seed(seed * 100003 + length)
    n_random = round(0.6 * count)
    return torch.cat([
        random_lists(n_random, length, generator, high),
        small_difference_lists(count - n_random, length, generator, high),
    ])


def duplicate_lists(length: int, count: int = 100, distinct: int = 4, seed: int = 0, high: int = 256) -> torch.Tensor:
    """Lists built from only ``distinct`` different values, so almost every number is repeated."""
    generator = torch.Generator().manual_seed(seed * 100003 + length + 7)
    pools = torch.stack([torch.randperm(high, generator=generator)[:distinct] for _ in range(count)])
    return torch.gather(pools, 1, torch.randint(distinct, (count, length), generator=generator))


def extreme_lists(length: int, count: int = 100, seed: int = 0, high: int = 256) -> torch.Tensor:
    """Random lists that always contain both the smallest (0) and the largest (``high - 1``) number."""
    generator = torch.Generator().manual_seed(seed * 100003 + length + 13)
    lists = random_lists(count, length, generator, high)
    lists[:, 0], lists[:, -1] = 0, high - 1
    order = torch.argsort(torch.rand(count, length, generator=generator), dim=1)
    return torch.gather(lists, 1, order)


def score_sorted(predicted: list[list[int]], inputs) -> dict:
    """Per-element accuracy and whole-list exact match of ``predicted`` against ``sorted(inputs)``.

    Per-element accuracy counts positions of the true sorted list that hold the right number (a missing
    position is wrong, an extra one is ignored); exact match requires the whole list, and its length, right.
    This is stricter than the paper's code, which only counted elements.
    """
    correct = total = exact = 0
    for guess, source in zip(predicted, inputs):
        truth = sorted(int(x) for x in source)
        guess = [int(x) for x in guess]
        correct += sum(g == t for g, t in zip(guess, truth))
        total += len(truth)
        exact += guess == truth
    count = max(len(predicted), 1)
    return {"per_element": correct / max(total, 1), "exact_match": exact / count, "lists": len(predicted)}
