"""Chapter "NPI: sorting": one NPI core for several environments, trained on bubble sort
(and addition).

:class:`ProgramNPI` is :class:`~nee_lite.ancestors.npi.NPI` with its parts made plural,
as in the paper: one environment encoder per environment (``add``: the four digits under
the pointers; ``sort``: the two values and the three flags of
:mod:`nee_lite.ancestors.npi_sort_env`), one program memory whose programs are named
(programs of the same name are one entry, shared by the environments: ``MOVE_PTR``), and
one LSTM core with its heads (return, key, a row or pointer, a value or direction).
Training (:func:`~nee_lite.ancestors.npi.trace_loss`) and the closed loop with its call
stacks (:func:`~nee_lite.ancestors.npi.run_programs`) are the addition NPI's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch
import torch.nn.functional as F
from torch import nn

from ..core.checkpoints import Model
from ..core.training import Recipe, TrainConfig, TrainResult, train
from . import canon_env, npi_env
from . import npi_sort_env as sorting
from .npi import NPI_ADD, calls_batch, run_programs, select_calls, trace_loss

__all__ = [
    "ENVIRONMENTS",
    "ProgramNPIConfig",
    "ProgramNPI",
    "NPISortData",
    "NPI_SORT",
    "sort_calls",
    "train_sort_npi",
    "SortExecution",
    "execute_sort",
    "sort_arrays",
    "score_sorts",
    "sort_table",
    "longest_exact",
    "SORT_TESTS",
    "VALIDATION",
    "sort_validation",
    "renamed_pad",
    "run_task",
    "image_encoder",
]


@dataclass(frozen=True)
class Environment:
    """What an encoder reads (``cells`` values 0-9 or blank, then ``flags`` 0/1) and its
    programs."""

    cells: int
    flags: int
    programs: tuple[str, ...]  # in the environment's own numbering
    primitives: tuple[int, ...]
    start: int
    image: int = 0  # > 0: the observation is an image of image x image pixels (0-255)


ENVIRONMENTS = {
    "add": Environment(4, 0, npi_env.PROGRAMS, npi_env.PRIMITIVES, npi_env.ADD),
    "sort": Environment(
        2, 3, sorting.SORT_PROGRAMS, sorting.SORT_PRIMITIVES, sorting.BUBBLESORT
    ),
    # chapter "NPI: canonicalizing a car" (nee_lite.ancestors.npi_canon)
    "canon": Environment(
        0,
        0,
        canon_env.CANON_PROGRAMS,
        canon_env.CANON_PRIMITIVES,
        canon_env.GOTO,
        canon_env.SIZE,
    ),
}
SORT_MEMORY = ",".join(
    name
    for index, name in enumerate(sorting.SORT_PROGRAMS)
    if index not in sorting.NEW_PROGRAMS
)


@dataclass
class ProgramNPIConfig:
    """Shape of the NPI: its environments and programs (comma-separated names), sizes as
    the addition NPI."""

    environments: str = "sort"
    programs: str = SORT_MEMORY
    hidden: int = 64
    encoder: int = 32
    program: int = 16
    key: int = 16


class ProgramNPI(Model):
    """Environment encoders, one program memory (embeddings and keys) and one LSTM core
    with its heads."""

    config_class = ProgramNPIConfig
    ROWS, VALUES = (
        4,
        10,
    )  # the argument heads: a row (addition) or pointer (sorting); a digit or direction

    def __init__(self, config: ProgramNPIConfig = ProgramNPIConfig()):
        super().__init__(config)
        self.environment_names = config.environments.split(",")
        self.program_names = config.programs.split(",")
        self.encoders = nn.ModuleList()
        for name in self.environment_names:
            spec = ENVIRONMENTS[name]
            if spec.image:
                self.encoders.append(image_encoder(spec.image, config.encoder))
                continue
            self.encoders.append(
                nn.Sequential(
                    nn.Linear(spec.cells * (npi_env.BLANK + 1) + spec.flags, 64),
                    nn.ReLU(),
                    nn.Linear(64, config.encoder),
                )
            )
        programs = len(self.program_names)
        self.program_embedding = nn.Embedding(programs, config.program)
        self.program_keys = nn.Parameter(
            torch.randn(programs, config.key) / config.key**0.5
        )
        self.core = nn.LSTMCell(config.encoder + config.program, config.hidden)
        self.heads = nn.Linear(config.hidden, 1 + config.key + self.ROWS + self.VALUES)

    def encode(self, observation: torch.Tensor, environment: int) -> torch.Tensor:
        spec = ENVIRONMENTS[self.environment_names[environment]]
        if spec.image:
            pixels = observation[:, : spec.image**2].float() / 255.0
            side = spec.image
            return self.encoders[environment](pixels.view(-1, 1, side, side))
        cells = (
            F.one_hot(observation[:, : spec.cells], npi_env.BLANK + 1)
            .flatten(1)
            .float()
        )
        flags = observation[:, spec.cells : spec.cells + spec.flags].float()
        return self.encoders[environment](torch.cat([cells, flags], 1))

    def step(
        self, observation: torch.Tensor, program: torch.Tensor, state, environment=0
    ):
        """One core step, as :meth:`NPI.step`; ``environment`` is one index or a
        ``(B,)`` tensor of them."""
        if isinstance(environment, int):
            encoded = self.encode(observation, environment)
        else:
            encoded = torch.zeros(
                len(program), self.config.encoder, device=observation.device
            )
            for index in range(len(self.encoders)):
                rows = environment == index
                if bool(rows.any()):
                    encoded[rows] = self.encode(observation[rows], index)
        return self.core_step(encoded, program, state)

    def core_step(self, encoded: torch.Tensor, program: torch.Tensor, state):
        """The core's step on an observation already encoded (what :meth:`step` does
        after its encoder)."""
        inputs = torch.cat([encoded, self.program_embedding(program)], -1)
        h, c = self.core(inputs, state)
        returns, key, row, value = self.heads(h).split(
            [1, self.config.key, self.ROWS, self.VALUES], -1
        )
        return (h, c), returns[:, 0], key @ self.program_keys.T, row, value

    def program_ids(self, environment: str) -> list[int]:
        """The memory's index of each of the environment's programs (-1: not in this
        memory)."""
        names = self.program_names
        return [
            names.index(n) if n in names else -1
            for n in ENVIRONMENTS[environment].programs
        ]


def image_encoder(size: int, width: int) -> nn.Module:
    """A small CNN from a ``(B, 1, size, size)`` image to ``width`` numbers (three
    strided convolutions, then two linear layers)."""
    cells = (size // 8) ** 2 * 32
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, stride=2, padding=2),
        nn.ReLU(),
        nn.Conv2d(16, 32, 3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(32, 32, 3, stride=2, padding=1),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(cells, 64),
        nn.ReLU(),
        nn.Linear(64, width),
    )


# --------------------------------------------------------------------------------------
# training
@dataclass(frozen=True)
class NPISortData:
    """The training traces: ``arrays`` random arrays of ``min_length`` to ``max_length``
    digits, traced once."""

    max_length: int = 8
    min_length: int = 1
    arrays: int = 1000


#: The shipped sorting NPI (budget chosen on validation arrays of the training lengths;
#: see the chapter).
NPI_SORT = Recipe(
    model=ProgramNPIConfig(),
    train=replace(NPI_ADD.train, steps=600),  # the adding NPI's schedule, shorter
    data=NPISortData(),
)


def sort_calls(
    model: ProgramNPI, arrays: list[list[int]], program: int = sorting.BUBBLESORT
):
    """Every call of the teacher's traces of ``program`` on ``arrays``, numbered as
    ``model``'s memory."""
    calls = [
        call for array in arrays for call in sorting.sort_trace(array, program).calls
    ]
    return calls_batch(
        calls, 5, model.program_ids("sort"), model.environment_names.index("sort")
    )


