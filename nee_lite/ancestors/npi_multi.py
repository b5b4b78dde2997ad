"""Chapter "NPI: sorting": one NPI for addition and bubble sort, and a new program
learned with the core frozen.

The multi-task NPI is a :class:`~nee_lite.ancestors.npi_sort.ProgramNPI` with both
encoders and one program memory holding the programs of both environments (``MOVE_PTR``
is one entry, used by both), trained on the calls of both teachers mixed in every batch.
A new program is then added to its memory (:func:`add_programs`) and trained with
everything else frozen (:func:`train_new_programs`; its embedding starts as the
embedding of an old program that begins the same way, :data:`NEW_PROGRAM_START`): only
the new entries' embeddings and keys change, so every old program computes exactly what
it computed before, unless a new key wins a call that an old program makes; the chapter
checks that the outputs are the same.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch

from ..core.training import Recipe, TrainConfig, TrainResult
from . import npi_env
from . import npi_sort_env as sorting
from .npi import (
    ADDITION_TESTS,
    NPI_ADD,
    NPIData,
    calls_batch,
    join_batches,
    random_pairs,
    run_programs,
    score_additions,
    select_calls,
    training_pairs,
)
from .npi_sort import (
    SORT_MEMORY,
    NPISortData,
    ProgramNPI,
    ProgramNPIConfig,
    execute_sort,
    primitive_mask,
    renamed_pad,
    sort_calls,
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
    config: ProgramNPIConfig,
    train_config: TrainConfig,
    data: MultiData = NPI_MULTI.data,
    progress: bool = True,
) -> tuple[ProgramNPI, TrainResult]:
    """Train one NPI on the addition and bubble-sort traces of the single-task NPIs,
    mixed."""
    torch.manual_seed(train_config.seed)
    model = ProgramNPI(config)
    pool = join_batches(
        [
            addition_calls(
                model,
                training_pairs(
                    data.addition.additions, data.addition.max_digits, train_config.seed
                ),
            ),
            sort_calls(model, training_arrays(data.sorting, train_config.seed)),
        ]
    )
    return model, train_on_calls(
        model, pool, train_config, "one NPI on addition and sorting", progress
    )


@torch.no_grad()
def execute_addition(
    model: ProgramNPI, pairs: list[tuple[str, str]], max_depth: int = 4
) -> list[str]:
    """``ADD`` on every pair, closed loop, with a multi-task NPI (as
    :func:`~nee_lite.ancestors.npi.execute`)."""
    model.eval()
    pad = renamed_pad(
        npi_env.BatchScratchpad(pairs, model.program_keys.device), model, "add"
    )
    environment = model.environment_names.index("add")
    run_programs(
        lambda o, p, s: model.step(o, p, s, environment),
        pad,
        model.program_ids("add")[npi_env.ADD],
        primitive_mask(model),
        model.config.hidden,
        max_depth,
        14 * pad.width + 50,
    )
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
