"""How well does the network read canvas drawings, with and without MNIST's preprocessing?

MNIST test digits are redrawn like canvas drawings (random size, place and pen width;
see tests/support/redrawn.py). Each canvas is then fed to the network two ways:
  naive:  the whole canvas shrunk to 28x28 (what most demos do), and
  ours:   nn_core.preprocess.canvas_to_mnist (crop, fit to 20x20, centre by mass).
It prints both accuracies and how long canvas_to_mnist and one prediction take.

Run from the repository root, with the folder holding mnist/ in NN_DATA_DIR:
    NN_DATA_DIR=/work/shared python -m bench.bench_canvas --n 2000

The model: --model PATH (a file saved by MLP.save), else nn_core.load_default_model(),
else (or with --quick) a small network trained here on the MNIST training set by
nn_core itself (784-256-10, Adam, batch 128).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from nn_core import MLP, TrainConfig, Trainer, load_dataset
from nn_core.data import Dataset
from nn_core.errors import DataError, DataUnavailableError
from nn_core.preprocess import canvas_to_mnist
from tests.support.redrawn import iter_redrawn, naive_shrink
from tests.support.samples import as_digits


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=2000, help="number of redrawn test digits")
    p.add_argument("--model", type=Path, help="model file saved by nn_core's MLP.save")
    p.add_argument("--quick", action="store_true", help="train a quick network here instead")
    p.add_argument("--epochs", type=int, default=4, help="epochs for the quick network")
    p.add_argument("--augment", type=float, default=0.0, help="random_distort strength")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--canvas", type=int, default=280, help="canvas side in pixels")
    p.add_argument("--data-dir", help="folder holding mnist/ (default: $NN_DATA_DIR, the cache)")
    return p.parse_args(argv)


def bundled_model():
    """The bundled model, nn_core.load_default_model(), if the package provides it and it
    loads, else None."""
    try:
        from nn_core import load_default_model
    except ImportError:
        return None
    try:
        return load_default_model()
    except Exception as error:  # a missing or unreadable bundled model: train one instead
        print(f"nn_core.load_default_model() failed ({error!r}); training a quick MLP.")
        return None


def get_model(args: argparse.Namespace, data: Dataset):
    """The model to evaluate (anything with .predict(X (n, 784)) -> (n,)) and its name."""
    if args.model is not None:
        return MLP.load(args.model), str(args.model)
    model = None if args.quick else bundled_model()
    if model is not None:
        return model, "nn_core.load_default_model()"
    model = MLP((784, 256, 10), activation="relu", init="he", seed=args.seed)
    config = TrainConfig(
        epochs=args.epochs,
        batch_size=128,
        optimizer="adam",
        lr=1e-3,
        distort=args.augment,  # random_distort on each batch, with this strength
        seed=args.seed,
    )
    t0 = time.perf_counter()
    Trainer(model, data.X_train, data.y_train, config).run()
    name = f"quick MLP 784-256-10, {args.epochs} epochs, augment={args.augment}"
    return model, f"{name} (trained in {time.perf_counter() - t0:.0f} s)"


def load_mnist(data_dir: str | None) -> Dataset:
    """The full MNIST from ``data_dir`` (a folder holding mnist/), else from NN_DATA_DIR or
    the user cache; never downloads, never the bundled sample."""
    if data_dir is not None:
        return load_dataset("mnist", data_dir, download=False, allow_bundled=False)
    return load_dataset("mnist", download=False, allow_bundled=False)


def run(images: np.ndarray, rng: np.random.Generator, canvas: int):
    """Redraw images and preprocess each canvas both ways.

    Returns naive (n, 784), ours (n, 784) with zeros where canvas_to_mnist gave None,
    the count of Nones, and per-canvas times in ms of canvas_to_mnist and naive_shrink.
    """
    n = len(images)
    naive, ours = np.zeros((n, 784), np.float32), np.zeros((n, 784), np.float32)
    t_ours, t_naive, empty = np.zeros(n), np.zeros(n), 0
    for k, rgba in enumerate(iter_redrawn(images, rng, canvas)):
        t0 = time.perf_counter()
        x = canvas_to_mnist(rgba)
        t1 = time.perf_counter()
        naive[k] = naive_shrink(rgba).reshape(784)
        t_ours[k], t_naive[k] = (t1 - t0) * 1e3, (time.perf_counter() - t1) * 1e3
        if x is None:
            empty += 1
        else:
            ours[k] = x.reshape(784)
    return naive, ours, empty, t_ours, t_naive


def predict_ms(model, x: np.ndarray, repeats: int = 200) -> float:
    """Median time in ms of one single-image prediction."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        model.predict(x.reshape(1, 784))
        times.append(time.perf_counter() - t0)
    return float(np.median(times) * 1e3)


def describe(name: str, t: np.ndarray) -> str:
    q50, q95 = np.percentile(t, [50, 95])
    return f"{name:<16} median {q50:.2f} ms   p95 {q95:.2f} ms   max {t.max():.2f} ms"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        data = load_mnist(args.data_dir)
    except (DataError, DataUnavailableError) as error:
        print(f"No MNIST: set NN_DATA_DIR (or --data-dir) to the folder holding mnist/.\n{error}")
        return 2
    images, labels = as_digits(data.X_test[: args.n]), data.y_test[: args.n]  # (n, 28, 28)
    model, name = get_model(args, data)
    naive, ours, empty, t_ours, t_naive = run(images, np.random.default_rng(args.seed), args.canvas)
    original = data.X_test[: args.n]  # (n, 784) float32 in [0, 1]
    print(f"model: {name}")
    print(f"{len(images)} MNIST test digits redrawn on a {args.canvas}x{args.canvas} canvas")
    for label, X in [
        ("original 28x28", original),
        ("naive shrink", naive),
        ("canvas_to_mnist", ours),
    ]:
        print(f"  accuracy {label:<16} {np.mean(model.predict(X) == labels):7.2%}")
    print(f"  canvas_to_mnist returned None for {empty} canvases (counted as wrong)")
    p_ms = predict_ms(model, ours[0])
    print(describe("canvas_to_mnist", t_ours))
    print(describe("naive shrink", t_naive))
    print(f"{'one prediction':<16} median {p_ms:.2f} ms")
    print(f"{'preprocess+pred':<16} median {np.median(t_ours) + p_ms:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
