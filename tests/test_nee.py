"""The selection-sort NEE: training states, the mask network, closed-loop execution and
the shipped checkpoint."""

import json

import pytest
import torch

from nee_lite import NumberCodec
from nee_lite.core.checkpoints import checkpoint_path, load_model
from nee_lite.engines.nee import NEE, NEEConfig, train_mask_network
from nee_lite.engines.selection_sort import SelectionSortNEE, selection_states

CODEC = NumberCodec(8)


@pytest.fixture(scope="module")
def shipped():
    return load_model(checkpoint_path("selection-sort"))


def test_states_follow_selection_sort_with_ties_and_padding():
    states = selection_states([[7, 3, 250, 3], [5]], max_length=4, codec=CODEC)
    assert states.bits.shape == (10, 5, 9) and states.hide.shape == (10, 5)
    targets = CODEC.decode(states.target).tolist()
    assert targets[:5] == [3, 3, 7, 250, 256] and targets[5:] == [5, 256, 256, 256, 256]
    assert states.pointer[0].tolist() == [
        False,
        True,
        False,
        True,
        False,
    ]  # both 3s are acceptable
    assert states.hide[1].tolist() == [
        False,
        True,
        False,
        False,
        False,
    ]  # the first 3 (lowest index) went first
    assert states.hide[5].tolist() == [
        False,
        False,
        True,
        True,
        True,
    ]  # padding is always hidden


def test_mask_network_learns_its_rule_at_any_length():
    network, _ = train_mask_network()  # the shipped mask budget, MASK_TRAIN
    generator = torch.Generator().manual_seed(3)
    mask = torch.rand(200, 301, generator=generator) < 0.5
    pointer = torch.nn.functional.one_hot(
        torch.randint(301, (200,), generator=generator), 301
    )
    assert torch.equal(network(mask, pointer) > 0, mask | pointer.bool())


def test_hidden_positions_change_nothing_without_positional_encodings():
    torch.manual_seed(0)
    engine = NEE(NEEConfig()).eval()
    bits = CODEC.encode(torch.randint(256, (4, 12)))
    hide = torch.rand(4, 12) < 0.5
    hide[:, -1] = False
    value, pointer = engine(bits, hide)
    fast_value, fast_pointer = engine.forward_visible(bits, hide)
    assert torch.allclose(value, fast_value, atol=1e-5)
    assert torch.allclose(pointer.exp(), fast_pointer.exp(), atol=1e-5)


def test_untrained_model_stops_after_n_plus_one_steps():
    model = SelectionSortNEE(NEEConfig())
    run = model.execute(torch.randint(256, (3, 5)), record=True)
    assert len(run.masks) <= 6 and all(len(out) <= 6 for out in run.outputs)


def test_sort_handles_mixed_lengths(shipped):
    lists = [[3], [9, 1, 9], list(range(30, 0, -1))]
    assert shipped.sort(lists) == [sorted(x) for x in lists]


def test_execute_refuses_bad_input(shipped):
    with pytest.raises(ValueError, match="out of range"):
        shipped.execute(torch.tensor([[1, 256]]))
    with pytest.raises(ValueError, match="batch, length"):
        shipped.execute(torch.tensor([1, 2]))


def test_shipped_card_matches_its_measurements(shipped):
    card = json.loads(
        checkpoint_path("selection-sort").with_suffix(".json").read_text()
    )
    assert card["wall_time_s"] < 300 and card["steps"] == 2000
    assert all(
        row["exact_match"] == 1.0 for row in card["accuracy"] if row["length"] <= 100
    )
