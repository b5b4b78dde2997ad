"""Chapter "Learning to Execute": the four curricula on program evaluation, scored on a
length x nesting grid.

The paper's section 6.1 trains LSTMs on its programs with the four curricula and shows,
in Figures 4 and 5, the accuracy of each on programs of each ``(length, nesting)``. Here
one LSTM is trained per curriculum and seed at a target ``(length, nesting)``, with
:func:`~nee_lite.ancestors.lte.train_lte` (the naive level steps through length first,
then nesting, as the paper's section 4 says), and every model is scored on test programs
of every cell of the grid ``1..length x 1..nesting``: greedy whole-answer exact match
beside teacher-forced per-character accuracy
(:func:`~nee_lite.ancestors.lte.evaluate_programs`).

Two recipes: :data:`GRID_CPU`, small enough that one run trains in minutes on a laptop
CPU, and :data:`GRID_PAPER`, the paper's 2 x 400 LSTM and batch of 100 at ``length = 4,
nesting = 3`` (the configuration of its Figures 1 and 6), for a GPU. The training budget
is fixed by wall time, not tuned on any score; the naive level steps up on validation
programs only. The test grid decides nothing.

The chapter's first comparison, the curricula on addition alone
(:func:`curriculum_run`), has its recipes here too: :data:`ADDITION_CPU` and
:data:`ADDITION_GPU`. Every recipe's ``data`` is a :class:`CurriculumData`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch

from ..core.training import Recipe
from .lte import (
    ADDITION,
    CURRICULA,
    LTE_ADD,
    LTEConfig,
    LTETask,
    evaluate_programs,
    lstm_budget,
    train_lte,
)

__all__ = [
    "CurriculumData",
    "ADDITION_CPU",
    "ADDITION_GPU",
    "GRID_CPU",
    "GRID_PAPER",
    "addition_recipe",
    "grid_recipe",
    "curriculum_run",
    "addition_record",
    "score_grid",
    "grid_run",
    "summarize_grid",
    "relative_to_baseline",
    "grid_record",
]


@dataclass(frozen=True)
class CurriculumData:
    """What a run of the curricula comparison trains on and how it is checked: the
    programs of ``task``; every ``check_every`` steps ``eval_count`` validation and test
    programs (:func:`~nee_lite.ancestors.lte.train_lte`); at the end ``test_count`` test
    programs (per cell, for the grid); ``lr_decay``: the paper's rule, or None."""

    task: LTETask
    check_every: int = 100
    eval_count: int = 300
    test_count: int = 1000
    lr_decay: float | None = None


#: The addition experiment at the size run for the book (a CPU), on the task of the
#: shipped ``lte-add``.
ADDITION_CPU = Recipe(
    model=LTEConfig(hidden=128, reverse=True),
    train=lstm_budget(3000, 64, 1e-2),
    data=CurriculumData(LTE_ADD.data.task, 100, 300, 1000),
)
#: The addition experiment at the paper's size: 9 digits, a 2 x 400 LSTM (for a GPU; not
#: run for the book).
ADDITION_GPU = Recipe(
    model=LTEConfig(hidden=400, layers=2, reverse=True),
    train=lstm_budget(50000, 100, 2e-3),
    data=CurriculumData(LTETask(9, 1, ADDITION), 500, 1000, 2000),
)
#: The program grid at the CPU scale run for the book: constants of up to 2 digits,
#: nesting up to 2, one layer of 128 units; 400 test programs per cell.
GRID_CPU = Recipe(
    model=LTEConfig(hidden=128, reverse=True),
    train=lstm_budget(1000, 64, 1e-2),
    data=CurriculumData(LTETask(2, 2), 50, 200, 400),
)
#: The paper's configuration (section 6: 2 layers of 400 units, batch 100, gradients
#: clipped at 5, plain SGD at 0.5, multiplied by 0.8 whenever the target level stops
#: improving); not run for the book.
GRID_PAPER = Recipe(
    model=LTEConfig(hidden=400, layers=2, reverse=True),
    train=lstm_budget(50000, 100, 0.5, sgd=True),
    data=CurriculumData(LTETask(4, 3), 500, 1000, 2000, lr_decay=0.8),
)


def addition_recipe() -> Recipe:
    """The addition experiment's size: the paper's 9 digits and 2 x 400 LSTM with a GPU,
    a small one on a CPU.

    The one switch between them is ``torch.cuda.is_available()``. Only the CPU setting
    has been run for the book.
    """
    return ADDITION_GPU if torch.cuda.is_available() else ADDITION_CPU


def _train_recipe(recipe: Recipe, curriculum: str, progress: bool, device, **options):
    """``train_lte`` with a recipe's model, budget and data settings."""
    data = recipe.data
    return train_lte(
        data.task,
        curriculum,
        recipe.model,
        recipe.train,
        data.check_every,
        data.eval_count,
        progress,
        device,
        **options,
    )


