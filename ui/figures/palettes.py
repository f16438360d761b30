"""Colours for groups of runs, readable by the whole class: ordered or by kind.

One pupil in twelve sees colours differently (most often red and green look alike), and
a projector washes pale colours out. So a chart that colours runs by a setting uses:

- for a setting with an order (learning rate, width, batch size, epochs): samples of
  Viridis, whose lightness climbs steadily from dark purple through blue to green, so
  "the rate went up" reads as "the line got lighter" for every eye, even in greyscale.
  It stops at :data:`ORDERED_END`, before the pale greens and yellow that vanish on a
  white board (every sample keeps 3:1 contrast with white);
- for a setting of kinds (optimizer, initialisation, activation): Okabe and Ito's
  palette, chosen so that no two colours are confused with any kind of colour
  blindness, without its yellow and orange (too pale for a thin line on a projected
  board) and with its sky blue darkened to the same 3:1 contrast.

The tests simulate the three kinds of colour blindness on these colours
(``tests/ui/figures/test_palettes.py``).
"""

from __future__ import annotations

from plotly.colors import sample_colorscale

ORDERED_SCALE = "Viridis"
ORDERED_END = 0.58  # Viridis beyond this is light green to yellow: under 3:1 on white

QUALITATIVE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#000000",  # black
    "#499AC8",  # sky blue, darkened to 3:1 on white
)
"""Okabe-Ito, most distinct first: the first five stay apart under every simulated kind
of colour blindness by a wide margin, the sixth by a smaller one."""


def ordered_colors(n: int) -> list[str]:
    """``n`` colours in order, darkest first: the first and last always the scale's ends."""
    if n <= 0:
        return []
    if n == 1:
        return sample_colorscale(ORDERED_SCALE, [0.0])
    return sample_colorscale(ORDERED_SCALE, [ORDERED_END * i / (n - 1) for i in range(n)])


def qualitative_colors(n: int) -> list[str]:
    """``n`` colours for kinds; past the palette's size (a class coloured by student), the
    ordered scale, which still gives every group a colour of its own."""
    if n <= len(QUALITATIVE):
        return list(QUALITATIVE[:n])
    return ordered_colors(n)
