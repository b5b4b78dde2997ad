"""Chapter "NPI: canonicalizing a car": the camera's poses, the programs and the planner
that writes their traces.

A pose is ``(azimuth, elevation)`` as grid indices (azimuth 0-23 in steps of 15
degrees, elevation an index of :data:`~nee_lite.ancestors.canon_render.ELEVATIONS`);
the goal is :data:`~nee_lite.ancestors.canon_render.CANONICAL` (azimuth 0, elevation
15 degrees). The NPI observes only the image of the car at the current pose
(:meth:`CanonPad.observe`: the 32 x 32 pixels, 0-255), never the pose itself; the
planner (:func:`canon_trace`) reads the pose to write the teacher's traces.

The programs (the issue's list, after Reed and de Freitas 2016; only the paper's
abstract was available here, so how ours differ from the paper's appendix is left to
check against the paper itself):

* ``GOTO``: ``HGOTO`` then ``VGOTO``;
* ``HGOTO``: ``LGOTO`` if the azimuth is 15-180 degrees, ``RGOTO`` if 195-345 (the
  shorter way round; at 180 both are 12 moves and the planner turns left), nothing at 0;
* ``LGOTO`` / ``RGOTO``: ``ACT(LEFT)`` / ``ACT(RIGHT)`` until the azimuth is 0;
* ``VGOTO``: ``UGOTO`` below the canonical elevation, ``DGOTO`` above, nothing at it;
* ``UGOTO`` / ``DGOTO``: ``ACT(UP)`` / ``ACT(DOWN)`` until the elevation is canonical.

``ACT(direction)`` is the one primitive: ``LEFT`` turns the camera's azimuth 15 degrees
down, ``RIGHT`` up (modulo 360), ``UP`` / ``DOWN`` move the elevation one step (held at
the ends of the grid). Every program returns at a step of its own (``RETURN``), as in
the book's other NPIs.
"""

from __future__ import annotations

import torch
from torch import Tensor

from .canon_render import (
    AZIMUTH_STEP,
    AZIMUTHS,
    CANONICAL,
    ELEVATIONS,
    SIZE,
    model_views,
    views_of,
)
from .npi_env import Decision, Teacher

__all__ = [
    "CANON_PROGRAMS",
    "CANON_PRIMITIVES",
    "GOTO",
    "HGOTO",
    "LGOTO",
    "RGOTO",
    "VGOTO",
    "UGOTO",
    "DGOTO",
    "ACT",
    "DIRECTIONS",
    "LEFT",
    "RIGHT",
    "UP",
    "DOWN",
    "POSES",
    "CanonPad",
    "canon_trace",
    "planned_moves",
    "describe_canon",
    "BatchCanonPad",
    "parse_poses",
    "pose_degrees",
]

CANON_PROGRAMS = ("GOTO", "HGOTO", "LGOTO", "RGOTO", "VGOTO", "UGOTO", "DGOTO", "ACT")
GOTO, HGOTO, LGOTO, RGOTO, VGOTO, UGOTO, DGOTO, ACT = range(len(CANON_PROGRAMS))
CANON_PRIMITIVES = (ACT,)
DIRECTIONS = ("LEFT", "RIGHT", "UP", "DOWN")
LEFT, RIGHT, UP, DOWN = range(4)
#: Every start pose of the grid (72).
POSES = tuple((a, e) for a in range(AZIMUTHS) for e in range(len(ELEVATIONS)))


def describe_canon(decision: Decision) -> str:
    """``RETURN``, ``HGOTO()``, ``ACT(LEFT)``."""
    if decision.returns:
        return "RETURN"
    if decision.program == ACT:
        return f"ACT({DIRECTIONS[decision.value]})"
    return f"{CANON_PROGRAMS[decision.program]}()"


def pose_degrees(pose: tuple[int, int]) -> dict:
    """``{"azimuth": degrees, "elevation": degrees}`` of a grid pose."""
    return {
        "azimuth": pose[0] * AZIMUTH_STEP,
        "elevation": ELEVATIONS[pose[1]],
    }


def _moved(pose: tuple[int, int], direction: int) -> tuple[int, int]:
    a, e = pose
    if direction in (LEFT, RIGHT):
        return ((a + (1 if direction == RIGHT else -1)) % AZIMUTHS, e)
    e = e + (1 if direction == UP else -1)
    return (a, min(max(e, 0), len(ELEVATIONS) - 1))


class CanonPad:
    """One car model and the camera's pose: the environment of one trace."""

    def __init__(self, model: int, pose: tuple[int, int]):
        self.model, self.pose = model, tuple(pose)

    def observe(self) -> tuple[int, ...]:
        """The image at the current pose, row by row (``SIZE * SIZE`` values 0-255)."""
        return tuple(model_views(self.model)[self.pose].ravel().tolist())

    def act(self, decision: Decision) -> None:
        if decision.program != ACT:
            raise ValueError(f"{describe_canon(decision)} is not a primitive")
        self.pose = _moved(self.pose, decision.value)


# --------------------------------------------------------------------------------------
# the planner
def _call(program: int) -> Decision:
    return Decision(program=program)


def _act(direction: int) -> Decision:
    return Decision(program=ACT, row=0, value=direction)


def _goto(pad: CanonPad):
    yield _call(HGOTO)
    yield _call(VGOTO)


