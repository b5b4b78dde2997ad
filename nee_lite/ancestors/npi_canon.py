"""Chapter "NPI: canonicalizing a car": the book's NPI core turns a camera to the
canonical view of a car it sees only as an image.

The NPI is a :class:`~nee_lite.ancestors.npi_sort.ProgramNPI` with one environment,
``canon`` (:mod:`nee_lite.ancestors.canon_env`): its encoder is a small CNN of the 32 x
32 image (:func:`~nee_lite.ancestors.npi_sort.image_encoder`), its program memory holds
``GOTO``, ``HGOTO``, ``LGOTO``, ``RGOTO``, ``VGOTO``, ``UGOTO``, ``DGOTO`` and ``ACT``,
and its core, heads, training loss (:func:`~nee_lite.ancestors.npi.trace_loss`) and
closed loop (:func:`~nee_lite.ancestors.npi.run_programs`) are the sorting NPI's. It
never sees the pose: the planner's traces are its only supervision.

Car models are seeds: the ``count`` training models of seed ``s`` are ``1000 * s`` to
``1000 * s + count - 1`` (:func:`training_models`); budgets are chosen on
:data:`VALIDATION_MODELS` (other seeds, the training distribution); the test models
:data:`TEST_MODELS` are 20 seeds no training or validation run uses. Accuracy is the
share of start poses (all 72 per model) from which ``GOTO`` returns with the camera at
the canonical view.

The baseline (:class:`CanonSeq2Seq`) is a CNN + LSTM sequence-to-sequence model: the
NPI's CNN encodes the start image into the LSTM's first state (and is an input at every
step), and the LSTM emits the moves (``LEFT``, ``RIGHT``, ``UP``, ``DOWN``) and
``STOP``, each fed back as its next input. It sees the start image only (open loop):
the moves come "directly from the start image". The paper's own baseline could not be
checked here (only its abstract was available), so whether it saw each new image is
left to check against the paper.

The one budget choice the runs make on data, they make on the validation models: the
weights kept are those of the validation check (every ``check_every`` steps, and at the
end) with the best accuracy; the number of steps is the recipe's.
:func:`compare` runs both over training-model counts and seeds
(``python -m nee_lite.ancestors.npi_canon``).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from ..core.checkpoints import Model
from ..core.training import Recipe, TrainConfig, TrainResult, train
from . import canon_env as env
from .canon_render import CANONICAL, ELEVATIONS, SIZE, views_of
from .npi import calls_batch, select_calls, trace_loss
from .npi_sort import (
    ProgramNPI,
    ProgramNPIConfig,
    image_encoder,
    run_task,
)

__all__ = [
    "CANON_MEMORY",
    "NPICanonData",
    "NPI_CANON",
    "TEST_MODELS",
    "VALIDATION_MODELS",
    "training_models",
    "canon_pool",
    "train_canon_npi",
    "CanonExecution",
    "execute_canon",
    "canonicalize",
    "canon_accuracy",
    "canon_table",
    "CanonSeq2SeqConfig",
    "CanonSeq2Seq",
    "SEQ2SEQ_CANON",
    "train_canon_seq2seq",
    "seq2seq_accuracy",
    "COMPARISON_STEPS",
    "train_kept",
    "compare",
]

CANON_MEMORY = ",".join(env.CANON_PROGRAMS)
POSES_PER_MODEL = len(env.POSES)
TEST_MODELS = tuple(range(900_000, 900_020))
VALIDATION_MODELS = tuple(range(800_000, 800_010))


def training_models(count: int, seed: int = 0) -> list[int]:
    """The ``count`` car models (seeds) a run of seed ``seed`` trains on."""
    return [1000 * seed + index for index in range(count)]


def all_items(models) -> list[tuple[int, tuple[int, int]]]:
    """Every (model, start pose) of ``models``."""
    return [(m, pose) for m in models for pose in env.POSES]


@dataclass(frozen=True)
class NPICanonData:
    """The training traces: every start pose of ``models`` car models; the weights kept
    are those of the check (every ``check_every`` steps) best on the validation
    models."""

    models: int = 64
    check_every: int = 100


#: The shipped canonicalizing NPI.
NPI_CANON = Recipe(
    model=ProgramNPIConfig(environments="canon", programs=CANON_MEMORY),
    train=TrainConfig(
        steps=1500,
        batch_size=128,
        lr=3e-3,
        warmup_steps=50,
        min_lr_ratio=0.05,
        grad_clip=1.0,
        log_every=50,
    ),
    data=NPICanonData(),
)


# --------------------------------------------------------------------------------------
# training
def canon_pool(model: ProgramNPI, models: list[int]):
    """Every call of the planner's traces from every start pose of ``models``: a
    :class:`~nee_lite.ancestors.npi.TraceBatch` whose observations are ``(calls, steps,
    1)`` indices into the returned ``(len(models) * 72, SIZE * SIZE)`` uint8 images."""
    calls = [
        call for pose in env.POSES for call in env.canon_trace(0, pose, False).calls
    ]
    environment = model.environment_names.index("canon")
    poses = calls_batch(calls, 2, model.program_ids("canon"), environment)
    a, e = poses.observations.unbind(-1)
    local = torch.where(poses.keep, a * len(ELEVATIONS) + e, 0)
    per_model = []
    for index in range(len(models)):
        per_model.append(
            replace(poses, observations=(local + index * POSES_PER_MODEL)[..., None])
        )
    pool = replace(
        poses,
        **{
            name: torch.cat([getattr(b, name) for b in per_model])
            for name in (
                "observations",
                "programs",
                "returns",
                "called",
                "rows",
                "values",
                "keep",
                "environment",
            )
        },
    )
    views = torch.from_numpy(views_of(models)).reshape(-1, SIZE * SIZE)
    return pool, views


class _Encoded(nn.Module):
    """The NPI's core reading observations its encoder has already encoded."""

    def __init__(self, model: ProgramNPI):
        super().__init__()
        self.npi, self.config = model, model.config

    def step(self, encoded, program, state, *environment):
        return self.npi.core_step(encoded, program, state)


