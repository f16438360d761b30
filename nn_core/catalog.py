"""The data sets the classroom knows: what each one is, before any of it is loaded.

A :class:`DatasetInfo` holds the facts a page needs to talk about a data set (its title,
its class names, what one image shows) and what a loader needs to fetch it (file names,
MD5 digests, mirrors, the bundled sample). ``DATASETS`` lists them all;
:func:`dataset_info` looks one up by name. Loading is ``nn_core.data``'s job.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

FILES = (  # the four IDX files of every data set, by their names without .gz
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
# Bytes of each file unzipped: how a download's progress bar weighs the four files.
FILE_SIZES = dict(zip(FILES, (47_040_016, 60_008, 7_840_016, 10_008), strict=True))
FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class DatasetInfo:
    """Everything we know about a data set before loading it."""

    name: str
    title: str
    class_names: tuple[str, ...]
    noun: str  # what one image shows: "digit", "piece of clothing"
    plural: str  # many of them: "digits", "clothes"
    drawable: bool  # a drawing on a canvas is a fair input (digits are; clothes are not)
    md5: Mapping[str, str]  # base file name -> MD5 of the decompressed file
    mirrors: tuple[str, ...]
    sample: str | None = None  # file in nn_core/assets with a bundled sample
    files: tuple[str, ...] = FILES


def _md5s(*digests: str) -> dict[str, str]:
    """Pair MD5 digests with FILES, in FILES order."""
    return dict(zip(FILES, digests, strict=True))


DATASETS: dict[str, DatasetInfo] = {
    "mnist": DatasetInfo(
        name="mnist",
        title="MNIST",
        class_names=tuple(str(d) for d in range(10)),
        noun="digit",
        plural="digits",
        drawable=True,
        md5=_md5s(
            "6bbc9ace898e44ae57da46a324031adb",
            "a25bea736e30d166cdddb491f175f624",
            "2646ac647ad5339dbf082846283269ea",
            "27ae3e4e09519cfbb04c329615203637",
        ),
        mirrors=(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            "http://yann.lecun.com/exdb/mnist/",
        ),
        sample="mnist_sample.npz",
    ),
    "fashion-mnist": DatasetInfo(
        name="fashion-mnist",
        title="Fashion-MNIST",
        class_names=FASHION_CLASSES,
        noun="piece of clothing",
        plural="clothes",
        drawable=False,
        md5=_md5s(  # computed from the official files; same content, however compressed
            "f4a8712d7a061bf5bd6d2ca38dc4d50a",
            "9018921c3c673c538a1fc5bad174d6f9",
            "8181f5470baa50b63fa0f6fddb340f0a",
            "15d484375f8d13e6eb1aabb0c3f46965",
        ),
        mirrors=(
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
        ),
    ),
}


def dataset_info(name: str) -> DatasetInfo:
    """Look up a data set by name, forgiving case and ``_`` for ``-``."""
    key = str(name).strip().lower().replace("_", "-")
    if key not in DATASETS:
        raise ValueError(f"unknown data set {name!r}: choose one of {', '.join(DATASETS)}")
    return DATASETS[key]
