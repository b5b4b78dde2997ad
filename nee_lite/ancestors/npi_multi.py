"""Chapter "NPI: sorting": one NPI for addition and bubble sort, and a new program
learned with the core frozen; chapter "NPI: turning a car": one NPI for all three tasks.

The multi-task NPI is a :class:`~nee_lite.ancestors.npi_sort.ProgramNPI` with both
encoders and one program memory holding the programs of both environments (``MOVE_PTR``
is one entry, used by both), trained on the calls of both teachers mixed in every batch.
A new program is then added to its memory (:func:`add_programs`) and trained with
everything else frozen (:func:`train_new_programs`; its embedding starts as the
embedding of an old program that begins the same way, :data:`NEW_PROGRAM_START`): only
the new entries' embeddings and keys change, so every old program computes exactly what
it computed before, unless a new key wins a call that an old program makes; the chapter
checks that the outputs are the same.

The three-task NPI (:data:`NPI_THREE`) adds the canonicalization environment (a CNN
encoder of the image) and its programs to the same core and memory: every step trains on
a batch of addition and sorting calls, as the two-task NPI, plus a batch of canon calls.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch

from ..core.training import Recipe, TrainConfig, TrainResult
from . import canon_env, npi_env
from . import npi_sort_env as sorting
from .npi import (
    ADDITION_TESTS,
    NPI_ADD,
    NPIData,
    calls_batch,
    join_batches,
    random_pairs,
    score_additions,
    select_calls,
    trace_loss,
    training_pairs,
)
from .npi_canon import (
    VALIDATION_MODELS,
    NPICanonData,
    canon_accuracy,
    canon_loss,
    canon_pool,
    canon_table,
    train_kept,
    training_models,
)
from .npi_sort import (
    SORT_MEMORY,
    SORT_TESTS,
    NPISortData,
    ProgramNPI,
    ProgramNPIConfig,
    execute_sort,
    run_task,
    sort_calls,
    sort_table,
    sort_validation,
    train_on_calls,
    training_arrays,
)

__all__ = [
    "MULTI_MEMORY",
    "MultiData",
    "NPI_MULTI",
    "train_multi_npi",
    "execute_addition",
    "multi_addition_table",
    "add_programs",
    "train_new_programs",
    "NEW_PROGRAM_TRAIN",
    "NEW_PROGRAM_START",
    "max_table",
    "THREE_MEMORY",
    "ThreeTaskData",
    "NPI_THREE",
    "train_three_task_npi",
    "three_task_tables",
    "MAX_VALIDATION",
]

MULTI_MEMORY = ",".join(dict.fromkeys([*npi_env.PROGRAMS, *SORT_MEMORY.split(",")]))


@dataclass(frozen=True)
class MultiData:
    """Both teachers' traces, each as its single-task NPI trains on."""

    addition: NPIData = NPIData()
    sorting: NPISortData = NPISortData()


#: One NPI for both tasks: the single-task budgets added up (each batch draws calls of
#: both tasks).
NPI_MULTI = Recipe(
    model=ProgramNPIConfig(environments="add,sort", programs=MULTI_MEMORY),
    train=replace(NPI_ADD.train, steps=1600),  # the adding NPI's schedule, longer
    data=MultiData(),
)


def addition_calls(model: ProgramNPI, pairs: list[tuple[str, str]]):
    calls = [call for a, b in pairs for call in npi_env.addition_trace(a, b).calls]
    return calls_batch(
        calls, 5, model.program_ids("add"), model.environment_names.index("add")
    )


def train_multi_npi(
    recipe: Recipe = NPI_MULTI, progress: bool = True
) -> tuple[ProgramNPI, TrainResult]:
    """Train one NPI on the addition and bubble-sort traces of the single-task NPIs,
    mixed."""
    config, data = recipe.train, recipe.data
    torch.manual_seed(config.seed)
    model = ProgramNPI(recipe.model)
    pool = join_batches(
        [
            addition_calls(
                model,
                training_pairs(
                    data.addition.additions, data.addition.max_digits, config.seed
                ),
            ),
            sort_calls(model, training_arrays(data.sorting, config.seed)),
        ]
    )
    return model, train_on_calls(
        model, pool, config, "one NPI on addition and sorting", progress
    )


@torch.no_grad()
def execute_addition(
    model: ProgramNPI, pairs: list[tuple[str, str]], max_depth: int = 4
) -> list[str]:
    """``ADD`` on every pair, closed loop, with a multi-task NPI (as
    :func:`~nee_lite.ancestors.npi.execute`)."""
    model.eval()
    pad = npi_env.BatchScratchpad(pairs, model.program_keys.device)
    run_task(model, pad, "add", npi_env.ADD, max_depth, 14 * pad.width + 50)
    return pad.results()


