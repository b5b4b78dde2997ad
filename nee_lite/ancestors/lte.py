"""Chapter "Learning to Execute": a character-level LSTM that reads a program and writes
what it prints.

The model is a sequence-to-sequence LSTM (Sutskever et al. 2014): an encoder reads the
program one character at a time, a decoder starts from the encoder's final state and
writes the answer one character at a time, ending with ``.``. Training uses teacher
forcing (the decoder reads the true previous character). Two metrics, as in the chapter:
per-character accuracy with teacher forcing (the paper's metric: each character is
scored given the true characters before it) and whole-answer exact match with
free-running greedy decoding (the model reads its own previous characters, as it must
when nobody knows the answer).

The paper's four curricula (Zaremba and Sutskever 2014, section 4) decide which
``(length, nesting)`` each training program has: ``baseline`` (always the target),
``naive`` (start at 1 digit and nesting 1, step up when validation accuracy passes 95 %
or stops improving), ``mix`` (uniform up to the target, per program) and ``combined`` (a
mix program one time in five, as in the authors' code, else a naive one).

The memorization task copies a random digit string, with the input optionally reversed
and/or doubled (section 3.1).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from ..core.checkpoints import Model
from ..core.training import Recipe, TrainConfig, train, unknown_choice
from .lte_programs import PROGRAM_OPERATIONS, VOCAB, Program, sample_programs

__all__ = [
    "LTEConfig",
    "CharSeq2Seq",
    "Example",
    "CURRICULA",
    "Curriculum",
    "LTETask",
    "ADDITION",
    "train_lte",
    "evaluate_programs",
    "memorization_examples",
    "train_memorization",
    "evaluate_examples",
    "CopyData",
    "COPY",
    "addition_program",
    "lstm_add",
    "memorization_experiment",
    "input_name",
    "LTEData",
    "LTE_ADD",
    "LTE_PROGRAMS",
    "lte_table",
]


@dataclass(frozen=True)
class Example:
    """A source text and the answer to write (``.`` included)."""

    source: str
    answer: str


@dataclass
class LTEConfig:
    """Shape of the model and how its input is presented (``reverse`` and ``double``:
    section 3.1)."""

    hidden: int = 128
    layers: int = 1
    embedding: int = 32
    reverse: bool = False
    double: bool = False


class CharSeq2Seq(Model):
    """Encoder LSTM over the program's characters, decoder LSTM over the answer's
    characters.

    Weights start uniform in [-0.08, 0.08], as in the paper.
    """

    config_class = LTEConfig

    def __init__(self, config: LTEConfig = LTEConfig()):
        super().__init__(config)
        self.embedding = nn.Embedding(
            len(VOCAB), config.embedding, padding_idx=VOCAB.PAD
        )
        self.encoder = nn.LSTM(
            config.embedding, config.hidden, config.layers, batch_first=True
        )
        self.decoder = nn.LSTM(
            config.embedding, config.hidden, config.layers, batch_first=True
        )
        self.output = nn.Linear(config.hidden, len(VOCAB))
        with torch.no_grad():
            for parameter in self.parameters():
                parameter.uniform_(-0.08, 0.08)

    def present(self, source: str) -> str:
        """The input as the model sees it: reversed and/or doubled."""
        text = source[::-1] if self.config.reverse else source
        return text + text if self.config.double else text

    def encode(self, sources: list[str]):
        """The encoder's final state for each source text (padding never reaches it:
        packed sequences)."""
        indices, lengths = VOCAB.pad([VOCAB.encode(self.present(s)) for s in sources])
        device = self.output.weight.device
        packed = pack_padded_sequence(
            self.embedding(indices.to(device)),
            lengths,
            batch_first=True,
            enforce_sorted=False,
        )
        _, state = self.encoder(packed)
        return state

    def forward(self, sources: list[str], decoder_input: torch.Tensor) -> torch.Tensor:
        """Teacher forcing: logits ``(batch, steps, vocabulary)`` for each answer
        position."""
        output, _ = self.decoder(self.embedding(decoder_input), self.encode(sources))
        return self.output(output)

    @torch.no_grad()
    def greedy(self, sources: list[str], max_length: int = 24) -> list[str]:
        """Free-running decoding: each character is fed back in, until ``.`` or
        ``max_length`` characters."""
        state = self.encode(sources)
        device = self.output.weight.device
        token = torch.full((len(sources), 1), VOCAB.GO, dtype=torch.long, device=device)
        written = []
        for _ in range(max_length):
            output, state = self.decoder(self.embedding(token), state)
            token = self.output(output).argmax(-1)
            written.append(token)
        return [VOCAB.decode(row) for row in torch.cat(written, 1).cpu()]


def answer_tensors(answers: list[str]):
    """Decoder input ``[GO, answer...]``, target ``[answer...]`` and the mask of real
    positions."""
    target, lengths = VOCAB.pad([VOCAB.encode(a) for a in answers])
    decoder_input = torch.cat(
        [torch.full((len(answers), 1), VOCAB.GO), target[:, :-1]], 1
    )
    keep = torch.arange(target.shape[1])[None] < lengths[:, None]
    return decoder_input, target, keep


def teacher_forced(model: CharSeq2Seq, examples: list[Example]):
    """Loss and the per-character hits of a batch under teacher forcing."""
    decoder_input, target, keep = (
        t.to(model.output.weight.device)
        for t in answer_tensors([e.answer for e in examples])
    )
    logits = model([e.source for e in examples], decoder_input)
    loss = F.cross_entropy(logits[keep], target[keep])
    hits = (logits.argmax(-1) == target) & keep
    return loss, hits, keep


@torch.no_grad()
def evaluate_examples(
    model: CharSeq2Seq, examples: list[Example], batch_size: int = 500
) -> dict:
    """Per-character accuracy with teacher forcing, and exact match of the whole answer,
    greedy decoding."""
    model.eval()
    hits = total = exact = 0
    for start in range(0, len(examples), batch_size):
        chunk = examples[start : start + batch_size]
        _, chunk_hits, keep = teacher_forced(model, chunk)
        hits += chunk_hits.sum().item()
        total += keep.sum().item()
        longest = max(len(e.answer) for e in chunk) + 2
        exact += sum(
            w == e.answer
            for w, e in zip(model.greedy([e.source for e in chunk], longest), chunk)
        )
    return {
        "examples": len(examples),
        "per_character": hits / total,
        "exact_match": exact / len(examples),
    }


def as_examples(programs: list[Program]) -> list[Example]:
    return [Example(p.code, p.answer) for p in programs]


# --------------------------------------------------------------------------------------
# curricula
CURRICULA = ("baseline", "naive", "mix", "combined")


@dataclass
class Curriculum:
    """Which ``(length, nesting)`` the next training program has, and when the naive
    level steps up."""

    name: str
    target_length: int
    target_nesting: int
    rng: random.Random
    length: int = 1  # the naive level
    nesting: int = 1
    target_accuracy: float = 0.95
    patience: int = 5
    scores: list[float] = field(default_factory=list)

    def __post_init__(self):
        if self.name not in CURRICULA:
            raise unknown_choice("curriculum", self.name, CURRICULA)

    def difficulty(self) -> tuple[int, int]:
        """``(length, nesting)`` of one training program."""
        mix = self.name == "mix" or (
            self.name == "combined" and self.rng.randrange(5) == 0
        )
        if self.name == "baseline":
            return self.target_length, self.target_nesting
        if mix:
            return self.rng.randint(1, self.target_length), self.rng.randint(
                1, self.target_nesting
            )
        return self.length, self.nesting

    @property
    def uses_levels(self) -> bool:
        return self.name in ("naive", "combined")

    def at_target(self) -> bool:
        return (self.length, self.nesting) == (self.target_length, self.target_nesting)

    def update(self, validation_accuracy: float) -> bool:
        """Step the naive level up (length first, then nesting) when validation accuracy
        at the current level passes the target, or is lower than ``patience`` checks ago
        (the authors' rule for "stops making progress"); return whether it moved."""
        self.scores.append(validation_accuracy)
        stalled = (
            len(self.scores) > self.patience
            and validation_accuracy < self.scores[-1 - self.patience]
        )
        if (
            not self.uses_levels
            or self.at_target()
            or not (validation_accuracy >= self.target_accuracy or stalled)
        ):
            return False
        if self.length < self.target_length:
            self.length += 1
        else:
            self.length, self.nesting = 1, self.nesting + 1
        self.scores = []
        return True


# --------------------------------------------------------------------------------------
# the tasks
@dataclass(frozen=True)
class LTETask:
    """A family of programs: the target difficulty and the operations the generator may
    use."""

    length: int
    nesting: int
    operations: tuple[str, ...] = PROGRAM_OPERATIONS

    def programs(
        self,
        count: int,
        split: str,
        seed: int,
        length: int | None = None,
        nesting: int | None = None,
    ) -> list[Program]:
        """A fixed set of ``count`` programs of ``split`` at one difficulty (the target
        unless given)."""
        difficulty = (length or self.length, nesting or self.nesting)
        return sample_programs(
            random.Random(f"{split}-{seed}-{difficulty}"),
            count,
            split,
            lambda: difficulty,
            self.operations,
        )


ADDITION = ("add",)


@dataclass
class CurriculumRun:
    """What a curriculum run logs besides the loss: accuracy at the target over steps,
    and level changes."""

    curve: list[dict] = field(default_factory=list)
    levels: list[dict] = field(default_factory=list)
    lr_scale: float = 1.0  # the learning rate's factor at the end, from ``lr_decay``


def train_lte(
    task: LTETask,
    curriculum: str,
    model_config: LTEConfig,
    train_config: TrainConfig,
    check_every: int = 100,
    eval_count: int = 300,
    progress: bool = True,
    device="cpu",
    lr_decay: float | None = None,
):
    """Train a :class:`CharSeq2Seq` on ``task`` with one of the four curricula.

    Every ``check_every`` steps it scores the model with teacher forcing on a fixed
    validation set at the current naive level (which may step it up) and on a fixed test
    set at the target difficulty (the curve of the chapter's plot). ``lr_decay`` (the
    paper's rule, section 6: 0.8): the learning rate is multiplied by it at the first
    check at the target level, then at every check whose score there did not improve on
    the best (the paper watches its training set; here the validation programs of that
    level). Returns the model, the loop's :class:`~nee_lite.core.training.TrainResult`
    and the :class:`CurriculumRun`.
    """
    torch.manual_seed(train_config.seed)
    model = CharSeq2Seq(model_config)
    rng = random.Random(train_config.seed)
    schedule = Curriculum(
        curriculum, task.length, task.nesting, random.Random(train_config.seed + 1)
    )
    run = CurriculumRun()
    test = as_examples(task.programs(eval_count, "test", seed=train_config.seed))
    validation_sets: dict[tuple[int, int], list[Example]] = {}
    steps_done, scale, best = [0], [1.0], [-1.0]

    def check(net):
        level = (schedule.length, schedule.nesting)
        if level not in validation_sets:
            validation_sets[level] = as_examples(
                task.programs(eval_count, "validation", train_config.seed, *level)
            )
        validation = score_teacher_forced(net, validation_sets[level])
        run.curve.append(
            {
                "step": steps_done[0],
                "test_per_character": score_teacher_forced(net, test),
                "length": level[0],
                "nesting": level[1],
            }
        )
        if lr_decay is not None and level == (
            task.length,
            task.nesting,
        ):  # once on reaching it, then on stalls
            scale[0], best[0] = (
                (scale[0] * lr_decay, max(best[0], validation))
                if validation <= best[0] or best[0] < 0
                else (scale[0], validation)
            )
        if schedule.update(validation):
            run.levels.append(
                {
                    "step": steps_done[0],
                    "length": schedule.length,
                    "nesting": schedule.nesting,
                }
            )

    def make_batch(generator, device):
        if steps_done[0] % check_every == 0 and steps_done[0]:
            was_training = model.training
            check(model)
            model.train(was_training)
        steps_done[0] += 1
        return as_examples(
            sample_programs(
                rng,
                train_config.batch_size,
                "train",
                schedule.difficulty,
                task.operations,
            )
        )

    result = train(
        model,
        make_batch,
        _per_character_loss,
        train_config,
        device=device,
        description=f"LSTM, {curriculum}",
        progress=progress,
        lr_scale=(lambda: scale[0]) if lr_decay is not None else None,
    )
    check(model)
    run.lr_scale = scale[0]
    return model, result, run


def _per_character_loss(net: CharSeq2Seq, examples: list[Example]):
    """The training loss: teacher-forced cross-entropy, with the share of characters
    right as the logged metric."""
    loss, hits, keep = teacher_forced(net, examples)
    return loss, {"per_character": (hits.sum() / keep.sum()).item()}


@torch.no_grad()
def score_teacher_forced(model: CharSeq2Seq, examples: list[Example]) -> float:
    model.eval()
    _, hits, keep = teacher_forced(model, examples)
    return hits.sum().item() / keep.sum().item()


def evaluate_programs(
    model: CharSeq2Seq,
    task: LTETask,
    count: int = 500,
    seed: int = 0,
    length: int | None = None,
    nesting: int | None = None,
) -> dict:
    """Both metrics on ``count`` test programs of one difficulty, the task's target
    unless ``length`` or ``nesting`` says otherwise (as :meth:`LTETask.programs`;
    possibly beyond what was trained)."""
    return evaluate_examples(
        model, as_examples(task.programs(count, "test", seed, length, nesting))
    )


def addition_program(a: str, b: str) -> str:
    """The addition task's program for two numbers: what the generator writes with the
    one operation ``add``."""
    return f"print(({a}+{b}))"


def lstm_add(
    model: CharSeq2Seq, pairs: list[tuple[str, str]], batch_size: int = 200
) -> list[str]:
    """The LSTM's answers (greedy decoding, end symbol dropped) to ``print((a+b))`` for
    decimal strings."""
    answers = []
    for start in range(0, len(pairs), batch_size):
        chunk = pairs[start : start + batch_size]
        longest = max(max(len(a), len(b)) for a, b in chunk) + 3
        answers += model.greedy([addition_program(a, b) for a, b in chunk], longest)
    return [answer.removesuffix(".") for answer in answers]


# --------------------------------------------------------------------------------------
# memorization
def memorization_examples(count: int, length: int, rng: random.Random) -> list[Example]:
    """Random digit strings of exactly ``length`` digits to copy."""
    digits = [
        "".join(rng.choice("0123456789") for _ in range(length)) for _ in range(count)
    ]
    return [Example(d, d + ".") for d in digits]


def train_memorization(
    length: int,
    model_config: LTEConfig,
    train_config: TrainConfig,
    progress: bool = True,
):
    """Train the copy task on strings of 1 to ``length`` digits (a mix curriculum),
    input as configured."""
    torch.manual_seed(train_config.seed)
    model = CharSeq2Seq(model_config)
    rng = random.Random(train_config.seed)

    def make_batch(generator, device):
        return [
            memorization_examples(1, rng.randint(1, length), rng)[0]
            for _ in range(train_config.batch_size)
        ]

    result = train(
        model,
        make_batch,
        _per_character_loss,
        train_config,
        description=f"copy, {input_name(model_config)}",
        progress=progress,
    )
    return model, result


def input_name(config: LTEConfig) -> str:
    """``plain``, ``reversed``, ``doubled`` or ``reversed + doubled``."""
    names = [
        name
        for name, on in (("reversed", config.reverse), ("doubled", config.double))
        if on
    ]
    return " + ".join(names) or "plain"


@dataclass(frozen=True)
class CopyData:
    """What the memorization models copy: digit strings of up to ``length`` digits;
    ``test_count`` fresh strings of that length score them."""

    length: int = 8
    test_count: int = 500


def lstm_budget(
    steps: int, batch_size: int, lr: float, log_every: int = 100, sgd: bool = False
) -> TrainConfig:
    """Gradients clipped at 5 as in the paper. AdamW with 50 warm-up steps and cosine
    decay; or (``sgd``) the paper's plain SGD at a constant rate, which the data's
    ``lr_decay`` lowers (:func:`train_lte`)."""
    return TrainConfig(
        steps=steps,
        batch_size=batch_size,
        lr=lr,
        warmup_steps=0 if sgd else 50,
        min_lr_ratio=1.0 if sgd else 0.05,
        grad_clip=5.0,
        log_every=log_every,
        optimizer="sgd" if sgd else "adamw",
    )


#: The memorization experiment: four ways to present the input, each with this model and
#: budget (``reverse`` and ``double`` are set per way).
COPY = Recipe(
    model=LTEConfig(hidden=64),
    data=CopyData(),
    train=lstm_budget(500, 64, 1e-2, log_every=25),
)


def memorization_experiment(recipe: Recipe = COPY, seed: int = 0, progress=True):
    """The four ways to present the input (section 3.1), same model and budget; scored
    on fresh strings of the longest length. Returns ``{name: {"history",
    "per_character", "exact_match", "wall_time_s"}}``."""
    data = recipe.data
    test = memorization_examples(
        data.test_count, data.length, random.Random(f"copy-test-{seed}")
    )
    budget = recipe.with_seed(seed).train
    results = {}
    for reverse, double in ((False, False), (True, False), (False, True), (True, True)):
        config = replace(recipe.model, reverse=reverse, double=double)
        model, run = train_memorization(data.length, config, budget, progress)
        results[input_name(config)] = {
            "history": run.history,
            "wall_time_s": run.wall_time_s,
            **evaluate_examples(model, test),
        }
    return results


# ------------------------------------------------------------------------------------
# the shipped models
@dataclass(frozen=True)
class LTEData:
    """What a shipped LSTM trains on: the programs of ``task``, with ``curriculum``."""

    task: LTETask
    curriculum: str = "combined"


#: ``lte-add``: addition at the chapter's CPU size, trained longer than the curricula
#: runs.
LTE_ADD = Recipe(
    model=LTEConfig(hidden=128, reverse=True),
    train=lstm_budget(10000, 64, 1e-2),
    data=LTEData(LTETask(3, 1, ADDITION)),
)
#: ``lte-programs``: the paper's six operations with 2-digit constants and nesting 2.
LTE_PROGRAMS = Recipe(
    model=LTEConfig(hidden=128, reverse=True),
    train=lstm_budget(8000, 64, 1e-2),
    data=LTEData(LTETask(2, 2, PROGRAM_OPERATIONS)),
)


def lte_table(
    model: CharSeq2Seq, task: LTETask, seed: int = 0, count: int = 500
) -> list[dict]:
    """Per-character accuracy (teacher forcing) and exact match (greedy) per difficulty,
    within and beyond training: for addition, 1 to 4 digits more than trained; for
    programs, lengths 1-4 by nestings 1-4."""
    grid = (
        [(digits, 1) for digits in range(1, task.length + 5)]
        if task.nesting == 1
        else [(length, nesting) for nesting in range(1, 5) for length in range(1, 5)]
    )
    rows = []
    for length, nesting in grid:
        score = evaluate_programs(model, task, count, seed, length, nesting)
        rows.append(
            {
                "length": length,
                "nesting": nesting,
                "trained": length <= task.length and nesting <= task.nesting,
                "programs": score["examples"],
                "per_character": round(score["per_character"], 6),
                "exact_match": round(score["exact_match"], 6),
            }
        )
    return rows
