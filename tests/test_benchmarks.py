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
    assert listed[:3] == ["learning_to_execute", "npi", "numbers_as_bits"] and "conditional_masking" in listed
