"""Chapter "NPI: canonicalizing a car": a small renderer of procedurally generated cars.

A car "model" is a seed: :func:`car_boxes` draws its proportions (a long body, a cabin
set back towards the rear, four wheels, a bright grille and headlight block on the
front, a dark spoiler on the rear) and :func:`render` draws it as a grayscale image of
:data:`SIZE` x :data:`SIZE` pixels, with flat shading (each face lit by a fixed light,
so faces differ) and a z-buffer, in numpy only. The camera turns around the car:
azimuth on :data:`AZIMUTHS` steps of 15 degrees (azimuth 0: the front faces the camera;
azimuth 90: the car's left side), elevation on :data:`ELEVATIONS` (0, 15, 30 degrees).
The canonical view is :data:`CANONICAL`: azimuth 0, elevation 15. :func:`model_views`
renders (and caches) the 72 views of one model.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

__all__ = [
    "SIZE",
    "AZIMUTHS",
    "AZIMUTH_STEP",
    "ELEVATIONS",
    "CANONICAL",
    "car_boxes",
    "render",
    "model_views",
    "views_of",
]

SIZE = 32  # pixels per side
AZIMUTHS = 24  # azimuth steps of AZIMUTH_STEP degrees
AZIMUTH_STEP = 15
ELEVATIONS = (0, 15, 30)  # degrees
CANONICAL = (0, 1)  # (azimuth index, elevation index): azimuth 0, elevation 15
_LIGHT = np.array([0.45, 0.6, 0.66])  # a fixed light (world frame), not symmetric
_SUPER = 2  # rendered at SUPER x SIZE and averaged down (smoother edges)


def car_boxes(model: int) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """The car of seed ``model`` as boxes ``(low corner, high corner, albedo)``: x to
    the front, y to the car's left, z up, centred on the origin."""
    if model < 0:
        raise ValueError(f"a car model is a non-negative seed, not {model}")
    rng = np.random.default_rng(model)
    length, width = rng.uniform(1.6, 2.3), rng.uniform(0.75, 1.05)
    body_h, cabin_h = rng.uniform(0.3, 0.5), rng.uniform(0.25, 0.45)
    cabin_len = rng.uniform(0.35, 0.55) * length
    cabin_back = -length / 2 + rng.uniform(0.05, 0.2) * length  # set back: rear half
    wheel = rng.uniform(0.16, 0.24)
    body, cabin = rng.uniform(0.55, 0.85), rng.uniform(0.3, 0.6)
    half_l, half_w = length / 2, width / 2
    boxes = [
        ((-half_l, -half_w, wheel), (half_l, half_w, wheel + body_h), body),
        (
            (cabin_back, -half_w * 0.85, wheel + body_h),
            (cabin_back + cabin_len, half_w * 0.85, wheel + body_h + cabin_h),
            cabin,
        ),
        # the front: a bright grille with headlights; the rear: a dark spoiler
        (
            (half_l, -half_w * 0.8, wheel + 0.2 * body_h),
            (half_l + 0.08, half_w * 0.8, wheel + 0.8 * body_h),
            1.0,
        ),
        (
            (-half_l - 0.05, -half_w, wheel + body_h),
            (-half_l + 0.15, half_w, wheel + body_h + 0.12),
            0.15,
        ),
    ]
    for x in (half_l * 0.6, -half_l * 0.6):
        for side in (-1, 1):
            y0 = side * half_w
            boxes.append(
                (
                    (x - wheel, min(y0, y0 + side * 0.12), 0.0),
                    (x + wheel, max(y0, y0 + side * 0.12), 2 * wheel),
                    0.1,
                )
            )
    centre = np.array([0.0, 0.0, (wheel + body_h + cabin_h) / 2])
    return [
        (np.array(low) - centre, np.array(high) - centre, albedo)
        for low, high, albedo in boxes
    ]


def _faces(low: np.ndarray, high: np.ndarray):
    """The six faces of a box: (four corners in order, outward normal)."""
    x0, y0, z0 = low
    x1, y1, z1 = high
    corners = {
        (i, j, k): np.array([(x0, x1)[i], (y0, y1)[j], (z0, z1)[k]])
        for i in (0, 1)
        for j in (0, 1)
        for k in (0, 1)
    }
    quads = (
        ([(1, 0, 0), (1, 1, 0), (1, 1, 1), (1, 0, 1)], (1, 0, 0)),
        ([(0, 0, 0), (0, 1, 0), (0, 1, 1), (0, 0, 1)], (-1, 0, 0)),
        ([(0, 1, 0), (1, 1, 0), (1, 1, 1), (0, 1, 1)], (0, 1, 0)),
        ([(0, 0, 0), (1, 0, 0), (1, 0, 1), (0, 0, 1)], (0, -1, 0)),
        ([(0, 0, 1), (1, 0, 1), (1, 1, 1), (0, 1, 1)], (0, 0, 1)),
        ([(0, 0, 0), (1, 0, 0), (1, 1, 0), (0, 1, 0)], (0, 0, -1)),
    )
    return [(np.stack([corners[c] for c in quad]), np.array(n)) for quad, n in quads]


