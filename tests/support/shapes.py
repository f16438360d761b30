"""Shapes drawn as a student draws them: outlines of circles, squares and triangles in
white ink on the black 280 x 280 canvas (RGBA), each a little different in place, size,
turn and stroke, as a hand makes them. What the collection tests train on and read.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from nn_core import canvas_to_mnist
from nn_core.collection import Collection, new_collection

SHAPES = ("circle", "square", "triangle")
SIZE = 280  # the canvas, in pixels


def _corners(kind: str, rng: np.random.Generator) -> np.ndarray:
    """The outline as a closed polygon ``(m, 2)`` in canvas pixels (x, y)."""
    cx, cy = rng.uniform(110, 170, size=2)
    r = rng.uniform(55, 95)
    turn = rng.uniform(-0.25, 0.25)
    if kind == "circle":
        angles = np.linspace(0, 2 * np.pi, 48, endpoint=False)  # (48,)
        radii = r * rng.uniform(0.93, 1.07, size=angles.shape)  # (48,) a hand is not a compass
    elif kind == "square":
        angles = np.pi / 4 + np.arange(4) * np.pi / 2 + turn  # (4,)
        radii = np.full(4, r)
    else:
        angles = -np.pi / 2 + np.arange(3) * 2 * np.pi / 3 + turn  # (3,)
        radii = np.full(3, r)
    return np.stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)], axis=1)


def shape_canvas(kind: str, rng: np.random.Generator) -> np.ndarray:
    """One drawn outline of ``kind`` as the canvas gives it: ``(280, 280, 4)`` uint8."""
    points = [tuple(p) for p in _corners(kind, rng)]  # m corners (x, y)
    width = int(rng.integers(8, 17))  # stroke width in pixels: thin to thick pen
    ink = Image.new("L", (SIZE, SIZE), 0)
    ImageDraw.Draw(ink).line([*points, points[0]], fill=255, width=width, joint="curve")
    rgba = np.zeros((SIZE, SIZE, 4), np.uint8)  # (280, 280, 4)
    rgba[np.asarray(ink) > 0] = 255
    return rgba


def shapes_collection(per_class: int, seed: int = 0, name: str = "mine-shapes") -> Collection:
    """A collection of ``per_class`` drawn outlines of each shape, prepared as Draw does."""
    rng = np.random.default_rng(seed)
    c = new_collection(name, "Our shapes", SHAPES)
    for _ in range(per_class):
        for label, kind in enumerate(SHAPES):
            c = c.with_drawing(canvas_to_mnist(shape_canvas(kind, rng)), label)
    return c


def draw_and_add(at, label: int, rng: np.random.Generator) -> None:
    """In an ``AppTest`` of Draw's Collect mode: a drawing of ``SHAPES[label]`` on the
    canvas, its class picked, *Add* pressed; nothing may go wrong."""
    from ui.draw import keys

    at.session_state[keys.RESULT] = shape_canvas(SHAPES[label], rng)
    at.session_state[keys.CLASS] = label
    at.run()
    add = at.button(key=keys.COLLECT_ADD)
    assert not add.disabled
    add.click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
