"""The shipped engines as ONNX models: written for the book's playground page, and run
here.

:func:`export_all` writes, from the checkpoints in ``data/checkpoints`` (``nee-lite
export`` calls it; the book build calls it through ``_ext/playground_models.py``):

* ``selection-sort.engine.onnx`` and ``selection-sort.mask.onnx``: the find-min engine
  (the selection-sort :class:`~nee_lite.engines.nee.NEE`) and its mask network.
  Selection sort, Dijkstra and Prim run on these;
* ``merge-sort.engine.onnx`` and ``merge-sort.mask.onnx``: the merge engine and its mask
  network (the "advance the chosen head" rule);
* ``add.onnx``: the addition engine (Dijkstra's adder);
* ``manifest.json``: for each file its inputs and outputs, size, SHA-256 and the
  checkpoint it came from.

Only the networks are exported. The closed loop (masking, stopping at END, the graph
bookkeeping) stays outside, in nee_lite's Python
(:mod:`~nee_lite.engines.selection_sort`, :mod:`~nee_lite.engines.merge_sort`,
:mod:`~nee_lite.graphs.composition`) or in the playground's JavaScript, so one model
serves every loop. Inputs are float32 and every axis that varies is dynamic (batch, list
length). The engines take the bit vectors of
:class:`~nee_lite.core.encoding.NumberCodec` and return raw logits; the caller decodes
them (a bit is 1 where its logit is positive).

:class:`OnnxSelectionSort`, :class:`OnnxMerge` and :class:`OnnxAdder` run the exported
files with onnxruntime behind the same interface as the PyTorch models, so nee_lite's
own loops (``sort``, ``merge_sort``, ``neural_dijkstra``, ``neural_prim``) run on them
unchanged: that is how ``tests/test_onnx_export.py`` compares the two on the stored test
sets.

The exporter is PyTorch's ``torch.export``-based one (``torch.onnx.export(...,
dynamo=True)``, the one PyTorch develops; the TorchScript-based one is deprecated). It
needs the ``onnx`` and ``onnxscript`` packages and works offline. Opset 18. The example
inputs have a batch of 2: an axis of size 1 in the example would be fixed to 1, not
dynamic. The exporter records, for every node, the Python stack that traced it (with
this machine's file paths); :func:`_export` drops those records, which runtimes never
read.

It needs torch 2.11 or later (:data:`EXPORT_TORCH`): ``tests/test_onnx_export.py``
passes with torch 2.11.0 and 2.13.0, not with the older ones tried. With torch 2.10.0,
``torch.export`` stops on an assertion ``positions <= 2147483647/8``; with 2.9.0, on a
guard ``positions != 1`` ("Constraints violated"); torch 2.6.0 exports, but with every
axis fixed to the example's size, so a batch or a list of another size is refused.
"""

from __future__ import annotations

import hashlib
import json
import logging
import warnings
from pathlib import Path

import torch
from torch import nn

from . import __version__
from .core.checkpoints import checkpoint_path, load_model, read_card
from .core.encoding import NumberCodec
from .engines.arithmetic import ArithmeticConfig, ArithmeticNEE
from .engines.merge_sort import MergeNEE
from .engines.nee import NEE, NEEConfig
from .engines.selection_sort import SelectionSortNEE
from .graphs.composition import POINTER_TOLERANCE

__all__ = [
    "OPSET",
    "ENGINES",
    "export_find_min",
    "export_selection_sort",
    "export_merge_sort",
    "export_add",
    "export_all",
    "OnnxSelectionSort",
    "OnnxMerge",
    "OnnxAdder",
    "load_onnx_engines",
]

OPSET = 18
ENGINES = ("selection-sort", "merge-sort", "add")
EXPORTER = "torch.onnx.export(dynamo=True)"
EXPORT_TORCH = (2, 11)  # the oldest torch whose export tests/test_onnx_export.py passed


class _EngineGraph(nn.Module):
    """A NEE as ONNX sees it: ``bits`` ``(batch, positions, width)`` and ``hide``
    ``(batch, positions)`` (1.0 = hidden) in, value bit-logits ``(batch, width)`` and
    pointer log-probabilities ``(batch, positions)`` out."""

    def __init__(self, engine):
        super().__init__()
        self.engine = engine

    def forward(self, bits, hide):
        return self.engine(bits, hide > 0.5)


