"""Chapter "Neural Programmer-Interpreters": the addition scratchpad and the execution
traces that teach an NPI.

The scratchpad has four rows (the two inputs, the carries, the output) and one pointer
per row; numbers are right-aligned and every pointer starts on the rightmost column.
Columns are counted from the right, so column ``k`` holds the digit of weight ``10**k``
and a pointer moving LEFT goes from column ``k`` to ``k + 1``. A cell holds a digit or
is blank.

The programs (Reed and de Freitas 2016, section 4.1, as community implementations write
them):

* ``ADD``: while the pointed cells of the inputs and the carry row are not all blank,
  call ``ADD1`` then ``LSHIFT``;
* ``ADD1``: ``WRITE OUT (s mod 10)`` where ``s`` is the sum of the three pointed digits
  (blank counts as 0), then ``CARRY`` if ``s >= 10``;
* ``CARRY``: ``MOVE_PTR CARRY LEFT``, ``WRITE CARRY 1``, ``MOVE_PTR CARRY RIGHT``;
* ``LSHIFT``: ``MOVE_PTR`` left for the four pointers.

``MOVE_PTR(row, direction)`` and ``WRITE(row, digit)`` are the primitives: they act on
the scratchpad instead of running steps of their own. A trace (:func:`addition_trace`)
is what the :class:`Teacher` does, step by step: in each call, at each step, what the
pointers showed and what it decided (call a program with arguments, or return). An NPI
is trained to make the same decisions from the same observations.
"""

from __future__ import annotations

import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch
from torch import Tensor

__all__ = [
    "ROWS",
    "PROGRAMS",
    "PRIMITIVES",
    "BLANK",
    "LEFT",
    "RIGHT",
    "Decision",
    "RETURN",
    "Scratchpad",
    "Call",
    "addition_trace",
    "Teacher",
    "parse_operand",
    "BatchScratchpad",
    "ADD",
    "ADD1",
    "CARRY",
    "LSHIFT",
    "MOVE_PTR",
    "WRITE",
    "IN1",
    "IN2",
    "CARRY_ROW",
    "OUT",
    "describe",
    "long_integers",
    "python_sum",
]

ROWS = ("IN1", "IN2", "CARRY", "OUT")
IN1, IN2, CARRY_ROW, OUT = range(4)
PROGRAMS = ("ADD", "ADD1", "CARRY", "LSHIFT", "MOVE_PTR", "WRITE")
ADD, ADD1, CARRY, LSHIFT, MOVE_PTR, WRITE = range(len(PROGRAMS))
PRIMITIVES = (MOVE_PTR, WRITE)
BLANK = 10  # a cell value: digits are 0-9
LEFT, RIGHT = 0, 1  # the ``value`` argument of MOVE_PTR
NO_ARGUMENT = -1


@dataclass(frozen=True)
class Decision:
    """One step of a program: return, or call ``program`` (with ``row`` and ``value``
    for the primitives)."""

    returns: bool = False
    program: int = NO_ARGUMENT
    row: int = NO_ARGUMENT
    value: int = NO_ARGUMENT


RETURN = Decision(returns=True)


def describe(decision: Decision) -> str:
    """``RETURN``, ``ADD1()``, ``MOVE_PTR(CARRY, LEFT)``, ``WRITE(OUT, 7)``."""
    if decision.returns:
        return "RETURN"
    name = PROGRAMS[decision.program]
    if decision.program == MOVE_PTR:
        return f"{name}({ROWS[decision.row]}, {('LEFT', 'RIGHT')[decision.value]})"
    if decision.program == WRITE:
        return f"{name}({ROWS[decision.row]}, {decision.value})"
    return f"{name}()"


def parse_operand(text) -> str:
    """A non-negative integer written as a decimal string, without leading zeros; else
    ``ValueError``.

    Only the ASCII digits 0-9 are accepted (``str.isdigit`` would also accept
    superscripts and other scripts' digits); leading zeros are dropped, so ``"007"`` is
    ``"7"``.
    """
    if not isinstance(text, str):
        raise ValueError(f"expected a decimal string, got {text!r:.40}")
    if not re.fullmatch(r"[0-9]+", text):
        raise ValueError(
            f"{text!r:.40} is not a non-negative integer written with the digits 0-9"
        )
    return text.lstrip("0") or "0"


