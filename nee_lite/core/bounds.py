"""How much a test set of ``n`` items can say: the one-sided 95 % upper bound on an
error rate (Clopper-Pearson, exact binomial).

Zero errors in 1,000 items do not prove a rate of zero; they bound it at
``1 - 0.05 ** (1 / 1000)``, about 0.3 %: a rate above that would give 0 errors in 1,000
less than 5 % of the time.
"""

from __future__ import annotations

import math

__all__ = ["error_bound_95"]


def _at_most(errors: int, n: int, rate: float) -> float:
    """P(X <= errors) for X ~ Binomial(n, rate), summed in log space."""
    if rate <= 0.0:
        return 1.0
    if rate >= 1.0:
        return 1.0 if errors >= n else 0.0
    log_rate, log_rest = math.log(rate), math.log1p(-rate)
    return sum(
        math.exp(
            math.lgamma(n + 1)
            - math.lgamma(k + 1)
            - math.lgamma(n - k + 1)
            + k * log_rate
            + (n - k) * log_rest
        )
        for k in range(errors + 1)
    )


def error_bound_95(errors: int, n: int) -> float:
    """The largest error rate that still gives ``errors`` or fewer errors in ``n``
    items with probability at least 5 % (one-sided 95 % upper bound)."""
    if n <= 0 or not 0 <= errors <= n:
        raise ValueError(f"need 0 <= errors <= n and n > 0, not {errors} of {n}")
    if errors == n:
        return 1.0
    if errors == 0:
        return 1.0 - 0.05 ** (1.0 / n)
    low, high = errors / n, 1.0
    for _ in range(60):  # bisection: _at_most falls as the rate rises
        middle = (low + high) / 2
        low, high = (
            (middle, high) if _at_most(errors, n, middle) > 0.05 else (low, middle)
        )
    return high
