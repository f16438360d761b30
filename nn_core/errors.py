"""The exceptions nn_core raises on purpose.

Every error a student or teacher can cause by pointing the code at the wrong thing
(a missing folder, a truncated download, a file that is not what its name says)
gets its own class here, so the app can catch exactly these and show the message,
while genuine bugs still surface as ordinary tracebacks.

All of them derive from ``ValueError``: the problem is always a bad *value* handed
to us (a path, a file's contents), not a bug in the program.
"""

from __future__ import annotations

__all__ = ["CollectionError", "DataError", "DataUnavailableError"]


class DataError(ValueError):
    """A data file is missing, unreadable or not what it should be.

    The message always names the file and says what is wrong with it, e.g.
    ``".../train-images-idx3-ubyte.gz: truncated: the header promises 47,040,000
    pixel bytes but only 1,024 follow"``.
    """


class DataUnavailableError(DataError):
    """No source at all could provide the requested data set.

    Raised by ``load_dataset`` once the folder, the cache, the download and the
    bundled sample have all failed. The message lists what was tried and explains
    how to provide the data: a folder passed as ``data_dir=`` or named by the
    environment variable ``NN_DATA_DIR``, holding one folder per data set
    (``mnist/``, ``fashion-mnist/``) or the four IDX files directly.
    """


class CollectionError(DataError):
    """A collection of drawings (or a file that should hold one) cannot be used as it is.

    Raised for class names that are missing, too long or repeated, labels outside the
    classes, and uploaded ``.npz`` files with the wrong parts, shapes, types or sizes.
    The message says what is wrong in one sentence a student can act on.
    """


class ModelFileError(ValueError):
    """A file that should hold a saved model does not; the message says why.

    Raised by ``MLP.load`` for anything it cannot accept: not an .npz, a pickle,
    missing or misshapen weights, a damaged archive. Students upload files to a shared
    server, so a bad file must produce a sentence a person can act on, never a
    traceback from deep inside NumPy.
    """
