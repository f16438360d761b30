"""The MLP: shapes, inputs it accepts, weights in and out, aliasing, construction.

What it shows a teacher (activations, dead units, saliency) is in test_model_views.py;
the ``model`` fixture both use (784-32-16-10, untrained) is in conftest.py.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nn_core import MLP, ModelConfig
from nn_core.activations import Activation
from nn_core.layers import Dense, Dropout, Standardize
from nn_core.losses import log_softmax
from tests.engine.helpers import images

# --------------------------------------------------------------------------- predictions


def test_predict_proba_shape_dtype_and_rows_summing_to_one(model):
    P = model.predict_proba(images(7))
    assert P.shape == (7, 10) and P.dtype == np.float32
    assert (P >= 0).all()
    np.testing.assert_allclose(P.sum(axis=1), 1, rtol=1e-5)


def test_predict_proba_accepts_every_image_layout(model):
    X = images(3)
    expected = model.predict_proba(X)
    np.testing.assert_array_equal(model.predict_proba(X.reshape(3, 28, 28)), expected)
    # one row takes another BLAS path (matrix-vector), hence allclose, not equality
    np.testing.assert_allclose(model.predict_proba(X[1]), expected[1:2], rtol=1e-5)  # (784,)
    np.testing.assert_allclose(model.predict_proba(X[1].reshape(28, 28)), expected[1:2], rtol=1e-5)
    np.testing.assert_allclose(model.predict_proba(X.astype(np.float64)), expected, rtol=1e-6)
    assert model.predict_proba(X[0].reshape(28, 28)).shape == (1, 10)


def test_predict_proba_scales_uint8_pixels(model):
    pixels = np.random.default_rng(2).integers(0, 256, (4, 28, 28), dtype=np.uint8)
    scaled = pixels.reshape(4, 784).astype(np.float32) / np.float32(255)
    expected = model.predict_proba(scaled)
    np.testing.assert_allclose(model.predict_proba(pixels), expected, rtol=1e-6)
    np.testing.assert_allclose(model.predict_proba(pixels[0]), expected[:1], rtol=1e-6)
    np.testing.assert_allclose(model.predict_proba(pixels.reshape(4, 784)), expected, rtol=1e-6)


def test_predict_proba_in_batches_equals_one_go(model):
    X = images(50)
    whole = model.predict_proba(X)
    np.testing.assert_allclose(model.predict_proba(X, batch_size=8), whole, rtol=1e-5)


def test_predict_is_the_argmax(model):
    X = images(20)
    pred = model.predict(X)
    assert pred.shape == (20,)
    np.testing.assert_array_equal(pred, model.predict_proba(X).argmax(axis=1))


def test_predict_proba_is_softmax_of_the_logits(model):
    X = images(5)
    logits = X.astype(np.float64)
    for layer in model.dense[:-1]:
        logits = np.maximum(logits @ layer.W + layer.b, 0)
    logits = logits @ model.dense[-1].W + model.dense[-1].b
    np.testing.assert_allclose(model.predict_proba(X), np.exp(log_softmax(logits)), rtol=1e-4)


# --------------------------------------------------------------------------- aliasing


def every_kind_of_layer() -> MLP:
    return MLP((784, 24, 12, 10), dropout=0.3, x_mean=0.13, x_std=0.31, seed=4)


def test_inference_outputs_never_alias_between_calls():
    m = every_kind_of_layer()
    X1, X2 = images(6, seed=1), images(6, seed=2)
    outputs = {
        "predict_proba": lambda X: [m.predict_proba(X)],
        "forward": lambda X: [m.forward(X)],
        "activations": m.activations,
        "pre_activations": m.pre_activations,
    }
    for name, call in outputs.items():
        first = call(X1)
        kept = [a.copy() for a in first]
        second = call(X2)
        for a, b, k in zip(first, second, kept, strict=True):
            np.testing.assert_array_equal(a, k, err_msg=f"{name}: first result was overwritten")
            assert not np.shares_memory(a, b), name


def test_inference_after_training_steps_does_not_alias_training_buffers():
    m = every_kind_of_layer()
    X = images(6, seed=1)
    P = m.predict_proba(X)
    kept = P.copy()
    m.forward(images(6, seed=2), training=True)
    m.forward(images(6, seed=3), training=True)
    np.testing.assert_array_equal(P, kept)


def test_training_mode_outputs_reuse_scratch_buffers():
    m = every_kind_of_layer()
    Z1 = m.forward(images(8, seed=1), training=True)
    Z2 = m.forward(images(8, seed=2), training=True)
    assert np.shares_memory(Z1, Z2)  # documented: valid only until the next call


def test_inference_leaves_the_callers_array_alone():
    m = every_kind_of_layer()
    X = images(5)
    kept = X.copy()
    m.predict_proba(X)
    m.activations(X)
    m.pre_activations(X)
    m.forward(X)
    np.testing.assert_array_equal(X, kept)


def test_inference_works_on_read_only_input(model):
    X = images(3)
    X.flags.writeable = False  # data sets hand out read-only arrays
    assert model.predict_proba(X).shape == (3, 10)
    assert model.activations(X)[-1].shape == (3, 10)


# --------------------------------------------------------------------------- weights


def test_get_weights_returns_copies_in_order(model):
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(784, 32), (32,), (32, 16), (16,), (16, 10), (10,)]
    assert [name for name, _, _ in model.parameters()] == ["W0", "b0", "W1", "b1", "W2", "b2"]
    weights[0][:] = 123.0
    assert not (model.dense[0].W == 123.0).any()


def test_set_weights_round_trip_in_place():
    a, b = MLP((784, 16, 10), seed=1), MLP((784, 16, 10), seed=2)
    arrays = [p for _, p, _ in b.parameters()]
    b.set_weights(a.get_weights())
    for x, y in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(x, y)
    assert all(p is q for p, (_, q, _) in zip(arrays, b.parameters(), strict=True))
    X = images(5)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def test_set_weights_rejects_wrong_count_and_shape():
    m = MLP((784, 16, 10), seed=1)
    before = m.get_weights()
    with pytest.raises(ValueError, match="expected 4 arrays, got 3"):
        m.set_weights(before[:3])
    wrong = [w.copy() for w in before]
    wrong[2] = np.zeros((10, 16), np.float32)
    with pytest.raises(ValueError, match=r"W1: expected shape \(16, 10\), got \(10, 16\)"):
        m.set_weights(wrong)
    wrong = [w.copy() for w in before]
    wrong[1] = np.zeros(17, np.float32)
    with pytest.raises(ValueError, match="b0"):
        m.set_weights(wrong)


def test_astype_float64_copies_weights_config_and_meta():
    m = MLP((784, 16, 10), dropout=0.1, x_mean=0.1, x_std=0.3, seed=3)
    m.meta = {"note": "hi"}
    twin = m.astype(np.float64)
    assert twin is not m and twin.dtype == np.float64
    assert all(w.dtype == np.float64 for w in twin.get_weights())
    assert twin.config == m.config
    assert twin.meta == m.meta and twin.meta is not m.meta
    for a, b in zip(m.get_weights(), twin.get_weights(), strict=True):
        np.testing.assert_array_equal(a.astype(np.float64), b)
    X = images(4)
    np.testing.assert_allclose(twin.predict_proba(X), m.predict_proba(X), rtol=1e-5, atol=1e-7)
    assert all(w.dtype == np.float32 for w in m.get_weights())  # the original is untouched
    back = twin.astype(np.float32)
    np.testing.assert_array_equal(back.predict_proba(X), m.predict_proba(X))


# --------------------------------------------------------------------------- construction


def test_same_seed_same_weights_and_different_seed_different_weights():
    a, b, c = MLP(seed=5), MLP(seed=5), MLP(seed=6)
    for x, y in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a.dense[0].W, c.dense[0].W)


def test_config_argument_builds_the_same_model():
    config = ModelConfig((784, 20, 10), activation="tanh", init="xavier", seed=9)
    a = MLP(config=config)
    b = MLP((784, 20, 10), "tanh", "xavier", seed=9)
    assert a.config == b.config
    for x, y in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(x, y)
    assert MLP.from_config(config, dtype=np.float64).dtype == np.float64


def test_layer_structure():
    m = MLP((784, 24, 12, 10), dropout=0.3, x_mean=0.1, x_std=0.3)
    kinds = [type(layer).__name__ for layer in m.layers]
    assert kinds == [
        "Standardize", "Dense", "ReLU", "Dropout", "Dense", "ReLU", "Dropout", "Dense"
    ]  # fmt: skip
    plain = MLP((784, 10))
    assert [type(layer) for layer in plain.layers] == [Dense]
    assert not any(isinstance(layer, Standardize | Dropout) for layer in MLP().layers)
    assert sum(isinstance(layer, Activation) for layer in MLP().layers) == 1


def test_n_params_and_repr():
    m = MLP((784, 128, 10))
    assert m.n_params == 784 * 128 + 128 + 128 * 10 + 10
    assert repr(m) == "MLP(784 -> 128 relu -> 10, 101,770 parameters)"


@pytest.mark.parametrize(
    ("sizes", "activation", "text"),
    [
        ((784, 128, 10), "relu", "784 -> 128 relu -> 10"),
        ((784, 256, 128, 10), "tanh", "784 -> 256 tanh -> 128 tanh -> 10"),
        ((784, 10), "relu", "784 -> 10"),
    ],
)
def test_config_describe(sizes, activation, text):
    config = ModelConfig(sizes, activation=activation)
    assert config.describe() == text
    assert config.hidden == sizes[1:-1]


def test_config_round_trips_through_a_dict():
    config = ModelConfig([784, 64, 10], "sigmoid", "xavier", 0.25, 0.1, 0.3, 7)
    assert config.sizes == (784, 64, 10)
    d = config.to_dict()
    assert d["sizes"] == [784, 64, 10]
    assert ModelConfig.from_dict(d) == config
    with pytest.raises(ValueError, match="unknown model settings"):
        ModelConfig.from_dict({**d, "colour": "blue"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.seed = 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sizes": (784,)}, "sizes"),
        ({"sizes": (784, 0, 10)}, "sizes"),
        ({"activation": "softsign"}, "unknown activation"),
        ({"init": "zeros"}, "unknown initialisation"),
        ({"dropout": 1.0}, "dropout"),
        ({"dropout": -0.1}, "dropout"),
        ({"x_std": 0.0}, "x_std"),
        ({"x_mean": float("nan")}, "x_mean"),
    ],
)
def test_config_rejects_bad_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ModelConfig(**kwargs)
    with pytest.raises(ValueError, match=message):
        MLP(**kwargs)