class _MaskGraph(nn.Module):
    """A mask network: current ``mask`` and one-hot ``pointer`` (both ``(batch,
    positions)``, 0.0 / 1.0) in, the next mask's logits out (positive = hide)."""

    def __init__(self, mask_network):
        super().__init__()
        self.mask_network = mask_network

    def forward(self, mask, pointer):
        return self.mask_network(mask, pointer)


class _AdderGraph(nn.Module):
    """The addition engine: the bits of ``[a, b]`` ``(batch, 2, width)`` in, the sum's
    bit-logits out."""

    def __init__(self, adder):
        super().__init__()
        self.engine = adder.engine

    def forward(self, bits):
        hide = torch.zeros(bits.shape[0], bits.shape[1], dtype=torch.bool)
        return self.engine(bits, hide)[0]


def _require_exporter() -> None:
    """Only exporting needs onnx, onnxscript and a recent torch: say so when one is
    missing."""
    version = tuple(
        int(part) for part in torch.__version__.split("+")[0].split(".")[:2]
    )
    if version < EXPORT_TORCH:
        raise ValueError(
            f"exporting to ONNX needs torch>={'.'.join(map(str, EXPORT_TORCH))} "
            f"(torch.onnx.export(dynamo=True)); this is torch {torch.__version__}"
        )
    for package in ("onnx", "onnxscript"):
        try:
            __import__(package)
        except ImportError:
            raise ValueError(
                f"exporting to ONNX needs the {package} package: "
                "pip install 'nee_lite[onnx]' (versions: requirements.txt)"
            ) from None


def _strip_provenance(graph) -> None:
    """Drop what the exporter records about the Python that traced each node (stack
    traces with this machine's file paths, module names): most of an engine's file, and
    unread by runtimes."""
    for items in (
        graph.node,
        graph.input,
        graph.output,
        graph.value_info,
        graph.initializer,
    ):
        for item in items:
            del item.metadata_props[:]
            item.doc_string = ""


def _export(
    module: nn.Module, example: tuple, path: Path, inputs: dict, outputs: dict
) -> dict:
    """Export ``module`` with named inputs and outputs, each given its shape (a name for
    a dynamic axis, a number for a fixed one); return its manifest entry."""
    _require_exporter()
    path.parent.mkdir(parents=True, exist_ok=True)
    dims = {
        name: torch.export.Dim(name)
        for shape in inputs.values()
        for name in shape
        if isinstance(name, str)
    }
    dynamic = {
        name: {
            axis: dims[size] for axis, size in enumerate(shape) if isinstance(size, str)
        }
        for name, shape in inputs.items()
    }
    exporter_log = logging.getLogger("torch.onnx")
    level = exporter_log.level
    exporter_log.setLevel(
        logging.ERROR
    )  # e.g. "torchvision is not installed", on every export
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # notices about torch.export internals
            program = torch.onnx.export(
                module.eval(),
                example,
                dynamo=True,
                opset_version=OPSET,
                input_names=list(inputs),
                output_names=list(outputs),
                dynamic_shapes=dynamic,
                verbose=False,
            )
    finally:
        exporter_log.setLevel(level)
    import onnx  # here: only exporting needs it (checked above)

    proto = program.model_proto
    _strip_provenance(proto.graph)
    onnx.save_model(proto, str(path))
    data = path.read_bytes()
    return {
        "file": path.name,
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "inputs": inputs,
        "outputs": outputs,
    }


