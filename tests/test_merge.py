"""The merge NEE: training states, the advance rule, closed-loop merges, merge sort and
its command line."""

import json
from dataclasses import replace

import pytest
import torch
from helpers import CODEC, shipped_model, train_and_evaluate_with_cli

from nee_lite.core.checkpoints import checkpoint_path
from nee_lite.engines.lists import paper_test_lists
from nee_lite.engines.merge_sort import (
    MergeNEE,
    advance_heads,
    all_head_pairs,
    merge_layout,
    merge_states,
    visible_only,
)
from nee_lite.engines.nee import MASK_TRAIN, NEEConfig, train_mask_network

shipped = shipped_model("merge-sort")


def test_states_follow_the_merge_with_ties_to_the_first_sequence():
    states = merge_states([([3, 7], [3, 5, 250])], max_length=4, codec=CODEC)
    assert states.bits.shape == (9, 10, 9)
    visible = [torch.nonzero(~row).flatten().tolist() for row in states.hide]
    assert visible[:6] == [
        [0, 3],
        [1, 3],
        [1, 4],
        [1, 5],
        [2, 5],
        [2, 6],
    ]  # a's 3 goes first on the tie
    assert CODEC.decode(states.target).tolist()[:6] == [3, 3, 5, 7, 250, 256]
    assert states.pointer[0].tolist()[:4] == [
        True,
        False,
        False,
        True,
    ]  # both 3s are acceptable
    compact = visible_only(states)
    assert compact.bits.shape == (9, 2, 9) and not compact.hide.any()
    with pytest.raises(ValueError, match="at most 4"):
        merge_states([([1] * 5, [2])], max_length=4, codec=CODEC)


def test_advance_rule_and_layout():
    mask = torch.tensor([[0, 1, 1, 0, 1, 1]]).bool()
    assert advance_heads(mask, torch.tensor([[1, 0, 0, 0, 0, 0]])).int().tolist() == [
        [1, 0, 1, 0, 1, 1]
    ]
    assert advance_heads(mask, torch.tensor([[0, 0, 0, 1, 0, 0]])).int().tolist() == [
        [0, 1, 1, 1, 0, 1]
    ]
    assert merge_layout([1, 2], [3]) == [1, 2, 256, 3, 256]


def test_mask_network_learns_the_advance_rule_at_any_length():
    network, _ = train_mask_network(
        train_config=replace(MASK_TRAIN, steps=400),
        rule=advance_heads,
    )
    generator = torch.Generator().manual_seed(3)
    mask = torch.rand(200, 301, generator=generator) < 0.5
    pointer = torch.nn.functional.one_hot(
        torch.randint(301, (200,), generator=generator), 301
    )
    assert torch.equal(network(mask, pointer) > 0, advance_heads(mask, pointer))


def test_untrained_merge_stops_within_k_plus_m_plus_one_steps():
    model = MergeNEE(NEEConfig())
    run = model.merge([([1, 2, 3], [4]), ([5], [6, 7])], record=True)
    assert len(run.masks) <= 5 and all(len(out) <= 5 for out in run.outputs)
    assert len(model.sort([[3, 1, 2], [9]])) == 2
    with pytest.raises(ValueError, match="nothing to merge"):
        model.merge([])


def test_shipped_engine_is_right_on_every_pair_of_heads(shipped):
    result = all_head_pairs(shipped.engine)
    assert (
        result["pairs"] == 257**2
        and result["value"] == 1.0
        and result["pointer"] == 1.0
    )


def test_merge_sort_handles_any_length_and_mixed_lengths(shipped):
    lists = [[3], [9, 1, 9], list(range(37, 0, -1)), [5, 5, 5, 5, 5], [255, 0]]
    assert shipped.sort(lists) == [sorted(x) for x in lists]
    run = shipped.merge([([1, 4, 4], [0, 4, 9])], record=True)
    assert run.outputs == [[0, 1, 4, 4, 4, 9]] and len(run.masks) == 7
    assert all(
        int((~mask).sum()) == 2 for mask in run.masks
    )  # exactly two heads visible at every step


def test_merge_oracle_mask_agrees_with_the_learned_one(shipped):
    pairs = [
        (sorted(x[:30].tolist()), sorted(x[30:].tolist()))
        for x in paper_test_lists(50, count=10, seed=2)
    ]
    assert (
        shipped.merge(pairs).outputs
        == shipped.merge(pairs, oracle_mask=True).outputs
        == [sorted(a + b) for a, b in pairs]
    )


def test_execute_refuses_bad_input(shipped):
    with pytest.raises(ValueError, match="out of range"):
        shipped.execute(torch.tensor([[1, 256]]))
    with pytest.raises(ValueError, match="batch, length"):
        shipped.execute(torch.tensor([1, 2]))
    with pytest.raises(ValueError, match="out of range"):
        shipped.sort([[1, 300]])


def test_shipped_card_matches_its_measurements():
    card = json.loads(checkpoint_path("merge-sort").with_suffix(".json").read_text())
    assert card["task"] == "merge-sort" and card["wall_time_s"] < 300
    assert all(
        row["exact_match"] == 1.0 for row in card["accuracy"] if row["length"] <= 100
    )


def test_cli_train_evaluate_run(tmp_path, capsys):
    out = train_and_evaluate_with_cli("merge-sort", 5, tmp_path, capsys)
    assert "exact_match" in out and "with 0 and 255" in out


def test_cli_refuses_a_missing_input_or_checkpoint_and_another_model(
    tmp_path, cli_refuses
):
    missing = str(tmp_path / "missing.json")
    cli_refuses(["run", "merge-sort", "--input", missing], "cannot read input")
    nothing = str(tmp_path / "nothing")
    cli_refuses(
        ["evaluate", "merge-sort", "--checkpoint", nothing], "no checkpoint card"
    )
    cli_refuses(
        ["run", "merge-sort", "--checkpoint", str(checkpoint_path("selection-sort"))],
        "was saved from SelectionSortNEE, not MergeNEE",  # same shapes, another model
        "[[2, 1]]",
    )