def training_arrays(data: NPISortData, seed: int) -> list[list[int]]:
    return sorting.random_arrays(
        data.arrays, (data.min_length, data.max_length), seed=1000 + seed
    )


def train_on_calls(
    model, pool, config: TrainConfig, description: str, progress: bool
) -> TrainResult:
    """Train on ``batch_size`` calls drawn from the pool each step (a call is a sequence
    of its own)."""

    def make_batch(generator, device):
        return select_calls(
            pool,
            torch.randint(
                len(pool.programs), (config.batch_size,), generator=generator
            ),
        )

    return train(
        model,
        make_batch,
        trace_loss,
        config,
        description=description,
        progress=progress,
    )


def train_sort_npi(
    recipe: Recipe = NPI_SORT, progress: bool = True
) -> tuple[ProgramNPI, TrainResult]:
    """Train a sorting NPI on the traces of the recipe's arrays."""
    config = recipe.train
    torch.manual_seed(config.seed)
    model = ProgramNPI(recipe.model)
    pool = sort_calls(model, training_arrays(recipe.data, config.seed))
    return model, train_on_calls(
        model, pool, config, "NPI on bubble-sort traces", progress
    )


# ------------------------------------------------------------------------------------
# closed-loop execution
def renamed_pad(pad, model: ProgramNPI, environment: str):
    """``pad`` whose ``act`` takes the memory's program numbers (translated to the
    environment's own)."""
    local = torch.full((len(model.program_names),), -1, dtype=torch.long)
    for own, index in enumerate(model.program_ids(environment)):
        if index >= 0:
            local[index] = own
    act = pad.act
    pad.act = lambda mask, program, row, value: act(
        mask, local.to(program.device)[program], row, value
    )
    return pad