@contextmanager
def long_integers():
    """Let ``int(text)`` and ``str(number)`` handle any number of digits (Python 3.11
    stops at 4300 by default)."""
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(limit)


def python_sum(a: str, b: str) -> str:
    """Python's own addition of two decimal strings, the reference every learned adder
    is checked against."""
    with long_integers():
        return str(int(a) + int(b))


class Scratchpad:
    """One addition's scratchpad: ``cells[row][column]`` (column 0 = rightmost) and one
    pointer per row."""

    def __init__(self, a: str, b: str):
        a, b = parse_operand(a), parse_operand(b)
        self.width = (
            max(len(a), len(b)) + 2
        )  # room for the last carry, and a blank column past it
        self.cells = [[BLANK] * self.width for _ in ROWS]
        for row, number in ((IN1, a), (IN2, b)):
            for column, digit in enumerate(reversed(number)):
                self.cells[row][column] = int(digit)
        self.pointers = [0, 0, 0, 0]

    def observe(self) -> tuple[int, int, int, int]:
        """The four pointed cells (``BLANK`` off the edge of the paper)."""
        return tuple(
            self.cells[row][p] if 0 <= p < self.width else BLANK
            for row, p in enumerate(self.pointers)
        )

    def act(self, decision: Decision) -> None:
        """Run a primitive."""
        row, value = decision.row, decision.value
        if decision.program == MOVE_PTR:
            self.pointers[row] += 1 if value == LEFT else -1
        elif decision.program == WRITE and 0 <= self.pointers[row] < self.width:
            self.cells[row][self.pointers[row]] = value
        else:
            raise ValueError(f"{describe(decision)} is not a primitive")

    def row_text(self, row: int) -> str:
        """The digits of one row, most significant first, blanks at the left dropped
        (``?`` for a hole)."""
        digits = "".join(
            "?" if d == BLANK else str(d) for d in reversed(self.cells[row])
        )
        return digits.lstrip("?")

    @property
    def result(self) -> str:
        return self.row_text(OUT)


# --------------------------------------------------------------------------------------
# the teacher
def _add(pad: Scratchpad):
    while any(cell != BLANK for cell in pad.observe()[:3]):
        yield Decision(program=ADD1)
        yield Decision(program=LSHIFT)


def _add1(pad: Scratchpad):
    total = sum(0 if cell == BLANK else cell for cell in pad.observe()[:3])
    yield Decision(program=WRITE, row=OUT, value=total % 10)
    if total >= 10:
        yield Decision(program=CARRY)


def _carry(pad: Scratchpad):
    yield Decision(program=MOVE_PTR, row=CARRY_ROW, value=LEFT)
    yield Decision(program=WRITE, row=CARRY_ROW, value=1)
    yield Decision(program=MOVE_PTR, row=CARRY_ROW, value=RIGHT)


def _lshift(pad: Scratchpad):
    for row in range(len(ROWS)):
        yield Decision(program=MOVE_PTR, row=row, value=LEFT)


BEHAVIOUR = {ADD: _add, ADD1: _add1, CARRY: _carry, LSHIFT: _lshift}


@dataclass
class Call:
    """One program invocation: its steps, each the observation the program saw and the
    decision it made."""

    program: int
    depth: int
    observations: list[tuple[int, int, int, int]] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)