def canon_loss(model: ProgramNPI, batch, views: torch.Tensor):
    """:func:`~nee_lite.ancestors.npi.trace_loss` with each distinct image of the batch
    encoded once."""
    ids = batch.observations[..., 0]
    unique, inverse = torch.unique(ids, return_inverse=True)
    environment = model.environment_names.index("canon")
    encoded = model.encode(views[unique], environment)[inverse]
    return trace_loss(_Encoded(model), replace(batch, observations=encoded))


def _keep_best(model, check, every: int):
    """A ``make_batch`` wrapper that scores ``check(model)`` every ``every`` batches
    and keeps a copy of the best weights (``best["state"]``)."""
    best = {"score": -1.0, "state": None, "step": 0, "checks": []}

    def wrap(make_batch):
        count = [0]

        def make(generator, device):
            if count[0] and count[0] % every == 0:
                _check(count[0])
            count[0] += 1
            return make_batch(generator, device)

        return make

    def _check(step):
        score = check(model)
        best["checks"].append((step, score))
        if score > best["score"]:
            best.update(score=score, step=step)
            best["state"] = {k: v.clone() for k, v in model.state_dict().items()}
        model.train()

    best["final"] = _check
    return wrap, best


def train_kept(model, make_batch, loss, config, check, every, description, progress):
    """Train, checking on validation every ``every`` steps and at the end; load the
    best weights. Returns the :class:`TrainResult` and the checks."""
    wrap, best = _keep_best(model, check, every)
    result = train(
        model,
        wrap(make_batch),
        loss,
        config,
        description=description,
        progress=progress,
    )
    best["final"](config.steps)
    model.load_state_dict(best["state"])
    model.eval()
    return result, {
        "kept_step": best["step"],
        "validation_accuracy": best["score"],
        "checks": best["checks"],
    }


def train_canon_npi(
    recipe: Recipe = NPI_CANON, progress: bool = True
) -> tuple[ProgramNPI, TrainResult, dict]:
    """Train a canonicalizing NPI on the traces of ``recipe.data.models`` training
    models; returns the model (the weights best on validation), the run and the
    checks."""
    train_config, data = recipe.train, recipe.data
    torch.manual_seed(train_config.seed)
    model = ProgramNPI(recipe.model)
    pool, views = canon_pool(model, training_models(data.models, train_config.seed))

    def make_batch(generator, device):
        index = torch.randint(
            len(pool.programs), (train_config.batch_size,), generator=generator
        )
        return select_calls(pool, index)

    result, checks = train_kept(
        model,
        make_batch,
        lambda m, b: canon_loss(m, b, views),
        train_config,
        lambda m: canon_accuracy(m, VALIDATION_MODELS),
        data.check_every,
        "NPI on canonicalization traces",
        progress,
    )
    return model, result, checks


