"""Chapter "Learning arithmetic": how the 8-bit adder adds, seen through its carries.

Two probes of a trained addition engine over every finite pair it accepts (``a + b <=
255``, 32,896 pairs):

- **confidence against carry chains**: for each pair, the longest run of consecutive
  carries in ``a + b`` and the engine's smallest bit margin (the smallest ``|logit|``
  over its 9 output bits, the 8 value bits and the infinity flag: how far the least
  certain bit is from flipping);
- **linear probes**: whether the carry into each bit, and each bit of the sum, can be
  read from an internal state by a least-squares linear readout (trained on half of the
  pairs, scored on the other half), at four places: the input bits, the encoder's
  output, the decoder after cross-attention, the decoder's final state.

A carry into bit ``i`` is ``[a mod 2^i + b mod 2^i >= 2^i]``: a threshold of a weighted
sum of the input bits, so a perfect linear classifier on the input bits exists; a
least-squares readout (the probe here) does not find it, which is why the input bits are
the probe's baseline, not a ceiling.
"""

from __future__ import annotations

import math

import torch

from .arithmetic import ArithmeticNEE

__all__ = [
    "finite_pairs",
    "carry_bits",
    "longest_carry_chain",
    "adder_states",
    "margins",
    "linear_probe",
    "probe_table",
    "chain_table",
    "STAGES",
]

STAGES = ("input bits", "encoder output", "after cross-attention", "decoder output")


def finite_pairs(bits: int = 8) -> tuple[torch.Tensor, torch.Tensor]:
    """Every pair of finite numbers whose sum fits in ``bits`` bits, as two tensors."""
    top = 2**bits - 1
    a, b = torch.meshgrid(torch.arange(top + 1), torch.arange(top + 1), indexing="ij")
    a, b = a.flatten(), b.flatten()
    keep = a + b <= top
    return a[keep], b[keep]


def carry_bits(a: torch.Tensor, b: torch.Tensor, bits: int = 8) -> torch.Tensor:
    """(pairs, bits) 0/1: column i is the carry *into* bit i of ``a + b`` (column 0 is
    always 0)."""
    carries = (a + b) ^ a ^ b
    return torch.stack([(carries >> i) & 1 for i in range(bits)], 1)


def longest_carry_chain(
    a: torch.Tensor, b: torch.Tensor, bits: int = 8
) -> torch.Tensor:
    """The longest run of consecutive bits that receive a carry, per pair (0: no carry
    at all)."""
    carries = carry_bits(a, b, bits)
    longest = run = torch.zeros_like(a)
    for i in range(bits):
        run = (run + 1) * carries[:, i]
        longest = torch.maximum(longest, run)
    return longest


def _attend(attention, queries, keys_values):
    q = attention.query(queries)
    k, v = attention.key(keys_values), attention.value(keys_values)
    scale = attention.log_temperature.exp() / math.sqrt(q.shape[-1])
    return attention.out(torch.softmax(q @ k.transpose(1, 2) * scale, dim=-1) @ v)


@torch.no_grad()
def adder_states(
    model: ArithmeticNEE, a: torch.Tensor, b: torch.Tensor
) -> tuple[dict, torch.Tensor]:
    """The four probed states of a post-norm arithmetic engine (name -> (pairs,
    features)) and its logits.

    The logits are computed from the last state with the engine's value head, so a
    caller can check them against ``model(a, b)``: the states are the ones the engine
    computes.
    """
    engine, codec = model.engine, model.codec
    bits = codec.encode(torch.stack([a, b], 1)).float()
    # Column 0 of a bit vector is the infinity flag (0 for finite pairs), then the top
    # bit to the lowest.
    states = {"input bits": bits[:, :, 1:].reshape(len(a), -1)}
    x = engine.embedding(bits)
    for block in engine.encoder:
        x = block.norms[0](x + _attend(block.self_attention, x, x))
        x = block.norms[1](x + block.feed_forward(x))
    states["encoder output"] = x.reshape(
        len(a), -1
    )  # both operand tokens, a's then b's
    y = torch.zeros(len(a), 1, x.shape[-1])
    for block in engine.decoder:
        y = block.norms[0](y + _attend(block.self_attention, y, y))
        y = block.norms[1](y + _attend(block.cross_attention, y, x))
        states["after cross-attention"] = y[:, 0].clone()  # (of the last decoder block)
        y = block.norms[2](y + block.feed_forward(y))
    states["decoder output"] = y[:, 0]
    return states, engine.value_head(y[:, 0])


def margins(logits: torch.Tensor) -> torch.Tensor:
    """Per pair, the smallest ``|logit|`` over all output bits (flag and value bits):
    the least certain one's distance from flipping."""
    return logits.abs().min(1).values


def linear_probe(features: torch.Tensor, target: torch.Tensor, seed: int = 0) -> float:
    """Test accuracy of a least-squares linear readout (with bias, threshold 0.5) of a
    0/1 target.

    Fitted on a random half of the rows, scored on the other half.
    """
    x = torch.cat([features, torch.ones(len(features), 1)], 1).double()
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))
    fit, test = order[: len(x) // 2], order[len(x) // 2 :]
    weights = torch.linalg.lstsq(x[fit], target[fit].double().unsqueeze(1)).solution
    guess = (x[test] @ weights).squeeze(1) > 0.5
    return (guess == (target[test] > 0)).double().mean().item()


def probe_table(model: ArithmeticNEE, seed: int = 0) -> dict:
    """Probe accuracies: {"carry"|"sum": {stage: [accuracy per bit]}}; carries into bits
    1..7, sum bits 0..7."""
    a, b = finite_pairs(model.codec.bits)
    states, _ = adder_states(model, a, b)
    bits = model.codec.bits
    carries = carry_bits(a, b, bits)
    sums = torch.stack([((a + b) >> i) & 1 for i in range(bits)], 1)
    return {
        "carry": {
            name: [linear_probe(x, carries[:, i], seed) for i in range(1, bits)]
            for name, x in states.items()
        },
        "sum": {
            name: [linear_probe(x, sums[:, i], seed) for i in range(bits)]
            for name, x in states.items()
        },
    }


def chain_table(model: ArithmeticNEE) -> list[dict]:
    """Per longest carry chain: pairs, exact match, and the smallest and median bit
    margin."""
    a, b = finite_pairs(model.codec.bits)
    with torch.no_grad():
        logits = model(a, b)
    right = model.codec.decode_logits(logits) == a + b
    margin, chain = margins(logits), longest_carry_chain(a, b, model.codec.bits)
    return [
        {
            "chain": int(k),
            "pairs": int((chain == k).sum()),
            "exact_match": right[chain == k].double().mean().item(),
            "margin_min": margin[chain == k].min().item(),
            "margin_median": margin[chain == k].median().item(),
        }
        for k in torch.unique(chain)
    ]
