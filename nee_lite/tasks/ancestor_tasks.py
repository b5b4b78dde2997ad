"""The ancestors' tasks of ``nee-lite`` (chapters "Where it started"): NPI addition and
sorting, Learning to Execute.

Kept apart from :mod:`.registry` (which lists them with the others) so that the registry
stays one short table.
"""

from __future__ import annotations

from ..ancestors.lte import (
    LTE_ADD,
    LTE_PROGRAMS,
    CharSeq2Seq,
    lstm_add,
    lte_table,
    train_lte,
)
from ..ancestors.npi import NPI, NPI_ADD, add_numbers, addition_table, train_npi
from ..ancestors.npi_canon import (
    NPI_CANON,
    canon_table,
    canonicalize,
    train_canon_npi,
)
from ..ancestors.npi_sort import (
    NPI_SORT,
    SORT_TESTS,
    ProgramNPI,
    sort_arrays,
    sort_table,
    sort_validation,
    train_sort_npi,
)
from ..ancestors.npi_sort_env import parse_digit_arrays
from ..core.training import Recipe
from ..inputs import parse_decimal_pairs, parse_programs
from .task import Task, loader

__all__ = ["ANCESTOR_TASKS", "QUICK_SORT_TESTS"]

QUICK_SORT_TESTS = ((4, 20), (8, 20), (16, 10))


def _fit_npi(recipe: Recipe, progress: bool, device):
    data = recipe.data
    model, result = train_npi(
        recipe.model, recipe.train, data.max_digits, data.additions, progress
    )
    return (
        model,
        [result],
        {
            "additions": data.additions,
            "operands": f"1 to {data.max_digits} digits each (the count uniform)",
            "supervision": "every decision of the teacher's execution traces; each "
            "step samples calls",
        },
    )


def _fit_lte(recipe: Recipe, progress: bool, device):
    task = recipe.data.task
    model, result, run = train_lte(
        task, recipe.data.curriculum, recipe.model, recipe.train, progress=progress
    )
    return (
        model,
        [result],
        {
            "digits": task.length,
            "nesting": task.nesting,
            "operations": list(task.operations),
            "curriculum": recipe.data.curriculum,
            "naive_levels": run.levels,
            "programs": "fresh every step, from the train third of all programs (hash "
            "of the text)",
        },
    )


def _lte_add(model, data) -> list:
    pairs = parse_decimal_pairs(data)
    if max(max(len(a), len(b)) for a, b in pairs) > 1000:
        raise ValueError(
            "the LSTM reads at most 1000 digits per number (it is wrong long before "
            "that)"
        )
    return lstm_add(model, pairs)


def _lte_programs(model, data) -> list:
    return [
        answer.removesuffix(".") for answer in model.greedy(parse_programs(data), 24)
    ]


def _lte_task(name: str, summary: str, input_help: str, run, recipe: Recipe) -> Task:
    """A Learning to Execute task: the LSTM of ``recipe``, its table on the recipe's
    programs, trained on the CPU."""
    return Task(
        name,
        summary,
        input_help,
        loader(CharSeq2Seq),
        run,
        lambda model, seed, quick=False: lte_table(model, recipe.data.task),
        recipe,
        _fit_lte,
        gpu=False,
    )


def _fit_npi_sort(recipe: Recipe, progress: bool, device):
    model, result = train_sort_npi(recipe, progress)
    data = recipe.data
    return (
        model,
        [result],
        {
            "arrays": data.arrays,
            "lengths": f"{data.min_length} to {data.max_length} (uniform)",
            "values": "digits 0-9",
            "supervision": "every decision of the teacher's bubble-sort traces; each "
            "step "
            "samples calls",
            "validation": {
                "arrays": "500 of the training lengths, another seed",
                **sort_validation(model, recipe.train.seed),
            },
        },
    )


def _fit_npi_canon(recipe: Recipe, progress: bool, device):
    model, result, checks = train_canon_npi(recipe, progress)
    return (
        model,
        [result],
        {
            "car_models": f"seeds 0 to {recipe.data.models - 1} (72 start poses each)",
            "supervision": "every decision of the planner's traces from every start "
            "pose; each step samples calls; the NPI sees only the 32 x 32 image",
            "validation": {
                "car_models": "seeds 800000 to 800009 (all 72 start poses)",
                "checks_every": recipe.data.check_every,
                **checks,
            },
        },
    )


ANCESTOR_TASKS = (
    Task(
        "npi-add",
        "multi-digit addition by a Neural Programmer-Interpreter trained on traces of "
        "at most 5 digits",
        "a JSON array of [a, b] pairs of non-negative integers as decimal strings, "
        'any length: [["12", "30"]]',
        loader(NPI),
        lambda model, data: add_numbers(model, parse_decimal_pairs(data)),
        lambda model, seed, quick=False: addition_table(model),
        NPI_ADD,
        _fit_npi,
        gpu=False,
    ),
    _lte_task(
        "lte-add",
        "Learning to Execute: a character-level LSTM reads print((a+b)) and writes "
        "the sum (3-digit "
        "training)",
        "a JSON array of [a, b] pairs of decimal strings (the LSTM's answers, right "
        'or wrong): [["12", "30"]]',
        _lte_add,
        LTE_ADD,
    ),
    _lte_task(
        "lte-programs",
        "Learning to Execute: the LSTM reads a program of the paper's kind and writes "
        "what it "
        "prints",
        'a JSON array of program texts, e.g. ["a=12\\nfor x in '
        'range(3):a+=4\\nprint(a)"]',
        _lte_programs,
        LTE_PROGRAMS,
    ),
    Task(
        "npi-sort",
        "bubble sort by a Neural Programmer-Interpreter trained on traces of arrays "
        "of at most 8 digits",
        "a JSON array of non-empty arrays of integers 0-9 (the digits the sorting "
        "encoder reads; at most 100 "
        "each, as bubble sort's trace grows with the square of the length): "
        "[[3, 1, 2]]",
        loader(ProgramNPI),
        lambda model, data: sort_arrays(model, parse_digit_arrays(data)),
        lambda model, seed, quick=False: sort_table(
            model, QUICK_SORT_TESTS if quick else SORT_TESTS, seed
        ),
        NPI_SORT,
        _fit_npi_sort,
        gpu=False,
    ),
    Task(
        "npi-canon",
        "turning a camera to the canonical view of a rendered car by a Neural "
        "Programmer-Interpreter that sees only the image (64 training car models)",
        "a JSON array of poses, model a seed >= 0, azimuth 0-345 in steps of 15, "
        'elevation 0, 15 or 30: [{"model": 7, "azimuth": 90, "elevation": 30}]',
        loader(ProgramNPI),
        canonicalize,
        lambda model, seed, quick=False: canon_table(model, seed, quick),
        NPI_CANON,
        _fit_npi_canon,
        gpu=False,
    ),
)
