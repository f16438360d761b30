"""One model, many visitors: every read of a network leaves the network as it found it.

The bundled model is one object that every browser tab reads at once: one student's
saliency map is computed while another student's page asks for the activations of other
images. Reads therefore keep their intermediate arrays to themselves (local variables,
never the layers), so no lock is needed and no call can see another's numbers. Only
training (forward with ``training=True``, backward, the optimiser's step) writes into a
model, and only its owner trains it.
"""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytest

from nn_core.model import MLP
from nn_core.pretrained import load_default_model
from nn_core.probe import class_influence, contributions, hidden_activations

ROUNDS = 300  # calls per thread


def every_kind_of_layer() -> MLP:
    """Standardize, Dense, ReLU and Dropout: every layer that could keep something."""
    return MLP((784, 48, 24, 10), dropout=0.25, x_mean=0.13, x_std=0.31, seed=7)


def images(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random((n, 784), dtype=np.float32)  # (n, 784)


def reads(model: MLP) -> dict:
    """Every read a page makes of a shared model, by name: X -> list of arrays."""
    return {
        "predict_proba": lambda X: [model.predict_proba(X)],
        "predict": lambda X: [model.predict(X)],
        "activations": model.activations,
        "pre_activations": model.pre_activations,
        "input_gradient": lambda X: [model.input_gradient(X)],
        "input_gradient of class 3": lambda X: [model.input_gradient(X, classes=3)],
        "dead_units": lambda X: [np.array(model.dead_units(X))],
        "hidden_activations": lambda X: [hidden_activations(model, X, 1)],
        "class_influence": lambda X: [class_influence(model, X, 0)],
        "contributions": lambda X: [contributions(model, X[:1]).contribution],
    }


def state(model: MLP) -> list:
    """Everything every layer holds: attribute names, the objects bound to them, and a
    copy of the contents of every array (so a rebinding or an in-place write shows)."""
    found = []
    for layer in model.layers:
        for name, value in sorted(vars(layer).items()):
            arrays = value.values() if isinstance(value, dict) else [value]
            for a in arrays:
                copy = a.copy() if isinstance(a, np.ndarray) else None
                found.append((id(layer), name, id(a), copy))
    return found


def same_state(before: list, after: list) -> bool:
    if len(before) != len(after):
        return False
    for (layer, name, obj, copy), (layer2, name2, obj2, copy2) in zip(before, after, strict=True):
        if (layer, name, obj) != (layer2, name2, obj2):
            return False
        if copy is not None and not np.array_equal(copy, copy2, equal_nan=True):
            return False
    return True


@pytest.mark.parametrize("name", list(reads(every_kind_of_layer())))
def test_a_read_writes_nothing_into_the_model(name):
    """Deterministic: the layers hold the same objects with the same contents afterwards,
    even after a training step has left its caches behind."""
    model = every_kind_of_layer()
    model.forward(images(4, seed=1), training=True)
    model.backward(np.ones((4, 10), np.float32))
    before = state(model)
    reads(model)[name](images(3, seed=2))
    assert same_state(before, state(model)), f"{name} wrote into the model's layers"


def test_a_read_leaves_the_last_gradients_alone():
    """The Inside page shows the norms of the last training gradients: a saliency map
    computed on the same model in between must not replace them."""
    model = every_kind_of_layer()
    model.forward(images(4, seed=1), training=True)
    model.backward(np.ones((4, 10), np.float32))
    stats = model.layer_stats()
    model.input_gradient(images(2, seed=3))
    assert model.layer_stats() == stats


def run_together(jobs, rounds: int) -> list[str]:
    """Run each job(i) for i in range(rounds), all jobs at once on their own threads.

    A tiny switch interval makes the threads interleave at almost every bytecode, so
    a read that leaves anything in the layers is caught in the act.
    """
    problems: list[str] = []
    start = threading.Barrier(len(jobs))

    def worker(job):
        start.wait()
        for i in range(rounds):
            try:
                problem = job(i)
            except Exception as e:  # a failure to report, not to stop the other thread
                problem = f"round {i}: {type(e).__name__}: {e}"
            if problem:
                problems.append(problem)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    return problems


@pytest.mark.parametrize("which", ["every kind of layer", "the bundled model"])
def test_two_visitors_on_one_model_get_the_answers_they_would_get_alone(which):
    """Saliency in one thread; activations and probabilities of other images in the
    other: every result equals, exactly, the same call made alone."""
    model = every_kind_of_layer() if which == "every kind of layer" else load_default_model()
    drawings = images(ROUNDS, seed=10).reshape(ROUNDS, 1, 784)  # one drawing per call
    batches = images(ROUNDS * 3, seed=11).reshape(ROUNDS, 3, 784)  # another visitor's
    alone_saliency = [model.input_gradient(x) for x in drawings]
    alone_acts = [model.activations(X) for X in batches]
    alone_proba = [model.predict_proba(X) for X in batches]

    def saliency(i):
        if not np.array_equal(model.input_gradient(drawings[i]), alone_saliency[i]):
            return f"round {i}: saliency differs from the same call made alone"
        return None

    def activations(i):
        acts = model.activations(batches[i])
        if not all(np.array_equal(a, b) for a, b in zip(acts, alone_acts[i], strict=True)):
            return f"round {i}: activations differ from the same call made alone"
        if not np.array_equal(model.predict_proba(batches[i]), alone_proba[i]):
            return f"round {i}: probabilities differ from the same call made alone"
        return None

    problems = run_together([saliency, activations], ROUNDS)
    assert problems == [], f"{len(problems)} of {2 * ROUNDS} rounds went wrong: {problems[:3]}"