def multi_addition_table(
    model: ProgramNPI, tests=ADDITION_TESTS, seed: int = 0
) -> list[dict]:
    """:func:`~nee_lite.ancestors.npi.addition_table` for a multi-task NPI: the same
    pairs, the same scores."""
    rows = []
    for digits, count in tests:
        pairs = random_pairs(count, digits, seed)
        rows.append(
            {"digits": digits, **score_additions(execute_addition(model, pairs), pairs)}
        )
    return rows


# ------------------------------------------------------------------------------ a new
# program, core frozen
#: Where a new program's embedding starts: the old program that begins as it does
#: (``MAX`` first calls ``BUBBLE``, as ``BUBBLESORT`` does). A random start was fragile:
#: one random draw of ten (five on each multi-task core) left ``MAX`` returning at its
#: first step, before calling ``BUBBLE``, on every array (seed 1's core).
NEW_PROGRAM_START = {"MAX": "BUBBLESORT"}


def add_programs(
    model: ProgramNPI,
    names: tuple[str, ...],
    seed: int = 0,
    start: dict[str, str] | None = NEW_PROGRAM_START,
) -> ProgramNPI:
    """A copy of ``model`` whose memory has new entries ``names`` after the old: fresh
    keys; embeddings copied from the old program ``start[name]`` (a fresh random
    embedding for a name not in ``start``, or ``start=None``).
    """
    config = replace(model.config, programs=",".join([*model.program_names, *names]))
    torch.manual_seed(seed)
    bigger = ProgramNPI(config)
    state = model.state_dict()
    old = len(model.program_names)
    for name in ("program_embedding.weight", "program_keys"):
        fresh = bigger.state_dict()[name].clone()
        fresh[:old] = state[name]
        state[name] = fresh
    for index, name in enumerate(names):
        if start and name in start:
            state["program_embedding.weight"][old + index] = state[
                "program_embedding.weight"
            ][model.program_names.index(start[name])]
    bigger.load_state_dict(state)
    return bigger


MAX_VALIDATION = (
    ((1, 8), 500),
)  # validation arrays of the training lengths (seed 10,000 + seed): budgets, start

NEW_PROGRAM_TRAIN = replace(NPI_ADD.train, steps=300, batch_size=128, warmup_steps=20)


def train_new_programs(
    model: ProgramNPI,
    old: int,
    arrays: list[list[int]],
    train_config: TrainConfig = NEW_PROGRAM_TRAIN,
    progress: bool = False,
) -> TrainResult:
    """Train the memory entries ``old:`` (and nothing else) on the teacher's traces of
    ``MAX`` on ``arrays``.

    The new programs' calls are trained on, and as many calls of old programs from the
    same traces (and, for a multi-task NPI, as many from addition traces): those cannot
    change the old programs (their parameters are frozen), but they teach the new keys
    not to win an old program's call.
    """
    torch.manual_seed(train_config.seed)
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    keep_old = torch.ones(len(model.program_names), 1)
    keep_old[old:] = 0
    for parameter in (model.program_embedding.weight, model.program_keys):
        parameter.requires_grad_(True)
        parameter.register_hook(lambda grad: grad * (1 - keep_old))
    generator = torch.Generator().manual_seed(train_config.seed)
    pool = sort_calls(model, arrays, sorting.MAX)
    new = (pool.programs >= old).nonzero()[:, 0]
    others = (pool.programs < old).nonzero()[:, 0]
    others = others[torch.randperm(len(others), generator=generator)[: len(new)]]
    pools = [
        select_calls(pool, torch.cat([new, others]))
    ]  # as many old calls as new ones
    if (
        "add" in model.environment_names
    ):  # and as many from the addition traces: their calls must stay theirs
        additions = addition_calls(model, training_pairs(200, 5, train_config.seed))
        pools.append(
            select_calls(
                additions,
                torch.randperm(len(additions.programs), generator=generator)[
                    : len(new)
                ],
            )
        )
    return train_on_calls(
        model, join_batches(pools), train_config, "new programs, core frozen", progress
    )


