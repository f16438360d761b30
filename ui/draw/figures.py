"""Figures for the Draw page: the ten probabilities, the preprocessing, the saliency map,
and my drawings.

Pure functions: arrays in, :class:`ui.figures.svg.Svg` out, no Streamlit, no Plotly. They are
rebuilt after EVERY pen stroke, for every student in the room at once: three Plotly
figures cost the server 60-100 ms of work per stroke (and every fresh browser a second
to start Plotly's 4.7 MB script); these SVGs take a few milliseconds and a few
kilobytes. Each picture is one small PNG (:func:`ui.figures.svg.picture`); values a test reads
back sit in ``data-*`` attributes, and each bar or picture is named by a ``<title>``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nn_core.preprocess import CENTRE, PreprocessSteps, resize
from ui.figures import svg
from ui.figures.png import ink_pixels
from ui.figures.theme import MUTED, TICK_SIZE, class_color
from ui.figures.tiles import GAP, SIDE, grid

FADED = 0.45  # opacity of the classes the network did not choose
PREVIEW = 70  # largest side, in pixels, of the drawing and of the crop in the strip
RIGHT, WRONG = "#2ca02c", "#d62728"
FRAME = "#999"

SOFT_INK = np.array([90, 90, 90], dtype=np.float64)
"""Full ink in mid grey (#5a5a5a), so the red and blue of a saliency map stay visible."""

SALIENCY_SCALE = (
    (0.0, (33, 102, 172), 0.95),
    (0.2, (67, 147, 195), 0.8),
    (0.42, (146, 197, 222), 0.0),
    (0.58, (244, 165, 130), 0.0),
    (0.8, (214, 96, 77), 0.8),
    (1.0, (178, 24, 43), 0.95),
)
"""(position from -limit to +limit, colour, opacity): blue below zero, red above, as
``ui.figures.theme.DIVERGING_SCALE``; near zero it is see-through, so only the pixels that
matter are coloured and the drawing shows underneath."""


def fade(hex_color: str, alpha: float) -> str:
    """'#1f77b4' -> 'rgba(31, 119, 180, alpha)': the same colour, partly see-through."""
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


def probability_figure(
    probs: np.ndarray, class_names: Sequence[str], height: int = 290, width: int = 440
) -> svg.Svg:
    """One horizontal bar per class in its class colour; the chosen class outlined and bold.

    Horizontal, so that long class names (Fashion-MNIST's "Ankle boot") stay readable;
    the first class at the top, as in a list. The other classes are paler, so the
    answer stands out even when its class colour is a quiet one (the grey of 7).
    """
    probs = np.asarray(probs, dtype=float).reshape(-1)  # (classes,)
    best = int(np.argmax(probs))
    name_size = 16
    left = 14 + 0.56 * name_size * max(len(str(n)) for n in class_names)  # the names' column
    right, top, bottom = 52, svg.TITLE_BAND + 6, 26  # right: room for "100%"
    plot_w, row = width - left - right, (height - top - bottom) / len(probs)

    def x_of(p: float) -> float:
        return left + plot_w * p

    body = [svg.title_text("Probability of each class")]
    for t in (0, 0.25, 0.5, 0.75, 1):  # grid lines first, so the bars lie on top
        body.append(svg.line(x_of(t), top, x_of(t), top + row * len(probs)))
        body.append(svg.text(x_of(t), height - 6, f"{t:.0%}", anchor="middle"))
    for k, (p, name) in enumerate(zip(probs, class_names, strict=True)):
        chosen = k == best
        y = top + row * (k + 0.5)  # the middle of row k
        colour = class_color(k) if chosen else fade(class_color(k), FADED)
        body.append(
            svg.text(left - 8, y, name, size=name_size, anchor="end", base="middle", bold=chosen)
        )
        body.append(
            svg.rect(
                left,
                y - row * 0.36,
                plot_w * p,
                row * 0.72,
                fill=colour,
                stroke="#111" if chosen else "none",
                width=2,
                tip=f"{name}: {p:.1%}",
                value=f"{p:.6g}",
                name=name,
            )
        )
        if p >= 0.005:  # "0%" ten times over would only hide the answer
            body.append(svg.text(x_of(p) + 6, y, f"{p:.0%}", base="middle", bold=chosen))
    label = f"Probability of each class: {class_names[best]} {probs[best]:.0%}"
    return svg.Svg("draw_probs", width, height, "".join(body), label)


def preview(img: np.ndarray, largest: int = PREVIEW) -> tuple[np.ndarray, float]:
    """Shrink ``img`` (h, w) so its longer side is at most ``largest``; returns (image, scale).

    Only for showing: a 280x280 drawing is 78,400 pixels to send to the browser after
    every stroke, its quarter-size preview 4,900.
    """
    h, w = img.shape
    scale = min(1.0, largest / max(h, w))
    if scale == 1.0:
        return np.asarray(img, dtype=np.float32), 1.0
    return resize(img, (max(1, round(h * scale)), max(1, round(w * scale)))), scale


STEP_TITLES = ("1 · drawing", "2 · ink", "3 · 20×20", "4 · 28×28")


def cross(x: float, y: float, arm: float, colour: str, tip: str) -> str:
    """A thin "+" centred on (x, y), named by ``tip`` (its ``<title>``)."""
    lines = svg.line(x - arm, y, x + arm, y, color=colour, width=2) + svg.line(
        x, y - arm, x, y + arm, color=colour, width=2
    )
    return f"<g><title>{svg.esc(tip)}</title>{lines}</g>"


def preprocess_figure(steps: PreprocessSteps, cell: float = 93, gap: float = 16) -> svg.Svg:
    """The recipe in four small pictures: drawing -> ink crop -> 20 px box -> centred 28x28.

    Each picture fills a square ``cell`` as far as its proportions allow (a thin "1"
    stays thin), under its step's title. The first picture frames the ink in red; the
    last marks the centre (14, 14), where MNIST puts every digit's centre of mass.
    """
    drawing, scale = preview(steps.grey)  # (70, 70) for the 280x280 canvas
    crop, _ = preview(steps.crop)  # the ink's bounding box, longer side 70
    top = 26  # the titles' band
    body, fits = [], []
    for i, img in enumerate((drawing, crop, steps.box20, steps.centred)):
        h, w = img.shape
        px = cell / max(h, w)  # screen pixels per picture pixel
        x0 = i * (cell + gap) + (cell - w * px) / 2
        y0 = top + (cell - h * px) / 2
        fits.append((x0, y0, px))
        tip = f"{STEP_TITLES[i]}: {h} × {w} pixels"
        body.append(svg.text(i * (cell + gap) + cell / 2, 18, STEP_TITLES[i], anchor="middle"))
        body.append(svg.picture(ink_pixels(img), x0, y0, w * px, h * px, tip=tip))
        body.append(svg.rect(x0, y0, w * px, h * px, stroke=FRAME))
    (x0, y0, px), (bt, bl, bb, br) = fits[0], steps.bbox  # the ink box, in canvas pixels
    k = scale * px  # screen pixels per canvas pixel
    ink = " ".join(str(int(v)) for v in steps.bbox)
    body.append(
        svg.rect(
            x0 + bl * k, y0 + bt * k, (br - bl) * k, (bb - bt) * k, stroke=WRONG, width=2, bbox=ink
        )
    )
    x0, y0, px = fits[3]  # (14, 14) counts pixel centres, like the centre of mass
    row, col = CENTRE
    mark = cross(x0 + (col + 0.5) * px, y0 + (row + 0.5) * px, 8, WRONG, "centre (14, 14)")
    body.append(mark)
    width = 4 * cell + 3 * gap
    return svg.Svg("draw_steps", width, top + cell + 2, "".join(body), "Preprocessing steps")


def saliency_range(saliency: np.ndarray) -> float:
    """Half-width of the colour scale: the 99th percentile of |gradient|.

    A handful of extreme pixels would otherwise wash every other pixel out to white.
    """
    g = np.abs(np.asarray(saliency, dtype=np.float64))
    top = float(np.percentile(g, 99)) if g.size else 0.0
    return top if top > 0 else 1.0


def saliency_pixels(image: np.ndarray, saliency: np.ndarray, limit: float) -> np.ndarray:
    """The input in soft grey ink with the saliency painted over it: (h, w, 3) uint8.

    What a browser would do with two layers, done here once: each pixel's saliency,
    from -limit to +limit, picks a colour and an opacity from :data:`SALIENCY_SCALE`,
    and the colour covers the grey underneath by that opacity.
    """
    image = np.clip(np.asarray(image, dtype=np.float64), 0, 1)[..., None]  # (h, w, 1)
    under = 255 + image * (SOFT_INK - 255)  # (h, w, 3): white paper, grey ink
    t = np.clip((np.asarray(saliency, dtype=np.float64) / limit + 1) / 2, 0, 1)  # (h, w)
    stops = [pos for pos, _, _ in SALIENCY_SCALE]
    alpha = np.interp(t, stops, [a for _, _, a in SALIENCY_SCALE])[..., None]
    over = np.stack(
        [np.interp(t, stops, [c[ch] for _, c, _ in SALIENCY_SCALE]) for ch in range(3)], -1
    )
    return np.rint(under * (1 - alpha) + over * alpha).astype(np.uint8)


def saliency_figure(
    image: np.ndarray, saliency: np.ndarray, label: str, size: float = 252
) -> svg.Svg:
    """The network's 28x28 input in grey with the saliency map laid over it, as ONE
    picture, and under it a colour key from "less" (blue) through "0" to "more" (red).

    image:    (28, 28) in [0, 1], the input the network read
    saliency: (28, 28), d log P[label] / d pixel; red where more ink would raise the
              probability of ``label``, blue where it would lower it
    """
    image = np.asarray(image, dtype=np.float32).reshape(28, 28)
    saliency = np.asarray(saliency, dtype=np.float32).reshape(28, 28)
    limit = saliency_range(saliency)
    tip = f"red: more ink here makes {label} likelier; blue: less likely"
    body = [svg.picture(saliency_pixels(image, saliency, limit), 0, 0, size, size, tip=tip)]
    body.append(svg.rect(0, 0, size, size, stroke=FRAME, limit=f"{limit:.6g}"))
    key = saliency_pixels(np.zeros((1, 101)), np.linspace(-limit, limit, 101)[None], limit)
    y = size + 34  # the key: its title, a gradient bar, and its three labels
    body.append(svg.text(size / 2, y - 10, f"P({label})", anchor="middle", bold=True))
    body.append(svg.picture(key, 0, y, size, 12))
    body.append(svg.rect(0, y, size, 12, stroke=FRAME, tip=f"colour limits ±{limit:.3g}"))
    for x, word, anchor in ((0, "less", "start"), (size / 2, "0", "middle"), (size, "more", "end")):
        body.append(svg.text(x, y + 32, word, anchor=anchor, color=MUTED))
    label_text = f"Saliency map for {label}"
    return svg.Svg("draw_saliency", size + 2, y + 40, "".join(body), label_text)


def my_drawings_figure(
    images: np.ndarray,
    labels: np.ndarray,
    predictions: np.ndarray,
    class_names: Sequence[str],
    last: int = 20,
    cols: int = 10,
    width: float = 780,
) -> svg.Svg:
    """The most recent of my drawings, captioned "true" or "true→read as".

    A green caption: the model read it right; red, with the wrong answer after the arrow.
    Tiles are spaced for their longest caption (clothes' names are long), in as many
    columns as fit ``width``.
    """
    first = max(0, len(labels) - last)  # number of the first drawing shown
    images, labels = np.asarray(images)[first:], np.asarray(labels)[first:]
    predictions = np.asarray(predictions)[first:]
    captions, colors = [], []
    for true, seen in zip(labels, predictions, strict=True):
        right = int(true) == int(seen)
        name = class_names[int(true)]
        captions.append(name if right else f"{name}→{class_names[int(seen)]}")
        colors.append(RIGHT if right else WRONG)
    longest = 0.55 * TICK_SIZE * max((len(c) for c in captions), default=1)  # bold, in px
    scale = min(4.5, max(2.6, (longest + 8) / (SIDE + GAP)))  # screen px per image pixel
    cols = max(1, min(cols, int((width + GAP * scale) // ((SIDE + GAP) * scale))))
    ids = np.arange(first, first + len(labels))
    tips = [f"drawing #{i}: {c}" for i, c in zip(ids, captions, strict=True)]
    return grid(
        "draw_my_drawings",
        images,
        captions,
        cols=cols,
        scale=scale,
        colors=colors,
        ids=ids,
        tips=tips,
    )
