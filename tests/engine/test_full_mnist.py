"""The fast preset on the real MNIST: the accuracy the README promises.

Needs the full data set (NN_DATA_DIR pointing at a folder holding mnist/, or the user
cache); the ``mnist_full`` fixture skips with the reason when it is not there.
"""

from __future__ import annotations

import pytest

from nn_core import PRESETS, Trainer, evaluate


@pytest.mark.full_mnist
@pytest.mark.slow
def test_fast_preset_reaches_97_percent_in_three_epochs(mnist_full):
    assert mnist_full.n_train == 60_000 and mnist_full.n_test == 10_000
    preset = PRESETS["fast"]
    assert preset.train.epochs == 3
    model = preset.build(mnist_full.X_train)
    trainer = Trainer(model, mnist_full.X_train, mnist_full.y_train, preset.train)
    metrics = trainer.run()
    assert trainer.status == "finished", trainer.message
    assert len(metrics) == trainer.total_steps == 3 * 469  # ceil(60000 / 128) per epoch
    result = evaluate(model, mnist_full.X_test, mnist_full.y_test)
    assert result.accuracy >= 0.97, f"test accuracy {result.accuracy:.4f}"
    assert result.loss < 0.1
    assert min(result.per_class) > 0.93  # no digit is left behind
