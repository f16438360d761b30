"""The Train page's run history: the table of runs, exports, and loading a saved model.

Each browser tab keeps the settings and curves of its last few runs (``max_runs``) but
the weights only of "your model", of the newest run and of up to ``max_kept_models``
runs marked *Keep weights*: curves are small, networks are not, and thirty students
share one machine. Any run whose weights are still here can be exported.
"""

from __future__ import annotations

import streamlit as st

from nn_core.errors import ModelFileError
from nn_core.metrics import evaluate
from nn_core.modelfile import model_to_bytes
from server.limits import ServerLimits
from ui import text, uploads
from ui.state import workspace
from ui.train import keys
from ui.train.panel import show_message
from ui.train.status import short_status
from ui.workspace.records import misfit
from ui.workspace.runs import Run


def history(limits: ServerLimits, dataset) -> None:
    """The table of runs, exports of one run, and loading a saved model."""
    st.subheader("Run history")
    runs = workspace().runs
    if runs:
        st.dataframe([row(r) for r in reversed(runs)], hide_index=True, width="stretch")
        st.caption(
            f"This tab keeps the curves of the last {limits.max_runs} runs, and the weights "
            f"of your model, of the newest run and of up to {limits.max_kept_models} runs "
            "marked *Keep weights*."
        )
        _export(runs, limits)
    else:
        st.caption("Finished runs appear here, to compare and export.")
    _upload(dataset, limits)


def row(r: Run) -> dict:
    """One line of the history table."""
    return {
        "run": r.name,
        "preset": r.preset,
        "data": r.dataset,
        "status": short_status(r),
        "test accuracy": None if r.test_accuracy is None else f"{r.test_accuracy:.2%}",
        "steps": r.steps,
        "training time (s)": round(r.train_seconds, 1),
        "weights": "kept" if r.model is not None else "released",
        "note": r.notice,
    }


def _export(runs: list[Run], limits: ServerLimits) -> None:
    by_id = {r.id: r for r in runs}
    newest = runs[-1].id
    cols = st.columns([3, 1.2, 1.2, 1.3, 1.6], vertical_alignment="bottom")
    run_id = cols[0].selectbox(
        "Run to export",
        list(reversed(by_id)),
        format_func=lambda i: by_id[i].name,
        key=f"{keys.EXPORT_RUN}.{newest}",  # a new run: a new picker, on the newest
        help="Download its settings and curves, or its trained network.",
    )
    run = by_id[run_id]
    stem = f"run{run.id}-{run.dataset}"
    cols[1].download_button(
        "Curves (CSV)", run.to_csv, f"{stem}.csv", "text/csv", key=keys.DOWNLOAD_CSV,
        on_click="ignore", help="Settings as # comments, then one row per point.",
    )  # fmt: skip
    cols[2].download_button(
        "Run (JSON)", run.to_json, f"{stem}.json", "application/json",
        key=keys.DOWNLOAD_JSON, on_click="ignore", help="Settings, results and curves.",
    )  # fmt: skip
    has_model = run.model is not None and run.done
    cols[3].download_button(
        "Model (.npz)",
        (lambda: _model_file(run)) if has_model else b"",
        f"{stem}.npz",
        "application/octet-stream",
        key=keys.DOWNLOAD_MODEL,
        on_click="ignore",
        disabled=not has_model,
        help="The trained weights: load them again below, or with nn_core.MLP.load."
        if has_model
        else "This run's weights were released (mark runs with 'Keep weights' to keep them).",
    )
    cols[4].toggle(
        "Keep weights",
        value=run.keep,
        key=keys.keep(run.id),  # the run's own switch: the server never writes it
        on_change=_toggle_keep,
        args=(run, limits),
        disabled=run.model is None,
        help="Keep this run's network after the next run starts, to use or download it later.",
    )


def _model_file(run: Run) -> bytes:
    """The run's network as a .npz, with its settings, curves and scores inside."""
    model = run.model.astype(run.model.dtype)  # a copy: other pages may be reading it
    model.meta.update(run.model_meta())
    return model_to_bytes(model)


def _toggle_keep(run: Run, limits: ServerLimits) -> None:
    """Callback of the person's own click: the one moment the switch may be set back
    (a refusal), since a redraw never writes it."""
    want = st.session_state[keys.keep(run.id)]
    kept = sum(r.keep for r in workspace().runs if r is not run)
    if want and kept >= limits.max_kept_models:
        st.session_state[keys.keep(run.id)] = False
        workspace().say("warning", f"At most {limits.max_kept_models} runs can keep their weights.")
        return
    run.keep = want


def _upload(dataset, limits: ServerLimits) -> None:
    with st.expander("Continue from a saved model (.npz)"):
        st.file_uploader(
            "Model file",
            type=["npz"],
            key=keys.UPLOAD,
            on_change=_load_upload,
            args=(dataset, limits),
            help="A model saved by this app or by `python -m nn_core.train --out`.",
        )
        show_message("upload")
        start = workspace().start_model
        if start:
            st.info(
                f"**Start** will continue training {text.md(start[0])} "
                f"({start[1].config.describe()}); the Network settings are not used."
            )
            st.button(
                "Forget this model",
                key=keys.FORGET_UPLOAD,
                on_click=workspace().forget_start_model,
            )


def _load_upload(dataset, limits: ServerLimits) -> None:
    """Read the uploaded file; a bad one gives a sentence, never a traceback."""
    f = st.session_state.get(keys.UPLOAD)
    ws = workspace()
    if f is None:
        return
    try:
        model = uploads.check_upload(f.getvalue(), f.name, limits, dataset.name)
    except ModelFileError as exc:
        ws.say("error", f"Could not use that file: {text.md(exc, text.MESSAGE)}", where="upload")
        return
    problem, name = misfit(model.config, dataset), text.md(f.name)
    if problem:
        ws.say("error", f"Could not use that file: {name}: {problem}", where="upload")
        return
    accuracy = evaluate(model, dataset.X_test, dataset.y_test).accuracy
    ws.set_start_model(text.plain(f.name), model, dataset.name, accuracy)  # one clean line
    ws.say("success", f"Loaded {name}: {accuracy:.2%} on the {dataset.name} test set.", "upload")
