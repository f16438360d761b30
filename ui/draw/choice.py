"""Which network reads the drawing: the choices Draw offers, and what to say about each.

The choices are ``ui.models.ModelInUse`` as every page gets them
(``ui.models.model_options``: the visitor's own, their kept runs, the bundled one). Draw
adds one rule of its own: with a data set on screen that nobody draws (photos of
clothes), the bundled digit reader is still offered, so there is always something to
draw for. A selector remembers a choice by ``ModelInUse.stable_id``, which survives
retraining.
"""

from __future__ import annotations

from collections.abc import Sequence

from ui.active import dataset_info
from ui.models import ModelInUse


def note_for(in_use: ModelInUse, shown: str) -> str | None:
    """What to tell someone about to draw for this model, when the sidebar shows ``shown``.

    The bundled model knows digits only, so with Fashion-MNIST selected we say so
    instead of letting it name a drawn shoe "8"; a clothing model answers with clothes.
    """
    learned, on_screen = dataset_info(in_use.dataset), dataset_info(shown)
    if learned.drawable and not on_screen.drawable:
        return (
            f"{in_use.sentence.capitalize()} was trained on {learned.title} {learned.plural}, "
            f"not {on_screen.title}: draw a {learned.noun} for it. Train your own model on "
            f"{on_screen.title} to draw {on_screen.plural}."
        )
    if not learned.drawable:
        return (
            f"This model was trained on {learned.title}: it answers with "
            "clothing names. Try drawing a trouser, a bag or a shoe."
        )
    return None


def choices(
    options: Sequence[ModelInUse], digit_reader: ModelInUse | None = None
) -> list[ModelInUse]:
    """The models to offer: ``options`` (``ui.models.model_options(shown)``), and when
    they hold no digit reader for another data set, ``digit_reader`` (the bundled one)."""
    found = list(options)
    if digit_reader is not None and not any(m.stable_id == digit_reader.stable_id for m in found):
        found.append(digit_reader)
    return found


def pick(wanted: str | None, offered: Sequence[ModelInUse]) -> ModelInUse | None:
    """The choice asked for (a ``stable_id``) if it is offered, else the first one, else
    None."""
    return next((m for m in offered if m.stable_id == wanted), offered[0] if offered else None)
