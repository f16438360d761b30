"""The board's colours read for every pupil and on a projector.

Colour blindness is simulated with Machado, Oliveira and Fernandes' matrices (2009,
severity 1) on linear RGB, and colours compared in CIELAB: a setting with an order must
keep its order in lightness for every kind of vision (so it reads even in greyscale);
kinds must stay apart from each other for every kind of vision; and every colour keeps
a 3:1 contrast with the white board (a thin line on a projector).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from ui.figures import palettes
from ui.figures.theme import contrast_with_white

VISION = {
    "typical": np.eye(3),
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
         [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
         [-0.011820, 0.042940, 0.968881]]
    ),
    "tritanopia": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
         [0.004733, 0.691367, 0.303900]]
    ),
}  # fmt: skip
SRGB_TO_XYZ = np.array(
    [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
)
WHITE = np.array([0.95047, 1.0, 1.08883])


def linear(color: str) -> np.ndarray:
    if color.startswith("#"):
        srgb = np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    else:
        srgb = np.array([float(v) for v in color[color.index("(") + 1 : -1].split(",")]) / 255
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def lab(color: str, vision: str) -> np.ndarray:
    """CIELAB (L*, a*, b*) of ``color`` as seen with ``vision``."""
    rgb = np.clip(VISION[vision] @ linear(color), 0, 1)
    xyz = SRGB_TO_XYZ @ rgb / WHITE
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def closest_pair(colors: list[str], vision: str) -> float:
    """The smallest CIELAB distance (Delta E 1976) between two of ``colors``."""
    points = [lab(c, vision) for c in colors]
    return min(float(np.linalg.norm(a - b)) for a, b in itertools.combinations(points, 2))


@pytest.mark.parametrize("vision", list(VISION))
@pytest.mark.parametrize("n", range(2, 13))
def test_an_ordered_setting_keeps_its_order_for_every_eye(n, vision):
    """Lightness rises with the value for typical and colour-blind vision alike, by a
    step one can see between neighbours (at least 3 L* units up to 12 groups)."""
    lightness = [lab(c, vision)[0] for c in palettes.ordered_colors(n)]
    steps = np.diff(lightness)
    assert (steps >= 3).all(), (vision, np.round(lightness, 1))


@pytest.mark.parametrize("vision", list(VISION))
def test_kinds_stay_apart_for_every_eye(vision):
    """The first five kinds at least 15 Delta E apart under every simulated vision, all
    six at least 9. (The digits' colours the board used for kinds before, D3's
    category10, come within 4.5 of each other for a deuteranope: two optimizers, one
    colour.)"""
    assert closest_pair(palettes.qualitative_colors(5), vision) >= 15
    assert closest_pair(palettes.qualitative_colors(6), vision) >= 9


@pytest.mark.parametrize("n", range(1, 13))
def test_every_colour_reads_on_a_projected_white_board(n):
    for colors in (palettes.ordered_colors(n), palettes.qualitative_colors(n)):
        assert len(colors) == n and len(set(colors)) == n
        assert min(contrast_with_white(c) for c in colors) >= 3.0


def test_ordered_and_kinds_are_different_scales():
    """Kinds never get the ordered scale's look of "more" while the palette has room."""
    assert palettes.qualitative_colors(4) == list(palettes.QUALITATIVE[:4])
    assert not set(palettes.qualitative_colors(4)) & set(palettes.ordered_colors(4))
    assert palettes.qualitative_colors(9) == palettes.ordered_colors(9)  # a class by name
