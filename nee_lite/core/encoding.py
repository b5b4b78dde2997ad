"""Numbers as bit vectors: the number system every engine in this book reads and writes.

A Neural Execution Engine never sees a number as a token id or as a float. It sees the
number's binary digits. An integer ``x`` in ``[0, 2**bits)`` becomes ``bits`` digits,
most significant first, so the vector reads like the binary string we would write by
hand.

The paper needs two special tokens besides the numbers:

* the start token ``s``, which is simply the number ``0`` (the decoder's only input);
* the end token ``e``, which doubles as *infinity*: ``e > x`` for every number ``x`` and
  ``e + x = e``. Shortest-path distances start at infinity, and a list ends with ``e``.

Infinity gets one extra, leading *flag* bit that no ordinary number uses. As an integer
it is ``2**bits`` (256 for 8-bit numbers), one past the largest number, so ordinary
integer comparison already agrees with
``e > x``. The vector width is therefore ``bits + 1``::

    >>> codec = NumberCodec(bits=4)
    >>> codec.encode([5, codec.end]).tolist()
    [[0.0, 0.0, 1.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0, 0.0]]

Everything here validates its input: a negative, fractional, out-of-range or
wrongly-shaped value raises ``ValueError`` that says what was wrong and what is allowed,
so a mistake never turns into a silently wrong bit pattern.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import torch

__all__ = ["NumberCodec", "START"]

#: The start token is the number zero (the paper's ``s = 0``).
START = 0


@dataclass(frozen=True)
class NumberCodec:
    """Convert integers to fixed-width bit vectors (most significant bit first) and
    back.

    ``bits`` is the number of data bits; the vectors have ``bits + 1`` entries because
    the first entry is the infinity flag of the end token. Any ``bits`` from 1 to 62
    works.
    """

    bits: int = 8

    def __post_init__(self) -> None:
        if (
            isinstance(self.bits, bool)
            or not isinstance(self.bits, Integral)
            or not 1 <= self.bits <= 62
        ):
            raise ValueError(f"bits must be an integer from 1 to 62, got {self.bits!r}")

    # ----------------------------------------------------------------------------------
    # facts
    @property
    def width(self) -> int:
        """Length of one bit vector: the infinity flag plus ``bits`` data bits."""
        return self.bits + 1

    @property
    def max_value(self) -> int:
        """The largest ordinary number, ``2**bits - 1``."""
        return 2**self.bits - 1

    @property
    def end(self) -> int:
        """The end token ``e`` as an integer: infinity, one past ``max_value``."""
        return 2**self.bits

    inf = end  # the same token, named for what it means in arithmetic
    start = START

    def describe_range(self) -> str:
        """A short human description of what this codec accepts, used in error
        messages.
        """
        return (
            f"integers from 0 to {self.max_value}, or {self.end} for the end token "
            "(infinity)"
        )

    # ----------------------------------------------------------------------------------
    # conversion
    def check(self, values, *, allow_end: bool = True) -> torch.Tensor:
        """Return ``values`` as an int64 tensor, or raise ``ValueError`` saying what is
        not allowed."""
        tensor = _as_integer_tensor(values)
        if tensor.numel() == 0:
            return tensor
        low, high = int(tensor.min()), int(tensor.max())
        top = self.end if allow_end else self.max_value
        allowed = (
            self.describe_range()
            if allow_end
            else f"integers from 0 to {self.max_value}"
        )
        if low < 0:
            raise ValueError(
                f"negative number {low}: the {self.bits}-bit codec holds {allowed}"
            )
        if high > top:
            raise ValueError(
                f"number {high} is out of range: the {self.bits}-bit codec holds "
                f"{allowed}"
            )
        return tensor

    def encode(self, values, *, allow_end: bool = True) -> torch.Tensor:
        """Integers (any shape) to float bit vectors of shape ``(*shape, width)``."""
        tensor = self.check(values, allow_end=allow_end)
        shifts = torch.arange(self.bits, -1, -1, device=tensor.device)
        return ((tensor.unsqueeze(-1) >> shifts) & 1).float()

    def decode(self, bits) -> torch.Tensor:
        """Bit vectors of shape ``(..., width)`` back to int64 integers.

        A vector whose infinity flag is set decodes to ``end`` whatever its data bits
        say: an engine that raises the flag has answered "infinity". Use
        :meth:`decode_logits` for a model's raw outputs.
        """
        tensor = torch.as_tensor(bits)
        if tensor.dim() == 0 or tensor.shape[-1] != self.width:
            raise ValueError(
                f"bit vectors must have a last dimension of {self.width} (infinity "
                f"flag + {self.bits} bits), "
                f"got shape {tuple(tensor.shape)}"
            )
        if tensor.dtype != torch.bool and not bool(
            ((tensor == 0) | (tensor == 1)).all()
        ):
            raise ValueError(
                "bit vectors may only hold 0 and 1; threshold model outputs with "
                "decode_logits"
            )
        digits = tensor.long()
        weights = 2 ** torch.arange(self.bits - 1, -1, -1, device=digits.device)
        numbers = (digits[..., 1:] * weights).sum(-1)
        return torch.where(
            digits[..., 0] == 1, torch.full_like(numbers, self.end), numbers
        )

    def decode_logits(self, logits: torch.Tensor) -> torch.Tensor:
        """A model's per-bit logits to integers: a bit is 1 where its logit is
        positive.
        """
        return self.decode(logits > 0)

    def all_values(self) -> torch.Tensor:
        """Every value this codec can hold, ``0 .. max_value`` and then ``end``."""
        return torch.arange(self.end + 1)


def _as_integer_tensor(values) -> torch.Tensor:
    """Accept ints, nested lists, numpy arrays or tensors of integers; reject everything
    else clearly."""
    if isinstance(values, torch.Tensor):
        tensor = values
    elif isinstance(values, bool) or isinstance(values, np.bool_):
        raise ValueError(f"expected integers, got the boolean {values!r}")
    elif isinstance(values, (Integral, np.integer)):
        return torch.tensor(int(values))
    elif isinstance(values, Real):
        tensor = torch.tensor(float(values))
    else:
        try:
            tensor = torch.as_tensor(np.asarray(values))
        except (ValueError, TypeError):
            raise ValueError(
                "expected integers in a rectangular array (rows of equal length), "
                f"got {values!r:.60}"
            ) from None
    if tensor.dtype == torch.bool:
        raise ValueError("expected integers, got booleans")
    if tensor.is_floating_point():
        if not bool(torch.isfinite(tensor).all()):
            raise ValueError(
                "expected integers, got NaN or an infinite float; use the codec's "
                "`end` for infinity"
            )
        if not bool((tensor == tensor.round()).all()):
            bad = tensor[tensor != tensor.round()].flatten()[0].item()
            raise ValueError(f"expected integers, got the non-integer {bad}")
        return tensor.long()
    if tensor.dtype in (torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8):
        return tensor.long()
    raise ValueError(f"expected integers, got values of type {tensor.dtype}")


def to_json_number(value: int, codec: NumberCodec):
    """An integer from a model as JSON: itself, or the string ``"inf"`` for the end
    token."""
    return "inf" if int(value) == codec.end else int(value)


def from_json_number(value, codec: NumberCodec) -> int:
    """The inverse of :func:`to_json_number`, with the codec's range check."""
    if value == "inf":
        return codec.end
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or (
            isinstance(value, float)
            and (not math.isfinite(value) or not value.is_integer())
        )
    ):
        raise ValueError(
            f'{value!r} is not a number: expected {codec.describe_range()} or "inf"'
        )
    return int(codec.check(int(value), allow_end=False))