def max_table(model: ProgramNPI, tests, seed: int = 0) -> list[dict]:
    """``MAX`` closed loop, per ``(length, arrays)`` (a length or a ``(shortest,
    longest)`` range): exact when it finished with the array as the teacher's ``MAX``
    leaves it (one pass of ``BUBBLE``) and the value under P1 is Python's ``max``
    (``answer``: only the latter; a ``MAX`` that returns at once is right when the first
    value is the largest)."""
    rows = []
    for length, count in tests:
        arrays = sorting.random_arrays(count, length, seed=seed)
        execution = execute_sort(model, arrays, sorting.MAX)
        answer = [
            v == max(a) and done
            for v, a, done in zip(execution.pointed, arrays, execution.finished)
        ]
        exact = sum(
            right and cells == sorting.sort_trace(a, sorting.MAX).pad.cells
            for right, cells, a in zip(answer, execution.results, arrays)
        )
        rows.append(
            {
                "length": length,
                "arrays": count,
                "exact_match": exact / count,
                "answer": sum(answer) / count,
            }
        )
    return rows


# -------------------------------------------------------------------------------- one
# NPI, three tasks
THREE_MEMORY = ",".join(
    dict.fromkeys([*MULTI_MEMORY.split(","), *canon_env.CANON_PROGRAMS])
)


@dataclass(frozen=True)
class ThreeTaskData:
    """The three teachers' traces, each as its single-task NPI trains on; every step
    draws ``batch_size`` addition and sorting calls and ``canon_batch`` canon calls."""

    addition: NPIData = NPIData()
    sorting: NPISortData = NPISortData()
    canon: NPICanonData = NPICanonData()
    canon_batch: int = 128
    validation_additions: int = 200


#: One NPI for addition, bubble sort and canonicalization: the two-task NPI's schedule
#: (learning rate 0.01), 2,000 steps.
NPI_THREE = Recipe(
    model=ProgramNPIConfig(environments="add,sort,canon", programs=THREE_MEMORY),
    train=replace(NPI_MULTI.train, steps=2000),
    data=ThreeTaskData(),
)


def train_three_task_npi(
    recipe: Recipe = NPI_THREE, progress: bool = True
) -> tuple[ProgramNPI, TrainResult, dict]:
    """One core and one program memory for the three tasks. The weights kept: the
    check (every ``canon.check_every`` steps) best on validation: the minimum of the
    canon validation accuracy (other car models) and the sorting and addition validation
    exact matches (arrays and additions of the training lengths, another seed)."""
    config, data = recipe.train, recipe.data
    torch.manual_seed(config.seed)
    model = ProgramNPI(recipe.model)
    pairs = training_pairs(
        data.addition.additions, data.addition.max_digits, config.seed
    )
    symbolic = join_batches(
        [
            addition_calls(model, pairs),
            sort_calls(model, training_arrays(data.sorting, config.seed)),
        ]
    )
    canon, views = canon_pool(model, training_models(data.canon.models, config.seed))

    def make_batch(generator, device):
        return (
            select_calls(
                symbolic,
                torch.randint(
                    len(symbolic.programs), (config.batch_size,), generator=generator
                ),
            ),
            select_calls(
                canon,
                torch.randint(
                    len(canon.programs), (data.canon_batch,), generator=generator
                ),
            ),
        )

    def loss(model, batches):
        one, left = trace_loss(model, batches[0])
        two, right = canon_loss(model, batches[1], views)
        accuracy = (left["step_accuracy"] + right["step_accuracy"]) / 2
        return one + two, {"step_accuracy": accuracy}

    additions = training_pairs(
        data.validation_additions, data.addition.max_digits, 10_000 + config.seed
    )

    def check(model):
        added = score_additions(execute_addition(model, additions), additions)
        return min(
            canon_accuracy(model, VALIDATION_MODELS),
            sort_validation(model, config.seed)["exact_match"],
            added["exact_match"],
        )

    result, checks = train_kept(
        model,
        make_batch,
        loss,
        config,
        check,
        data.canon.check_every,
        "one NPI, three tasks",
        progress,
    )
    return model, result, checks


def three_task_tables(model: ProgramNPI, quick: bool = False) -> dict:
    """Each task's test table, closed loop, on the single-task NPIs' tests: additions
    of 5 to 1,000 digits, arrays of 2 to 60 numbers, every start pose of the 20 test car
    models (``quick``: 5-digit additions, arrays of up to 8, 5 car models)."""
    return {
        "addition": multi_addition_table(
            model, ADDITION_TESTS[:1] if quick else ADDITION_TESTS
        ),
        "sorting": sort_table(model, SORT_TESTS[:3] if quick else SORT_TESTS),
        "canon": canon_table(model, quick=quick),
    }
