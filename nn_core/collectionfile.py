"""A collection as a file: MNIST-style arrays in one ``.npz``, read back with every part checked.

The file a student downloads from Draw and uploads again next week (or on another
laptop) is a plain NumPy archive that any NumPy user can open:

    images       (n, 28, 28) uint8, 0 = background, 255 = ink, as in MNIST's files
    labels       (n,) uint8 class numbers
    class_names  (k,) text, 2 to 10 names
    title        () text, what the collection is called

Uploads come from strangers, so reading trusts nothing, as model files do
(``nn_core.modelfile``): the zip's directory is judged before it is parsed, every
member's header (shape, type) before its data is read, and each way a file can be wrong
raises :class:`~nn_core.errors.CollectionError` with one sentence a student can act on.
"""

from __future__ import annotations

import io
import zipfile
import zlib

import numpy as np

from nn_core.archive import Archive, Header
from nn_core.collection import MAX_CLASS_NAME, MAX_CLASSES, MAX_TITLE, Collection, new_collection
from nn_core.errors import CollectionError, ModelFileError
from nn_core.modelfile import ZIP_MAGIC, _judge_directory

MAX_DRAWINGS = 5_000
"""The most drawings a file may hold: 3.9 MB of pixels, more than a class makes in a term."""
MEMBERS = ("images", "labels", "class_names", "title")
SPARE = 2  # entries a file may hold beyond its members (another tool's notes)
TEXT_WORDS = {"class_names": "a class name", "title": "a collection's name"}


def collection_to_bytes(c: Collection) -> bytes:
    """The collection as a compressed ``.npz`` file's bytes (pixels as 0..255, as in MNIST)."""
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        images=np.rint(c.images * 255).astype(np.uint8),  # (n, 28, 28)
        labels=c.labels.astype(np.uint8),  # (n,)
        class_names=np.array(c.class_names, dtype=f"<U{MAX_CLASS_NAME}"),  # (k,)
        title=np.array(c.title, dtype=f"<U{MAX_TITLE}"),  # ()
    )
    return buffer.getvalue()


def collection_from_bytes(data: bytes, name: str, file_name: str = "the file") -> Collection:
    """The collection in an uploaded ``.npz``, every part checked; its data-set ``name``
    is given by the caller (it says where the collection lives, not what the file says).

    ``file_name`` is how messages call the file. Raises CollectionError for anything that
    is not a collection this app can use.
    """
    if not data.startswith(ZIP_MAGIC):
        raise CollectionError(f"{file_name} is not a collection: expected a .npz file saved here")
    try:
        _judge_directory(data, file_name, max_members=len(MEMBERS) + SPARE)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            archive = Archive(zf, file_name)
            missing = [m for m in MEMBERS if m not in archive.members]
            if missing:
                raise CollectionError(
                    f"{file_name} has no {', '.join(missing)}: is it a collection?"
                )
            return _collection(archive, name)
    except CollectionError:
        raise
    except ModelFileError as e:  # the archive's own checks, worded for model files' readers
        raise CollectionError(_for_collections(str(e))) from None
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error, ValueError) as e:
        raise CollectionError(f"{file_name} is damaged or truncated ({e})") from None


def _for_collections(message: str) -> str:
    """A sentence of the model-file reader, said of a collection file: the parts of a
    model it names (format, config, layers) mean nothing to someone uploading drawings."""
    message = message.split("; a model file", 1)[0]
    if "entries" in message or "directory takes" in message:
        message += f"; a collection file has {len(MEMBERS)} ({', '.join(MEMBERS)})"
    return message.replace("a model file", "a collection file")


def _collection(archive: Archive, name: str) -> Collection:
    names = _texts(archive, "class_names", (None,), MAX_CLASS_NAME)
    if not 2 <= len(names) <= MAX_CLASSES:
        raise CollectionError(f"{archive.name} has {len(names)} classes; a collection has 2 to 10")
    (title,) = _texts(archive, "title", (), MAX_TITLE) or ("",)
    labels_header = _header(archive, "labels", "iu", lambda s: len(s) == 1)
    n = labels_header.shape[0]
    if n > MAX_DRAWINGS:
        raise CollectionError(f"{archive.name} holds {n:,} drawings; at most {MAX_DRAWINGS:,} here")
    images_header = _header(archive, "images", "uf", lambda s: s == (n, 28, 28))
    labels = archive.read("labels", labels_header).astype(np.int64)  # (n,)
    if n and not 0 <= labels.min() <= labels.max() < len(names):
        raise CollectionError(f"{archive.name} has labels outside the classes 0..{len(names) - 1}")
    images = _pixels(archive, archive.read("images", images_header))
    try:
        empty = new_collection(name, title, names)
    except CollectionError as e:
        raise CollectionError(f"{archive.name}: {e}") from None
    return Collection(name, empty.title, empty.class_names, images, labels)


def _header(archive: Archive, key: str, kinds: str, shape_ok) -> Header:
    """The member's header, refused unless its type is one of ``kinds`` and its shape fits."""
    h = archive.header(key)
    if h.dtype.kind not in kinds or not shape_ok(h.shape):
        raise CollectionError(
            f"{archive.name}: '{key}' is {h.dtype} of shape {h.shape}, which a collection's "
            f"{key} cannot be (images are (n, 28, 28), one label per image)"
        )
    return h


def _texts(archive: Archive, key: str, shape, limit: int) -> tuple[str, ...]:
    """A text member (0-d or 1-d), each string at most ``limit`` characters."""
    h = archive.header(key)
    if h.dtype.kind != "U" or len(h.shape) != len(shape):
        raise CollectionError(f"{archive.name}: '{key}' should be short text, not {h.dtype}")
    if h.dtype.itemsize > 4 * limit:  # 4 bytes a character: judged before it is read
        raise CollectionError(
            f"{archive.name}: '{key}' holds text {h.dtype.itemsize // 4:,} characters long; "
            f"{TEXT_WORDS[key]} has at most {limit} characters"
        )
    if h.shape and h.shape[0] > MAX_CLASSES:
        raise CollectionError(f"{archive.name} has {h.shape[0]} classes; a collection has 2 to 10")
    return tuple(str(s) for s in np.atleast_1d(archive.read(key, h)))


def _pixels(archive: Archive, images: np.ndarray) -> np.ndarray:
    """``(n, 28, 28)`` float32 in [0, 1] from bytes 0..255 or floats already in [0, 1]."""
    if images.dtype.kind == "u":
        if images.dtype.itemsize != 1:
            raise CollectionError(f"{archive.name}: images should be bytes 0..255 or floats 0..1")
        return images.astype(np.float32) / 255  # (n, 28, 28)
    pixels = images.astype(np.float32)  # (n, 28, 28)
    if not np.isfinite(pixels).all() or pixels.min(initial=0) < 0 or pixels.max(initial=0) > 1:
        raise CollectionError(f"{archive.name}: float images must hold values between 0 and 1")
    return pixels
