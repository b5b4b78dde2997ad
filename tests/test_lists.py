"""Test lists follow the paper's recipe and the sorting score is strict."""

import json

import pytest
import torch

from nee_lite.core.checkpoints import checkpoint_path, load_model
from nee_lite.engines.lists import (
    all_equal_lists,
    descending_lists,
    duplicate_lists,
    extreme_lists,
    near_tie_lists,
    paper_test_lists,
    score_sorted,
    zero_and_255_lists,
)


def is_progression(values, step):
    values = sorted(values)
    return all(b - a == step for a, b in zip(values, values[1:]))


def test_paper_mix_is_60_random_then_40_small_difference_lists():
    lists = paper_test_lists(25, count=100, seed=0)
    assert lists.shape == (100, 25) and lists.min() >= 0 and lists.max() <= 255
    for index, step in ((60, 1), (70, 2), (80, 3), (99, 4)):
        assert is_progression(lists[index].tolist(), step)
    assert not any(is_progression(row.tolist(), 1) for row in lists[:60])


def test_long_lists_hold_a_60_number_progression_and_random_padding():
    lists = paper_test_lists(100, seed=0)
    assert lists.shape == (100, 100)
    for index, step in ((60, 1), (99, 4)):
        present = set(lists[index].tolist())
        assert any(
            all(start + step * k in present for k in range(60)) for start in range(256)
        )


def test_fixed_seed_fixed_lists():
    assert torch.equal(paper_test_lists(50, seed=3), paper_test_lists(50, seed=3))
    assert not torch.equal(paper_test_lists(50, seed=3), paper_test_lists(50, seed=4))


def test_duplicates_and_extremes():
    dup = duplicate_lists(30, count=20)
    assert all(len(set(row.tolist())) <= 3 for row in dup)
    assert all(sorted(row.tolist()).count(min(row.tolist())) == 1 for row in dup[1::2])
    ext = extreme_lists(30, count=20)
    assert all(0 in row.tolist() and 255 in row.tolist() for row in ext)


def test_hard_families_for_long_lists():
    equal = all_equal_lists(40, count=10, seed=777)
    assert equal.shape == (10, 40) and all(len(set(row.tolist())) == 1 for row in equal)
    assert len(set(equal[:, 0].tolist())) > 1  # a different number per list
    ties = near_tie_lists(300, count=10, seed=777)
    assert ties.shape == (10, 300) and ties.min() >= 0 and ties.max() <= 255
    for row in ties[0::2]:
        assert max(row.tolist()) - min(row.tolist()) <= 1
    for row in near_tie_lists(50, count=10, seed=777)[1::2]:
        values = sorted(row.tolist())
        assert all(
            b - a == 1 for a, b in zip(values, values[1:])
        )  # a run that fits does not wrap
        assert row.tolist() != values  # shuffled
    extremes = zero_and_255_lists(60, count=10, seed=777)
    assert set(extremes.unique().tolist()) == {0, 255}
    descending = descending_lists(30, count=10, seed=777)
    assert all(row.tolist() == sorted(row.tolist(), reverse=True) for row in descending)
    for make in (all_equal_lists, near_tie_lists, zero_and_255_lists, descending_lists):
        assert torch.equal(make(25, seed=777), make(25, seed=777))
        assert not torch.equal(make(25, seed=777), make(25, seed=778))


def test_score_is_strict_about_whole_lists():
    inputs = [[3, 1, 2], [5, 5, 4]]
    assert score_sorted([[1, 2, 3], [4, 5, 5]], inputs) == {
        "per_element": 1.0,
        "exact_match": 1.0,
        "lists": 2,
    }
    partial = score_sorted([[1, 2, 4], [4, 5]], inputs)
    assert partial["exact_match"] == 0.0 and partial["per_element"] == 4 / 6
    assert (
        score_sorted([[1, 2, 3, 9]], [[3, 1, 2]])["exact_match"] == 0.0
    )  # an extra number is wrong


def test_stored_test_sets_are_what_the_generator_makes():
    import json

    from nee_lite.core.checkpoints import data_dir
    from nee_lite.engines.lists import sorting_test_sets

    stored = json.loads((data_dir() / "test_sets" / "sorting.json").read_text())
    generated = sorting_test_sets(seed=0)
    assert [(row["test"], row["length"]) for row in stored] == [
        (name, n) for name, n, _ in generated
    ]
    assert all(
        row["lists"] == lists.tolist() for row, (_, _, lists) in zip(stored, generated)
    )


@pytest.mark.parametrize("task", ["selection-sort", "merge-sort"])
def test_shipped_sorting_engines_are_exact_on_long_and_duplicate_lists(task):
    engine = load_model(checkpoint_path(task))
    for lists in (
        paper_test_lists(100, count=20, seed=5),
        duplicate_lists(60, count=20, seed=5),
    ):
        outputs = engine.execute(lists).outputs
        assert score_sorted(outputs, lists.tolist())["exact_match"] == 1.0


@pytest.mark.parametrize(
    "task, longest", [("selection-sort", 600), ("merge-sort", 300)]
)
def test_cli_sorts_with_the_shipped_engines_and_refuses_bad_lists(
    cli_output, cli_refuses, task, longest
):
    lists = [[5, 3, 9, 3], [1], [x % 256 for x in range(longest, 0, -1)]]
    assert cli_output(["run", task], json.dumps(lists)) == [sorted(x) for x in lists]
    for content, message in (
        ("[[1, 2], []]", "item 1: the list is empty"),
        ("[[1, 300]]", "position 1"),
        ('[[1, "inf"]]', "cannot be sorted"),
        ("[3]", "item 0: expected a list"),
        ("[]", "non-empty JSON array"),
        ('{"a": 1}', "non-empty JSON array"),
        ("[[1, -2]]", "negative number"),
        ("[[1.5]]", "is not a number"),
        ("[[1, 2", "not valid JSON"),
        ("[[true]]", "is not a number"),
    ):
        cli_refuses(["run", task], message, content)
