"""Architecture diagrams, drawn with matplotlib boxes and arrows (no images from the
papers).

* :func:`plot_nee_architecture`: the Neural Execution Engine of chapter "Conditional
  masking": the embedded set (and a masked encoder over it, if the engine has encoder
  layers), a decoder fed only the start token, the value head, the pointer (the
  decoder's cross-attention), the convolutional mask network, and the closed loop that
  feeds the next mask back. The layer counts are read from the engine's config (by
  default the shipped selection-sort engine's checkpoint card), so the drawing cannot
  drift from the model.
* :func:`plot_seq2seq_architecture`: the sequence-to-sequence baseline of chapter
  "Attention collapse": an encoder over the list with positions, a causal decoder over
  the sorted output so far, greedy decoding.

Colours say who wrote each part: blue boxes are learned by gradient descent, the green
box is learned separately on a rule the programmer supplies, grey boxes are data, and
orange is control flow written by hand.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from ..core.checkpoints import checkpoint_path, read_card
from .style import text_box

__all__ = ["ROLE_COLORS", "plot_nee_architecture", "plot_seq2seq_architecture"]

#: Fill colour per role: learned (blue), learned on a given rule (green), data (grey),
#: hand-written (orange).
ROLE_COLORS = {
    "learned": "#c6dbef",
    "rule": "#c7e9c0",
    "data": "#eeeeee",
    "hand": "#fdd0a2",
}
_EDGE = "#333333"


_BOX_STYLE = dict(
    boxstyle="round,pad=0.02,rounding_size=0.12", edgecolor=_EDGE, linewidth=1.1
)


def _box(ax, x, y, width, height, text, role="learned", size=9.5):
    """A rounded box with its lower-left corner at ``(x, y)``; returns its centre."""
    return text_box(
        ax,
        x,
        y,
        width,
        height,
        text,
        fontsize=size,
        wrap=True,
        facecolor=ROLE_COLORS[role],
        **_BOX_STYLE,
    )


def _arrow(
    ax,
    start,
    end,
    text=None,
    color=_EDGE,
    style="-|>",
    curve=0.0,
    offset=(0.0, 0.0),
    size=8.5,
    dashed=False,
    corner=False,
):
    """An arrow from ``start`` to ``end`` with an optional label at its middle (shifted
    by ``offset``).

    ``corner``: go horizontally first, then vertically, instead of along a (curved)
    line.
    """
    connection = "angle,angleA=0,angleB=90,rad=6" if corner else f"arc3,rad={curve}"
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle=style,
            mutation_scale=13,
            color=color,
            linewidth=1.3,
            connectionstyle=connection,
            linestyle="--" if dashed else "-",
        )
    )
    if text:
        ax.text(
            (start[0] + end[0]) / 2 + offset[0],
            (start[1] + end[1]) / 2 + offset[1],
            text,
            fontsize=size,
            ha="center",
            va="center",
            color=color,
            bbox=dict(
                boxstyle="round,pad=0.15",
                facecolor="white",
                edgecolor="none",
                alpha=0.85,
            ),
        )


def _loop_arrow(ax, start, end, text, curve, offset):
    """The dashed orange arrow of a loop written by hand: what one step's output becomes
    in the next step."""
    _arrow(ax, start, end, text, "#e6550d", curve=curve, offset=offset, dashed=True)


def _cells(ax, x, y, labels, hidden=(), width=0.48, height=0.42, highlight=None):
    """A row of small cells (a list or a mask); ``hidden`` cells are dark, ``highlight``
    is ringed red."""
    for i, label in enumerate(labels):
        dark = i in hidden
        ax.add_patch(
            plt.Rectangle(
                (x + i * width, y),
                width,
                height,
                facecolor="#777777" if dark else "white",
                edgecolor="#d62728" if i == highlight else _EDGE,
                linewidth=2.0 if i == highlight else 0.8,
            )
        )
        ax.text(
            x + (i + 0.5) * width,
            y + height / 2,
            label,
            ha="center",
            va="center",
            fontsize=8.5,
            color="white" if dark else "black",
        )
    return x + len(labels) * width / 2, y + height / 2


def _legend(ax, x, y, roles):
    names = {
        "learned": "learned (gradient descent)",
        "rule": "trained with supervision on a given rule",
        "data": "data",
        "hand": "written by hand",
    }
    for i, role in enumerate(roles):
        ax.add_patch(
            FancyBboxPatch(
                (x, y - 0.36 * i),
                0.3,
                0.24,
                boxstyle="round,pad=0.01",
                facecolor=ROLE_COLORS[role],
                edgecolor=_EDGE,
                linewidth=0.8,
            )
        )
        ax.text(x + 0.42, y - 0.36 * i + 0.12, names[role], fontsize=8.5, va="center")


def _canvas(width, height, figsize):
    fig, ax = plt.subplots(figsize=figsize)
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def _layers(config) -> dict:
    """Encoder and decoder layer counts of ``config``: a checkpoint name, a card's
    ``model`` dict or a config."""
    if isinstance(config, str):
        config = read_card(checkpoint_path(config))["model"]
    if not isinstance(config, dict):
        config = vars(config)
    return {
        "encoder_layers": int(config["encoder_layers"]),
        "decoder_layers": int(config["decoder_layers"]),
    }


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def plot_nee_architecture(
    figsize=(11.0, 6.6), config="selection-sort", others=("merge-sort",)
):
    """The NEE for selection sort, one closed-loop step: returns the matplotlib figure.

    ``config``: the engine drawn, as a checkpoint name (default: the shipped
    selection-sort engine), a card's ``model`` dict or a
    :class:`~nee_lite.engines.nee.NEEConfig`; its encoder and decoder layer counts are
    drawn. ``others``: checkpoint names whose layer counts are noted under the figure's
    legend (default: merge sort's).
    """
    layers = _layers(config)
    encoder_layers, decoder_layers = layers["encoder_layers"], layers["decoder_layers"]
    fig, ax = _canvas(14.0, 8.4, figsize)
    # The memory: the list and the end token, and the current mask (dark = hidden).
    labels = ["7", "3", "250", "3", "e"]
    ax.text(0.3, 8.05, "memory: the list and the end token", fontsize=9.5)
    _cells(ax, 0.3, 7.45, labels, hidden={1})
    ax.text(0.3, 6.95, "mask $b^I$ (dark = hidden)", fontsize=9.5)
    _cells(ax, 0.3, 6.35, ["1" if i == 1 else "0" for i in range(5)], hidden={1})

    # Encoder column: drawn from the config.
    label = "bitwise embedding\n$\\sqrt{d}\\,\\sum_i x_i v_i$, no positions"
    embed = _box(ax, 0.2, 4.85, 3.0, 0.9, label)
    _arrow(ax, (0.28, 7.6), (0.7, 5.8), curve=0.5)
    if encoder_layers:
        encoder = _box(
            ax,
            0.2,
            3.05,
            3.0,
            1.3,
            f"masked encoder, {_count(encoder_layers, 'block')}\n"
            "self-attention (hidden\nkeys removed)\n+ feed-forward",
        )
        _arrow(ax, (embed[0], 4.85), (encoder[0], 4.4))
        _arrow(ax, (2.75, 6.4), (3.15, 4.2), "mask", curve=-0.2, offset=(0.4, 0.2))
        column_bottom = (encoder[0], 3.05)
        column_output = "encoded set\n(one state per position)"
    else:
        ax.text(
            1.7,
            3.7,
            "0 encoder layers:\nno self-attention;\neach number's key\nis its own "
            "embedding",
            ha="center",
            va="center",
            fontsize=8.5,
            color="#555555",
            bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none"),
        )
        column_bottom = (embed[0], 4.85)
        column_output = "embedded set\n(one vector per number)"
    _box(ax, 0.2, 1.65, 3.0, 0.85, column_output, role="data")
    _arrow(ax, column_bottom, (column_bottom[0], 2.55))
    _legend(ax, 0.3, 1.2, ["learned", "rule", "data", "hand"])
    name = config if isinstance(config, str) else "this engine"
    notes = [
        f"{name}: {_count(encoder_layers, 'encoder layer')}, "
        f"{_count(decoder_layers, 'decoder layer')}"
    ]
    for name in others:
        other = _layers(name)
        notes.append(
            f"{name}: {_count(other['encoder_layers'], 'encoder layer')}, "
            f"{_count(other['decoder_layers'], 'decoder layer')}"
        )
    ax.text(9.9, 8.2, "\n".join(notes), fontsize=8, va="center", color="#555555")

    # Decoder column.
    start = _box(
        ax, 4.4, 7.3, 2.6, 0.75, "start token $s = 0$\n(embeds to zero)", role="data"
    )
    label = (
        f"decoder, {_count(decoder_layers, 'block')}\n\nself-attention\n\n"
        "cross-attention\nover the set\n(hidden keys\nremoved)\n"
        "\nfeed-forward"
    )
    _box(ax, 4.4, 3.6, 2.6, 2.9, label, size=9)
    _arrow(ax, (start[0], 7.3), (start[0], 6.55))
    _arrow(ax, (3.25, 2.1), (4.35, 4.3), "keys, values", curve=0.25, offset=(0.6, -0.3))
    _box(ax, 4.4, 1.9, 2.6, 0.9, "value head\none logit per bit")
    _arrow(ax, (start[0], 3.6), (start[0], 2.85))
    _box(ax, 4.4, 0.35, 2.6, 0.85, "value: smallest\nvisible number (3)", role="data")
    _arrow(ax, (start[0], 1.9), (start[0], 1.25))

    # Pointer and mask network.
    label = "pointer = the cross-\nattention weights;\nargmax, one-hot"
    _box(ax, 8.1, 4.65, 2.6, 1.1, label, role="data")
    _arrow(ax, (7.05, 5.2), (8.05, 5.2), "weights")
    ax.text(7.75, 4.07, "$b^P$", fontsize=9.5, va="center")
    _cells(ax, 8.2, 3.85, ["0", "0", "0", "1", "0"], highlight=3)
    _arrow(ax, (9.4, 4.6), (9.4, 4.3))
    ax.text(7.75, 3.26, "$b^I$", fontsize=9.5, va="center")
    _cells(ax, 8.2, 3.05, ["1" if i == 1 else "0" for i in range(5)], hidden={1})
    label = (
        "mask network\n[$b^I$, $b^P$] as 2 channels\nConv1d, kernel 3\nReLU, 1x1 "
        "conv\n-> next mask"
    )
    _box(ax, 8.1, 0.8, 2.6, 1.75, label, role="rule")
    _arrow(ax, (9.4, 3.0), (9.4, 2.6))

    # The loop, written by hand.
    label = (
        "the loop (Python)\n\nemit the value;\nstop when it is $e$;\nelse feed "
        "the\nnext mask back\nand run again"
    )
    _box(ax, 11.3, 4.6, 2.5, 2.6, label, role="hand", size=9)
    _arrow(ax, (10.75, 1.7), (12.0, 4.55), "next mask", offset=(0.2, -1.0), corner=True)
    _arrow(ax, (7.05, 0.6), (13.2, 4.55), "value", offset=(1.5, -1.95), corner=True)
    label = "becomes the mask of the next step"
    _loop_arrow(ax, (12.55, 7.25), (2.85, 6.7), label, 0.18, (1.7, 0.8))
    return fig


def plot_seq2seq_architecture(figsize=(11.0, 5.8)):
    """The sequence-to-sequence baseline sorting ``[7, 3, 250, 3]`` at output step 2:
    returns the figure."""
    fig, ax = _canvas(14.0, 7.4, figsize)
    ax.text(0.3, 7.0, "input list (every position visible)", fontsize=9.5)
    source = _cells(ax, 0.3, 6.4, ["7", "3", "250", "3"])
    embed = _box(ax, 0.2, 4.6, 3.2, 1.1, "bitwise embedding\n+ sinusoidal positions")
    label = "encoder, 2 blocks\nself-attention\n+ feed-forward\n(LayerNorm after each)"
    encoder = _box(ax, 0.2, 2.2, 3.2, 1.7, label)
    _box(ax, 0.2, 0.6, 3.2, 0.95, "encoded list", role="data")
    _arrow(ax, (source[0], 6.4), (embed[0], 5.75))
    _arrow(ax, (embed[0], 4.6), (encoder[0], 3.95))
    _arrow(ax, (encoder[0], 2.2), (encoder[0], 1.6))

    ax.text(4.6, 7.0, "decoder input: $s$, then the output so far", fontsize=9.5)
    target = _cells(ax, 4.6, 6.4, ["s=0", "3", "3"])
    dec_embed = _box(
        ax, 4.5, 4.6, 3.2, 1.1, "bitwise embedding\n+ sinusoidal positions"
    )
    label = (
        "decoder, 2 blocks\ncausal self-attention\ncross-attention\nover the list\n+ "
        "feed-forward"
    )
    decoder = _box(ax, 4.5, 2.2, 3.2, 1.7, label)
    _box(ax, 4.5, 0.6, 3.2, 0.95, "value head\none logit per bit")
    _arrow(ax, (target[0], 6.4), (dec_embed[0], 5.75))
    _arrow(ax, (dec_embed[0], 4.6), (decoder[0], 3.95))
    _arrow(ax, (decoder[0], 2.2), (decoder[0], 1.6))
    _arrow(ax, (3.45, 1.1), (4.45, 2.6), "keys, values", curve=0.2, offset=(0.0, 0.45))

    _box(ax, 8.8, 0.6, 2.3, 0.95, "next number: 7\n(bits > 0)", role="data")
    _arrow(ax, (7.75, 1.1), (8.75, 1.1))
    label = "last layer's cross-\nattention: where it\nlooked (plotted)"
    _box(ax, 8.8, 2.5, 2.3, 1.1, label, role="data")
    _arrow(ax, (7.75, 3.05), (8.75, 3.05))
    label = "greedy loop\n(Python)\nappend the output\nto the decoder\ninput, n steps"
    _box(ax, 11.5, 3.9, 2.3, 2.1, label, role="hand", size=9)
    _arrow(ax, (11.15, 1.1), (12.65, 3.85), curve=0.25)
    _loop_arrow(ax, (12.65, 6.05), (6.15, 6.62), "appended", 0.2, (1.0, 0.55))
    ax.text(
        7.3,
        5.6,
        "nothing is hidden: attention\nalone must find where to look",
        fontsize=8.5,
        color="#d62728",
        va="center",
    )
    _legend(ax, 11.5, 2.6, ["learned", "data", "hand"])
    return fig
