"""The architecture diagrams draw without error, show each part they name, and keep their text on the canvas."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from nee_lite.pictures.architecture import plot_nee_architecture, plot_seq2seq_architecture  # noqa: E402


def _texts(fig):
    return " ".join(text.get_text() for ax in fig.axes for text in ax.texts)


@pytest.mark.parametrize("draw, parts", [
    (plot_nee_architecture, ["masked encoder", "start token", "value head", "pointer", "cross-attention",
                             "mask network", "Conv1d", "the loop", "no positions"]),
    (plot_seq2seq_architecture, ["encoder", "decoder", "sinusoidal positions", "causal", "greedy loop",
                                 "value head"]),
])
def test_diagram_names_every_part(draw, parts):
    fig = draw()
    try:
        text = _texts(fig)
        for part in parts:
            assert part in text, f"{draw.__name__} lacks {part!r}"
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
                assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1 and box.y1 <= height + 1, \
                    f"{text.get_text()!r} is cut off"
    finally:
        plt.close(fig)
