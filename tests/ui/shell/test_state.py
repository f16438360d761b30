"""The shared state: feature keys live in their folders, and their defaults reach every
tab without ``ui/state.py`` importing a feature."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ui import state
from ui.classroom import keys as classroom_keys
from ui.evaluate import keys as evaluate_keys
from ui.evaluate import threshold
from ui.state import K

ROOT = Path(__file__).resolve().parents[3]
FEATURES = ("learn", "data", "explore", "train", "inside", "evaluate", "draw", "classroom")


def constants(namespace) -> dict[str, str]:
    return {
        name: value
        for name, value in vars(namespace).items()
        if name.isupper() and isinstance(value, str)
    }


@pytest.fixture()
def defaults(monkeypatch):
    """A private copy of the registered defaults, so a test cannot leak into the next."""
    copy = dict(state.DEFAULTS)
    monkeypatch.setattr(state, "DEFAULTS", copy)
    return copy


def test_a_registered_default_is_added_once_and_twice_is_harmless(defaults):
    state.register_defaults({"evaluate.example": 3})
    state.register_defaults({"evaluate.example": 3})  # app.py runs again on every rerun
    assert defaults["evaluate.example"] == 3


def test_two_features_cannot_give_one_key_two_defaults(defaults):
    with pytest.raises(ValueError, match="two defaults"):
        state.register_defaults({K.DATASET: "fashion-mnist"})
    assert defaults[K.DATASET] == "mnist"


def test_every_key_names_one_thing():
    owners: dict[str, str] = {}
    for where, namespace in (("K", K), ("evaluate", evaluate_keys), ("class", classroom_keys)):
        for name, value in constants(namespace).items():
            assert value not in owners, f"{where}.{name} reuses {owners[value]}'s {value!r}"
            owners[value] = f"{where}.{name}"


def test_feature_keys_keep_their_feature_prefix():
    assert all(v.startswith("evaluate.") for v in constants(evaluate_keys).values())
    assert all(v.startswith("class.") for v in constants(classroom_keys).values())
    assert K.CLASS == "class"  # the membership object stays shared: Train and Draw share


def test_the_not_sure_threshold_has_one_default():
    assert threshold.DEFAULT == state.CONFIDENCE_DEFAULT == state.DEFAULTS[K.CONFIDENCE]


@pytest.mark.parametrize("module", ["ui/sidebar.py", "ui/active.py"])
def test_the_shared_frame_imports_no_feature(module):
    """Even a lazy import inside a function counts: imports go features -> shared."""
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    imported = [
        f"{node.module}.{alias.name}" if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]  # "from ui import draw" is "ui.draw", "from ui.state import K" is "ui.state.K"
    features = [m for m in imported if m.split(".")[:2] in (["ui", f] for f in FEATURES)]
    assert not features, f"{module} imports {features}"
