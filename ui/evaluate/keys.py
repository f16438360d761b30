"""The Evaluate page's session keys: its widgets, its chosen cell and its cache.

Every control carries one of these as its ``key=``, so the page, its callbacks and the
tests find it by the same name. The string values stay as they were when they lived in
``ui.state.K`` (``"evaluate.view"``, ...): links and tests that name them keep working.
The "not sure" threshold itself is shared with the Draw page, so it is ``K.CONFIDENCE``
in ``ui.state``; only the slider that writes it lives here.
"""

from __future__ import annotations

from typing import Any

MODEL = "evaluate.model"  # selectbox: title of the model to evaluate
VIEW = "evaluate.view"  # segmented control: which section is shown (computed)
NORMALISE = "evaluate.normalise"  # toggle: confusion matrix as row rates
CELL = "evaluate.cell"  # Cell: the chosen confusion cell (ui/evaluate/selection.py)
MATRIX = "evaluate.matrix"  # prefix: the heatmap per Cell.version, "evaluate.matrix.2"
CELL_TRUE = "evaluate.cell_true"  # prefix: selectbox per Cell.version, true class
CELL_PRED = "evaluate.cell_pred"  # prefix: selectbox per Cell.version, answered class
CELL_PAGE = "evaluate.cell_page"  # prefix: pagination per cell, "evaluate.cell_page.4.9"
MISTAKE_TRUE = "evaluate.mistake_true"  # selectbox filter: "Any" or a class name
MISTAKE_PRED = "evaluate.mistake_pred"
MISTAKE_PAGE = "evaluate.mistake_page"  # prefix: pagination per filter pair
PERTURBATION = "evaluate.perturbation"  # radio: noise | shift | rotate | scale | ...
STRENGTH = "evaluate.strength"  # prefix: one slider per perturbation, "...strength.noise"
THRESHOLD = "evaluate.threshold"  # slider writing K.CONFIDENCE (ui/evaluate/threshold.py)
COMPARE_A = "evaluate.compare_a"  # selectboxes: the two models compared
COMPARE_B = "evaluate.compare_b"
UPLOAD = "evaluate.upload"  # file uploader: a saved model to compare
TEACH_MODEL = "evaluate.teach_model"  # selectbox: stable_id of the model to fine-tune
TEACH_SOURCE = "evaluate.teach_source"  # radio: whose drawings it learns ("mine" | "class" | ...)
TEACH_STEPS = "evaluate.teach_steps"  # slider: mini-batch steps of fine-tuning
TEACH_LR = "evaluate.teach_lr"  # select slider: the learning rate
TEACH_RUN = "evaluate.teach_run"  # button: fine-tune now
TEACH_KEEP = "evaluate.teach_keep"  # button: the tuned copy becomes "your model"
TEACH_RESULT = "evaluate.teach_result"  # Taught: the last fine-tuning of this tab, or None
CACHE = "evaluate.cache"  # dict: this tab's predictions and curves per model version

# Values set before the page first draws (``ui.state.ensure_state(keys.DEFAULTS)``): none, each
# control above sets its own value the first time it is drawn.
DEFAULTS: dict[str, Any] = {}
