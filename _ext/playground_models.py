"""Puts the engines the page "Try the engines" (book/playground.md) runs into the built
book.

After an HTML build it exports the shipped checkpoints to ONNX
(``nee_lite.onnx_engines.export_all``) into ``_static/playground/models/`` of the
output, beside the page's scripts (``_ext/static/playground/``). The models are
generated, not committed: they always match the checkpoints in ``data/checkpoints``, and
a rebuild with unchanged checkpoints rewrites nothing.
"""

from pathlib import Path


def export_models(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from nee_lite.onnx_engines import (
        export_all,
    )  # here: only HTML builds need torch.onnx

    export_all(Path(app.outdir) / "_static" / "playground" / "models", force=False)


def setup(app):
    app.connect("build-finished", export_models)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
