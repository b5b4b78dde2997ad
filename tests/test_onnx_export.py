"""`nee-lite export`: the ONNX models, run with onnxruntime, answer exactly as the
PyTorch models do.

Each exported network is compared with its PyTorch original on raw outputs, then the
full closed loops (nee_lite's own loops, with the ONNX networks plugged in) are compared
on the stored test sets: every list of ``data/test_sets/sorting.json`` sorted by
selection sort and by merge sort, every valid addition pair, and the graphs of
``data/test_sets/graphs.json`` through Dijkstra and Prim. The graphs of 25 and 50 nodes
run by default (the larger ones take minutes on 2 cores); ``NEE_ONNX_FULL_TEST=1`` runs
every size.
"""

from __future__ import annotations

import json
import os

import pytest
import torch

pytest.importorskip("onnx")
pytest.importorskip("onnxscript")  # the exporter (dynamo=True) needs it
pytest.importorskip("onnxruntime")

from nee_lite.cli.main import main  # noqa: E402
from nee_lite.core.checkpoints import checkpoint_path, data_dir, load_model  # noqa: E402
from nee_lite.engines.arithmetic import valid_pairs  # noqa: E402
from nee_lite.graphs.composition import run_algorithm  # noqa: E402
from nee_lite.graphs.data import TEST_SIZES, graph_test_set  # noqa: E402
from nee_lite.onnx_engines import OnnxAdder, export_all, load_onnx_engines  # noqa: E402

GRAPH_SIZES = TEST_SIZES if os.environ.get("NEE_ONNX_FULL_TEST") == "1" else (25, 50)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("onnx")
    assert main(["export", "--out", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def engines(exported):
    return load_onnx_engines(exported)


@pytest.fixture(scope="module")
def torch_models():
    models = {
        name: load_model(checkpoint_path(name))
        for name in ("selection-sort", "merge-sort", "add")
    }
    torch.set_num_threads(1)  # the loaders tune threads; stay frugal on a shared CPU
    return models


def sorting_lists() -> list[list[int]]:
    """Every list of the stored sorting test sets."""
    return [
        numbers
        for entry in json.loads((data_dir() / "test_sets" / "sorting.json").read_text())
        for numbers in entry["lists"]
    ]


def test_export_writes_small_models_and_a_manifest(exported):
    manifest = json.loads((exported / "manifest.json").read_text())
    assert set(manifest["models"]) == {
        "selection-sort.engine",
        "selection-sort.mask",
        "merge-sort.engine",
        "merge-sort.mask",
        "add",
    }
    for entry in manifest["models"].values():
        assert (exported / entry["file"]).stat().st_size == entry["bytes"] < 500_000
    assert (
        export_all(exported, force=False) == manifest
    )  # unchanged checkpoints: nothing rewritten


@pytest.mark.parametrize("name", ["selection-sort", "merge-sort"])
def test_engine_and_mask_network_outputs_match(name, engines, torch_models):
    model, exported = torch_models[name], engines[name]
    generator = torch.Generator().manual_seed(0)
    for batch, length in ((1, 1), (16, 2), (16, 9), (3, 100)):  # every axis is dynamic
        lists = torch.randint(0, 257, (batch, length), generator=generator)
        hide = torch.rand(batch, length, generator=generator) < 0.5
        hide[:, 0] = False
        bits = model.codec.encode(lists)
        with torch.no_grad():
            value, pointer = model.engine(bits, hide)
            mask_logits = model.mask_network(
                hide, torch.nn.functional.one_hot(lists.argmax(1), length)
            )
        onnx_value, onnx_pointer = exported.engine(bits, hide)
        onnx_mask = exported.mask_network(
            hide, torch.nn.functional.one_hot(lists.argmax(1), length)
        )
        torch.testing.assert_close(onnx_value, value, atol=1e-3, rtol=1e-4)
        torch.testing.assert_close(onnx_pointer, pointer, atol=1e-3, rtol=1e-4)
        torch.testing.assert_close(onnx_mask, mask_logits, atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("name", ["selection-sort", "merge-sort"])
def test_sorting_test_sets_closed_loop(name, engines, torch_models):
    lists = sorting_lists()
    assert len(lists) == 1000
    expected = torch_models[name].sort(lists)
    assert engines[name].sort(lists) == expected
    assert expected == [sorted(numbers) for numbers in lists]  # and both are right


def test_every_addition_pair(engines, torch_models):
    codec = torch_models["add"].codec
    numbers = torch.arange(codec.end + 1)
    pairs = valid_pairs(numbers, numbers, "add", codec)
    expected = torch_models["add"].predict(pairs[:, 0], pairs[:, 1])
    assert torch.equal(engines["add"].predict(pairs[:, 0], pairs[:, 1]), expected)
    with pytest.raises(ValueError, match="out of range"):
        engines["add"].predict(torch.tensor([200]), torch.tensor([100]))


@pytest.mark.parametrize("algorithm", ["dijkstra", "prim"])
def test_graph_test_sets_closed_loop(algorithm, engines, torch_models):
    finder, adder = torch_models["selection-sort"], torch_models["add"]
    onnx_finder, onnx_adder = engines["selection-sort"], engines["add"]
    assert isinstance(onnx_adder, OnnxAdder)
    for size, graphs in graph_test_set(algorithm, sizes=GRAPH_SIZES).items():
        expected = run_algorithm(
            algorithm, finder, adder if algorithm == "dijkstra" else None, graphs
        )
        got = run_algorithm(
            algorithm,
            onnx_finder,
            onnx_adder if algorithm == "dijkstra" else None,
            graphs,
        )
        assert got == expected, f"{algorithm}, graphs of {size} nodes"


def test_export_into_an_unwritable_folder_is_a_one_line_error(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["export", "--out", str(blocker / "models")]) == 2
    error = capsys.readouterr().err
    assert (
        error.startswith("nee-lite: error: cannot write the ONNX files into")
        and error.count("\n") == 1
    )
