"""A network trained on a collection of drawn shapes reads new drawings of them right.

The whole path a class takes, without a browser: outlines drawn on the canvas
(``tests.support.shapes``), prepared as Draw prepares them, kept in a collection, split
and trained with the Train page's *Small data* recipe, then new drawings read.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from nn_core import canvas_to_mnist
from nn_core.presets import PRESETS
from nn_core.status import RunStatus
from nn_core.train import Trainer
from tests.support.shapes import SHAPES, shape_canvas, shapes_collection


def test_the_small_data_recipe_learns_drawn_shapes_and_reads_new_ones():
    collection = shapes_collection(per_class=30, seed=1)
    data = collection.to_dataset()
    assert 9 <= data.n_test <= 27 and data.n_train + data.n_test == 90  # about a fifth held out
    preset = PRESETS["small"]
    model_config = dataclasses.replace(preset.model, sizes=(784, 64, len(SHAPES)))
    model = preset.build(data.X_train, model_config)
    trainer = Trainer(model, data.X_train, data.y_train, preset.train, data.X_test, data.y_test)
    for _ in trainer.steps():
        pass
    assert trainer.status == RunStatus.FINISHED, trainer.message
    rng = np.random.default_rng(99)  # drawings it has never seen
    new = np.stack([canvas_to_mnist(shape_canvas(kind, rng)) for kind in SHAPES for _ in range(20)])
    truth = np.repeat(np.arange(len(SHAPES)), 20)  # (60,)
    read = model.predict(new.reshape(-1, 784))  # (60,)
    assert (read == truth).mean() >= 0.9, read
    assert (model.predict(data.X_test) == data.y_test).mean() >= 0.8
