"""Chapter "Neural Programmer-Interpreters": an NPI that learns multi-digit addition
from execution traces.

The NPI (Reed and de Freitas 2016) has three learned parts:

* an environment encoder: the four digits under the pointers (each one of 0-9 or blank)
  into a vector;
* a program memory: each program has an embedding (what the core reads while running it)
  and a key (what the core points at to call it: the program called is the one whose key
  best matches the core's output);
* a recurrent core (an LSTM cell) that, at every step of a running program, reads the
  encoded observation and the program's embedding and says what to do next: return, or
  call a program, with a row and a value for the primitives ``MOVE_PTR`` and ``WRITE``.

Each call starts with a fresh core state (zeros) and the caller's state waits on a
stack, as in the paper's algorithm 1. So a program only remembers its own few steps,
while the scratchpad holds the numbers and the stack holds where it is: nothing has to
grow with the length of the numbers. One departure from the paper: its core predicts the
end-of-program flag together with the last call; ours returns at a step of its own,
because ``ADD`` can only see that it is finished after its last ``LSHIFT``.

Training is supervised on every step of the traces of :mod:`nee_lite.ancestors.npi_env`.
Execution is closed-loop (:func:`execute`): the network's own decisions drive the
scratchpads, for a whole batch of additions in step, each with its own call stack.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from ..core.checkpoints import Model
from ..core.training import Recipe, TrainConfig, TrainResult, train
from .npi_env import (
    ADD,
    ADD1,
    BLANK,
    PRIMITIVES,
    PROGRAMS,
    RETURN,
    ROWS,
    BatchScratchpad,
    Decision,
    addition_trace,
    python_sum,
)

__all__ = [
    "NPIConfig",
    "NPI",
    "NPIData",
    "NPI_ADD",
    "random_operand",
    "training_pairs",
    "add1_cases",
    "TraceBatch",
    "trace_batch",
    "calls_batch",
    "join_batches",
    "trace_loss",
    "select_calls",
    "train_npi",
    "execute",
    "run_programs",
    "NPIExecution",
    "add_numbers",
    "score_additions",
    "addition_table",
    "random_pairs",
    "ADDITION_TESTS",
]


@dataclass
class NPIConfig:
    """Shape of the NPI (36,351 parameters with the defaults)."""

    hidden: int = 64  # the core's LSTM state
    encoder: int = 32  # the encoded observation
    program: int = 16  # program embeddings
    key: int = 16  # program keys


class NPI(Model):
    """Environment encoder, program memory (embeddings and keys) and LSTM core with its
    output heads."""

    config_class = NPIConfig

    def __init__(self, config: NPIConfig = NPIConfig()):
        super().__init__(config)
        cells = len(ROWS) * (BLANK + 1)
        self.environment = nn.Sequential(
            nn.Linear(cells, 64), nn.ReLU(), nn.Linear(64, config.encoder)
        )
        self.program_embedding = nn.Embedding(len(PROGRAMS), config.program)
        self.program_keys = nn.Parameter(
            torch.randn(len(PROGRAMS), config.key) / config.key**0.5
        )
        self.core = nn.LSTMCell(config.encoder + config.program, config.hidden)
        self.heads = nn.Linear(
            config.hidden, 1 + config.key + len(ROWS) + 10
        )  # return, key, row, value

    def step(self, observation: torch.Tensor, program: torch.Tensor, state):
        """One core step for a batch: observation ``(B, 4)`` cell values, running
        program ``(B,)``, LSTM state.

        Returns the new state and the logits: return ``(B,)``, program ``(B, programs)``
        (key matching), row ``(B, 4)``, value ``(B, 10)``.
        """
        cells = F.one_hot(observation, BLANK + 1).flatten(1).float()
        inputs = torch.cat(
            [self.environment(cells), self.program_embedding(program)], -1
        )
        h, c = self.core(inputs, state)
        returns, key, row, value = self.heads(h).split(
            [1, self.config.key, len(ROWS), 10], -1
        )
        return (h, c), returns[:, 0], key @ self.program_keys.T, row, value


# --------------------------------------------------------------------------------------
# training
def random_operand(rng: random.Random, max_digits: int) -> str:
    """A number of 1 to ``max_digits`` digits (the count uniform), without leading
    zeros."""
    digits = rng.randint(1, max_digits)
    return str(rng.randrange(10 ** (digits - 1) if digits > 1 else 0, 10**digits))


def training_pairs(
    additions: int, max_digits: int, seed: int = 0
) -> list[tuple[str, str]]:
    """The additions whose traces an NPI trains on (the same for the same seed)."""
    rng = random.Random(seed)
    return [
        (random_operand(rng, max_digits), random_operand(rng, max_digits))
        for _ in range(additions)
    ]


def add1_cases(batch: TraceBatch) -> set[tuple[int, int, int]]:
    """The (digit, digit, carry) cells that ``ADD1`` saw when it started, over every
    call of a batch of traces."""
    return set(
        map(tuple, batch.observations[batch.programs == ADD1][:, 0, :3].tolist())
    )


@dataclass
class TraceBatch:
    """Every call of a batch of traces, padded to the longest: what the core saw and
    what it should do."""

    observations: torch.Tensor  # (calls, steps, observation width)
    programs: torch.Tensor  # (calls,)
    returns: torch.Tensor  # (calls, steps) float
    called: torch.Tensor  # (calls, steps) program index, -1 where it returns or pads
    rows: torch.Tensor  # (calls, steps), -1 where not a primitive with arguments
    values: torch.Tensor  # (calls, steps), -1 where not a primitive with arguments
    keep: torch.Tensor  # (calls, steps) bool
    environment: torch.Tensor | None = (
        None  # (calls,) which encoder reads each call (a multi-task NPI)
    )


def trace_batch(pairs: list[tuple[str, str]]) -> TraceBatch:
    """Trace every addition with the teacher and stack all their calls, padded to the
    longest call."""
    return calls_batch(
        [call for a, b in pairs for call in addition_trace(a, b).calls], len(ROWS)
    )


def calls_batch(
    calls: list, width: int, program_ids=None, environment: int | None = None
) -> TraceBatch:
    """Stack teacher calls (:class:`~nee_lite.ancestors.npi_env.Call`), padded to the
    longest call and to observations of ``width`` integers (padding ``BLANK``);
    ``program_ids[p]`` renames program ``p`` (a multi-task NPI's memory numbers the
    programs of all its environments), ``environment`` labels every call."""
    rename = (
        (lambda p: p)
        if program_ids is None
        else (lambda p: -1 if p < 0 else program_ids[p])
    )
    steps = max(len(call.decisions) for call in calls)
    blank_step, no_decision = (BLANK,) * width, Decision(program=-1)
    observations, decisions, keep = [], [], []
    for call in calls:
        padding = steps - len(call.decisions)
        observations.append(
            [tuple(o) + (BLANK,) * (width - len(o)) for o in call.observations]
            + [blank_step] * padding
        )
        decisions.append(
            [
                (float(d.returns), rename(d.program), d.row, d.value)
                for d in call.decisions + [no_decision] * padding
            ]
        )
        keep.append([True] * len(call.decisions) + [False] * padding)
    decisions = torch.tensor(decisions)
    returns, called, rows, values = decisions.unbind(-1)
    programs = torch.tensor([rename(call.program) for call in calls])
    where = None if environment is None else torch.full((len(calls),), environment)
    return TraceBatch(
        torch.tensor(observations),
        programs,
        returns,
        called.long(),
        rows.long(),
        values.long(),
        torch.tensor(keep),
        where,
    )


def join_batches(batches: list[TraceBatch]) -> TraceBatch:
    """One :class:`TraceBatch` of the calls of several (padded to the longest call and
    widest observation)."""
    steps = max(b.keep.shape[1] for b in batches)
    width = max(b.observations.shape[2] for b in batches)

    def pad(tensor, value, last=None):
        extra = (
            [0, steps - tensor.shape[1]]
            if last is None
            else [0, width - last, 0, steps - tensor.shape[1]]
        )
        return F.pad(tensor, extra, value=value)

    return TraceBatch(
        torch.cat(
            [pad(b.observations, BLANK, b.observations.shape[2]) for b in batches]
        ),
        torch.cat([b.programs for b in batches]),
        torch.cat([pad(b.returns, 0.0) for b in batches]),
        *(
            torch.cat([pad(getattr(b, name), -1) for b in batches])
            for name in ("called", "rows", "values")
        ),
        torch.cat([pad(b.keep, False) for b in batches]),
        torch.cat([b.environment for b in batches]),
    )


def trace_loss(model: NPI, batch: TraceBatch) -> tuple[torch.Tensor, dict]:
    """Cross-entropy on every decision of every call; the core starts each call from
    zeros."""
    calls, steps = batch.keep.shape
    state = (
        torch.zeros(calls, model.config.hidden),
        torch.zeros(calls, model.config.hidden),
    )
    where = () if batch.environment is None else (batch.environment,)
    outputs = []
    for t in range(steps):
        state, *logits = model.step(
            batch.observations[:, t], batch.programs, state, *where
        )
        outputs.append(logits)
    returns, program, row, value = (torch.stack(o, 1) for o in zip(*outputs))
    keep, calls_mask = batch.keep, batch.called >= 0
    loss = F.binary_cross_entropy_with_logits(returns[keep], batch.returns[keep])
    loss = loss + F.cross_entropy(program[calls_mask], batch.called[calls_mask])
    primitive = batch.rows >= 0
    loss = loss + F.cross_entropy(row[primitive], batch.rows[primitive])
    loss = loss + F.cross_entropy(value[primitive], batch.values[primitive])
    right = (returns > 0).float() == batch.returns
    right &= ~calls_mask | (program.argmax(-1) == batch.called)
    right &= ~primitive | (
        (row.argmax(-1) == batch.rows) & (value.argmax(-1) == batch.values)
    )
    return loss, {"step_accuracy": right[keep].float().mean().item()}


def select_calls(batch: TraceBatch, index: torch.Tensor) -> TraceBatch:
    """The calls ``index`` of a :class:`TraceBatch`, trimmed to their longest."""
    steps = int(batch.keep[index].sum(1).max())
    return TraceBatch(
        batch.observations[index, :steps],
        batch.programs[index],
        batch.returns[index, :steps],
        batch.called[index, :steps],
        batch.rows[index, :steps],
        batch.values[index, :steps],
        batch.keep[index, :steps],
        None if batch.environment is None else batch.environment[index],
    )


@dataclass(frozen=True)
class NPIData:
    """The training traces: ``additions`` random additions of 1 to ``max_digits`` digits
    each (traced once; enough that every (digit, digit, carry) case of ADD1 appears)."""

    max_digits: int = 5
    additions: int = 3000


#: The shipped NPI: 1,000 steps of 256 calls from the traces of 3,000 additions of at
#: most 5 digits.
NPI_ADD = Recipe(
    model=NPIConfig(),
    train=TrainConfig(steps=1000, lr=1e-2, warmup_steps=50, min_lr_ratio=0.0),
    data=NPIData(),
)


def train_npi(
    config: NPIConfig,
    train_config: TrainConfig,
    max_digits: int = NPI_ADD.data.max_digits,
    additions: int = NPI_ADD.data.additions,
    progress: bool = True,
) -> tuple[NPI, TrainResult]:
    """Train on the traces of ``additions`` random additions of numbers with at most
    ``max_digits`` digits.

    The traces are made once; each step trains on ``batch_size`` calls drawn from all of
    their calls (a call is a sequence of its own, since the core starts every call
    afresh).
    """
    torch.manual_seed(train_config.seed)
    model = NPI(config)
    pool = trace_batch(training_pairs(additions, max_digits, train_config.seed))

    def make_batch(generator, device):
        return select_calls(
            pool,
            torch.randint(
                len(pool.programs), (train_config.batch_size,), generator=generator
            ),
        )

    result = train(
        model,
        make_batch,
        trace_loss,
        train_config,
        description="NPI on traces",
        progress=progress,
    )
    return model, result


# ------------------------------------------------------------------------------------
# closed-loop execution
@dataclass
class NPIExecution:
    """What a closed-loop run leaves: the results, whether each addition returned from
    ADD, and the steps taken.

    ``record`` (when asked for) lists every step of addition 0 as a tuple ``(depth,
    program, observation, decision, cells, pointers)``: the scratchpad as it was when
    the decision was taken.
    """

    results: list[str]
    finished: list[bool]
    steps: int
    record: list[tuple] = field(default_factory=list)


@torch.no_grad()
def execute(
    model: NPI,
    pairs: list[tuple[str, str]],
    max_depth: int = 4,
    max_steps: int | None = None,
    record: bool = False,
) -> NPIExecution:
    """Run ``ADD`` on every pair with the network alone, all pairs in step
    (:func:`run_programs`)."""
    model.eval()
    pad = BatchScratchpad(pairs, model.program_keys.device)
    primitive = torch.zeros(len(PROGRAMS), dtype=torch.bool)
    primitive[list(PRIMITIVES)] = True
    finished, steps, trace = run_programs(
        model.step,
        pad,
        ADD,
        primitive,
        model.config.hidden,
        max_depth,
        max_steps or 14 * pad.width + 50,
        record,
    )
    return NPIExecution(pad.results(), finished, steps, trace)


@torch.no_grad()
def run_programs(
    step,
    pad,
    start: int,
    primitive: torch.Tensor,
    hidden: int,
    max_depth: int,
    max_steps: int,
    record: bool = False,
) -> tuple[list[bool], int, list]:
    """Closed loop: run program ``start`` on every scratchpad of the batch ``pad``, all
    in step.

    ``step(observation, program, state)`` is one core step (as :meth:`NPI.step`);
    ``primitive[p]`` says whether program ``p`` is a primitive, which ``pad.act(mask,
    program, row, value)`` runs. Each scratchpad has its own stack of (program, core
    state); at every step the core runs once for the program on top of each stack, and
    its decision returns (pop), runs a primitive on that scratchpad, or calls a program
    (push, fresh state). A scratchpad stops when ``start`` returns; one that overflows
    the stack or exceeds ``max_steps`` is stopped and marked unfinished. Nothing here
    knows the answer. Returns (finished, steps, record of scratchpad 0).
    """
    device = pad.pointers.device
    primitive = primitive.to(device)
    batch = pad.pointers.shape[0]
    index = torch.arange(batch, device=device)
    stack_programs = torch.full(
        (batch, max_depth), start, dtype=torch.long, device=device
    )
    stack_h = torch.zeros(batch, max_depth, hidden, device=device)
    stack_c = torch.zeros(batch, max_depth, hidden, device=device)
    depth = torch.zeros(batch, dtype=torch.long, device=device)
    running = torch.ones(batch, dtype=torch.bool, device=device)
    finished = torch.zeros(batch, dtype=torch.bool, device=device)
    steps, trace = 0, []
    while steps < max_steps and bool(running.any()):
        observation = pad.observe()
        program = stack_programs[index, depth]
        (h, c), returns, program_logits, row_logits, value_logits = step(
            observation, program, (stack_h[index, depth], stack_c[index, depth])
        )
        stack_h[index, depth], stack_c[index, depth] = (
            h,
            c,
        )  # a finished scratchpad's stack is never read again
        called, row, value = (
            program_logits.argmax(-1),
            row_logits.argmax(-1),
            value_logits.argmax(-1),
        )
        returning = running & (returns > 0)
        calling = running & ~returning
        if record and bool(running[0]):
            trace.append(
                _recorded_step(
                    depth,
                    program,
                    observation,
                    returning,
                    called,
                    row,
                    value,
                    pad,
                    primitive,
                )
            )
        pad.act(calling & primitive[called], called, row, value)
        finished |= returning & (depth == 0)
        running &= ~(returning & (depth == 0))
        depth = depth - (returning & (depth > 0)).long()
        push = calling & ~primitive[called]
        overflow = push & (depth + 1 >= max_depth)
        running &= ~overflow
        push &= ~overflow
        depth = depth + push.long()
        stack_programs[index, depth] = torch.where(
            push, called, stack_programs[index, depth]
        )
        fresh = ~push[:, None]
        stack_h[index, depth] *= fresh
        stack_c[index, depth] *= fresh
        steps += 1
    return finished.tolist(), steps, trace


def _recorded_step(
    depth, program, observation, returning, called, row, value, pad, primitive
) -> tuple:
    """Step of scratchpad 0 for :class:`NPIExecution`'s record."""
    called = int(called[0])
    is_primitive = bool(primitive[called])
    decision = (
        RETURN
        if returning[0]
        else Decision(
            program=called,
            row=int(row[0]) if is_primitive else -1,
            value=int(value[0]) if is_primitive else -1,
        )
    )
    return (
        int(depth[0]),
        int(program[0]),
        tuple(observation[0].tolist()),
        decision,
        pad.cells[0].clone(),
        pad.pointers[0].clone(),
    )


