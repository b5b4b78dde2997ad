"""The carry probe of chapter "Learning arithmetic": carries, chains, the engine's
states, the readout."""

import pytest
import torch

from nee_lite.core.checkpoints import checkpoint_path, load_model
from nee_lite.core.device import tune_cpu
from nee_lite.engines.carries import (
    STAGES,
    adder_states,
    carry_bits,
    chain_table,
    finite_pairs,
    linear_probe,
    longest_carry_chain,
    margins,
)


@pytest.fixture(scope="module")
def adder():
    model = load_model(checkpoint_path("add"))
    tune_cpu(threads=1)
    return model


def schoolbook_carries(a: int, b: int, bits: int = 8) -> list[int]:
    carries, carry = [0], 0
    for i in range(bits - 1):
        carry = (((a >> i) & 1) + ((b >> i) & 1) + carry) >> 1
        carries.append(carry)
    return carries


def test_finite_pairs_are_every_pair_whose_sum_fits():
    a, b = finite_pairs(8)
    assert len(a) == 256 * 257 // 2 and int((a + b).max()) == 255
    assert len(set(zip(a.tolist(), b.tolist()))) == len(a)


def test_carries_match_the_schoolbook_algorithm():
    a, b = finite_pairs(8)
    pick = torch.randperm(len(a), generator=torch.Generator().manual_seed(0))[:500]
    carries = carry_bits(a[pick], b[pick])
    for row, x, y in zip(carries.tolist(), a[pick].tolist(), b[pick].tolist()):
        assert row == schoolbook_carries(x, y)


def test_longest_carry_chain_on_examples():
    a = torch.tensor([0, 1, 127, 3, 5, 85])
    b = torch.tensor([0, 1, 1, 1, 3, 85])
    # 1+1: carry into bit 1; 127+1: bits 1..7; 3+1: bits 1, 2; 5+3: bits 1..3; 85+85: 1,
    # 3, 5, 7
    assert longest_carry_chain(a, b).tolist() == [0, 1, 7, 2, 3, 1]


def test_probed_states_are_the_engines(adder):
    a, b = finite_pairs(8)
    a, b = a[::97], b[::97]
    states, logits = adder_states(adder, a, b)
    assert list(states) == list(STAGES)
    with torch.no_grad():
        assert torch.allclose(logits, adder(a, b), atol=1e-4)
    assert margins(logits).shape == (len(a),)


def test_the_probe_reads_a_linear_target_and_not_an_xor():
    x = torch.randint(
        0, 2, (4000, 2), generator=torch.Generator().manual_seed(1)
    ).double()
    assert linear_probe(x, x[:, 0]) == 1.0
    assert linear_probe(x, (x[:, 0] + x[:, 1] == 1).long()) < 0.8


def test_the_shipped_adder_is_exact_at_every_chain_length(adder):
    rows = chain_table(adder)
    assert [row["chain"] for row in rows] == list(range(8))
    assert sum(row["pairs"] for row in rows) == 256 * 257 // 2
    assert all(row["exact_match"] == 1.0 and row["margin_min"] > 0 for row in rows)


def test_the_figure_draws_from_the_tables():
    import matplotlib

    matplotlib.use("Agg")
    from nee_lite.pictures.carries import plot_carries

    chains = [{"chain": k, "margin_median": 17.0, "margin_min": 15.0} for k in range(3)]
    probes = {
        "carry": {stage: [1.0] * 7 for stage in STAGES},
        "sum": {stage: [0.5] * 8 for stage in STAGES},
    }
    axes = plot_carries(chains, probes)
    assert len(axes[1].lines) == len(axes[2].lines) == len(STAGES)