def _camera(azimuth: int, elevation: int):
    """Unit vectors (towards the camera, image right, image up) for the grid indices."""
    a = np.radians(azimuth * AZIMUTH_STEP)
    e = np.radians(ELEVATIONS[elevation])
    toward = np.array([np.cos(e) * np.cos(a), np.cos(e) * np.sin(a), np.sin(e)])
    right = np.array([-np.sin(a), np.cos(a), 0.0])
    up = np.cross(toward, right)
    return toward, right, up


def render(model: int, azimuth: int, elevation: int, size: int = SIZE) -> np.ndarray:
    """The car ``model`` seen from grid azimuth ``azimuth`` (0-23) and elevation
    ``elevation`` (an index of :data:`ELEVATIONS`): ``(size, size)`` floats in [0, 1]
    (background 0), orthographic, flat-shaded, z-buffered."""
    return _render(_model_faces(model), azimuth, elevation, size)


def _model_faces(model: int) -> list:
    return [
        (corners, normal, albedo)
        for low, high, albedo in car_boxes(model)
        for corners, normal in _faces(low, high)
    ]


def _render(faces, azimuth: int, elevation: int, size: int) -> np.ndarray:
    toward, right, up = _camera(azimuth % AZIMUTHS, elevation)
    full = size * _SUPER
    centres = (np.arange(full) + 0.5) / full * 2.6 - 1.3  # the view spans 2.6 units
    px, py = np.meshgrid(centres, -centres)  # image rows go down
    image = np.zeros((full, full))
    depth = np.full((full, full), -np.inf)
    for corners, normal, albedo in faces:
        facing = float(normal @ toward)
        if facing <= 1e-9:
            continue  # a back face
        shade = albedo * (0.35 + 0.65 * max(float(normal @ _LIGHT), 0.0))
        u, v, d = corners @ right, corners @ up, corners @ toward
        for tri in ((0, 1, 2), (0, 2, 3)):
            _triangle(
                image,
                depth,
                centres,
                px,
                py,
                u[list(tri)],
                v[list(tri)],
                d[list(tri)],
                shade,
            )
    return image.reshape(size, _SUPER, size, _SUPER).mean((1, 3))


def _triangle(image, depth, centres, px, py, u, v, d, shade) -> None:
    """Fill one projected triangle where it is nearer than what is drawn (only the
    pixels of its bounding box are tested)."""
    det = (v[1] - v[2]) * (u[0] - u[2]) + (u[2] - u[1]) * (v[0] - v[2])
    if abs(det) < 1e-12:
        return
    margin = 1e-6
    c0, c1 = np.searchsorted(centres, [u.min() - margin, u.max() + margin])
    r0, r1 = np.searchsorted(centres, [-v.max() - margin, -v.min() + margin])
    if c0 >= c1 or r0 >= r1:
        return
    box = (slice(r0, r1), slice(c0, c1))
    image, depth, px, py = image[box], depth[box], px[box], py[box]
    w0 = ((v[1] - v[2]) * (px - u[2]) + (u[2] - u[1]) * (py - v[2])) / det
    w1 = ((v[2] - v[0]) * (px - u[2]) + (u[0] - u[2]) * (py - v[2])) / det
    w2 = 1 - w0 - w1
    inside = (w0 >= -1e-9) & (w1 >= -1e-9) & (w2 >= -1e-9)
    z = w0 * d[0] + w1 * d[1] + w2 * d[2]
    nearer = inside & (z > depth)
    depth[nearer] = z[nearer]
    image[nearer] = shade


@lru_cache(maxsize=4096)
def _views(model: int) -> np.ndarray:
    views = np.zeros((AZIMUTHS, len(ELEVATIONS), SIZE, SIZE), dtype=np.uint8)
    faces = _model_faces(model)
    for a in range(AZIMUTHS):
        for e in range(len(ELEVATIONS)):
            views[a, e] = np.round(_render(faces, a, e, SIZE) * 255)
    views.setflags(write=False)
    return views


def model_views(model: int) -> np.ndarray:
    """All 72 views of ``model``: ``(AZIMUTHS, elevations, SIZE, SIZE)`` uint8
    (0-255), rendered once and cached."""
    if model < 0:
        raise ValueError(f"a car model is a non-negative seed, not {model}")
    return _views(int(model))


def views_of(models) -> np.ndarray:
    """``(len(models), AZIMUTHS, elevations, SIZE, SIZE)`` uint8: every view of each
    model."""
    return np.stack([model_views(m) for m in models])