def add_numbers(model: NPI, pairs: list[tuple[str, str]]) -> list[str]:
    """The NPI's sums of decimal strings; ``ValueError`` naming the first addition it
    did not finish."""
    execution = execute(model, pairs)
    for index, (done, result) in enumerate(zip(execution.finished, execution.results)):
        if not done or not result or "?" in result:
            raise ValueError(f"item {index}: the NPI did not finish this addition")
    return execution.results


# --------------------------------------------------------------------------------------
# scores
def score_additions(results: list[str], pairs: list[tuple[str, str]]) -> dict:
    """Per-digit accuracy (digits compared from the right, over the longer of result and
    truth) and exact match."""
    right = total = exact = 0
    for result, (a, b) in zip(results, pairs):
        truth = python_sum(a, b)
        width = max(len(truth), len(result))
        right += sum(
            x == y for x, y in zip(result.rjust(width, " "), truth.rjust(width, " "))
        )
        total += width
        exact += result == truth
    return {
        "additions": len(pairs),
        "per_digit": right / total,
        "exact_match": exact / len(pairs),
    }


def random_pairs(count: int, digits: int, seed: int = 0) -> list[tuple[str, str]]:
    """``count`` pairs of numbers of exactly ``digits`` digits each."""
    rng = random.Random(f"pairs-{digits}-{seed}")

    def number():
        return str(rng.randint(0 if digits == 1 else 1, 9)) + "".join(
            rng.choices("0123456789", k=digits - 1)
        )

    return [(number(), number()) for _ in range(count)]


ADDITION_TESTS = ((5, 200), (10, 100), (100, 100), (1000, 20))  # (digits, additions)


def addition_table(model: NPI, tests=None, seed: int = 0) -> list[dict]:
    """Closed-loop per-digit accuracy and exact match for each ``(digits, additions)``
    of ``tests`` (default :data:`ADDITION_TESTS`)."""
    rows = []
    for digits, count in tests or ADDITION_TESTS:
        pairs = random_pairs(count, digits, seed)
        score = score_additions(execute(model, pairs).results, pairs)
        rows.append({"digits": digits, **score})
    return rows
