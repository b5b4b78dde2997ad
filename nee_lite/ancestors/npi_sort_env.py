"""Chapter "NPI: sorting": the bubble-sort scratchpad, its programs and the teacher that
writes their traces.

The scratchpad holds one array of digits 0-9 (``cells[0..n-1]``) and three pointers, all
starting on cell 0: pointers 1 and 2 compare neighbours, and pointer 3 counts the passes
(one cell per pass). ``LEFT`` moves a pointer to a lower index. The observation
(:meth:`SortPad.observe`) is five integers: the values under pointers 1 and 2 (``BLANK``
off the array) and three flags: pointer 1 on the first cell, pointer 1 on the last cell,
pointer 3 on the last cell.

The programs (after Reed and de Freitas 2016, section 4 and appendix; the paper's
environment differs: see the chapter):

* ``BUBBLESORT``: until pointer 3 is on the last cell, ``BUBBLE`` then ``RESET`` (``n -
  1`` passes);
* ``BUBBLE``: ``MOVE_PTR(2, RIGHT)``, then ``BSTEP`` while pointer 2 is on the array;
* ``BSTEP``: ``COMPSWAP``, ``RSHIFT``;
* ``COMPSWAP``: ``SWAP`` if the value under pointer 1 is larger than the one under
  pointer 2;
* ``RSHIFT`` / ``LSHIFT``: move pointers 1 and 2 right / left;
* ``RESET``: ``LSHIFT`` until pointer 1 is on the first cell, then ``MOVE_PTR(2,
  LEFT)``, ``MOVE_PTR(3, RIGHT)``.

One more program exists for the chapter's "new program, frozen core" section: ``MAX``
calls ``BUBBLE`` once (one pass carries the largest value to the last cell, where
pointer 1 stops) and returns: pointer 1 points at the maximum. ``MOVE_PTR(pointer,
direction)`` and ``SWAP`` (the values under pointers 1 and 2) are the primitives.
"""

from __future__ import annotations

import random

import torch
from torch import Tensor

from .npi_env import BLANK, LEFT, RIGHT, Decision, Teacher

SORT_PROGRAMS = (
    "BUBBLESORT",
    "BUBBLE",
    "RESET",
    "BSTEP",
    "COMPSWAP",
    "LSHIFT",
    "RSHIFT",
    "MOVE_PTR",
    "SWAP",
    "MAX",
)
BUBBLESORT, BUBBLE, RESET, BSTEP, COMPSWAP, LSHIFT, RSHIFT, MOVE_PTR, SWAP, MAX = range(
    len(SORT_PROGRAMS)
)

__all__ = [
    "SORT_PROGRAMS",
    "SORT_PRIMITIVES",
    *SORT_PROGRAMS,  # each program's number, under the program's name
    "NEW_PROGRAMS",
    "POINTERS",
    "SortPad",
    "sort_trace",
    "describe_sort",
    "BatchSortPad",
    "random_arrays",
    "parse_digit_arrays",
    "OBSERVATION",
]

NEW_PROGRAMS = (MAX,)  # learned later, with the core frozen
SORT_PRIMITIVES = (MOVE_PTR, SWAP)
POINTERS = ("P1", "P2", "P3")
P1, P2, P3 = range(3)
OBSERVATION = ("value at P1", "value at P2", "P1 first", "P1 last", "P3 last")


def describe_sort(decision: Decision) -> str:
    """``RETURN``, ``BSTEP()``, ``MOVE_PTR(P2, RIGHT)``, ``SWAP()``."""
    if decision.returns:
        return "RETURN"
    if decision.program == MOVE_PTR:
        return (
            f"MOVE_PTR({POINTERS[decision.row]}, {('LEFT', 'RIGHT')[decision.value]})"
        )
    return f"{SORT_PROGRAMS[decision.program]}()"


class SortPad:
    """One array on the scratchpad and the three pointers."""

    def __init__(self, array: list[int]):
        self.cells = list(array)
        self.pointers = [0, 0, 0]

    def value(self, pointer: int) -> int:
        p = self.pointers[pointer]
        return self.cells[p] if 0 <= p < len(self.cells) else BLANK

    def observe(self) -> tuple[int, int, int, int, int]:
        last = len(self.cells) - 1
        p1, _, p3 = self.pointers
        return (
            self.value(P1),
            self.value(P2),
            int(p1 == 0),
            int(p1 == last),
            int(p3 == last),
        )

    def act(self, decision: Decision) -> None:
        if decision.program == MOVE_PTR:
            self.pointers[decision.row] += -1 if decision.value == LEFT else 1
        elif decision.program == SWAP:
            i, j = self.pointers[P1], self.pointers[P2]
            if 0 <= i < len(self.cells) and 0 <= j < len(self.cells):
                self.cells[i], self.cells[j] = self.cells[j], self.cells[i]
        else:
            raise ValueError(f"{describe_sort(decision)} is not a primitive")


# --------------------------------------------------------------------------------------
# the teacher
def _call(program: int) -> Decision:
    return Decision(program=program)


def _move(pointer: int, direction: int) -> Decision:
    return Decision(program=MOVE_PTR, row=pointer, value=direction)


def _bubblesort(pad: SortPad):
    while not pad.observe()[4]:
        yield _call(BUBBLE)
        yield _call(RESET)


def _bubble(pad: SortPad):
    yield _move(P2, RIGHT)
    while pad.value(P2) != BLANK:
        yield _call(BSTEP)


def _bstep(pad: SortPad):
    yield _call(COMPSWAP)
    yield _call(RSHIFT)


