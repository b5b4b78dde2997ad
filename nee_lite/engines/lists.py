"""Lists to sort: the paper's test distribution, harder variants, and how to score a
sorted output.

The NEE paper tests on a mix that is hard on purpose (footnote 5): most errors of a
learned sorter are numbers regenerated off by a small difference, so 40 % of the test
lists are arithmetic progressions with small steps. For each length: 60 lists of uniform
random numbers (with replacement) and 40 "small-difference" lists, progressions with
step 1, 2, 3 and 4 (10 each) from a random start, shuffled. A progression of more than
60 numbers would not fit in 8 bits with step 4, so above length 60 the progression is 60
long and the rest of the list is random.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import torch

__all__ = [
    "random_lists",
    "small_difference_lists",
    "paper_test_lists",
    "duplicate_lists",
    "extreme_lists",
    "all_equal_lists",
    "near_tie_lists",
    "zero_and_255_lists",
    "descending_lists",
    "SortData",
    "training_lists",
    "sorting_test_sets",
    "score_sorted",
    "table_scores",
    "sorting_table",
    "card_sorting_table",
    "FAMILIES",
    "FAMILY_TEST_SEED",
    "family_table",
]

PROGRESSION_CAP = 60  # longest arithmetic progression in a test list
PROGRESSION_STEPS = (1, 2, 3, 4)


def random_lists(
    count: int, length: int, generator: torch.Generator, high: int = 256
) -> torch.Tensor:
    """``count`` lists of ``length`` numbers drawn uniformly from ``[0, high)`` with
    replacement."""
    return torch.randint(high, (count, length), generator=generator)


def small_difference_lists(
    count: int, length: int, generator: torch.Generator, high: int = 256
) -> torch.Tensor:
    """Shuffled arithmetic progressions (step 1 to 4, cycling), random-padded past
    :data:`PROGRESSION_CAP`."""
    rows = []
    for index in range(count):
        step = (
            PROGRESSION_STEPS[index * len(PROGRESSION_STEPS) // count]
            if count > 1
            else PROGRESSION_STEPS[
                torch.randint(len(PROGRESSION_STEPS), (1,), generator=generator).item()
            ]
        )
        run = min(length, PROGRESSION_CAP)
        start = torch.randint(high - step * (run - 1), (1,), generator=generator).item()
        row = torch.cat(
            [
                start + step * torch.arange(run),
                torch.randint(high, (length - run,), generator=generator),
            ]
        )
        rows.append(row[torch.randperm(length, generator=generator)])
    return torch.stack(rows) if rows else torch.empty(0, length, dtype=torch.long)


def paper_test_lists(
    length: int, count: int = 100, seed: int = 0, high: int = 256
) -> torch.Tensor:
    """The paper's test set for one length: 60 % random lists, then 40 %
    small-difference lists."""
    generator = torch.Generator().manual_seed(seed * 100003 + length)
    n_random = round(0.6 * count)
    return torch.cat(
        [
            random_lists(n_random, length, generator, high),
            small_difference_lists(count - n_random, length, generator, high),
        ]
    )


def duplicate_lists(
    length: int, count: int = 100, seed: int = 0, high: int = 256
) -> torch.Tensor:
    """Lists full of repeats, the hardest case for soft attention.

    Even rows draw every number from a pool of 1 to 3 values that lie within 8 of each
    other; odd rows hold one copy of a number ``a`` and fill the rest with ``a + 1`` and
    ``a + 2``, so the minimum is a single element among near-identical copies.
    """
    generator = torch.Generator().manual_seed(seed * 100003 + length + 7)
    rows = []
    for index in range(count):
        if index % 2 == 0:
            pool = (
                torch.randint(high - 8, (1,), generator=generator)
                + torch.randperm(8, generator=generator)[
                    : torch.randint(1, 4, (1,), generator=generator).item()
                ]
            )
            rows.append(pool[torch.randint(len(pool), (length,), generator=generator)])
        else:
            low = torch.randint(high - 3, (1,), generator=generator).item()
            row = low + 1 + torch.randint(2, (length,), generator=generator)
            row[torch.randint(length, (1,), generator=generator)] = low
            rows.append(row)
    return torch.stack(rows)


@dataclass
class SortData:
    """What the engine trains on: list lengths and the share of random /
    small-difference / duplicate lists."""

    max_length: int = 8
    min_length: int = 1
    mix: tuple = (0.5, 0.25, 0.25)


def training_lists(
    count: int,
    max_length: int,
    generator: torch.Generator,
    min_length: int = 1,
    mix=(0.5, 0.25, 0.25),
    high: int = 256,
) -> list[torch.Tensor]:
    """Training lists of random lengths: random, small-difference and duplicate-heavy,
    in the ``mix`` shares.

    Training on the hard kinds of list too (not only uniform random numbers) gives the
    engines the near-ties that long test lists are full of.
    """
    lists = []
    for _ in range(count):
        length = torch.randint(
            min_length, max_length + 1, (1,), generator=generator
        ).item()
        kind = torch.rand(1, generator=generator).item()
        if kind < mix[0]:
            lists.append(torch.randint(high, (length,), generator=generator))
        elif kind < mix[0] + mix[1]:
            lists.append(small_difference_lists(1, length, generator, high)[0])
        else:
            pool = (
                torch.randint(high - 8, (1,), generator=generator)
                + torch.randperm(8, generator=generator)[
                    : torch.randint(1, 4, (1,), generator=generator).item()
                ]
            )
            lists.append(pool[torch.randint(len(pool), (length,), generator=generator)])
    return lists


def extreme_lists(
    length: int, count: int = 100, seed: int = 0, high: int = 256
) -> torch.Tensor:
    """Random lists that always contain both the smallest (0) and the largest (``high -
    1``) number."""
    generator = torch.Generator().manual_seed(seed * 100003 + length + 13)
    lists = random_lists(count, length, generator, high)
    lists[:, 0], lists[:, -1] = 0, high - 1
    order = torch.argsort(torch.rand(count, length, generator=generator), dim=1)
    return torch.gather(lists, 1, order)


# Harder families for long lists (the selection-sort seeds benchmark). Each has its own
# seed offset.
def all_equal_lists(
    length: int, count: int = 100, seed: int = 0, high: int = 256
) -> torch.Tensor:
    """Lists whose numbers are all the same (one random number per list)."""
    generator = torch.Generator().manual_seed(seed * 100003 + length + 17)
    return (
        torch.randint(high, (count, 1), generator=generator)
        .expand(count, length)
        .clone()
    )


def near_tie_lists(
    length: int, count: int = 100, seed: int = 0, high: int = 256
) -> torch.Tensor:
    """Lists of near-ties: even rows hold only ``a`` and ``a + 1``; odd rows a shuffled
    run of consecutive numbers (``a, a + 1, ...``; a run longer than ``high`` wraps
    around to 0)."""
    generator = torch.Generator().manual_seed(seed * 100003 + length + 19)
    rows = []
    for index in range(count):
        if index % 2 == 0:
            low = torch.randint(high - 1, (1,), generator=generator).item()
            rows.append(low + torch.randint(2, (length,), generator=generator))
        else:
            start = (
                torch.randint(high - length + 1, (1,), generator=generator).item()
                if length <= high
                else torch.randint(high, (1,), generator=generator).item()
            )
            run = (start + torch.arange(length)) % high
            rows.append(run[torch.randperm(length, generator=generator)])
    return torch.stack(rows)


def zero_and_255_lists(
    length: int, count: int = 100, seed: int = 0, high: int = 256
) -> torch.Tensor:
    """Lists of only the smallest and the largest number (0 and ``high - 1``), each
    drawn with probability 1/2."""
    generator = torch.Generator().manual_seed(seed * 100003 + length + 23)
    return torch.randint(2, (count, length), generator=generator) * (high - 1)


def descending_lists(
    length: int, count: int = 100, seed: int = 0, high: int = 256
) -> torch.Tensor:
    """Uniform random lists, sorted in descending order (the minimum is always last)."""
    generator = torch.Generator().manual_seed(seed * 100003 + length + 29)
    return torch.sort(
        random_lists(count, length, generator, high), dim=1, descending=True
    ).values


TEST_SET_LENGTHS = (8, 25, 50, 75, 100, 200)
HARD_SET_LENGTHS = (8, 100)


def sorting_test_sets(seed: int = 0) -> list[tuple[str, int, torch.Tensor]]:
    """The book's fixed sorting test sets: the paper's mix per length, then duplicates
    and 0-and-255 lists.

    ``data/test_sets/sorting.json`` stores exactly these lists (``nee-lite`` and the
    chapters regenerate them from the seed; a test checks that the generator still
    reproduces the stored file).
    """
    sets = [("paper", n, paper_test_lists(n, seed=seed)) for n in TEST_SET_LENGTHS]
    sets += [
        (name, n, make(n, seed=seed))
        for name, make in (
            ("duplicates", duplicate_lists),
            ("with 0 and 255", extreme_lists),
        )
        for n in HARD_SET_LENGTHS
    ]
    return sets


def score_sorted(predicted: list[list[int]], inputs) -> dict:
    """Per-element accuracy and whole-list exact match of ``predicted`` against
    ``sorted(inputs)``.

    Per-element accuracy counts positions of the true sorted list that hold the right
    number (a missing position is wrong, an extra one is ignored); exact match requires
    the whole list, and its length, right. This is stricter than the paper's code, which
    only counted elements.
    """
    correct = total = exact = 0
    for guess, source in zip(predicted, inputs):
        truth = sorted(int(x) for x in source)
        guess = [int(x) for x in guess]
        correct += sum(g == t for g, t in zip(guess, truth))
        total += len(truth)
        exact += guess == truth
    count = max(len(predicted), 1)
    return {
        "per_element": correct / max(total, 1),
        "exact_match": exact / count,
        "lists": len(predicted),
    }


def table_scores(predicted: list[list[int]], inputs) -> dict:
    """:func:`score_sorted` as a table's row records it: the number of lists, then the
    two accuracies rounded to 6 places."""
    score = score_sorted(predicted, inputs)
    return {
        "lists": score["lists"],
        "per_element": round(score["per_element"], 6),
        "exact_match": round(score["exact_match"], 6),
    }


SORT_LENGTHS = (8, 25, 50, 75, 100, 200)  # the lengths of a sorter's accuracy table
QUICK_SORT_LENGTHS = (8, 25)  # the smoke test's table (`nee-lite reproduce --quick`)


def sorting_table(
    model, lengths=SORT_LENGTHS, seed: int = 0, hard_sets: bool = True
) -> list[dict]:
    """Closed-loop accuracy of a sorter on the paper's test lists and (``hard_sets``)
    the harder sets.

    Any sorter with ``execute(lists).outputs`` fits: the selection-sort NEE and the
    merge-sort NEE.
    """
    sets = [("paper", n, paper_test_lists(n, seed=seed)) for n in lengths]
    if hard_sets:
        sets += [
            (name, n, lists)
            for name, n, lists in sorting_test_sets(seed)
            if name != "paper"
        ]
    rows = []
    for name, length, lists in sets:
        outputs = model.execute(lists).outputs
        rows.append(
            {"test": name, "length": length, **table_scores(outputs, lists.tolist())}
        )
    return rows


def card_sorting_table(model, quick: bool = False) -> list[dict]:
    """The table a sorter's card records: every test set, or (``quick``) the paper's
    lists of 8 and 25 only."""
    return (
        sorting_table(model, QUICK_SORT_LENGTHS, hard_sets=False)
        if quick
        else sorting_table(model)
    )


#: The hard list families a sorter is tested on over seeds (fresh lists, drawn with
#: :data:`FAMILY_TEST_SEED`, never used in training).
FAMILIES = {
    "paper": paper_test_lists,
    "duplicates": duplicate_lists,
    "all-equal": all_equal_lists,
    "near-ties": near_tie_lists,
    "only 0 and 255": zero_and_255_lists,
    "descending": descending_lists,
}
FAMILY_TEST_SEED = 777


def family_table(model, lengths, count, families=tuple(FAMILIES)) -> list[dict]:
    """Closed-loop scores of a sorter per family and length (lists in chunks of 100);
    ``count``: lists per family, one number or one per length."""
    rows = []
    counts = count if isinstance(count, list) else [count] * len(lengths)
    for length, count in zip(lengths, counts):
        for name in families:
            lists = FAMILIES[name](length, count=count, seed=FAMILY_TEST_SEED)
            started = time.perf_counter()
            outputs = []
            for start in range(0, len(lists), 100):
                outputs += model.execute(lists[start : start + 100]).outputs
            rows.append(
                {
                    "family": name,
                    "length": length,
                    **table_scores(outputs, lists.tolist()),
                    "seconds": round(time.perf_counter() - started, 1),
                }
            )
    return rows