def _hgoto(pad: CanonPad):
    azimuth = pad.pose[0]
    if azimuth != CANONICAL[0]:
        yield _call(LGOTO if 0 < azimuth <= AZIMUTHS // 2 else RGOTO)


def _turn(direction: int, axis: int):
    def turn(pad: CanonPad):
        while pad.pose[axis] != CANONICAL[axis]:
            yield _act(direction)

    return turn


def _vgoto(pad: CanonPad):
    elevation = pad.pose[1]
    if elevation != CANONICAL[1]:
        yield _call(UGOTO if elevation < CANONICAL[1] else DGOTO)


CANON_BEHAVIOUR = {
    GOTO: _goto,
    HGOTO: _hgoto,
    LGOTO: _turn(LEFT, 0),
    RGOTO: _turn(RIGHT, 0),
    VGOTO: _vgoto,
    UGOTO: _turn(UP, 1),
    DGOTO: _turn(DOWN, 1),
}


class _PosePad(CanonPad):
    """A pad that observes nothing (the planner's traces without images)."""

    def observe(self) -> tuple[int, int]:
        return self.pose


def canon_trace(model: int, pose: tuple[int, int], images: bool = True) -> Teacher:
    """The planner's trace of ``GOTO`` from ``pose`` for car ``model``; each observation
    is the image (``images=False``: the pose, for code that attaches images itself)."""
    pad = (CanonPad if images else _PosePad)(model, pose)
    teacher = Teacher(pad, behaviour=CANON_BEHAVIOUR, primitives=CANON_PRIMITIVES)
    teacher.run(GOTO)
    return teacher


def planned_moves(pose: tuple[int, int]) -> list[int]:
    """The planner's ``ACT`` directions from ``pose``, in order."""
    return [
        decision.value
        for _, _, _, decision in canon_trace(0, pose, images=False).steps
        if not decision.returns and decision.program == ACT
    ]


def parse_poses(data) -> list[tuple[int, tuple[int, int]]]:
    """Check ``[{"model": SEED, "azimuth": DEGREES, "elevation": DEGREES}, ...]``;
    return ``(model, (azimuth index, elevation index))`` per item, else
    ``ValueError``."""
    example = '[{"model": 7, "azimuth": 90, "elevation": 30}]'
    if not isinstance(data, list) or not data:
        raise ValueError(
            f"input must be a non-empty JSON array of poses, e.g. {example}"
        )
    if len(data) > 1000:
        raise ValueError(f"{len(data)} poses is more than the limit of 1000")
    items = []
    for index, item in enumerate(data):
        if not isinstance(item, dict) or set(item) != {"model", "azimuth", "elevation"}:
            raise ValueError(
                f"item {index}: expected an object with exactly model, azimuth and "
                f"elevation, got {item!r:.60}"
            )
        values = [item[k] for k in ("model", "azimuth", "elevation")]
        for key, value in zip(("model", "azimuth", "elevation"), values):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"item {index}: {key} {value!r:.40} is not an integer")
        model, azimuth, elevation = values
        if model < 0:
            raise ValueError(f"item {index}: model {model} is negative (a seed >= 0)")
        if azimuth % AZIMUTH_STEP or not 0 <= azimuth < 360:
            raise ValueError(
                f"item {index}: azimuth {azimuth} is off the grid (0, 15, ..., 345)"
            )
        if elevation not in ELEVATIONS:
            raise ValueError(
                f"item {index}: elevation {elevation} is off the grid {ELEVATIONS}"
            )
        items.append((model, (azimuth // AZIMUTH_STEP, ELEVATIONS.index(elevation))))
    return items


# -------------------------------------------------------------------------------------
# many cars at once
class BatchCanonPad:
    """``B`` (model, pose) episodes as tensors, for closed-loop runs in step.

    ``pointers`` is the ``(B, 2)`` pose (azimuth, elevation indices; the name is the
    one :func:`~nee_lite.ancestors.npi.run_programs` reads); ``views`` holds every
    image of the distinct models.
    """

    def __init__(self, items: list[tuple[int, tuple[int, int]]], device="cpu"):
        models = sorted({m for m, _ in items})
        self.views = torch.from_numpy(views_of(models)).to(device)
        where = {m: i for i, m in enumerate(models)}
        self.model = torch.tensor([where[m] for m, _ in items], device=device)
        self.pointers = torch.tensor([p for _, p in items], device=device)
        self.width = 1

    def observe(self) -> Tensor:
        """``(B, SIZE * SIZE)`` uint8: the image each camera sees now."""
        a, e = self.pointers.unbind(1)
        return self.views[self.model, a, e].reshape(len(a), SIZE * SIZE)

    def act(self, mask: Tensor, program: Tensor, row: Tensor, value: Tensor) -> None:
        """``ACT(value)`` where ``mask`` (``program`` is ``ACT``); other values do
        nothing."""
        act = mask & (program == ACT)
        turn = torch.where(value == RIGHT, 1, torch.where(value == LEFT, -1, 0))
        lift = torch.where(value == UP, 1, torch.where(value == DOWN, -1, 0))
        a = (self.pointers[:, 0] + turn * act) % AZIMUTHS
        e = (self.pointers[:, 1] + lift * act).clamp(0, len(ELEVATIONS) - 1)
        self.pointers = torch.stack([a, e], 1)

    def poses(self) -> list[tuple[int, int]]:
        return [tuple(p) for p in self.pointers.tolist()]

    def canonical(self) -> list[bool]:
        return [p == CANONICAL for p in self.poses()]
