"""The benchmark scripts run (with a tiny budget): they measure speed, the tests only
check they work."""

import importlib.util
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from nee_lite.engines.arithmetic import MULTIPLY

ROOT = Path(__file__).resolve().parent.parent


def run_benchmark(out, script, arguments):
    """Run ``benchmarks/<script>`` with the (space-separated) arguments and ``--out
    out``; return the JSON it wrote."""
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *arguments.split()]
        + ["--out", str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.read_text())


def test_chapter_benchmark_lists_the_toc_chapters():
    listed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "chapters.py"), "--list"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert (
        listed[:3] == ["learning_to_execute", "npi", "npi_sorting"]
        and "conditional_masking" in listed
    )


def test_graph_benchmark_runs_and_writes_json(tmp_path):
    result = run_benchmark(tmp_path / "graphs.json", "graphs.py", "--sizes 25")
    assert [(row["algorithm"], row["nodes"]) for row in result["rows"]] == [
        ("dijkstra", 25),
        ("prim", 25),
    ]
    assert result["total_s"] > 0 and all(
        row["per_graph"] == 1.0 for row in result["rows"]
    )


def test_training_throughput_benchmark_runs_and_writes_json(tmp_path):
    result = run_benchmark(
        tmp_path / "training.json",
        "training.py",
        "--device cpu --batch-sizes 8 --steps 2 --tasks min-of-two --quick",
    )
    assert (
        result["device"] == "cpu"
        and result["device_name"]
        and result["date"]
        and result["torch"]
    )
    assert {(r["data_on"], r["bf16"]) for r in result["throughput"]} == {
        ("host", False),
        ("host", True),
        ("device", False),
        ("device", True),
    }
    assert (
        result["tasks"][0]["task"] == "min-of-two"
        and result["tasks"][0]["examples_per_s"] > 0
    )
    assert result["fast_recipe"]["lists_per_s"] > 0


def test_inference_benchmark_runs_and_writes_json(tmp_path):
    result = run_benchmark(
        tmp_path / "inference.json",
        "inference.py",
        "--device cpu --length 6 --batch 3 --repeats 1 --tasks selection-sort add",
    )
    assert [r["task"] for r in result["results"]] == ["selection-sort", "add"]
    assert all(r["per_second"] > 0 and r["latency_ms"] > 0 for r in result["results"])


def test_addition_heldout_benchmark_validates_without_the_test_numbers(tmp_path):
    result = run_benchmark(
        tmp_path / "validation.json",
        "addition_heldout.py",
        "--steps 3 --counts 64 --seeds 0 1 --weight-decay 0.1 --workers 1",
    )
    assert "--steps 3" in result["command"] and len(result["runs"]) == 2
    row = result["summary"][0]
    assert (
        row["count"] == 64
        and row["seeds"] == 2
        and row["validation_min"] <= row["validation_mean"] <= 1.0
    )
    run = result["runs"][0]
    assert run["validation_pairs"] > 0 and {
        "train_seconds",
        "train_exact_match",
        "first_step_99",
    } <= set(run)


def test_multiply_validation_benchmark_runs_and_summarizes(tmp_path):
    result = run_benchmark(
        tmp_path / "multiply.json",
        "multiply_validation.py",
        "--steps 3 --candidates ff512 ff1024 ff1024-dec2 --seeds 0",
    )
    assert [
        (run["candidate"], run["ff"], run["decoder_layers"]) for run in result["runs"]
    ] == [("ff512", 512, 1), ("ff1024", 1024, 1), ("ff1024-dec2", 1024, 2)]
    assert (
        "--steps 3" in result["command"]
        and [row["seeds"] for row in result["summary"]] == [[0]] * 3
    )
    run = result["runs"][0]
    # the validation pairs are carved from the training pairs: a tenth of them, the test
    # pairs untouched
    assert (
        0.08
        < run["validation_pairs"] / (run["validation_pairs"] + run["train_pairs"])
        < 0.12
    )
    assert (
        run["train_pairs"] + run["validation_pairs"] == 38608 and run["cpu_seconds"] > 0
    )


def test_selection_sort_seeds_benchmark_runs_and_summarizes(tmp_path):
    result = run_benchmark(
        tmp_path / "seeds.json",
        "selection_sort_seeds.py",
        "--steps 3 --seeds 20 --encoder-layers 0 1 --lengths 8 --lists 4",
    )
    assert [(run["encoder_layers"], run["seed"]) for run in result["runs"]] == [
        (0, 20),
        (1, 20),
    ]
    assert result["runs"][0]["parameters"] < result["runs"][1]["parameters"]
    assert [row["family"] for row in result["runs"][0]["accuracy"]] == result[
        "families"
    ]
    assert (
        len(result["families"]) == 6
        and "--steps 3" in result["command"]
        and result["test_seed"] == 777
    )
    row = result["summary"][0]["table"][0]
    assert row["seeds"] == 1 and row["exact_match_min"] == row["exact_match_mean"]
    assert (
        result["runs"][0]["train_seconds"] > 0
        and result["summary"][0]["meets_bar"] is False
    )  # 3 steps


def test_multiply_recipe_is_the_candidate_the_validation_record_chose(monkeypatch):
    """The benchmark's candidates are relative to the adder's shape, not to the recipe
    they chose: the adopted candidate rebuilds MULTIPLY's model exactly, and it has the
    best mean of those run on all three seeds."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))  # as run: it imports _common
    spec = importlib.util.spec_from_file_location(
        "multiply_validation", ROOT / "benchmarks" / "multiply_validation.py"
    )
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    model_changes, budget_changes = bench.CANDIDATES["ff1024-dec2"]
    assert replace(bench.BASE, **model_changes) == MULTIPLY.model and not budget_changes
    assert (bench.BASE.ff, bench.BASE.encoder_layers, bench.BASE.decoder_layers) == (
        512,
        1,
        1,
    )
    record = json.loads(
        (ROOT / "data" / "results" / "multiply_validation.json").read_text()
    )
    complete = [row for row in record["summary"] if row["seeds"] == [0, 1, 2]]
    assert (
        max(complete, key=lambda row: row["validation_mean"])["candidate"]
        == "ff1024-dec2"
    )
