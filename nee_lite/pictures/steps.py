"""One step viewer for every execution the book records: a slider over pre-drawn frames.

Every frame is drawn once, when the chapter runs, and kept as a PNG image inside the
widget. The slider and the stack of frames are linked in the browser (``jslink``), so
the viewer steps through the execution on the rendered page too, with no kernel: moving
the slider only changes which frame is shown. (A play button would be nicer, but the
static widget manager's ``Play`` view fails when it starts.)
"""

from __future__ import annotations

import io

import matplotlib.pyplot as plt

__all__ = ["step_viewer", "record_viewer", "call_stack_at"]


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def step_viewer(draw, steps: int, max_frames: int = 80):
    """A widget that shows ``draw(step)`` for ``step`` in ``0 .. steps - 1``, one frame
    at a time.

    ``draw`` draws one step into a new figure (and may return it). Executions longer
    than ``max_frames`` show ``max_frames`` evenly spaced steps, the first and the last
    among them; the slider is labelled with the step.
    """
    # only the viewers need ipywidgets; everything else in nee_lite runs without it
    import ipywidgets as widgets  # (see the comment above)

    if steps < 1:
        raise ValueError("nothing to show: the execution has no steps")
    shown = sorted(
        {
            round(i * (steps - 1) / max(1, min(steps, max_frames) - 1))
            for i in range(min(steps, max_frames))
        }
    )
    frames = []
    for step in shown:
        figure = draw(step) or plt.gcf()
        if not isinstance(figure, plt.Figure):
            figure = plt.gcf()
        frames.append(
            widgets.Image(
                value=_png(figure),
                format="png",
                layout=widgets.Layout(max_width="100%"),
            )
        )
    stack = widgets.Stack(frames, selected_index=0)
    slider = widgets.SelectionSlider(
        options=[str(step) for step in shown],
        index=0,
        description="step",
        continuous_update=True,
        layout=widgets.Layout(width="60%"),
    )
    widgets.jslink((slider, "index"), (stack, "selected_index"))
    return widgets.VBox(
        [slider, stack], layout=widgets.Layout(border="1px solid #ddd", padding="4px")
    )


def record_viewer(draw_step, names: list[str], record, figsize, max_frames: int = 60):
    """:func:`step_viewer` over a recorded NPI execution: frame ``step`` is
    ``draw_step(names, record, step, ax)`` on a figure of ``figsize``."""

    def draw(step):
        figure, ax = plt.subplots(figsize=figsize)
        draw_step(names, record, step, ax)
        return figure

    return step_viewer(draw, len(record), max_frames)


def call_stack_at(names: list[str], record, step: int) -> list[str]:
    """The names of the programs running at ``step`` of a recorded NPI execution (rows
    ``(depth, program, ...)``), outermost first."""
    stack = []
    for depth, program, *_ in record[: step + 1]:
        del stack[depth:]
        stack.append(names[program])
    return stack