def _compswap(pad: SortPad):
    if pad.value(P1) > pad.value(P2):
        yield Decision(program=SWAP)


def _shift(direction: int):
    def shift(pad: SortPad):
        yield _move(P1, direction)
        yield _move(P2, direction)

    return shift


def _reset(pad: SortPad):
    while not pad.observe()[2]:
        yield _call(LSHIFT)
    yield _move(P2, LEFT)
    yield _move(P3, RIGHT)


def _max(pad: SortPad):
    yield _call(BUBBLE)


SORT_BEHAVIOUR = {
    BUBBLESORT: _bubblesort,
    BUBBLE: _bubble,
    RESET: _reset,
    BSTEP: _bstep,
    COMPSWAP: _compswap,
    LSHIFT: _shift(LEFT),
    RSHIFT: _shift(RIGHT),
    MAX: _max,
}


def sort_trace(array: list[int], program: int = BUBBLESORT) -> Teacher:
    """The full trace of ``program`` (``BUBBLESORT`` or ``MAX``) on ``array``;
    ``teacher.pad.cells`` is the result."""
    teacher = Teacher(
        SortPad(array), behaviour=SORT_BEHAVIOUR, primitives=SORT_PRIMITIVES
    )
    teacher.run(program)
    return teacher


def random_arrays(
    count: int, length: int | tuple[int, int], seed: int = 0
) -> list[list[int]]:
    """``count`` arrays of digits 0-9; ``length`` fixed, or ``(shortest, longest)``
    drawn uniformly."""
    rng = random.Random(f"arrays-{length}-{seed}")
    low, high = (length, length) if isinstance(length, int) else length
    return [
        [rng.randrange(10) for _ in range(rng.randint(low, high))] for _ in range(count)
    ]


def parse_digit_arrays(data, max_length: int = 100) -> list[list[int]]:
    """Check a JSON array of non-empty arrays of integers 0-9 (the digits the sorting
    encoder reads)."""
    if not isinstance(data, list) or not data:
        raise ValueError(
            "input must be a non-empty JSON array of arrays of integers 0-9, e.g. "
            "[[3, 1, 2]]"
        )
    for index, item in enumerate(data):
        if not isinstance(item, list) or not item:
            raise ValueError(
                f"item {index}: expected a non-empty array of integers 0-9, got "
                f"{item!r:.60}"
            )
        if len(item) > max_length:
            raise ValueError(
                f"item {index}: {len(item)} numbers is more than the limit of "
                f"{max_length}"
            )
        for position, value in enumerate(item):
            if (
                isinstance(value, bool)
                or not isinstance(value, int)
                or not 0 <= value <= 9
            ):
                raise ValueError(
                    f"item {index}, position {position}: {value!r:.40} is not an "
                    "integer 0-9"
                )
    return data


# -------------------------------------------------------------------------------------
# many arrays at once
class BatchSortPad:
    """``B`` arrays as tensors (``cells (B, longest)``, ``BLANK`` past each array's
    end), three pointers each."""

    def __init__(self, arrays: list[list[int]], device="cpu"):
        self.lengths = torch.tensor([len(a) for a in arrays], device=device)
        self.width = int(self.lengths.max())
        self.cells = torch.full((len(arrays), self.width), BLANK, dtype=torch.long)
        for index, array in enumerate(arrays):
            self.cells[index, : len(array)] = torch.tensor(array)
        self.cells = self.cells.to(device)
        self.pointers = torch.zeros(len(arrays), 3, dtype=torch.long, device=device)
        self.batch = torch.arange(len(arrays), device=device)

    def _values(self, pointers: torch.Tensor) -> torch.Tensor:
        inside = (pointers >= 0) & (pointers < self.lengths[:, None])
        cells = self.cells.gather(1, pointers.clamp(0, self.width - 1))
        return torch.where(inside, cells, torch.full_like(cells, BLANK))

    def observe(self) -> torch.Tensor:
        """``(B, 5)``: as :meth:`SortPad.observe`."""
        last = self.lengths - 1
        p = self.pointers
        return torch.cat(
            [
                self._values(p[:, :2]),
                torch.stack([p[:, 0] == 0, p[:, 0] == last, p[:, 2] == last], 1).long(),
            ],
            1,
        )

    def act(self, mask: Tensor, program: Tensor, row: Tensor, value: Tensor) -> None:
        """``MOVE_PTR(row, value)`` (a row past P3 does nothing) and ``SWAP`` where
        ``mask``."""
        move = mask & (program == MOVE_PTR) & (row < 3)
        step = torch.where(value == LEFT, -1, torch.where(value == RIGHT, 1, 0)) * move
        self.pointers += (
            torch.arange(3, device=row.device)[None] == row[:, None]
        ) * step[:, None]
        swap = mask & (program == SWAP)
        i, j = self.pointers[:, 0], self.pointers[:, 1]
        swap &= (i >= 0) & (i < self.lengths) & (j >= 0) & (j < self.lengths)
        i, j = i.clamp(0, self.width - 1), j.clamp(0, self.width - 1)
        a, b = self.cells[self.batch, i], self.cells[self.batch, j]
        self.cells[self.batch, i] = torch.where(swap, b, a)
        self.cells[self.batch, j] = torch.where(swap, a, self.cells[self.batch, j])

    def results(self) -> list[list[int]]:
        return [row[:n] for row, n in zip(self.cells.tolist(), self.lengths.tolist())]

    def pointed(self, pointer: int = P1) -> list[int]:
        """The value under ``pointer`` in each array (``BLANK`` off the array):
        ``MAX``'s answer under P1."""
        return self._values(self.pointers)[:, pointer].tolist()
