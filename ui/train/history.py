"""The Train page's run history: the table of runs, exports, and loading a saved model.

Each browser tab keeps the settings and curves of its last few runs (``ServerLimits.max_runs``)
but the weights only of the latest run and of up to ``max_kept_models`` runs the user
marks with *Keep weights*: curves are small, networks are not, and thirty students
share one machine.
"""

from __future__ import annotations

import streamlit as st

from nn_core.metrics import evaluate
from nn_core.modelfile import ModelFileError, load_model, model_to_bytes
from ui import state
from ui.limits import ServerLimits
from ui.state import K
from ui.train.panel import runs, say, show_message


def history(limits: ServerLimits, dataset) -> None:
    """The table of runs, exports of one run, and loading a saved model."""
    st.subheader("Run history")
    all_runs = runs()
    if all_runs:
        st.dataframe([_row(r) for r in reversed(all_runs)], hide_index=True, width="stretch")
        st.caption(
            f"This tab keeps the curves of the last {limits.max_runs} runs. A run's weights "
            f"are kept while it is the latest one, and for up to {limits.max_kept_models} runs "
            "you mark with *Keep weights*."
        )
        _export(all_runs, limits)
    else:
        st.caption("Finished runs appear here, to compare and export.")
    _upload(dataset)


def _row(r) -> dict:
    return {
        "run": r.name,
        "preset": r.preset,
        "data": r.dataset,
        "status": r.status,
        "test accuracy": None if r.test_accuracy is None else f"{r.test_accuracy:.2%}",
        "steps": r.steps,
        "time (s)": round(r.wall_seconds, 1),
        "weights": "available" if r.model is not None else "released",
    }


def _export(all_runs: list, limits: ServerLimits) -> None:
    by_id = {r.id: r for r in all_runs}
    if state.get(K.TRAIN_EXPORT_RUN) not in by_id:
        st.session_state[K.TRAIN_EXPORT_RUN] = all_runs[-1].id
    cols = st.columns([3, 1.2, 1.2, 1.3, 1.6], vertical_alignment="bottom")
    run_id = cols[0].selectbox(
        "Run to export",
        list(reversed(by_id)),
        format_func=lambda i: by_id[i].name,
        key=K.TRAIN_EXPORT_RUN,
        help="Download its settings and curves, or its trained network.",
    )
    run = by_id[run_id]
    stem = f"run{run.id}-{run.dataset}"
    cols[1].download_button(
        "Curves (CSV)", run.to_csv, f"{stem}.csv", "text/csv", key=K.TRAIN_DOWNLOAD_CSV,
        on_click="ignore", help="Settings as # comments, then one row per point.",
    )  # fmt: skip
    cols[2].download_button(
        "Run (JSON)", run.to_json, f"{stem}.json", "application/json",
        key=K.TRAIN_DOWNLOAD_JSON, on_click="ignore", help="Settings, results and curves.",
    )  # fmt: skip
    has_model = run.model is not None and run.done
    cols[3].download_button(
        "Model (.npz)",
        (lambda: _model_file(run)) if has_model else b"",
        f"{stem}.npz",
        "application/octet-stream",
        key=K.TRAIN_DOWNLOAD_MODEL,
        on_click="ignore",
        disabled=not has_model,
        help="The trained weights: load them again below, or with nn_core.MLP.load."
        if has_model
        else "Weights are kept only for the latest run and runs marked 'Keep weights'.",
    )
    st.session_state[K.TRAIN_KEEP] = run.keep
    cols[4].toggle(
        "Keep weights",
        key=K.TRAIN_KEEP,
        on_change=_toggle_keep,
        args=(run, limits),
        disabled=run.model is None,
        help="Keep this run's network after the next run starts, to download it later.",
    )


def _model_file(run) -> bytes:
    """The run's network as a .npz, with its settings, curves and scores inside."""
    run.model.meta.update(run.model_meta())
    return model_to_bytes(run.model)


def _toggle_keep(run, limits: ServerLimits) -> None:
    want = st.session_state[K.TRAIN_KEEP]
    kept = sum(r.keep for r in runs() if r is not run)
    if want and kept >= limits.max_kept_models:
        say("warning", f"At most {limits.max_kept_models} runs can keep their weights.")
        return
    run.keep = want


def _upload(dataset) -> None:
    with st.expander("Continue from a saved model (.npz)"):
        st.file_uploader(
            "Model file",
            type=["npz"],
            key=K.TRAIN_UPLOAD,
            on_change=_load_upload,
            args=(dataset,),
            help="A model saved by this app or by `python -m nn_core.train --out`.",
        )
        show_message("upload")
        start = state.get(K.TRAIN_START_MODEL)
        if start:
            st.info(
                f"**Start** will continue training `{start[0]}` "
                f"({start[1].config.describe()}); the Network settings are not used."
            )
            st.button("Forget this model", key=K.TRAIN_FORGET_UPLOAD, on_click=_forget_upload)


def _load_upload(dataset) -> None:
    """Read the uploaded file; a bad one gives a sentence, never a traceback."""
    f = st.session_state.get(K.TRAIN_UPLOAD)
    if f is None:
        return
    try:
        f.seek(0)
        model = load_model(f)
        sizes, n_classes = model.config.sizes, len(dataset.class_names)
        if sizes[0] != dataset.X_test.shape[1] or sizes[-1] != n_classes:
            raise ModelFileError(f"{f.name}: layer sizes {sizes} do not fit this data set.")
    except ModelFileError as exc:
        say("error", f"Could not use that file: {exc}", where="upload")
        return
    accuracy = evaluate(model, dataset.X_test, dataset.y_test).accuracy
    state.put(K.TRAIN_START_MODEL, (f.name, model))
    state.set_model(model, "trained", accuracy, dataset.name)
    say("success", f"Loaded `{f.name}`: {accuracy:.2%} on the {dataset.name} test set.", "upload")


def _forget_upload() -> None:
    state.put(K.TRAIN_START_MODEL, None)
