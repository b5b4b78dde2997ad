"""Chapter "Learning to Execute": the paper's little Python programs, generated, run,
split and encoded.

Zaremba and Sutskever (2014) generate programs from two knobs. ``length`` is the number
of digits of the constants (each drawn uniformly from ``[1, 10**length)``); ``nesting``
is how many operations are composed, each one taking the previous one's expression as an
operand. The six operations follow the authors' generator:

* ``pair``: ``(a+b)`` or ``(a-b)``;
* ``smallmul``: ``(e*k)`` or ``(k*e)`` with ``k`` at most ``4 * length`` (a linear-time
  model cannot multiply two long numbers);
* ``identity``: the operand itself;
* ``assign``: ``v=a`` on a line of its own, then ``(v+b)`` or ``(v-b)``;
* ``loop``: ``v=a`` then ``for x in range(L):v+=b`` (or ``-=``), ``L`` at most ``4 *
  length``, never nested;
* ``ifelse``: ``(c if a<b else d)`` or with ``>``.

Every program ends with ``print(expr)``. The target is what the program prints, found by
running it with :func:`run_program` (Python itself, in a namespace that only has
``range`` and ``print``). The addition task of the paper is the same generator with one
operation, ``add``: ``print((a+b))``.

Train, validation and test programs are kept apart as in the authors' code: a program
belongs to the split given by a hash of its text modulo 3, so no test program is ever
trained on, whatever the seeds.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import torch

from ..core.training import unknown_choice

__all__ = [
    "OPERATIONS",
    "PROGRAM_OPERATIONS",
    "Program",
    "generate_code",
    "generate_program",
    "run_program",
    "split_of",
    "sample_programs",
    "Vocabulary",
    "VOCAB",
    "SPLITS",
]

SPLITS = ("train", "validation", "test")
LOOP_VARIABLE = "x"
VARIABLES = "abcdefghijklmnopqrstuvwyz"  # every letter but the loop variable


@dataclass(frozen=True)
class Program:
    """One generated program and what running it prints."""

    code: str
    target: int
    length: int
    nesting: int

    @property
    def answer(self) -> str:
        """The text the model must write: the number and the end symbol ``.``."""
        return f"{self.target}."

    @property
    def split(self) -> str:
        return split_of(self.code)


# -------------------------------------------------------------------------------------
# the six operations
class _Builder:
    """State of one program under construction: its lines, the pending expression, the
    letters still free."""

    def __init__(self, rng: random.Random, length: int):
        self.rng, self.length = rng, length
        self.lines: list[str] = []
        self.pending: str | None = (
            None  # the previous operation's expression, consumed by the next one
        )
        self.free = list(VARIABLES)

    def operand(self) -> str:
        """The pending expression if there is one (so operations compose), else a fresh
        constant."""
        if self.pending is not None:
            expr, self.pending = self.pending, None
            return expr
        return str(self.rng.randrange(1, 10**self.length))

    def operands(self, count: int) -> list[str]:
        """``count`` operands in random order: the composed expression can land in any
        slot."""
        values = [self.operand() for _ in range(count)]
        self.rng.shuffle(values)
        return values

    def small(self) -> int:
        return self.rng.randint(1, 4 * self.length)

    def variable(self) -> str:
        return self.free.pop(self.rng.randrange(len(self.free)))

    def sign(self) -> str:
        return self.rng.choice("+-")


def _pair(b: _Builder) -> str:
    x, y = b.operands(2)
    return f"({x}{b.sign()}{y})"


def _add(b: _Builder) -> str:
    x, y = b.operands(2)
    return f"({x}+{y})"


def _smallmul(b: _Builder) -> str:
    expr, k = b.operand(), b.small()
    return f"({expr}*{k})" if b.rng.random() < 0.5 else f"({k}*{expr})"


def _identity(b: _Builder) -> str:
    return b.operand()


def _assign(b: _Builder) -> str:
    v = b.variable()
    x, y = b.operands(2)
    b.lines.append(f"{v}={x}")
    return f"({v}{b.sign()}{y})"


def _loop(b: _Builder) -> str:
    v = b.variable()
    x, y = b.operands(2)
    b.lines += [
        f"{v}={x}",
        f"for {LOOP_VARIABLE} in range({b.small()}):{v}{b.sign()}={y}",
    ]
    return v


def _ifelse(b: _Builder) -> str:
    x, y, then, other = b.operands(4)
    return f"({then} if {x}{b.rng.choice('<>')}{y} else {other})"


OPERATIONS: dict[str, Callable[[_Builder], str]] = {
    "pair": _pair,
    "smallmul": _smallmul,
    "identity": _identity,
    "assign": _assign,
    "loop": _loop,
    "ifelse": _ifelse,
    "add": _add,
}
PROGRAM_OPERATIONS = (
    "pair",
    "smallmul",
    "identity",
    "assign",
    "loop",
    "ifelse",
)  # the paper's six


def generate_code(
    rng: random.Random,
    length: int,
    nesting: int,
    operations: tuple[str, ...] = PROGRAM_OPERATIONS,
) -> str:
    """The text of a random program with constants of at most ``length`` digits and
    ``nesting`` operations."""
    if length < 1 or nesting < 1:
        raise ValueError(
            f"length and nesting must be at least 1, got {length} and {nesting}"
        )
    builder = _Builder(rng, length)
    for _ in range(nesting):
        builder.pending = OPERATIONS[rng.choice(operations)](builder)
    return "\n".join([*builder.lines, f"print({builder.pending})"])


def generate_program(
    rng: random.Random,
    length: int,
    nesting: int,
    operations: tuple[str, ...] = PROGRAM_OPERATIONS,
) -> Program:
    """A random program and its target, found by running it."""
    code = generate_code(rng, length, nesting, operations)
    return Program(code, run_program(code), length, nesting)


def run_program(code: str) -> int:
    """Run ``code`` with Python and return the one integer it prints.

    The namespace holds only ``range`` and a ``print`` that records its argument: the
    generated programs need nothing else, and anything else fails loudly instead of
    touching the machine.
    """
    printed = []
    exec(
        compile(code, "<program>", "exec"),
        {"__builtins__": {"range": range, "print": printed.append}},
    )
    if len(printed) != 1 or type(printed[0]) is not int:
        raise ValueError(f"a program must print exactly one integer, got {printed!r}")
    return printed[0]


def split_of(code: str) -> str:
    """``train``, ``validation`` or ``test``: a hash of the program text, modulo 3 (as
    in the authors' code)."""
    return SPLITS[zlib.crc32(code.encode()) % 3]


def sample_programs(
    rng: random.Random,
    count: int,
    split: str,
    difficulty: Callable[[], tuple[int, int]],
    operations: tuple[str, ...] = PROGRAM_OPERATIONS,
) -> list[Program]:
    """``count`` programs of one split; ``difficulty()`` gives ``(length, nesting)`` for
    each new program.

    Programs of the other splits are drawn and thrown away, so each split is a fixed
    third of all programs.
    """
    if split not in SPLITS:
        raise unknown_choice("split", split, SPLITS)
    programs = []
    while len(programs) < count:
        length, nesting = difficulty()
        code = generate_code(rng, length, nesting, operations)
        if (
            split_of(code) == split
        ):  # decided by the text alone, so only the programs kept are run
            programs.append(Program(code, run_program(code), length, nesting))
    return programs


# --------------------------------------------------------------------------------------
# characters
class Vocabulary:
    """Characters to indices. Index 0 pads, index 1 starts the answer; ``.`` ends it."""

    PAD, GO = 0, 1
    CHARACTERS = "0123456789abcdefghijklmnopqrstuvwxyz+-*=<>():. \n"

    def __init__(self):
        self.symbols = ["<pad>", "<go>", *self.CHARACTERS]
        self.index = {symbol: i for i, symbol in enumerate(self.symbols)}
        self.end = self.index["."]

    def __len__(self) -> int:
        return len(self.symbols)

    def encode(self, text: str) -> list[int]:
        try:
            return [self.index[character] for character in text]
        except KeyError as error:
            raise ValueError(
                f"character {error.args[0]!r} is not in the programs' vocabulary"
            ) from None

    def decode(self, indices) -> str:
        """Characters up to and including the first ``.`` (the end symbol); padding and
        start are dropped."""
        text = []
        for index in indices:
            index = int(index)
            if index > self.GO:
                text.append(self.symbols[index])
            if index == self.end:
                break
        return "".join(text)

    def pad(self, sequences: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        """Right-padded ``(batch, longest)`` indices and the true lengths."""
        lengths = torch.tensor([len(s) for s in sequences])
        out = torch.full(
            (len(sequences), int(lengths.max())), self.PAD, dtype=torch.long
        )
        for row, sequence in enumerate(sequences):
            out[row, : len(sequence)] = torch.tensor(sequence)
        return out, lengths


VOCAB = Vocabulary()