def curriculum_run(
    curriculum: str, seed: int = 0, steps: int | None = None, progress: bool = True
) -> dict:
    """One run of the curricula comparison: train on addition with ``curriculum``, score
    at the target length."""
    recipe = addition_recipe().with_seed(seed, steps)
    data = recipe.data
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model, result, run = _train_recipe(recipe, curriculum, progress, device)
    final = evaluate_programs(model, data.task, data.test_count, seed, nesting=1)
    return {
        "curriculum": curriculum,
        "seed": seed,
        "steps": result.steps,
        "wall_time_s": round(result.wall_time_s, 1),
        "curve": run.curve,
        "levels": run.levels,
        "final": final,
    }


def grid_recipe(paper: bool = False) -> Recipe:
    """:data:`GRID_PAPER` if ``paper`` else :data:`GRID_CPU`."""
    return GRID_PAPER if paper else GRID_CPU


def addition_record(recipe: Recipe, steps: int | None = None) -> dict:
    """An addition recipe as its benchmark record writes it (the same keys as ever)."""
    data, budget = recipe.data, recipe.train
    return {
        "digits": data.task.length,
        "batch_size": budget.batch_size,
        "steps": steps or budget.steps,
        "lr": budget.lr,
        "check_every": data.check_every,
        "eval_count": data.eval_count,
        "final_count": data.test_count,
        "model": asdict(recipe.model),
    }


def score_grid(model, task: LTETask, count: int, seed: int = 0) -> list[dict]:
    """Both metrics on ``count`` test programs of every cell ``1..task.length x
    1..task.nesting``."""
    cells = []
    for nesting in range(1, task.nesting + 1):
        for length in range(1, task.length + 1):
            score = evaluate_programs(model, task, count, seed, length, nesting)
            cells.append(
                {
                    "length": length,
                    "nesting": nesting,
                    "programs": score["examples"],
                    "per_character": round(score["per_character"], 6),
                    "exact_match": round(score["exact_match"], 6),
                }
            )
    return cells


def grid_run(
    curriculum: str,
    seed: int,
    recipe: Recipe = GRID_CPU,
    steps: int | None = None,
    progress: bool = False,
    device: str | None = None,
) -> dict:
    """One LSTM trained with ``curriculum`` at the target, scored on the grid."""
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    recipe = recipe.with_seed(seed, steps)
    data = recipe.data
    model, result, run = _train_recipe(
        recipe, curriculum, progress, device, lr_decay=data.lr_decay
    )
    return {
        "curriculum": curriculum,
        "seed": seed,
        "steps": result.steps,
        "wall_time_s": round(result.wall_time_s, 1),
        "levels": run.levels,
        "final_level": [run.curve[-1]["length"], run.curve[-1]["nesting"]],
        "curve": run.curve,
        "grid": score_grid(model, data.task, data.test_count, seed),
    }


def summarize_grid(runs: list[dict]) -> list[dict]:
    """Per curriculum and cell: mean and minimum over seeds of both metrics; and the
    training time."""
    rows = []
    for curriculum in [
        c for c in CURRICULA if any(run["curriculum"] == c for run in runs)
    ]:
        mine = [run for run in runs if run["curriculum"] == curriculum]
        cells = []
        for k, cell in enumerate(mine[0]["grid"]):
            entry = {"length": cell["length"], "nesting": cell["nesting"]}
            for metric in ("per_character", "exact_match"):
                values = [run["grid"][k][metric] for run in mine]
                entry[metric] = {"mean": sum(values) / len(values), "min": min(values)}
            cells.append(entry)
        times = [run["wall_time_s"] for run in mine]
        rows.append(
            {
                "curriculum": curriculum,
                "seeds": sorted(run["seed"] for run in mine),
                "grid": cells,
                "wall_time_s": {"mean": sum(times) / len(times), "max": max(times)},
            }
        )
    return rows


def relative_to_baseline(runs: list[dict], metric: str = "per_character") -> dict:
    """Per curriculum, seed and cell: its score minus the baseline's with the same seed
    (the paper's Figure 5 is each strategy relative to the baseline). Returns
    ``{curriculum: {seed: {(length, nesting): diff}}}``."""
    baseline = {run["seed"]: run for run in runs if run["curriculum"] == "baseline"}
    out: dict = {}
    for run in runs:
        if run["seed"] in baseline:
            base = {
                (c["length"], c["nesting"]): c[metric]
                for c in baseline[run["seed"]]["grid"]
            }
            out.setdefault(run["curriculum"], {})[run["seed"]] = {
                (c["length"], c["nesting"]): c[metric] - base[c["length"], c["nesting"]]
                for c in run["grid"]
            }
    return out


def grid_record(recipe: Recipe, steps: int | None = None) -> dict:
    """A grid recipe as its benchmark record writes it (the keys records have had)."""
    data, budget = recipe.data, recipe.train
    sgd = (
        {"optimizer": "sgd", "lr_decay": data.lr_decay}
        if budget.optimizer == "sgd"
        else {}
    )
    return {
        "length": data.task.length,
        "nesting": data.task.nesting,
        "batch_size": budget.batch_size,
        "steps": steps or budget.steps,
        "lr": budget.lr,
        **sgd,
        "check_every": data.check_every,
        "eval_count": data.eval_count,
        "grid_count": data.test_count,
        "model": asdict(recipe.model),
    }