@dataclass
class Teacher:
    """Runs the programs above on a scratchpad and records the trace: every call, and
    every step in order.

    ``behaviour`` and ``primitives`` default to addition's; another environment passes
    its own (a pad with ``observe()`` and ``act(decision)``, a generator of decisions
    per program, and its primitive actions).
    """

    pad: Scratchpad
    calls: list[Call] = field(default_factory=list)
    steps: list[tuple[int, int, tuple, Decision]] = field(
        default_factory=list
    )  # (depth, program, obs, decision)
    behaviour: dict = field(default_factory=lambda: BEHAVIOUR)
    primitives: tuple = PRIMITIVES

    def run(self, program: int = ADD, depth: int = 0) -> None:
        call = Call(program, depth)
        self.calls.append(call)
        for decision in self._decisions(program):
            observation = self.pad.observe()
            call.observations.append(observation)
            call.decisions.append(decision)
            self.steps.append((depth, program, observation, decision))
            if decision.returns:
                return
            if decision.program in self.primitives:
                self.pad.act(decision)
            else:
                self.run(decision.program, depth + 1)

    def _decisions(self, program: int):
        yield from self.behaviour[program](self.pad)
        yield RETURN


def addition_trace(a: str, b: str) -> Teacher:
    """The full execution trace of ``ADD`` on ``a`` and ``b`` (the scratchpad ends
    holding ``a + b``)."""
    teacher = Teacher(Scratchpad(a, b))
    teacher.run(ADD)
    return teacher


# ------------------------------------------------------------------------------- many
# scratchpads at once
class BatchScratchpad:
    """``B`` scratchpads as tensors, for closed-loop execution of many additions in
    step.

    ``cells`` is ``(B, 4, width)``, ``pointers`` ``(B, 4)``; every addition uses the
    width of the longest one.
    """

    def __init__(self, pairs: list[tuple[str, str]], device="cpu"):
        pairs = [(parse_operand(a), parse_operand(b)) for a, b in pairs]
        self.width = max(max(len(a), len(b)) for a, b in pairs) + 2
        self.cells = torch.full(
            (len(pairs), len(ROWS), self.width), BLANK, dtype=torch.long
        )
        for index, (a, b) in enumerate(pairs):
            for row, number in ((IN1, a), (IN2, b)):
                self.cells[index, row, : len(number)] = torch.tensor(
                    list(number[::-1].encode())
                ) - ord("0")
        self.cells = self.cells.to(device)
        self.pointers = torch.zeros(
            len(pairs), len(ROWS), dtype=torch.long, device=device
        )
        self.rows = torch.arange(len(ROWS), device=device)

    def observe(self) -> torch.Tensor:
        """``(B, 4)``: the pointed cells, ``BLANK`` off the edge."""
        inside = (self.pointers >= 0) & (self.pointers < self.width)
        cells = self.cells.gather(
            2, self.pointers.clamp(0, self.width - 1)[:, :, None]
        )[:, :, 0]
        return torch.where(inside, cells, torch.full_like(cells, BLANK))

    def move(self, mask: torch.Tensor, row: torch.Tensor, value: torch.Tensor) -> None:
        """``MOVE_PTR(row, value)`` where ``mask``; a direction other than LEFT or RIGHT
        does nothing."""
        step = torch.where(value == LEFT, 1, torch.where(value == RIGHT, -1, 0)) * mask
        self.pointers += (self.rows[None] == row[:, None]) * step[:, None]

    def write(self, mask: torch.Tensor, row: torch.Tensor, value: torch.Tensor) -> None:
        """``WRITE(row, value)`` where ``mask`` and the pointer is on the paper."""
        position = self.pointers.gather(1, row[:, None])[:, 0]
        mask = mask & (position >= 0) & (position < self.width)
        position = position.clamp(0, self.width - 1)
        batch = torch.arange(len(row), device=row.device)
        self.cells[batch, row, position] = torch.where(
            mask, value, self.cells[batch, row, position]
        )

    def act(self, mask: Tensor, program: Tensor, row: Tensor, value: Tensor) -> None:
        """The primitive ``program`` (``MOVE_PTR`` or ``WRITE``) with its arguments,
        where ``mask``."""
        self.move(mask & (program == MOVE_PTR), row, value)
        self.write(mask & (program == WRITE), row, value)

    def results(self) -> list[str]:
        """Each output row as a decimal string, blanks at the left dropped (``?`` marks
        a blank inside)."""
        symbols = "0123456789?"
        return [
            "".join(symbols[d] for d in reversed(row)).lstrip("?")
            for row in self.cells[:, OUT].tolist()
        ]