# ------------------------------------------------------------------------------------
# closed-loop execution
@dataclass
class CanonExecution:
    """A closed-loop run: the final poses (grid indices), whether ``GOTO`` returned,
    the steps, and the record of item 0 (as :class:`~nee_lite.ancestors.npi.
    NPIExecution`'s; the pose stands where the scratchpad was)."""

    poses: list[tuple[int, int]]
    finished: list[bool]
    steps: int
    record: list

    def successes(self) -> list[bool]:
        return [f and p == CANONICAL for f, p in zip(self.finished, self.poses)]


@torch.no_grad()
def execute_canon(
    model: ProgramNPI, items, record: bool = False, max_steps: int = 60
) -> CanonExecution:
    """Run ``GOTO`` from every ``(model seed, (azimuth, elevation))`` of ``items`` with
    the network alone (it sees the images only), all in step."""
    model.eval()
    device = model.program_keys.device
    pad = env.BatchCanonPad(items, device)
    pad.cells = pad.pointers  # what the record keeps of "the scratchpad": the pose
    act = pad.act

    def acted(mask, program, row, value):
        act(mask, program, row, value)
        pad.cells = pad.pointers

    pad.act = acted
    finished, steps, trace = run_task(
        model, pad, "canon", env.GOTO, 4, max_steps, record
    )
    return CanonExecution(pad.poses(), finished, steps, trace)


def _describe(model: ProgramNPI, decision) -> str:
    if decision.returns:
        return "RETURN"
    name = model.program_names[decision.program]
    if name == "ACT":
        return f"ACT({env.DIRECTIONS[decision.value]})"
    return f"{name}()"


def canonicalize(model: ProgramNPI, data) -> list[dict]:
    """``nee-lite run npi-canon``: per item of ``[{"model", "azimuth", "elevation"}]``
    the NPI's program trace (one line per step: running program, then its decision) and
    the final pose."""
    items = env.parse_poses(data)
    outputs = []
    for item in items:
        run = execute_canon(model, [item], record=True)
        trace = [
            "  " * depth + f"{model.program_names[program]}: {_describe(model, d)}"
            for depth, program, _, d, _, _ in run.record
        ]
        outputs.append(
            {
                "trace": trace,
                **env.pose_degrees(run.poses[0]),
                "finished": run.finished[0],
                "canonical": run.successes()[0],
            }
        )
    return outputs


def canon_accuracy(model: ProgramNPI, models) -> float:
    """The share of all start poses of ``models`` brought to the canonical view."""
    successes = execute_canon(model, all_items(models)).successes()
    return sum(successes) / len(successes)


def canon_table(model: ProgramNPI, seed: int = 0, quick: bool = False) -> list[dict]:
    """``nee-lite evaluate npi-canon``: the share of start poses brought to the
    canonical view on the test models (quick: the first 5), by start elevation and
    over all start poses (``count``: models, ``items``: start poses)."""
    models = TEST_MODELS[:5] if quick else TEST_MODELS
    items = all_items(models)
    successes = execute_canon(model, items).successes()
    rows = []
    for e, degrees in enumerate(ELEVATIONS):
        hits = [s for s, (_, p) in zip(successes, items) if p[1] == e]
        rows.append(
            {
                "test": f"start elevation {degrees}",
                "count": len(models),
                "items": len(hits),
                "exact_match": sum(hits) / len(hits),
            }
        )
    rows.append(
        {
            "test": "all start poses",
            "count": len(models),
            "items": len(items),
            "exact_match": sum(successes) / len(items),
        }
    )
    return rows


# --------------------------------------------------------------------------------------
# the sequence-to-sequence baseline
MOVES = (*env.DIRECTIONS, "STOP")
STOP, START = len(env.DIRECTIONS), len(env.DIRECTIONS) + 1
MAX_MOVES = 20


@dataclass
class CanonSeq2SeqConfig:
    """The baseline's shape: the NPI's CNN encoder, an LSTM of the NPI core's size."""

    hidden: int = 64
    encoder: int = 32
    embedding: int = 16


