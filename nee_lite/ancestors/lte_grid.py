"""Chapter "Learning to Execute": the four curricula on program evaluation, scored on a length x nesting grid.

The paper's section 6.1 trains LSTMs on its programs with the four curricula and shows, in Figures 4 and 5, the
accuracy of each on programs of each ``(length, nesting)``. Here one LSTM is trained per curriculum and seed at a
target ``(length, nesting)``, with :func:`~nee_lite.ancestors.lte.train_lte` (the naive level steps through
length first, then nesting, as the paper's section 4 says), and every model is scored on test programs of every
cell of the grid ``1..length x 1..nesting``: greedy whole-answer exact match beside teacher-forced per-character
accuracy (:func:`~nee_lite.ancestors.lte.evaluate_programs`).

Two settings: :data:`GRID_CPU`, small enough that one run trains in minutes on a laptop CPU, and
:data:`GRID_PAPER`, the paper's 2 x 400 LSTM and batch of 100 at ``length = 4, nesting = 3`` (the configuration
of its Figures 1 and 6), for a GPU. The training budget is fixed by wall time, not tuned on any score; the naive
level steps up on validation programs only. The test grid decides nothing.
"""

from __future__ import annotations

from dataclasses import asdict

import torch

from .lte import CURRICULA, LTEConfig, LTETask, evaluate_programs, train_lte
from ..core.training import TrainConfig

__all__ = ["GRID_CPU", "GRID_PAPER", "grid_settings", "grid_budget", "score_grid", "grid_run", "summarize_grid",
           "relative_to_baseline", "setting_record"]

#: The CPU scale run for the book: constants of up to 2 digits, nesting up to 2, one layer of 128 units.
GRID_CPU = {"length": 2, "nesting": 2, "model": LTEConfig(hidden=128, reverse=True), "batch_size": 64,
            "steps": 1000, "lr": 1e-2, "check_every": 50, "eval_count": 200, "grid_count": 400}
#: The paper's configuration (section 6: 2 layers of 400 units, batch 100, gradients clipped at 5, plain SGD at
#: 0.5, multiplied by 0.8 whenever the target level stops improving); not run for the book.
GRID_PAPER = {"length": 4, "nesting": 3, "model": LTEConfig(hidden=400, layers=2, reverse=True), "batch_size": 100,
              "steps": 50000, "lr": 0.5, "optimizer": "sgd", "lr_decay": 0.8, "check_every": 500,
              "eval_count": 1000, "grid_count": 2000}


def grid_settings(paper: bool = False) -> dict:
    """:data:`GRID_PAPER` if ``paper`` else :data:`GRID_CPU`."""
    return GRID_PAPER if paper else GRID_CPU


def grid_budget(setting: dict, seed: int, steps: int | None = None) -> TrainConfig:
    """Gradients clipped at 5. The CPU scale: Adam with warm-up and cosine decay (the addition runs' optimizer);
    the paper's: plain SGD at a constant rate, which ``lr_decay`` lowers (:func:`grid_run`)."""
    sgd = setting.get("optimizer") == "sgd"
    return TrainConfig(steps=steps or setting["steps"], batch_size=setting["batch_size"], lr=setting["lr"],
                       warmup_steps=0 if sgd else 50, min_lr_ratio=1.0 if sgd else 0.05, grad_clip=5.0, seed=seed,
                       log_every=100, optimizer=setting.get("optimizer", "adam"))


def score_grid(model, task: LTETask, count: int, seed: int = 0) -> list[dict]:
    """Both metrics on ``count`` test programs of every cell ``1..task.length x 1..task.nesting``."""
    cells = []
    for nesting in range(1, task.nesting + 1):
        for length in range(1, task.length + 1):
            score = evaluate_programs(model, task, length, nesting, count=count, seed=seed)
            cells.append({"length": length, "nesting": nesting, "programs": score["examples"],
                          "per_character": round(score["per_character"], 6),
                          "exact_match": round(score["exact_match"], 6)})
    return cells


def grid_run(curriculum: str, seed: int, setting: dict = GRID_CPU, steps: int | None = None,
             progress: bool = False, device: str | None = None) -> dict:
    """Train one LSTM with ``curriculum`` at the setting's target and score it on the grid."""
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    task = LTETask(setting["length"], setting["nesting"])
    model, result, run = train_lte(task, curriculum, setting["model"], grid_budget(setting, seed, steps),
                                   setting["check_every"], setting["eval_count"], progress, device,
                                   lr_decay=setting.get("lr_decay"))
    return {"curriculum": curriculum, "seed": seed, "steps": result.steps,
            "wall_time_s": round(result.wall_time_s, 1), "levels": run.levels,
            "final_level": [run.curve[-1]["length"], run.curve[-1]["nesting"]],
            "curve": run.curve, "grid": score_grid(model, task, setting["grid_count"], seed)}


def summarize_grid(runs: list[dict]) -> list[dict]:
    """Per curriculum and cell: mean and minimum over seeds of both metrics; and the training time."""
    rows = []
    for curriculum in [c for c in CURRICULA if any(run["curriculum"] == c for run in runs)]:
        mine = [run for run in runs if run["curriculum"] == curriculum]
        cells = []
        for k, cell in enumerate(mine[0]["grid"]):
            entry = {"length": cell["length"], "nesting": cell["nesting"]}
            for metric in ("per_character", "exact_match"):
                values = [run["grid"][k][metric] for run in mine]
                entry[metric] = {"mean": sum(values) / len(values), "min": min(values)}
            cells.append(entry)
        times = [run["wall_time_s"] for run in mine]
        rows.append({"curriculum": curriculum, "seeds": sorted(run["seed"] for run in mine), "grid": cells,
                     "wall_time_s": {"mean": sum(times) / len(times), "max": max(times)}})
    return rows


def relative_to_baseline(runs: list[dict], metric: str = "per_character") -> dict:
    """Per curriculum, seed and cell: its score minus the baseline's with the same seed (the paper's Figure 5
    is each strategy relative to the baseline). Returns ``{curriculum: {seed: {(length, nesting): diff}}}``."""
    baseline = {run["seed"]: run for run in runs if run["curriculum"] == "baseline"}
    out: dict = {}
    for run in runs:
        if run["seed"] in baseline:
            base = {(c["length"], c["nesting"]): c[metric] for c in baseline[run["seed"]]["grid"]}
            out.setdefault(run["curriculum"], {})[run["seed"]] = {
                (c["length"], c["nesting"]): c[metric] - base[c["length"], c["nesting"]] for c in run["grid"]}
    return out


def setting_record(setting: dict, steps: int | None = None) -> dict:
    """The setting as JSON (the model's shape spelled out)."""
    return {**{k: v for k, v in setting.items() if k != "model"}, **({"steps": steps} if steps else {}),
            "model": asdict(setting["model"])}
