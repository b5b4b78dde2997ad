"""The benchmark scripts run (with a tiny budget): they measure speed, the tests only check they work."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_training_benchmark_runs_and_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "train_selection_sort.py"), "--steps", "5",
                    "--lengths", "8", "--out", str(out)], check=True, capture_output=True, text=True)
    result = json.loads(out.read_text())
    assert result["runs"][0]["train_seconds"] > 0 and result["runs"][0]["accuracy"][0]["length"] == 8


def test_chapter_benchmark_lists_the_toc_chapters():
    listed = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "chapters.py"), "--list"],
                            check=True, capture_output=True, text=True).stdout.split()
    assert listed[0] == "numbers_as_bits" and "conditional_masking" in listed


def test_addition_heldout_benchmark_runs_and_summarizes(tmp_path):
    out = tmp_path / "table2.json"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "addition_heldout.py"), "--steps", "3", "--counts", "64",
                    "--seeds", "0", "1", "--workers", "1", "--out", str(out)],
                   check=True, capture_output=True, text=True)
    result = json.loads(out.read_text())
    assert result["train"]["steps"] == 3 and "--steps 3" in result["command"] and len(result["runs"]) == 2
    row = result["summary"][0]
    assert row["count"] == 64 and row["seeds"] == 2 and row["min"] <= row["mean"] <= row["max"]
    assert {"cpu_seconds", "train_seconds"} <= set(result["runs"][0]) and row["paper"] == 0.9653