def export_find_min(model, out: Path, name: str) -> list[dict]:
    """Write ``NAME.engine.onnx`` and ``NAME.mask.onnx`` for a masked engine (selection
    sort, graph-min, merge)."""
    width, end = model.codec.width, model.codec.end
    bits = model.codec.encode(torch.tensor([[7, 3, 3, end], [1, 200, 0, end]]))
    hide = torch.tensor([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])
    pointer = torch.tensor([[0.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0]])
    rows = ["batch", "positions"]
    engine = _export(
        _EngineGraph(model.engine),
        (bits, hide),
        out / f"{name}.engine.onnx",
        {"bits": [*rows, width], "hide": rows},
        {"value_logits": ["batch", width], "log_pointer": rows},
    )
    mask = _export(
        _MaskGraph(model.mask_network),
        (hide, pointer),
        out / f"{name}.mask.onnx",
        {"mask": rows, "pointer": rows},
        {"mask_logits": rows},
    )
    return [engine, mask]


def export_selection_sort(out: Path, checkpoint: Path | None = None) -> list[dict]:
    """The selection-sort NEE (the find-min engine of selection sort, Dijkstra and Prim)
    and its mask network."""
    model = load_model(
        checkpoint or checkpoint_path("selection-sort"), expect=SelectionSortNEE
    )
    return export_find_min(model, out, "selection-sort")


def export_merge_sort(out: Path, checkpoint: Path | None = None) -> list[dict]:
    """The merge NEE and its mask network (which advances the chosen head)."""
    model = load_model(checkpoint or checkpoint_path("merge-sort"), expect=MergeNEE)
    return export_find_min(model, out, "merge-sort")


