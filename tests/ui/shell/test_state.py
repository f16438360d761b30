"""The shared state: feature keys live in their folders, each key names one thing, and a
feature's defaults are filled without ``ui/state.py`` importing the feature."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

from nn_core.data import DATASETS
from ui import state
from ui.draw import reading
from ui.state import K

ROOT = Path(__file__).resolve().parents[3]
FEATURES = ("learn", "data", "train", "inside", "evaluate", "draw", "classroom")


def constants(namespace) -> dict[str, str]:
    return {
        name: value
        for name, value in vars(namespace).items()
        if name.isupper() and isinstance(value, str)
    }


def feature_keys() -> dict[str, object]:
    """Every feature's ``keys`` module, found on disk so a new feature is checked too."""
    found = {}
    for path in sorted((ROOT / "ui").glob("*/keys.py")):
        found[path.parent.name] = importlib.import_module(f"ui.{path.parent.name}.keys")
    return found


def test_every_feature_has_its_keys():
    assert set(feature_keys()) >= {"learn", "data", "inside", "evaluate", "draw", "classroom"}


def test_every_key_names_one_thing():
    owners: dict[str, str] = {}
    for where, namespace in [("K", K), *feature_keys().items()]:
        for name, value in constants(namespace).items():
            assert value not in owners, f"{where}.{name} reuses {owners[value]}'s {value!r}"
            owners[value] = f"{where}.{name}"


@pytest.mark.parametrize("feature", sorted(p.parent.name for p in (ROOT / "ui").glob("*/keys.py")))
def test_feature_keys_keep_their_feature_prefix(feature):
    name = {"classroom": "class"}.get(feature, feature)
    prefix = (f"{name}.", f"{name}-")  # "-" for a container named in CSS ("train-live")
    module = feature_keys()[feature]
    assert all(v.startswith(prefix) for v in constants(module).values()), feature
    assert all(key.startswith(prefix) for key in getattr(module, "DEFAULTS", {})), feature


def test_shared_keys_are_few():
    """K holds what several features read; a key one feature owns lives in its folder."""
    assert set(constants(K)) == {
        "DATASET", "WORKSPACE", "PRESENTATION", "CONFIDENCE", "DOWNLOAD_ERROR",
        "DOWNLOAD_BUTTON", "CLASS", "LESSON", "COLLECTIONS",
    }  # fmt: skip
    assert K.CLASS == "class"  # the membership object stays shared: Train and Draw share
    assert K.COLLECTIONS == "collections"  # drawn on Draw, listed by the sidebar, trained on


def test_a_feature_default_fills_only_what_is_missing(monkeypatch):
    session: dict = {"draw.example": "kept"}
    monkeypatch.setattr(state.st, "session_state", session)
    state.ensure_state({"draw.example": "default", "draw.other": 0})
    assert session == {"draw.example": "kept", "draw.other": 0}


def test_evaluate_and_draw_start_from_the_one_not_sure_default(monkeypatch):
    """Before anyone moves Evaluate's slider, Evaluate and Draw apply the same threshold,
    ``state.CONFIDENCE_DEFAULT``: Evaluate through the shared value, Draw as its default."""
    monkeypatch.setattr(state.st, "session_state", {})
    assert state.confidence() == state.CONFIDENCE_DEFAULT
    state.ensure_state()
    assert state.confidence() == state.CONFIDENCE_DEFAULT
    for default in (
        inspect.signature(reading.read_drawing).parameters["threshold"].default,
        reading.Reading.__dataclass_fields__["threshold"].default,
    ):
        assert default is state.CONFIDENCE_DEFAULT


def test_the_not_sure_default_is_written_once():
    """One assignment in ``ui/state.py``, and no module-level second name for it anywhere
    in ``ui/`` (a field or parameter defaulting to it is a use, not a second default)."""
    owners = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.Assign | ast.AnnAssign):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            value = ast.unparse(node.value) if node.value else ""
            if "CONFIDENCE_DEFAULT" in names or value.split(".")[-1] == "CONFIDENCE_DEFAULT":
                owners.append((path.relative_to(ROOT).as_posix(), sorted(names)))
    assert owners == [("ui/state.py", ["CONFIDENCE_DEFAULT"])]


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


def test_a_tab_starts_on_the_data_set_that_is_always_there():
    """The catalog says which data set ships a sample; the tab's default and the pages'
    fallback are that one, not a second spelling of it."""
    assert [name for name, info in DATASETS.items() if info.sample] == [state.FALLBACK_DATASET]
    assert state.DEFAULTS[K.DATASET] == state.FALLBACK_DATASET == "mnist"
