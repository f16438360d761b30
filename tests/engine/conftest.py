"""Fixtures shared by the engine's test files that were split in two or three by topic.

Each keeps the name it had in the one file it came from, so the tests read as before,
except ``refused_mirrors`` (once ``isolated``, a name test_download.py used for another
fixture). A file that defines a fixture of the same name uses its own: ``small`` in
test_evaluation.py and ``model`` in test_modelfile.py are other things.
"""

from __future__ import annotations

import dataclasses
import os

import pytest

pytest.register_assert_rewrite("tests.engine.helpers")  # its asserts explain themselves too

from nn_core import MLP  # noqa: E402
from nn_core.data import DATASETS  # noqa: E402
from tests.engine.helpers import ROOT  # noqa: E402
from tests.support.ports import refused_url  # noqa: E402


@pytest.fixture(scope="module")
def small(mnist_sample):
    """256 real training digits and 200 test digits (writable copies): test_train*.py."""
    return (
        mnist_sample.X_train[:256].copy(),
        mnist_sample.y_train[:256].copy(),
        mnist_sample.X_test[:200].copy(),
        mnist_sample.y_test[:200].copy(),
    )


@pytest.fixture(scope="module")
def model() -> MLP:
    """An untrained 784-32-16-10 ReLU network (test_model.py, test_model_views.py)."""
    return MLP((784, 32, 16, 10), seed=1)


@pytest.fixture
def offline_env(tmp_path, monkeypatch) -> dict[str, str]:
    """No data folder, an empty cache, and the project importable: the bundled sample it is."""
    (tmp_path / "data").mkdir()
    (tmp_path / "cache").mkdir()
    env = {
        **os.environ,
        "NN_DATA_DIR": str(tmp_path / "data"),
        "NN_CACHE_DIR": str(tmp_path / "cache"),
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "OPENBLAS_NUM_THREADS": "1",  # a small job; do not fight the test process for cores
    }
    for key in ("NN_DATA_DIR", "NN_CACHE_DIR"):
        monkeypatch.setenv(key, env[key])  # for the in-process runs too
    return env


@pytest.fixture
def refused_mirrors(monkeypatch, tmp_path):
    """No data folder, a private cache, and every data set's mirrors on a local port that
    refuses connections: a download is tried and fails at once, never reaching the
    internet. (test_download.py's ``no_official_mirrors`` leaves the mirrors out instead,
    and lets its local server through any proxy.)

    Not autouse here (it would reach every engine test): test_data.py and
    test_data_folder.py ask for it with ``pytestmark``.
    """
    monkeypatch.delenv("NN_DATA_DIR", raising=False)
    monkeypatch.setenv("NN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    with refused_url() as dead:
        for name, info in DATASETS.items():
            monkeypatch.setitem(DATASETS, name, dataclasses.replace(info, mirrors=(dead,)))
        yield
