"""How well, and how fast, does a network learn a class's own 300 drawings?

A collection (``nn_core.collection``) is a few hundred drawings of 2 to 10 classes, made
in the lesson. This script makes one the way a class would, then trains on its learning
part and tests on the held-out part (``Collection.split``: a fifth of every class):

  shapes:  ``--classes`` of circle, square, triangle, plus, cross, line (3 to 6), drawn
           on the 28x28 grid at a random place, size, angle and pen width;
  digits:  ``--digits``: MNIST training digits rewritten backhand with a thick pen
           (tests/support/styles.py), 10 classes; taught two ways, from scratch and by
           fine-tuning the bundled model (``nn_core.finetune``).

The small-data recipe: a 784-128-k network, Adam at 0.002, batches of 32, random shifts
of up to 2 pixels (a few hundred drawings look like more), a fixed number of steps.
It prints the seconds each recipe took and the accuracy on the held-out drawings; the
target is a result in under 2 s on a two-core machine.

Run from the repository root:
    python -m bench.bench_collection                 # 300 drawings of 5 shapes
    python -m bench.bench_collection --digits        # 300 backhand digits
"""

from __future__ import annotations

import argparse
import os
import time

# One BLAS thread, as the app's server has (app.py): multi-threaded BLAS on a busy
# two-core machine made these small products up to ten times slower, not faster.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

from nn_core import MLP, TrainConfig, Trainer, evaluate  # noqa: E402
from nn_core.collection import DIGITS, Collection, new_collection  # noqa: E402
from nn_core.finetune import fine_tune  # noqa: E402

SHAPES = ("circle", "square", "triangle", "plus", "cross", "line")
GRID = np.mgrid[0:28, 0:28].astype(np.float32) + 0.5  # (2, 28, 28) pixel centres: y, x


def shape_image(kind: str, rng: np.random.Generator) -> np.ndarray:
    """One drawing of ``kind``, (28, 28) float32 in [0, 1]: ink where the pen passed."""
    centre = 14 + rng.uniform(-3, 3, size=2)  # (2,)
    r = rng.uniform(5, 9)  # half the shape's size
    pen = rng.uniform(0.8, 2.0)  # half the stroke width
    angle = rng.uniform(-0.3, 0.3) + (np.pi / 4 if kind == "cross" else 0.0)
    y, x = GRID[0] - centre[0], GRID[1] - centre[1]  # (28, 28) each
    u = np.cos(angle) * x + np.sin(angle) * y  # (28, 28) along the shape
    v = -np.sin(angle) * x + np.cos(angle) * y  # (28, 28) across it
    if kind == "circle":
        d = np.abs(np.hypot(u, v) - r)
    elif kind == "square":
        d = np.abs(np.maximum(np.abs(u), np.abs(v)) - r)
    elif kind == "triangle":  # three edges of an equilateral triangle, inradius r / 2
        normals = [(np.cos(t), np.sin(t)) for t in (np.pi / 2, np.pi * 7 / 6, np.pi * 11 / 6)]
        d = np.abs(np.max([a * u + b * v for a, b in normals], axis=0) - r / 2)
    elif kind in ("plus", "cross"):
        d = np.where(np.maximum(np.abs(u), np.abs(v)) <= r, np.minimum(np.abs(u), np.abs(v)), 99)
    else:  # a line
        d = np.where(np.abs(u) <= r, np.abs(v), 99)
    return np.clip(pen + 0.5 - d, 0, 1).astype(np.float32)  # (28, 28) anti-aliased edge


def shapes_collection(n: int, k: int, seed: int) -> Collection:
    rng = np.random.default_rng(seed)
    c = new_collection("shapes", "Our shapes", SHAPES[:k])
    for label in rng.permutation(np.arange(n) % k):
        c = c.with_drawing(shape_image(SHAPES[label], rng), int(label))
    return c


def digits_collection(n: int) -> Collection:
    from nn_core.data import load_sample
    from tests.support.styles import backhand

    ds = load_sample("mnist")
    images = backhand(ds.X_train[:n]).reshape(n, 28, 28)  # (n, 28, 28)
    return Collection("digits", "Our handwriting", DIGITS, images, ds.y_train[:n].copy())


def from_scratch(ds, steps: int, seed: int) -> MLP:
    """The small-data recipe: a modest network, Adam, small batches, random shifts."""
    k = len(ds.class_names)
    model = MLP((784, 128, k), seed=seed)
    epochs = int(np.ceil(steps * 32 / ds.n_train))
    config = TrainConfig(
        epochs=epochs, batch_size=32, optimizer="adam", lr=0.002, shift=2, seed=seed
    )
    Trainer(model, ds.X_train, ds.y_train, config).run(max_steps=steps)
    return model


def timed(what: str, make, ds) -> None:
    """Wall seconds (what a student waits), CPU seconds of this process (what the
    machine spent: the same on a busy server), and the accuracy on held-out drawings."""
    t0, c0 = time.perf_counter(), time.process_time()
    model = make()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    accuracy = evaluate(model, ds.X_test, ds.y_test).accuracy
    print(
        f"  {what:<34} {wall:5.2f} s wall {cpu:5.2f} s CPU   "
        f"held-out accuracy {accuracy:6.1%} ({ds.n_test})"
    )


def one_collection(args: argparse.Namespace, seed: int) -> None:
    """Make one collection, then time each recipe on it."""
    c = digits_collection(args.n) if args.digits else shapes_collection(args.n, args.classes, seed)
    ds = c.to_dataset(seed=seed)
    print(f"{c.title}, seed {seed}: {c.n} drawings of {len(c.class_names)} classes, "
          f"{ds.n_train} to learn from")  # fmt: skip
    timed(f"from scratch, {args.steps} steps", lambda: from_scratch(ds, args.steps, seed), ds)
    if args.digits:
        from nn_core import load_default_model

        bundled = load_default_model()
        tune = lambda: fine_tune(bundled, ds.X_train, ds.y_train, steps=args.steps, lr=0.05)  # noqa: E731
        timed(f"bundled model fine-tuned, {args.steps} st.", tune, ds)
        timed("bundled model as it is", lambda: bundled, ds)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=300, help="drawings in the collection")
    p.add_argument("--classes", type=int, default=5, help="shapes: 3 to 6 classes")
    p.add_argument("--digits", action="store_true", help="backhand MNIST digits instead")
    p.add_argument("--steps", type=int, default=300, help="mini-batch steps of each recipe")
    p.add_argument("--seeds", type=int, default=3, help="collections (and networks) to try")
    args = p.parse_args(argv)
    if not 3 <= args.classes <= len(SHAPES):
        p.error(f"--classes must be 3 to {len(SHAPES)}")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    for seed in range(args.seeds):
        one_collection(args, seed)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
