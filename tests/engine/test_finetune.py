"""Fine-tuning the bundled model on a class's handwriting: it learns, and it can forget.

The "class" writes backhand with a thick pen (``tests/support/styles.py``): MNIST digits
the bundled model reads about 80% of. A few hundred small steps on 400 of them must
raise its score on 300 others it never saw; a rate thirty times larger must visibly
cost it MNIST. Seeds are fixed, sizes small: the whole file takes seconds.
"""

from __future__ import annotations

import numpy as np
import pytest

from nn_core import load_default_model
from nn_core.finetune import MAX_STEPS, BeforeAfter, compare, fine_tune, forgot
from tests.support.styles import backhand


@pytest.fixture(scope="module")
def bundled():
    return load_default_model()


@pytest.fixture(scope="module")
def sets(mnist_sample):
    """Learn from 400 backhand digits; test on 300 others, and on 1,000 plain MNIST ones."""
    s = mnist_sample
    return {
        "learn": (backhand(s.X_train[:400]), s.y_train[:400]),
        "their handwriting": (backhand(s.X_test[:300]), s.y_test[:300]),
        "MNIST": (s.X_test[300:1300], s.y_test[300:1300]),
    }


def held_out(sets) -> dict:
    return {k: v for k, v in sets.items() if k != "learn"}


def test_the_style_is_harder_for_the_bundled_model(bundled, sets):
    r = compare(bundled, bundled, held_out(sets))
    assert r["their handwriting"].before < 0.9 < 0.97 < r["MNIST"].before


def test_small_steps_learn_their_handwriting_and_keep_mnist(bundled, sets):
    X, y = sets["learn"]
    tuned = fine_tune(bundled, X, y, steps=200, lr=0.05, seed=0)
    r = compare(bundled, tuned, held_out(sets))
    assert r["their handwriting"].change > 0.05, r
    assert r["MNIST"].change > -0.03, r
    assert not tuned.meta["fine_tune"]["diverged"]


def test_a_very_high_rate_forgets_mnist(bundled, sets):
    X, y = sets["learn"]
    tuned = fine_tune(bundled, X, y, steps=100, lr=0.3, seed=0)
    r = compare(bundled, tuned, held_out(sets))
    assert r["MNIST"].change < -0.2, r
    assert forgot(r["MNIST"])


def test_the_given_model_is_never_written(bundled, sets):
    """The bundled model is shared by every visitor: its arrays are made read-only here,
    so a single write anywhere in fine-tuning would raise."""
    model = load_default_model()
    weights, meta = model.get_weights(), dict(model.meta)
    for _, p, g in model.parameters():
        p.flags.writeable = g.flags.writeable = False
    X, y = sets["learn"]
    tuned = fine_tune(model, X, y, steps=20, lr=0.05)
    assert all(np.array_equal(a, b) for a, b in zip(weights, model.get_weights(), strict=True))
    assert model.meta == meta
    assert not all(np.array_equal(a, b) for a, b in zip(weights, tuned.get_weights(), strict=True))


def test_the_copy_says_what_was_done_and_drops_the_old_score(bundled, sets):
    X, y = sets["learn"]
    tuned = fine_tune(bundled, X[:50], y[:50], steps=7, lr=0.01, batch_size=16)
    assert tuned.meta["fine_tune"] == {
        "steps": 7,
        "lr": 0.01,
        "batch_size": 16,
        "examples": 50,
        "diverged": False,
        "message": "",
    }
    assert "test_accuracy" in bundled.meta and "test_accuracy" not in tuned.meta
    assert tuned.meta["dataset"] == "mnist"


def test_the_same_seed_gives_the_same_network(bundled, sets):
    X, y = sets["learn"]
    a, b = (fine_tune(bundled, X, y, steps=15, lr=0.05, seed=3) for _ in range(2))
    c = fine_tune(bundled, X, y, steps=15, lr=0.05, seed=4)
    same = [np.array_equal(p, q) for p, q in zip(a.get_weights(), b.get_weights(), strict=True)]
    assert all(same)
    assert not np.array_equal(a.get_weights()[0], c.get_weights()[0])


def test_progress_is_told_after_every_step(bundled, sets):
    X, y = sets["learn"]
    told = []
    fine_tune(
        bundled, X, y, steps=12, lr=0.01, on_step=lambda done, total: told.append((done, total))
    )
    assert told == [(k, 12) for k in range(1, 13)]


def test_an_exploding_rate_keeps_good_weights_and_says_so(bundled, sets):
    X, y = sets["learn"]
    tuned = fine_tune(bundled, X, y, steps=50, lr=1000.0)
    note = tuned.meta["fine_tune"]
    assert note["diverged"] and "Try a smaller learning rate" in note["message"]
    assert note["steps"] < 50
    assert all(np.isfinite(w).all() for w in tuned.get_weights())


@pytest.mark.parametrize("steps", [0, MAX_STEPS + 1])
def test_steps_are_bounded(bundled, sets, steps):
    X, y = sets["learn"]
    with pytest.raises(ValueError, match=f"between 1 and {MAX_STEPS}"):
        fine_tune(bundled, X, y, steps=steps, lr=0.01)


def test_nothing_to_learn_from(bundled):
    with pytest.raises(ValueError, match="no examples"):
        fine_tune(bundled, np.zeros((0, 784), np.float32), np.zeros(0, np.int64), steps=5, lr=0.1)


def test_fewer_examples_than_a_batch_still_train(bundled, sets):
    X, y = sets["learn"]
    assert fine_tune(bundled, X[:5], y[:5], steps=10, lr=0.01).meta["fine_tune"]["steps"] == 10


def test_before_after_reads_as_a_change():
    r = BeforeAfter("MNIST", 2000, before=0.98, after=0.90)
    assert r.change == pytest.approx(-0.08)
    assert forgot(r) and not forgot(BeforeAfter("x", 1, 0.9, 0.895))
