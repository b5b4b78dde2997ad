"""Chapter "Learning arithmetic": the carry probe's figure (the probe is in
:mod:`nee_lite.engines.carries`)."""

from __future__ import annotations

import matplotlib.pyplot as plt

from ..engines.carries import STAGES

__all__ = ["plot_carries"]


def plot_carries(chains: list[dict], probes: dict, axes=None):
    """Left: bit margins by longest carry chain. Middle and right: probe accuracy per
    bit, per stage."""
    if axes is None:
        axes = plt.subplots(1, 3, figsize=(13, 3.8), layout="constrained")[1]
    lengths = [row["chain"] for row in chains]
    axes[0].plot(
        lengths, [row["margin_median"] for row in chains], "o-", label="median"
    )
    axes[0].plot(lengths, [row["margin_min"] for row in chains], "v:", label="smallest")
    axes[0].set_ylim(0, None)
    axes[0].set_xlabel("longest carry chain in a + b (bits)")
    axes[0].set_ylabel("least certain bit's |logit|")
    axes[0].set_title("Confidence does not fall with carries")
    axes[0].legend(loc="lower left")
    styles = dict(zip(STAGES, ("s:", "^--", "o-", "D-")))
    for ax, kind, first in ((axes[1], "carry", 1), (axes[2], "sum", 0)):
        for stage, accuracy in probes[kind].items():
            ax.plot(
                range(first, first + len(accuracy)),
                accuracy,
                styles[stage],
                label=stage,
            )
        ax.set_ylim(0.4, 1.02)
        ax.set_xlabel("bit")
        ax.set_ylabel("linear probe accuracy (held-out half)")
        ax.set_title(
            "Carry into each bit" if kind == "carry" else "Each bit of the sum"
        )
    axes[1].legend(loc="lower left", fontsize=8, title="state probed", title_fontsize=8)
    return axes
