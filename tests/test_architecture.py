"""The architecture diagrams draw without error, show each part they name, keep their
text on the canvas, and draw the layers the shipped engines have (read from their
checkpoint cards)."""

import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from nee_lite.core.checkpoints import checkpoint_path  # noqa: E402
from nee_lite.engines.nee import NEEConfig  # noqa: E402
from nee_lite.pictures.architecture import (
    plot_nee_architecture,
    plot_seq2seq_architecture,
)  # noqa: E402


def _texts(fig):
    return " ".join(text.get_text() for ax in fig.axes for text in ax.texts)


def _card_model(name):
    return json.loads(checkpoint_path(name).with_suffix(".json").read_text())["model"]


@pytest.mark.parametrize(
    "draw, parts",
    [
        (
            plot_nee_architecture,
            [
                "start token",
                "value head",
                "pointer",
                "cross-attention",
                "mask network",
                "Conv1d",
                "the loop",
                "no positions",
            ],
        ),
        (
            plot_seq2seq_architecture,
            [
                "encoder",
                "decoder",
                "sinusoidal positions",
                "causal",
                "greedy loop",
                "value head",
            ],
        ),
    ],
)
def test_diagram_names_every_part(draw, parts):
    fig = draw()
    try:
        text = _texts(fig)
        for part in parts:
            assert part in text, f"{draw.__name__} lacks {part!r}"
    finally:
        plt.close(fig)


def _plural(n, noun):
    return f"{n} {noun}" + ("" if n == 1 else "s")


@pytest.mark.parametrize("name", ["selection-sort", "merge-sort"])
def test_nee_diagram_draws_the_shipped_engines_layers(name):
    """The default figure draws the shipped selection-sort engine; each engine's layers
    come from its card."""
    model = _card_model(name)
    encoder, decoder = model["encoder_layers"], model["decoder_layers"]
    fig = plot_nee_architecture(config=name, others=())
    try:
        text = _texts(fig)
        assert f"decoder, {_plural(decoder, 'block')}" in text
        if encoder:
            assert f"masked encoder, {_plural(encoder, 'block')}" in text
        else:
            assert "masked encoder" not in text and "0 encoder layers" in text
        assert (
            f"{name}: {_plural(encoder, 'encoder layer')}, "
            f"{_plural(decoder, 'decoder layer')}" in text
        )
    finally:
        plt.close(fig)


def test_nee_diagram_default_is_the_selection_sort_card_and_notes_merge_sort():
    selection, merge = _card_model("selection-sort"), _card_model("merge-sort")
    fig = plot_nee_architecture()
    try:
        text = _texts(fig)
        assert ("masked encoder" in text) == bool(selection["encoder_layers"])
        assert (
            f"merge-sort: {_plural(merge['encoder_layers'], 'encoder layer')}" in text
        )
    finally:
        plt.close(fig)


@pytest.mark.parametrize("layers", [0, 1, 3])
def test_nee_diagram_follows_a_config(layers):
    fig = plot_nee_architecture(
        config=NEEConfig(encoder_layers=layers, decoder_layers=2), others=()
    )
    try:
        text = _texts(fig)
        assert ("masked encoder" in text) == bool(layers)
        assert "decoder, 2 blocks" in text
        if layers:
            assert f"masked encoder, {_plural(layers, 'block')}" in text
    finally:
        plt.close(fig)


@pytest.mark.parametrize("draw", [plot_nee_architecture, plot_seq2seq_architecture])
def test_diagram_text_stays_inside_the_figure(draw):
    fig = draw()
    try:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        width, height = fig.bbox.width, fig.bbox.height
        for ax in fig.axes:
            for text in ax.texts:
                box = text.get_window_extent(renderer)
                assert (
                    box.x0 >= -1
                    and box.y0 >= -1
                    and box.x1 <= width + 1
                    and box.y1 <= height + 1
                ), f"{text.get_text()!r} is cut off"
    finally:
        plt.close(fig)