class CanonSeq2Seq(Model):
    """CNN of the start image -> the LSTM's first state (and, encoded, an input at every
    step beside the previous move); the LSTM emits the moves and ``STOP``, each fed
    back as its next input. It sees no image after the first."""

    config_class = CanonSeq2SeqConfig

    def __init__(self, config: CanonSeq2SeqConfig = CanonSeq2SeqConfig()):
        super().__init__(config)
        self.encoder = image_encoder(SIZE, config.encoder)
        self.start = nn.Linear(config.encoder, 2 * config.hidden)
        self.embedding = nn.Embedding(START + 1, config.embedding)
        self.lstm = nn.LSTMCell(config.embedding + config.encoder, config.hidden)
        self.out = nn.Linear(config.hidden, len(MOVES))

    def begin(self, images: torch.Tensor):
        """The encoded start image and the LSTM's first state made from it."""
        pixels = images.float().view(-1, 1, SIZE, SIZE) / 255.0
        encoded = self.encoder(pixels)
        h, c = torch.tanh(self.start(encoded)).chunk(2, -1)
        return encoded, (h.contiguous(), c.contiguous())

    def _step(self, encoded, token, state):
        return self.lstm(torch.cat([self.embedding(token), encoded], -1), state)

    def forward(self, images: torch.Tensor, previous: torch.Tensor) -> torch.Tensor:
        """Teacher-forced logits ``(B, T, moves)`` for the inputs ``previous (B,
        T)``."""
        (encoded, state), logits = self.begin(images), []
        for t in range(previous.shape[1]):
            state = self._step(encoded, previous[:, t], state)
            logits.append(self.out(state[0]))
        return torch.stack(logits, 1)

    @torch.no_grad()
    def decode(self, images: torch.Tensor) -> list[list[int]]:
        """Greedy moves for each start image, up to ``STOP`` (at most MAX_MOVES)."""
        self.eval()
        encoded, state = self.begin(images)
        token = torch.full((len(images),), START, dtype=torch.long)
        moves = torch.full((len(images), MAX_MOVES + 1), STOP, dtype=torch.long)
        for t in range(MAX_MOVES + 1):
            state = self._step(encoded, token, state)
            token = self.out(state[0]).argmax(-1)
            moves[:, t] = token
        result = []
        for row in moves.tolist():
            result.append(row[: row.index(STOP) + 1] if STOP in row else row)
        return result


#: The baseline's budget (chosen, like the NPI's, by the validation checks).
SEQ2SEQ_CANON = Recipe(
    model=CanonSeq2SeqConfig(),
    train=replace(NPI_CANON.train, steps=1500),
    data=NPICanonData(),
)


def _targets() -> tuple[torch.Tensor, torch.Tensor]:
    """Per start pose (72): decoder inputs and targets (the planner's moves, ``STOP``),
    padded with -1."""
    width = max(len(env.planned_moves(p)) for p in env.POSES) + 1
    inputs = torch.full((len(env.POSES), width), STOP, dtype=torch.long)
    targets = torch.full((len(env.POSES), width), -1, dtype=torch.long)
    for index, pose in enumerate(env.POSES):
        moves = env.planned_moves(pose) + [STOP]
        inputs[index, : len(moves)] = torch.tensor([START] + moves[:-1])
        targets[index, : len(moves)] = torch.tensor(moves)
    return inputs, targets


def seq2seq_accuracy(model: CanonSeq2Seq, models) -> float:
    """The share of start poses whose emitted moves end (``STOP``) at the canonical
    view."""
    items = all_items(models)
    views = torch.from_numpy(views_of(sorted(set(models))))
    where = {m: i for i, m in enumerate(sorted(set(models)))}
    images = torch.stack([views[where[m], a, e] for m, (a, e) in items])
    right = 0
    for (_, pose), moves in zip(items, model.decode(images)):
        if moves and moves[-1] == STOP:
            for move in moves[:-1]:
                pose = env._moved(pose, move)
            right += pose == CANONICAL
    return right / len(items)


def train_canon_seq2seq(
    recipe: Recipe = SEQ2SEQ_CANON, progress: bool = True
) -> tuple[CanonSeq2Seq, TrainResult, dict]:
    """Train the baseline on every start pose of the training models (batches of
    ``batch_size`` start poses), the weights kept by the validation checks."""
    train_config, data = recipe.train, recipe.data
    torch.manual_seed(train_config.seed)
    model = CanonSeq2Seq(recipe.model)
    models = training_models(data.models, train_config.seed)
    views = torch.from_numpy(views_of(models)).reshape(-1, SIZE * SIZE)
    inputs, targets = _targets()

    def make_batch(generator, device):
        index = torch.randint(
            len(views), (train_config.batch_size,), generator=generator
        )
        pose = index % POSES_PER_MODEL
        return views[index], inputs[pose], targets[pose]

    def loss(model, batch):
        images, previous, wanted = batch
        logits = model(images, previous)
        keep = wanted >= 0
        right = ((logits.argmax(-1) == wanted) | ~keep).all(1).float().mean()
        return F.cross_entropy(logits[keep], wanted[keep]), {"exact": right.item()}

    result, checks = train_kept(
        model,
        make_batch,
        loss,
        train_config,
        lambda m: seq2seq_accuracy(m, VALIDATION_MODELS),
        data.check_every,
        "seq2seq on the planner's moves",
        progress,
    )
    return model, result, checks


