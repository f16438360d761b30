"""A stroke sends only what a stroke changes.

Thirty students drawing share one server process, and each element a stroke's rerun
sends is work done thirty times over (``ui.draw.board``). AppTest always runs the whole
page, so this test asks a real server, as a browser does: it opens Draw, sends a drawing
as the canvas component does when the pen lifts (a rerun of the canvas's fragment), and
reads every element of the answer. The answer must hold the canvas and the prediction,
and none of what a stroke cannot change: the title, the mode switch, the pen, the choice
of network.
"""

from __future__ import annotations

import asyncio
import base64
import io

import numpy as np
from PIL import Image

from tests.support.app_server import running_app
from tests.support.loops import run_alone
from tests.support.protocol import FINISHED, Client


def bar_png() -> str:
    """A tall white bar on the transparent 280x280 canvas, as a PNG data URL: a "1"."""
    rgba = np.zeros((280, 280, 4), np.uint8)
    rgba[40:220, 180:206] = 255
    out = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


class Recorder(Client):
    """Notes each new element's kind and its words, in the order they arrive."""

    def __init__(self, name: str, url: str):
        super().__init__(name, url)
        self.elements: list[tuple[str, str]] = []

    def _element(self, el, fragment_id: str) -> None:
        kind = el.WhichOneof("type")
        part = getattr(el, kind)
        words = getattr(part, "label", "") or getattr(part, "body", "")
        self.elements.append((kind, words if isinstance(words, str) else ""))
        super()._element(el, fragment_id)


async def one_stroke(url: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]], str]:
    """(elements of the page, elements of the stroke's answer, the prediction)."""
    c = Recorder("student", url)
    await c.connect()
    try:
        await c.open("draw", timeout=60)
        page, runs = list(c.elements), len(c.statuses)
        c.elements.clear()
        took = await c.draw(bar_png(), timeout=60)
        assert took is not None, "no prediction came back"
        for _ in range(600):  # until the fragment's run has ended (at most a minute)
            if len(c.statuses) > runs:
                break
            await asyncio.sleep(0.1)
        assert c.statuses[runs:] == [FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY], c.statuses
        return page, list(c.elements), c.prediction
    finally:
        await c.close()


def test_a_stroke_redraws_the_answer_and_nothing_it_cannot_change():
    with running_app(env={"NN_WORKERS": "1"}) as url:
        page, stroke, prediction = run_alone(lambda: one_stroke(url))
    assert prediction == "1"
    kinds = [kind for kind, _ in stroke]
    assert "bidi_component" in kinds and ("metric", "Prediction") in stroke
    assert ("heading", "Draw a digit") in page  # the page has them, the stroke does not
    assert {"button_group", "selectbox"} & {kind for kind, _ in page}
    assert not any(kind == "heading" and "Draw a" in words for kind, words in stroke), stroke
    assert "button_group" not in kinds, stroke  # the pen and the mode switch
    assert "selectbox" not in kinds, stroke  # which network reads
    assert not any("network reading your drawing" in words for _, words in stroke), stroke
