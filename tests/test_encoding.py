"""The number system: round trips, the special tokens, and every way input can be
wrong.
"""

import numpy as np
import pytest
import torch

from nee_lite.core.encoding import NumberCodec, from_json_number, to_json_number


@pytest.mark.parametrize("bits", [1, 3, 8, 12, 16])
def test_round_trip_every_value(bits):
    codec = NumberCodec(bits)
    values = (
        codec.all_values() if bits <= 12 else torch.randint(0, codec.end + 1, (5000,))
    )
    encoded = codec.encode(values)
    assert encoded.shape == (*values.shape, bits + 1)
    assert torch.equal(codec.decode(encoded), values)


def test_bits_are_most_significant_first_with_the_flag_in_front():
    codec = NumberCodec(4)
    assert codec.encode(5).tolist() == [0, 0, 1, 0, 1]
    assert codec.encode(codec.end).tolist() == [1, 0, 0, 0, 0]
    assert codec.encode(0).tolist() == [0] * 5


def test_special_tokens_have_the_papers_meaning():
    codec = NumberCodec(8)
    assert codec.start == 0 and codec.end == 256 and codec.inf == codec.end
    assert all(codec.end > x for x in range(256))  # e > x for every number


def test_any_shape_and_input_type():
    codec = NumberCodec(8)
    nested = [[1, 2, 3], [4, 5, 6]]
    for values in (
        nested,
        np.array(nested),
        torch.tensor(nested),
        torch.tensor(nested, dtype=torch.int32),
    ):
        assert codec.encode(values).shape == (2, 3, 9)
    assert torch.equal(codec.decode(codec.encode(nested)), torch.tensor(nested))
    assert (
        codec.encode(7.0).tolist() == codec.encode(7).tolist()
    )  # integral floats are integers


def test_flag_bit_decodes_to_infinity_and_logits_threshold_at_zero():
    codec = NumberCodec(4)
    assert codec.decode(torch.tensor([1, 0, 1, 1, 0])).item() == codec.end
    logits = torch.tensor([-3.0, -1.0, 2.0, -0.5, 4.0])
    assert codec.decode_logits(logits).item() == 5


@pytest.mark.parametrize(
    "bad, message",
    [
        (256, "out of range"),
        (257, "out of range"),
        (-1, "negative"),
        (2.5, "non-integer"),
        (float("nan"), "NaN"),
        (float("inf"), "infinite"),
        (True, "boolean"),
        ([[1, 2], [3]], "rectangular"),
        ("seven", "integers"),
        (torch.tensor([1.0, 2.5]), "non-integer"),
        (torch.tensor([True, False]), "booleans"),
    ],
)
def test_bad_values_raise_a_clear_error(bad, message):
    codec = NumberCodec(8)
    with pytest.raises(ValueError, match=message):
        codec.encode(bad, allow_end=False)


def test_error_says_what_is_allowed():
    with pytest.raises(ValueError, match=r"from 0 to 255, or 256 for the end token"):
        NumberCodec(8).encode(300)


def test_end_token_can_be_refused():
    with pytest.raises(ValueError, match="from 0 to 255"):
        NumberCodec(8).encode(256, allow_end=False)


@pytest.mark.parametrize("bits", [0, -3, 63, 2.5, True, "8"])
def test_bad_widths_are_refused(bits):
    with pytest.raises(ValueError, match="bits must be"):
        NumberCodec(bits)


@pytest.mark.parametrize("shape", [(9,), (4, 9)])
def test_decode_rejects_wrong_width(shape):
    with pytest.raises(ValueError, match="last dimension of 5"):
        NumberCodec(4).decode(torch.zeros(shape))


def test_decode_rejects_scalars_and_non_binary_values():
    codec = NumberCodec(4)
    with pytest.raises(ValueError, match="last dimension"):
        codec.decode(torch.tensor(1.0))
    with pytest.raises(ValueError, match="only hold 0 and 1"):
        codec.decode(torch.tensor([0.0, 0.3, 1.0, 0.0, 1.0]))


def test_json_numbers():
    codec = NumberCodec(8)
    assert from_json_number("inf", codec) == 256 and to_json_number(256, codec) == "inf"
    assert from_json_number(17, codec) == 17 and to_json_number(17, codec) == 17
    for bad in (256, -1, 1.5, "17", None, True, [1]):
        with pytest.raises(ValueError):
            from_json_number(bad, codec)
