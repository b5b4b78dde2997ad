"""Long addition with a Neural Execution Engine as its subroutine, for the comparison in
chapter "NPI, LSTM and NEE on long additions".

The NEE way (Yan et al. 2020) keeps the algorithm's control flow and learns the
subroutines. The adder of chapter "Learning arithmetic" adds 8-bit numbers whose sum
fits in 8 bits, so long addition runs on 7-bit limbs (base 128): a limb plus a limb plus
a carry is at most 127 + 127 + 1 = 255. Every addition is done by the engine: first all
limb pairs at once, then the carry, column by column. The engine's result is a bit
vector, so the new limb is its low 7 bits and the carry its top bit; those are read, not
computed. Turning decimal strings into limbs and back is the encoding, like turning
numbers into bits in the rest of the book.
"""

from __future__ import annotations

import torch

from .npi_env import long_integers

__all__ = ["LIMB_BITS", "to_limbs", "from_limbs", "nee_long_addition"]

LIMB_BITS = 7


def to_limbs(number: str, count: int) -> list[int]:
    """The 7-bit limbs of a decimal string, least significant first, zero-padded to
    ``count``."""
    with long_integers():
        value = int(number)
    limbs = []
    while value:
        limbs.append(value & (2**LIMB_BITS - 1))
        value >>= LIMB_BITS
    return limbs + [0] * (count - len(limbs))


def from_limbs(limbs) -> str:
    """Limbs (least significant first) back to a decimal string."""
    value = 0
    for limb in reversed([int(x) for x in limbs]):
        value = (value << LIMB_BITS) | limb
    with long_integers():
        return str(value)


@torch.no_grad()
def nee_long_addition(adder, pairs: list[tuple[str, str]]) -> list[str]:
    """Add decimal strings with the 8-bit addition NEE ``adder`` doing every addition of
    limbs and carries."""
    count = 1 + max(
        max(len(to_limbs(a, 0)), len(to_limbs(b, 0))) for a, b in pairs
    )  # room for the last carry
    a = torch.tensor([to_limbs(x, count) for x, _ in pairs])
    b = torch.tensor([to_limbs(y, count) for _, y in pairs])
    partial = adder.predict(a.flatten(), b.flatten()).view(
        len(pairs), count
    )  # every column's a + b, at once
    carry = torch.zeros(len(pairs), dtype=torch.long)
    limbs = []
    for column in range(count):
        total = adder.predict(
            partial[:, column], carry
        )  # plus the carry from the column to the right
        limbs.append(
            total & (2**LIMB_BITS - 1)
        )  # the low 7 bits of the engine's output
        carry = total >> LIMB_BITS  # its top bit
    return [from_limbs(row) for row in torch.stack(limbs, 1).tolist()]
