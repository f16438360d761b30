"""The bundled model: the MNIST network that ships with the package, already trained.

A hosted demo or an offline laptop should be able to recognise drawn digits at once,
before anyone has trained anything. The file ``assets/default_model.npz`` is built by
``tools/build_default_model.py`` with the project's own command-line trainer; the exact
command, seed and test accuracy are recorded in its metadata (``model.meta``). (The file
and the function keep their older "default" names, which outside code relies on; the
``default`` preset is a recipe and has nothing to do with them.)
"""

from __future__ import annotations

from pathlib import Path

from nn_core.model import MLP

DEFAULT_MODEL_PATH = Path(__file__).parent / "assets" / "default_model.npz"  # the bundled model


def load_default_model() -> MLP:
    """The bundled MNIST model: an MLP with ``meta`` holding its recipe and accuracy."""
    return MLP.load(DEFAULT_MODEL_PATH)
