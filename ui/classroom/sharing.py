"""Sharing with the class: one click on a finished run, one drawing at a time.

The Train page calls ``share_run_button(run)`` beside each run and the Draw page calls
``share_drawing(image, label)`` when a drawing is added to "My drawings". Both do nothing
for a visitor outside a class, so the pages need not ask. What is shared is a summary, not
the whole run: its settings, its curves thinned to a few hundred points, its results, its
last health check (gradient norms, dead units) and (for the "class's best model" on the
board) its weights in half precision. A run that blew up is shared like any other: the
board marks it and says at which step.
"""

from __future__ import annotations

import io
from functools import partial

import numpy as np
import streamlit as st

from nn_core.knobs import FIELDS
from ui.classroom import codes, fields, keys
from ui.classroom.connection import get_store
from ui.classroom.fields import InvalidField
from ui.classroom.membership import class_session
from ui.classroom.store import ClassError, Removed, RunEntry
from ui.collections.mine import PREFIX


def run_settings(run) -> dict:
    """One flat dict of the settings that made the run (model and training together): the
    table's settings first, in its order (``nn_core.knobs``), then any other plain value
    while there is room."""
    merged = {"preset": run.preset, **dict(run.model_config), **dict(run.train_config)}
    merged.setdefault("standardize", getattr(run, "standardize", False))
    plain = {}
    for key in (*FIELDS, *merged):
        value = merged.get(key)
        if key in plain or len(plain) >= fields.SETTINGS_MAX or key not in merged:
            continue
        if key == "sizes" and isinstance(value, list | tuple):
            plain[key] = [int(v) for v in value][: fields.SIZES_MAX]
        elif value is None or isinstance(value, bool | int | float | str):
            plain[key] = value[: fields.TEXT_MAX] if isinstance(value, str) else value
    return plain


def model_bytes(model) -> bytes | None:
    """The run's weights as a half-precision model file, or None if not kept or too big."""
    if model is None or not hasattr(model, "predict_proba"):
        return None
    from nn_core.modelfile import save_model

    buffer = io.BytesIO()
    try:
        save_model(model, buffer, dtype=np.float16)
    except ValueError:  # weights too large for float16: share the run without them
        return None
    data = buffer.getvalue()
    return data if len(data) <= fields.MODEL_BYTES_MAX else None


def last_health(history: dict | None) -> dict | None:
    """The run's last health check (``nn_core.health``): its step, each layer's gradient
    norm and each hidden layer's share of dead units. What a class compares across
    students ("naive init against He"), and small enough to share."""
    if not history or not history.get("step"):
        return None
    return {
        "step": int(history["step"][-1]),
        "grad_norm": [float(v) for v in history["grad_norm"][-1]],
        "dead_share": [float(v) for v in history["dead_share"][-1]],
    }


def entry_from_run(run) -> RunEntry:
    """What the board keeps of ``run`` (ui.workspace.runs.Run or anything shaped like it)."""
    return RunEntry(
        name=str(run.name)[: fields.RUN_NAME_MAX],
        dataset=str(run.dataset),
        status=run.status,
        settings=run_settings(run),
        curves=fields.thin(run.curves(), fields.CURVE_FIELDS, fields.CURVE_POINTS),
        validation=fields.thin(
            run.validation(), fields.VALIDATION_FIELDS, fields.VALIDATION_POINTS
        ),
        test_accuracy=run.test_accuracy,
        test_loss=run.test_loss,
        train_seconds=float(run.train_seconds),
        wall_seconds=float(run.wall_seconds),
        steps=int(run.steps),
        model=model_bytes(getattr(run, "model", None)),
        health=last_health(getattr(run, "health", None)),
    )


PRIVATE = (
    "A run on your own collection stays with you: the board shows runs on MNIST, "
    "Fashion-MNIST and the class's collections, which everyone can see."
)


def share_run(run) -> tuple[bool, str]:
    """Post ``run`` to the visitor's class; (worked, a sentence saying what happened)."""
    session = class_session()
    m = session.membership
    if m is None:
        return False, "Join a class first (sidebar, **Join a class**)."
    if run.id in session.shared:
        return False, "This run is on the class board already."
    if run.dataset.startswith(PREFIX):
        return False, PRIVATE
    wait = session.may_post()
    if wait:
        return False, wait
    try:
        board_id = get_store().share_run(m.member, entry_from_run(run))
    except Removed as e:
        session.was_removed(m.code)
        return False, f"Not shared: {e}"
    except (ClassError, InvalidField) as e:
        return False, f"Not shared: {e}"
    session.shared[run.id] = board_id
    return True, f"Shared with class {codes.show_code(m.code)}."


def _on_share(run) -> None:
    worked, text = share_run(run)
    st.toast(text, icon=":material/groups:" if worked else ":material/error:")


def share_run_button(run) -> None:
    """A "Share with the class" button for an ended run (finished, stopped or blown up:
    the run that blew up is the one a class remembers), shown only to class members."""
    session = class_session()
    if session.membership is None or not run.done:
        return
    if run.dataset.startswith(PREFIX):
        st.caption(PRIVATE)
        return
    shared = run.id in session.shared
    st.button(
        "Shared with the class" if shared else "Share with the class",
        key=f"{keys.SHARE_RUN}.{run.id}",
        icon=":material/groups:",
        disabled=shared,
        on_click=_on_share,
        args=(run,),
        help="Puts its settings, curves, results and health on the class board.",
    )


def share_drawing(image28: np.ndarray, label: int) -> str | None:
    """Add a (28, 28) drawing and its true label to the class handwriting set.

    Returns a sentence to show, or None when the visitor is not in a class.
    """
    session = class_session()
    m = session.membership
    if m is None:
        return None
    write = partial(get_store().add_drawing, image=image28, label=label)
    problem = post(session, "the class set", write)
    return problem or f"Added to class {codes.show_code(m.code)}'s handwriting set."


def post(session, where: str, write) -> str | None:
    """``write(member)`` one entry for the tab's membership in ``session``: None when it
    went in, else the sentence saying why not ("Not added to ``where``: ..."). Every
    student's post passes the same rate limit, and a removal is remembered."""
    m = session.membership
    wait = session.may_post()
    if wait:
        return f"Not added to {where}: {wait}"
    try:
        write(m.member)
    except Removed as e:
        session.was_removed(m.code)
        return f"Not added to {where}: {e}"
    except (ClassError, InvalidField) as e:
        return f"Not added to {where}: {e}"
    return None