def export_add(out: Path, checkpoint: Path | None = None) -> list[dict]:
    """The addition engine: ``[a, b]`` as bits in, ``a + b`` as bit-logits out
    (``inf + x = inf``)."""
    adder = load_model(checkpoint or checkpoint_path("add"), expect=ArithmeticNEE)
    width = adder.codec.width
    bits = adder.codec.encode(torch.tensor([[3, 4], [adder.codec.end, 7]]))
    return [
        _export(
            _AdderGraph(adder),
            (bits,),
            out / "add.onnx",
            {"bits": ["batch", 2, width]},
            {"value_logits": ["batch", width]},
        )
    ]


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def export_all(out: Path, force: bool = True) -> dict:
    """Export every engine of :data:`ENGINES` into ``out`` and write
    ``out/manifest.json``; return the manifest.

    With ``force=False`` nothing is written when ``out/manifest.json`` already names the
    same checkpoints (by SHA-256), opset and exporter, and every file it lists is there:
    the book build calls it that way on every build.
    """
    out = Path(out)
    sources = {
        name: {
            "checkpoint": f"data/checkpoints/{name}.pt",
            "sha256": _file_sha256(checkpoint_path(name).with_suffix(".pt")),
            "model": read_card(checkpoint_path(name))["model"],
        }
        for name in ENGINES
    }
    manifest_path = out / "manifest.json"
    if not force and manifest_path.is_file():
        old = json.loads(manifest_path.read_text())
        if (
            old.get("sources") == sources
            and old.get("opset") == OPSET
            and old.get("exporter") == EXPORTER
            and all(
                (out / entry["file"]).is_file()
                for entry in old.get("models", {}).values()
            )
        ):
            return old
    codec = NumberCodec(8)
    models = {}
    for export in (export_selection_sort, export_merge_sort, export_add):
        for entry in export(out):
            models[entry["file"].removesuffix(".onnx")] = entry
    manifest = {
        "description": "nee-lite's engines as ONNX (nee-lite export); "
        "the closed loops live outside",
        "nee_lite": __version__,
        "torch": torch.__version__,
        "exporter": EXPORTER,
        "opset": OPSET,
        "bits": codec.bits,
        "end": codec.end,
        "pointer_tolerance": POINTER_TOLERANCE,
        "sources": sources,
        "models": models,
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


# ------------------------------------------------------------------ running the ONNX
# files
def _session(path: Path):
    import onnxruntime  # optional: only running the exported files needs it

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(
        str(path), options, providers=["CPUExecutionProvider"]
    )


def _manifest(folder: Path) -> dict:
    path = Path(folder) / "manifest.json"
    if not path.is_file():
        raise ValueError(
            f"no exported engines in {folder} (manifest.json missing): "
            f"run nee-lite export --out {folder}"
        )
    return json.loads(path.read_text())


class _OnnxEngine:
    """An exported NEE behind :class:`~nee_lite.engines.nee.NEE`'s call and
    ``forward_visible`` (same compaction)."""

    def __init__(self, path: Path, config):
        self.session, self.config, self.codec = (
            _session(path),
            config,
            NumberCodec(config.bits),
        )

    def __call__(self, bits: torch.Tensor, hide: torch.Tensor):
        feed = {"bits": bits.float().numpy(), "hide": hide.float().numpy()}
        value, pointer = self.session.run(None, feed)
        return torch.from_numpy(value), torch.from_numpy(pointer)

    def forward_visible(self, bits, hide):
        return NEE.forward_visible(self, bits, hide)


class _OnnxMaskNetwork:
    def __init__(self, path: Path):
        self.session = _session(path)

    def __call__(
        self, mask: torch.Tensor, pointer_one_hot: torch.Tensor
    ) -> torch.Tensor:
        feed = {
            "mask": mask.float().numpy(),
            "pointer": pointer_one_hot.float().numpy(),
        }
        (logits,) = self.session.run(None, feed)
        return torch.from_numpy(logits)


class _OnnxMaskedEngine:
    """Engine + mask network from ONNX files, with the attributes nee_lite's closed
    loops read."""

    def __init__(self, folder: Path, name: str):
        self.config = NEEConfig(**_manifest(folder)["sources"][name]["model"])
        self.codec = NumberCodec(self.config.bits)
        self.engine = _OnnxEngine(Path(folder) / f"{name}.engine.onnx", self.config)
        self.mask_network = _OnnxMaskNetwork(Path(folder) / f"{name}.mask.onnx")

    def parameters(self):
        yield torch.zeros(0)  # the loops ask for the device: the CPU


class OnnxSelectionSort(_OnnxMaskedEngine):
    """The exported selection-sort NEE, run by
    :class:`~nee_lite.engines.selection_sort.SelectionSortNEE`'s own loop; also a
    find-min engine for :func:`~nee_lite.graphs.composition.neural_dijkstra` and
    ``neural_prim``."""

    def __init__(self, folder: Path):
        super().__init__(folder, "selection-sort")

    def execute(self, lists, oracle_mask: bool = False, record: bool = False):
        return SelectionSortNEE.execute(self, lists, oracle_mask, record)

    def sort(self, lists, batch_size: int = 100):
        return SelectionSortNEE.sort(self, lists, batch_size)


class OnnxMerge(_OnnxMaskedEngine):
    """The exported merge NEE, run by :class:`~nee_lite.engines.merge_sort.MergeNEE`'s
    own merge and merge-sort loops."""

    def __init__(self, folder: Path):
        super().__init__(folder, "merge-sort")

    def merge(self, pairs, record: bool = False, oracle_mask: bool = False):
        return MergeNEE.merge(self, pairs, record, oracle_mask)

    def merge_sort(self, lists):
        return MergeNEE.merge_sort(self, lists)

    def sort(self, lists):
        return MergeNEE.sort(self, lists)


class OnnxAdder:
    """The exported addition engine behind
    :class:`~nee_lite.engines.arithmetic.ArithmeticNEE`'s call and ``predict``."""

    def __init__(self, folder: Path):
        self.config = ArithmeticConfig(**_manifest(folder)["sources"]["add"]["model"])
        self.codec = NumberCodec(self.config.bits)
        self.session = _session(Path(folder) / "add.onnx")

    def __call__(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        pair = torch.stack([torch.as_tensor(a), torch.as_tensor(b)], 1)
        (logits,) = self.session.run(None, {"bits": self.codec.encode(pair).numpy()})
        return torch.from_numpy(logits)

    def check_operands(self, a, b):
        return ArithmeticNEE.check_operands(self, a, b)

    def predict(self, a, b, batch_size: int = 8192) -> torch.Tensor:
        return ArithmeticNEE.predict(self, a, b, batch_size)


def load_onnx_engines(folder: Path) -> dict:
    """The exported engines in ``folder``: ``{"selection-sort": ..., "merge-sort": ...,
    "add": ...}``."""
    return {
        "selection-sort": OnnxSelectionSort(folder),
        "merge-sort": OnnxMerge(folder),
        "add": OnnxAdder(folder),
    }
