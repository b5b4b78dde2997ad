"""Chapter "Numbers as bits": data splits, the three number I/O kinds and the min-of-two
model."""

import pytest
import torch

from nee_lite import NumberCodec, TrainConfig
from nee_lite.engines.numbers_as_bits import (
    ENCODINGS,
    MinOfTwo,
    MinOfTwoConfig,
    evaluate_min,
    sample_heldout_pairs,
    split_numbers,
    train_min_of_two,
)


def test_split_keeps_end_in_training_and_is_a_partition():
    codec = NumberCodec(8)
    seen, heldout = split_numbers(codec, 0.25, seed=1)
    assert len(heldout) == 64 and codec.end in seen.tolist()
    assert sorted(seen.tolist()[:-1] + heldout.tolist()) == list(range(256))
    with pytest.raises(ValueError, match="heldout_fraction"):
        split_numbers(codec, 1.0)


def test_heldout_pairs_always_contain_a_heldout_number_on_both_sides():
    seen, heldout = split_numbers(NumberCodec(8), 0.5, seed=0)
    a, b = sample_heldout_pairs(seen, heldout, 2000)
    held = set(heldout.tolist())
    in_a = torch.tensor([x in held for x in a.tolist()])
    in_b = torch.tensor([x in held for x in b.tolist()])
    assert (
        bool((in_a | in_b).all())
        and 0.3 < in_a.float().mean() < 0.9
        and 0.3 < in_b.float().mean() < 0.9
    )
    with pytest.raises(ValueError, match="no held-out"):
        sample_heldout_pairs(seen, heldout[:0], 10)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_encoding_trains_and_predicts_in_range(encoding):
    seen, heldout = split_numbers(NumberCodec(4), 0.0)
    model, result = train_min_of_two(
        MinOfTwoConfig(encoding=encoding, bits=4, d_embed=8, hidden=32),
        seen,
        TrainConfig(steps=400, batch_size=64, lr=1e-2, warmup_steps=20),
    )
    a, b = torch.meshgrid(seen, seen, indexing="ij")
    predicted = model.predict(a.flatten(), b.flatten())
    assert predicted.min() >= 0 and predicted.max() <= 16
    assert (
        evaluate_min(model, a.flatten(), b.flatten())["accuracy"] > 0.5
    )  # it learned something


def test_unknown_encoding_and_bad_operands_are_refused():
    with pytest.raises(ValueError, match="unknown encoding"):
        MinOfTwoConfig(encoding="unary")
    model = MinOfTwo(MinOfTwoConfig(bits=4))
    with pytest.raises(ValueError, match="out of range"):
        model.predict(torch.tensor([3]), torch.tensor([17]))