def primitive_mask(model: ProgramNPI) -> torch.Tensor:
    primitives = {
        name
        for env in ENVIRONMENTS.values()
        for index, name in enumerate(env.programs)
        if index in env.primitives
    }
    return torch.tensor([name in primitives for name in model.program_names])


def run_task(
    model: ProgramNPI,
    pad,
    environment: str,
    program: int,
    max_depth: int,
    max_steps: int,
    record: bool = False,
) -> tuple[list[bool], int, list]:
    """Closed loop with the network alone: :func:`~nee_lite.ancestors.npi.run_programs`
    of ``program`` (the environment's own number) on ``pad``, a batch of
    ``environment``'s scratchpads, whose ``act`` this renames to the memory's
    numbers."""
    renamed_pad(pad, model, environment)
    encoder = model.environment_names.index(environment)
    return run_programs(
        lambda o, p, s: model.step(o, p, s, encoder),
        pad,
        model.program_ids(environment)[program],
        primitive_mask(model),
        model.config.hidden,
        max_depth,
        max_steps,
        record,
    )


@dataclass
class SortExecution:
    """A closed-loop run: the arrays as left on the scratchpads, finished flags, steps,
    the value under P1."""

    results: list[list[int]]
    finished: list[bool]
    steps: int
    pointed: list[int]
    record: list


@torch.no_grad()
def execute_sort(
    model: ProgramNPI,
    arrays: list[list[int]],
    program: int = sorting.BUBBLESORT,
    record: bool = False,
    max_depth: int = 6,
) -> SortExecution:
    """Run ``program`` (``BUBBLESORT`` or ``MAX``) on every array with the network
    alone, all in step."""
    model.eval()
    pad = sorting.BatchSortPad(arrays, model.program_keys.device)
    longest = pad.width
    max_steps = 14 * longest * longest + 14 * longest + 60
    finished, steps, trace = run_task(
        model, pad, "sort", program, max_depth, max_steps, record
    )
    return SortExecution(pad.results(), finished, steps, pad.pointed(), trace)


def sort_arrays(model: ProgramNPI, arrays: list[list[int]]) -> list[list[int]]:
    """The NPI's sorted arrays; ``ValueError`` naming the first array it did not
    finish.
    """
    execution = execute_sort(model, arrays)
    for index, done in enumerate(execution.finished):
        if not done:
            raise ValueError(f"item {index}: the NPI did not finish sorting this array")
    return execution.results


# --------------------------------------------------------------------------------------
# scores
def score_sorts(results: list[list[int]], arrays: list[list[int]]) -> dict:
    """Per-element accuracy (position by position against ``sorted``) and exact match of
    whole arrays."""
    right = sum(
        sum(x == y for x, y in zip(r, sorted(a))) for r, a in zip(results, arrays)
    )
    total = sum(len(a) for a in arrays)
    exact = sum(r == sorted(a) for r, a in zip(results, arrays))
    return {
        "arrays": len(arrays),
        "per_element": right / total,
        "exact_match": exact / len(arrays),
    }


SORT_TESTS = (
    (2, 100),
    (4, 100),
    (8, 100),
    (12, 50),
    (16, 50),
    (24, 50),
    (32, 30),
    (48, 20),
    (60, 20),
)
VALIDATION = (
    (1, 8),
    500,
)  # in-distribution validation: 500 arrays of the training lengths, another seed


def sort_table(model: ProgramNPI, tests=SORT_TESTS, seed: int = 0) -> list[dict]:
    """Closed-loop per-element accuracy and exact match for each ``(length, arrays)`` of
    ``tests``; all lengths run as one batch."""
    arrays = [
        array
        for length, count in tests
        for array in sorting.random_arrays(count, length, seed=seed)
    ]
    results = execute_sort(model, arrays).results
    rows, start = [], 0
    for length, count in tests:
        rows.append(
            {
                "length": length,
                **score_sorts(
                    results[start : start + count], arrays[start : start + count]
                ),
            }
        )
        start += count
    return rows


def sort_validation(model: ProgramNPI, seed: int = 0) -> dict:
    """Exact match on the in-distribution validation arrays (the only data budgets are
    chosen on)."""
    lengths, count = VALIDATION
    arrays = sorting.random_arrays(count, lengths, seed=10_000 + seed)
    return score_sorts(execute_sort(model, arrays).results, arrays)


def longest_exact(rows: list[dict]) -> int:
    """The longest tested length up to which every test array (at every length) came out
    exact."""
    best = 0
    for row in sorted(rows, key=lambda r: r["length"]):
        if row["exact_match"] < 1.0:
            break
        best = row["length"]
    return best
