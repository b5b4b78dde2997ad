"""The bitwise embedding is a sum of one learned vector per set bit."""

import pytest
import torch

from nee_lite import BitEmbedding, NumberCodec


def test_embedding_is_the_sum_of_bit_vectors():
    codec = NumberCodec(4)
    embedding = BitEmbedding(codec, d_model=6)
    vectors = (
        embedding.vectors.weight.T
    )  # row j: vector of bit column j (0 = infinity flag)
    with torch.no_grad():
        for x in range(codec.end + 1):
            expected = sum(
                (vectors[j] for j, bit in enumerate(codec.encode(x).tolist()) if bit),
                torch.zeros(6),
            )
            assert torch.allclose(embedding.embed_numbers(x), expected)


def test_start_token_embeds_to_zero_and_scale_is_sqrt_d():
    codec = NumberCodec(8)
    plain, scaled = BitEmbedding(codec, 16), BitEmbedding(codec, 16, scale=True)
    scaled.load_state_dict(plain.state_dict())
    with torch.no_grad():
        assert torch.equal(plain.embed_numbers(0), torch.zeros(16))
        assert torch.allclose(scaled.embed_numbers(77), 4.0 * plain.embed_numbers(77))
    assert plain.table().shape == (257, 16)


def test_wrong_width_is_refused():
    with pytest.raises(ValueError, match="width 9"):
        BitEmbedding(NumberCodec(8), 4)(torch.zeros(3, 8))
