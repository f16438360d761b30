"""Model files a visitor uploads: judged by the network they declare before a weight is read.

A model file can be tiny on disk and huge in use: zeros compress to almost nothing, so a
few hundred kilobytes can declare a 784-25000-10 network whose forward pass over the test
set needs gigabytes. A shared server therefore reads the file's small ``config`` entry
first and refuses a network that breaks a limit the teacher set (hidden layers, units per
layer) with the sentence that names that limit; only then are the weights read, never
more of them than ``ServerLimits.upload_param_cap``.

The Train page (continue from a saved model) and the Evaluate page (compare with a saved
model) both go through ``check_upload``, so neither can be more lenient than the other.
Whether the model fits the data set on screen is each page's own sentence to say.
"""

from __future__ import annotations

import io

from nn_core.errors import ModelFileError
from nn_core.model import MLP, ModelConfig, load_model
from nn_core.modelfile import read_config as read_declared
from server.limits import ServerLimits, model_violations
from ui import text


def read_config(data: bytes, name: str) -> ModelConfig | None:
    """The architecture a model file declares, from its ``config`` entry alone.

    The entry goes through the engine's own guards (its ``.npy`` header, its length and
    its JSON nesting are checked before it is parsed), and none of the weights is
    touched. None when the entry cannot be read: then ``load_model`` says precisely
    what is wrong with the file, in the words it uses everywhere else.
    """
    named = io.BytesIO(data)
    named.name = name
    try:
        return read_declared(named)
    except ModelFileError:
        return None


def refuse_if_too_large(config: ModelConfig, name: str, limits: ServerLimits) -> None:
    """ModelFileError with one sentence per server limit the network breaks."""
    broken = model_violations(config, limits)
    if broken:
        raise ModelFileError(f"{name} is larger than this server allows: {' '.join(broken)}")


def check_upload(data: bytes, name: str, limits: ServerLimits) -> MLP:
    """The model in an uploaded file, if this server allows it; else ModelFileError.

    The order is the point: the declared network is judged against the limits first,
    so a 784-4096-10 file hears "at most 512 units per layer" (the limit it breaks),
    not "too many parameters"; the parameter cap in ``load_model`` is the last guard,
    for a file whose network cannot be judged before its weights are read. The sentences
    name the file as one clean line (``ui.text.plain``): a name is the visitor's words.
    """
    name = text.plain(name)
    declared = read_config(data, name)
    if declared is not None:
        refuse_if_too_large(declared, name, limits)
    named = io.BytesIO(data)
    named.name = name  # load_model's sentences name the file the visitor chose
    model = load_model(named, max_params=limits.upload_param_cap)
    refuse_if_too_large(model.config, name, limits)  # what was read, had the header failed
    return model
