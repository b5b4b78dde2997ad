"""Learning to Execute on program evaluation: the four curricula scored on a length x
nesting grid."""

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from nee_lite.ancestors.lte import LTEConfig, LTETask, train_lte
from nee_lite.ancestors.lte_grid import (
    ADDITION_CPU,
    GRID_CPU,
    GRID_PAPER,
    CurriculumData,
    addition_record,
    grid_recipe,
    grid_record,
    grid_run,
    relative_to_baseline,
    summarize_grid,
)

ROOT = Path(__file__).resolve().parent.parent
TINY = replace(
    GRID_CPU,
    model=LTEConfig(hidden=32, reverse=True),
    train=replace(GRID_CPU.train, steps=250, batch_size=32),
    data=CurriculumData(LTETask(1, 2), check_every=50, eval_count=50, test_count=100),
)


def test_a_tiny_run_learns_and_is_scored_on_every_cell():
    untrained = grid_run("combined", 0, TINY, steps=1, device="cpu")
    trained = grid_run("combined", 0, TINY, device="cpu")
    assert [(c["length"], c["nesting"]) for c in trained["grid"]] == [(1, 1), (1, 2)]
    assert all(c["programs"] == 100 for c in trained["grid"])
    assert trained["steps"] == 250 and trained["wall_time_s"] > 0
    # the same programs before and after training: 250 steps must lift per-character
    # accuracy at nesting 1
    before, after = untrained["grid"][0], trained["grid"][0]
    assert after["per_character"] > before["per_character"] + 0.1
    assert after["exact_match"] >= before["exact_match"]


def _run(curriculum, seed, exact):
    return {
        "curriculum": curriculum,
        "seed": seed,
        "wall_time_s": 1.0 + seed,
        "grid": [
            {"length": 1, "nesting": 1, "per_character": exact, "exact_match": exact},
            {"length": 2, "nesting": 1, "per_character": exact / 2, "exact_match": 0.0},
        ],
    }


def test_summary_and_relative_scores_are_over_seeds_and_per_seed():
    runs = [
        _run("baseline", 0, 0.4),
        _run("combined", 0, 0.6),
        _run("baseline", 1, 0.2),
        _run("combined", 1, 0.5),
    ]
    summary = {row["curriculum"]: row for row in summarize_grid(runs)}
    assert list(summary) == ["baseline", "combined"] and summary["combined"][
        "seeds"
    ] == [0, 1]
    assert summary["combined"]["grid"][0]["exact_match"] == {
        "mean": pytest.approx(0.55),
        "min": 0.5,
    }
    assert summary["baseline"]["grid"][1]["per_character"]["min"] == pytest.approx(0.1)
    assert summary["baseline"]["wall_time_s"] == {"mean": 1.5, "max": 2.0}
    relative = relative_to_baseline(runs, "exact_match")
    assert relative["baseline"][1] == {(1, 1): 0.0, (2, 1): 0.0}
    assert relative["combined"][0][1, 1] == pytest.approx(0.2) and relative["combined"][
        1
    ][1, 1] == pytest.approx(0.3)


def test_the_papers_configuration_is_one_switch_away():
    assert grid_recipe() is GRID_CPU and grid_recipe(paper=True) is GRID_PAPER
    paper = (
        GRID_PAPER.model.hidden,
        GRID_PAPER.model.layers,
        GRID_PAPER.train.batch_size,
    )
    assert paper == (400, 2, 100)
    help_text = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "lte_program_grid.py"), "--help"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "--paper" in help_text and "2 x 400" in help_text


def test_benchmark_writes_json_and_resumes(tmp_path):
    out = tmp_path / "grid.json"
    command = [
        sys.executable,
        str(ROOT / "benchmarks" / "lte_program_grid.py"),
        "--steps",
        "2",
        "--seeds",
        "3",
        "--curricula",
        "naive",
        "--out",
        str(out),
    ]
    subprocess.run(command, check=True, capture_output=True, text=True)
    result = json.loads(out.read_text())
    assert result["setting"]["steps"] == 2 and len(result["runs"]) == 1
    assert (
        len(result["runs"][0]["grid"])
        == GRID_CPU.data.task.length * GRID_CPU.data.task.nesting
    )
    assert result["setting"] == {**grid_record(GRID_CPU), "steps": 2}
    again = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    assert (
        "already in" in again and json.loads(out.read_text())["runs"] == result["runs"]
    )


def test_the_papers_optimizer_is_plain_sgd_at_a_rate_that_only_its_decay_lowers():
    budget = GRID_PAPER.train
    assert budget.optimizer == "sgd" and budget.lr == 0.5 and budget.grad_clip == 5.0
    assert (
        budget.warmup_steps == 0
        and budget.min_lr_ratio == 1.0
        and GRID_PAPER.data.lr_decay == 0.8
    )
    assert GRID_CPU.train.optimizer == "adamw"


def test_the_decay_rule_lowers_the_rate_at_the_target_and_never_below_it():
    task = LTETask(1, 1)  # the baseline trains at the target from the first check
    small = LTEConfig(hidden=16, reverse=True)
    budget = replace(
        GRID_PAPER.with_seed(0, steps=40).train, batch_size=8, lr=0.1, log_every=10
    )
    _, _, run = train_lte(
        task,
        "baseline",
        small,
        budget,
        check_every=10,
        eval_count=20,
        progress=False,
        lr_decay=0.5,
    )
    checks = len(run.curve)  # one per 10 steps, and one at the end
    assert (
        checks == 4 and 0.5**checks <= run.lr_scale <= 0.5
    )  # once on arrival, then on every stall
    _, _, plain = train_lte(
        task, "naive", small, budget, check_every=10, eval_count=20, progress=False
    )
    assert plain.lr_scale == 1.0


def test_the_recipes_say_what_the_settings_dicts_said():
    """The records keep their keys: the settings as the benchmarks have written them."""
    record = addition_record(ADDITION_CPU)
    assert record["digits"] == 3 and ADDITION_CPU.model == LTEConfig(
        hidden=128, reverse=True
    )
    assert (record["batch_size"], record["steps"], record["lr"]) == (64, 3000, 1e-2)
    assert (record["check_every"], record["eval_count"], record["final_count"]) == (
        100,
        300,
        1000,
    )
    assert list(addition_record(ADDITION_CPU)) == [
        "digits",
        "batch_size",
        "steps",
        "lr",
        "check_every",
        "eval_count",
        "final_count",
        "model",
    ]
    assert grid_record(GRID_PAPER, steps=7) == {
        "length": 4,
        "nesting": 3,
        "batch_size": 100,
        "steps": 7,
        "lr": 0.5,
        "optimizer": "sgd",
        "lr_decay": 0.8,
        "check_every": 500,
        "eval_count": 1000,
        "grid_count": 2000,
        "model": {
            "hidden": 400,
            "layers": 2,
            "embedding": 32,
            "reverse": True,
            "double": False,
        },
    }
    cpu = GRID_CPU.train
    assert (cpu.warmup_steps, cpu.min_lr_ratio, cpu.grad_clip, cpu.log_every) == (
        50,
        0.05,
        5.0,
        100,
    )