# --------------------------------------------------------------------------------------
# the comparison
#: The comparison's budgets (NPI steps, seq2seq steps); the weights kept by the
#: validation checks.
COMPARISON_STEPS = (600, 1500)


def compare(
    counts=(1, 4, 16, 64),
    seeds=(0, 1, 2),
    npi_steps: int = COMPARISON_STEPS[0],
    seq2seq_steps: int = COMPARISON_STEPS[1],
    progress: bool = False,
    out: Path | None = None,
    command: str = "",
) -> dict:
    """Accuracy on every start pose of :data:`TEST_MODELS` against the number of
    training models, for the NPI and the baseline, per seed (mean and min); written to
    ``out`` after every run."""
    record = {
        "about": "NPI vs CNN+LSTM seq2seq on canonicalizing rendered cars: share of "
        "all 72 start poses of 20 unseen test models brought exactly to the canonical "
        "view, against the number of training models; weights kept at the validation "
        "check (10 other models) with the best accuracy",
        "command": command,
        "test_models": [TEST_MODELS[0], TEST_MODELS[-1]],
        "validation_models": [VALIDATION_MODELS[0], VALIDATION_MODELS[-1]],
        "npi": {"recipe": _recipe_dict(NPI_CANON, npi_steps), "runs": {}},
        "seq2seq": {"recipe": _recipe_dict(SEQ2SEQ_CANON, seq2seq_steps), "runs": {}},
        "summary": {},
    }
    for count in counts:
        for seed in seeds:
            data = NPICanonData(models=count)
            for name, recipe, steps, fit, score in (
                ("npi", NPI_CANON, npi_steps, train_canon_npi, canon_accuracy),
                (
                    "seq2seq",
                    SEQ2SEQ_CANON,
                    seq2seq_steps,
                    train_canon_seq2seq,
                    seq2seq_accuracy,
                ),
            ):
                run_recipe = replace(recipe.with_seed(seed, steps), data=data)
                model, _, checks = fit(run_recipe, progress)
                run = {
                    "test_accuracy": score(model, TEST_MODELS),
                    "validation_accuracy": checks["validation_accuracy"],
                    "kept_step": checks["kept_step"],
                }
                record[name]["runs"].setdefault(str(count), {})[str(seed)] = run
                print(name, count, seed, run, flush=True)
            _summarise(record)
            if out is not None:
                out.write_text(json.dumps(record, indent=1) + "\n")
    return record


def _recipe_dict(recipe: Recipe, steps: int) -> dict:
    return {
        "model": asdict(recipe.model),
        "train": asdict(replace(recipe.train, steps=steps)),
    }


def _summarise(record: dict) -> None:
    for name in ("npi", "seq2seq"):
        for count, runs in record[name]["runs"].items():
            values = [r["test_accuracy"] for r in runs.values()]
            record["summary"].setdefault(name, {})[count] = {
                "seeds": len(values),
                "mean": sum(values) / len(values),
                "min": min(values),
            }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=compare.__doc__)
    parser.add_argument("--counts", default="1,4,16,64")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--npi-steps", type=int, default=COMPARISON_STEPS[0])
    parser.add_argument("--seq2seq-steps", type=int, default=COMPARISON_STEPS[1])
    parser.add_argument("--out", default="data/results/npi_canon_comparison.json")
    args = parser.parse_args(argv)
    compare(
        [int(c) for c in args.counts.split(",")],
        [int(s) for s in args.seeds.split(",")],
        args.npi_steps,
        args.seq2seq_steps,
        out=Path(args.out),
        command=" ".join(
            ["python -m nee_lite.ancestors.npi_canon", *(argv or sys.argv[1:])]
        ),
    )


if __name__ == "__main__":
    main()
