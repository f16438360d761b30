"""The Draw page's session keys: its widgets and what one tab keeps between strokes.

Each value is the string Streamlit stores (tests and the lesson links find widgets by
it); the names drop the page's prefix, as ``keys.PEN`` reads in the page's code.
"""

from __future__ import annotations

from typing import Any

MODEL_CHOICE = "draw.model_choice"  # selectbox: ModelInUse.stable_id of the network that reads
INSIDE = "draw.inside"  # button: look inside the network with this drawing
PEN = "draw.pen_width"  # segmented control: stroke width in canvas pixels
CANVAS = "draw.canvas"  # the canvas component's key prefix (a new version clears it)
CANVAS_VERSION = "draw.canvas_version"  # int: raised by Clear, so a fresh canvas mounts
RESULT = "draw.result"  # injected RGBA canvas image (tests) or None
MY_DRAWINGS = "draw.class_set"  # list of (28x28 image, label): my drawings, this tab's own
CLEAR = "draw.clear"  # button: a fresh canvas
LABEL = "draw.label"  # pills: the true label of the drawing to add
ADD = "draw.add"  # button: add the drawing to my drawings
EMPTY_SET = "draw.empty_set"  # button: forget my drawings
DOWNLOAD = "draw.download"  # download button: my drawings as .npz
MESSAGE = "draw.message"  # (kind, text) from the last action on my drawings, or None
LATEST = "draw.latest"  # (28, 28) float32: the drawing the network read last, or None
ABOUT_OPEN = "draw.about_open"  # expander: the model's recipe is sent only when open

# --- Collect mode: drawing a data set of one's own (ui/draw/collect.py) ---
MODE = "draw.mode"  # segmented control: READ (a network reads) | COLLECT (make a data set)
COLLECTION = "draw.collection"  # selectbox: the data-set name drawn into, or NEW
NEW_KIND = "draw.new_kind"  # radio: DIGITS_KIND | OWN_KIND, the classes of a new collection
NEW_TITLE = "draw.new_title"  # text input: what the new collection is called
NEW_NAMES = "draw.new_names"  # text input: "circle, square, triangle"
CREATE = "draw.create"  # form submit button: make the collection
CLASS = "draw.collect_class"  # pills: the class of the next drawing
COLLECT_ADD = "draw.collect_add"  # button: add the drawing to the collection
UNDO = "draw.collect_undo"  # button: remove the last drawing
COLLECT_DOWNLOAD = "draw.collect_download"  # download button: the collection as .npz
UPLOAD = "draw.collect_upload"  # file uploader: a collection's .npz
COLLECT_MESSAGE = "draw.collect_message"  # (kind, text) from the last collect action, or None

DEFAULTS: dict[str, Any] = {
    CANVAS_VERSION: 0,
    RESULT: None,
    MY_DRAWINGS: [],
    MESSAGE: None,
    LATEST: None,
    COLLECT_MESSAGE: None,
}
"""What a tab starts with (``ui.state.ensure_state(DEFAULTS)`` fills in what is missing)."""
