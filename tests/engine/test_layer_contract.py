"""Every layer and activation in the engine is a ``Layer`` and keeps its contract.

The model treats its stages alike (``forward``, ``backward``, ``params``, ``grads``, and
the read-only twins ``infer`` and ``input_gradient``), so a new layer that forgot part of the contract would fail somewhere far from its own code.
These tests find the engine's layer-like classes by looking at every module, so a layer
added later is checked without anyone listing it here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import nn_core
from nn_core.activations import ACTIVATIONS, Activation
from nn_core.layers import Dense, Dropout, Layer, Standardize
from nn_core.model import MLP

# Classes with a forward and a backward that are not layers, and why.
NOT_LAYERS = {
    "nn_core.model.MLP": "the network: a list of layers, not a stage of one",
    "nn_core.losses.SoftmaxCrossEntropy": "the loss: forward(Z, y) gives one number",
}


def engine_classes() -> list[type]:
    """Every class defined in an nn_core module (imported ones are skipped)."""
    found = []
    for info in pkgutil.iter_modules(nn_core.__path__):
        module = importlib.import_module(f"nn_core.{info.name}")
        found += [
            cls
            for _, cls in inspect.getmembers(module, inspect.isclass)
            if cls.__module__ == module.__name__
        ]
    return found


def qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


LAYER_LIKE = [
    cls
    for cls in engine_classes()
    if callable(getattr(cls, "forward", None)) and callable(getattr(cls, "backward", None))
]
CONCRETE = [ACTIVATIONS[name] for name in sorted(ACTIVATIONS)] + [Dense, Dropout, Standardize]


def test_the_search_finds_the_layers_it_should():
    names = {qualified(cls) for cls in LAYER_LIKE}
    assert {qualified(cls) for cls in CONCRETE} <= names
    assert set(NOT_LAYERS) <= names  # the exceptions still exist, so the list stays honest


@pytest.mark.parametrize("cls", LAYER_LIKE, ids=qualified)
def test_every_class_with_forward_and_backward_is_a_layer(cls):
    if qualified(cls) in NOT_LAYERS:
        assert not issubclass(cls, Layer)
        return
    assert issubclass(cls, Layer), f"{qualified(cls)} should derive from nn_core.layers.Layer"


def test_every_class_in_layers_and_activations_is_a_layer():
    for cls in engine_classes():
        if cls.__module__ in ("nn_core.layers", "nn_core.activations"):
            assert issubclass(cls, Layer), qualified(cls)


@pytest.mark.parametrize("cls", CONCRETE, ids=lambda c: c.__name__)
def test_concrete_layers_implement_forward_and_backward_themselves(cls):
    assert issubclass(cls, Layer)
    assert cls.forward is not Layer.forward, f"{cls.__name__} inherits Layer.forward"
    assert cls.backward is not Layer.backward, f"{cls.__name__} inherits Layer.backward"
    assert cls.infer is not Layer.infer, f"{cls.__name__} inherits Layer.infer"
    assert cls.input_gradient is not Layer.input_gradient, cls.__name__


def test_the_base_class_states_the_contract_and_refuses_to_run():
    layer = Layer()
    assert layer.params == {} and layer.grads == {}
    with pytest.raises(NotImplementedError):
        layer.forward(np.zeros((1, 2)))
    with pytest.raises(NotImplementedError):
        layer.backward(np.zeros((1, 2)))
    with pytest.raises(NotImplementedError):
        layer.infer(np.zeros((1, 2)))
    with pytest.raises(NotImplementedError):
        layer.input_gradient(np.zeros((1, 2)), np.zeros((1, 2)), np.zeros((1, 2)))
    assert Layer.__doc__ and "forward" in Layer.__doc__ and "grads" in Layer.__doc__


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("training", [False, True])
def test_every_stage_of_a_network_keeps_the_contract(activation, training):
    model = MLP((784, 12, 8, 10), activation=activation, dropout=0.25, x_mean=0.1, x_std=0.3)
    kinds = {type(layer) for layer in model.layers}
    assert {Standardize, Dense, Dropout, ACTIVATIONS[activation]} == kinds
    X = np.random.default_rng(0).random((5, 784), dtype=np.float32)  # (5, 784)
    shapes = []
    for layer in model.layers:
        assert isinstance(layer, Layer), type(layer).__name__
        assert isinstance(layer.params, dict) and isinstance(layer.grads, dict)
        assert layer.params.keys() == layer.grads.keys()
        for key, p in layer.params.items():
            assert layer.grads[key].shape == p.shape and layer.grads[key].dtype == p.dtype
        if not isinstance(layer, Dense):
            assert layer.params == {}, "only Dense layers learn"
        Y = layer.forward(X, training)
        assert Y.shape[0] == X.shape[0]  # one row per example, in and out
        shapes.append(X.shape)
        X = Y
    assert X.shape == (5, 10)
    dY = np.ones_like(X)  # (5, 10)
    for layer, shape in zip(reversed(model.layers), reversed(shapes), strict=True):
        dY = layer.backward(dY)
        if dY is None:
            assert layer is model.dense[0], "only the first Dense layer may skip dX"
            break
        assert dY.shape == shape  # the gradient has the shape of the layer's input


def test_activations_are_layers_with_nothing_to_learn():
    for name, cls in ACTIVATIONS.items():
        act = cls()
        assert isinstance(act, Activation) and isinstance(act, Layer), name
        assert act.params == {} and act.grads == {}, name


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_the_read_only_twins_give_what_forward_and_backward_give(activation):
    """``infer`` is ``forward`` outside training and ``input_gradient`` is the ``backward``
    that follows it, carried to the input: the same numbers, with nothing kept."""
    model = MLP((784, 12, 8, 10), activation=activation, dropout=0.25, x_mean=0.1, x_std=0.3)
    X = np.random.default_rng(0).random((5, 784), dtype=np.float32)  # (5, 784)
    dY = np.random.default_rng(1).standard_normal((5, 10)).astype(np.float32)  # (5, 10)
    outs = [X]
    for layer in model.layers:
        np.testing.assert_array_equal(layer.infer(outs[-1]), layer.forward(outs[-1]))
        outs.append(layer.infer(outs[-1]))
    model.dense[0].needs_dX = True
    expected = dY.copy()
    for layer in reversed(model.layers):
        expected = layer.backward(expected).copy()  # (n, inputs of this layer)
    kept = dY.copy()
    got = model.pull_back(outs, dY)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(dY, kept)  # the caller's gradient is left alone
