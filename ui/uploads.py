"""Model files a visitor uploads: judged by the network they declare before a weight is read.

A model file can be tiny on disk and huge in use: zeros compress to almost nothing, so a
few hundred kilobytes can declare a 784-25000-10 network whose forward pass over the test
set needs gigabytes. A shared server therefore judges the file's small ``config`` entry
first and refuses a network that breaks a limit the teacher set (hidden layers, units per
layer) with the sentence that names that limit; only then are the weights read, never
more of them than ``ServerLimits.upload_param_cap``. The zip itself may list no more
entries than the deepest network allowed needs, and it is read once.

A file also says which data set it learned (its ``meta``): a Fashion-MNIST network
given MNIST digits answers with the names of clothes, so it is refused on a page that
shows the other data set, with the sentence that says how to use it.

The Train page (continue from a saved model) and the Evaluate page (compare with a saved
model) both go through ``check_upload``, so neither can be more lenient than the other.
Whether the model's sizes fit the data set on screen is each page's own sentence to say.
"""

from __future__ import annotations

import io

from nn_core.errors import ModelFileError
from nn_core.model import MLP, ModelConfig, load_model
from nn_core.modelfile import SPARE_MEMBERS, members_needed
from server.limits import ServerLimits, model_violations
from ui import text
from ui.active import dataset_info, known


def refuse_if_too_large(config: ModelConfig, name: str, limits: ServerLimits) -> None:
    """ModelFileError with one sentence per server limit the network breaks."""
    broken = model_violations(config, limits)
    if broken:
        raise ModelFileError(f"{name} is larger than this server allows: {' '.join(broken)}")


def max_members(limits: ServerLimits) -> int:
    """Entries a model file may hold here: what the deepest network allowed needs, plus a
    few spare (4 hidden layers -> 5 Dense layers -> 13 entries, +4)."""
    return members_needed(limits.max_hidden_layers + 1) + SPARE_MEMBERS


def refuse_if_other_dataset(model: MLP, name: str, dataset: str) -> None:
    """ModelFileError if the file says it learned another data set than ``dataset``.

    MNIST and Fashion-MNIST images have the same size, so the layer sizes cannot tell
    them apart; only the file's ``meta`` can. A file that names no data set (written by
    another tool) is taken as it is. The name a file gives is never echoed: it is text
    from whoever made the file.
    """
    claimed = model.meta.get("dataset")
    if claimed is None:
        return
    here = dataset_info(dataset)
    if not known(str(claimed)):  # a collection of another tab, or a data set from elsewhere
        raise ModelFileError(
            f"{name} was trained on a data set this app does not have, not on {here.title}: "
            f"its answers about {here.plural} would mean nothing."
        )
    trained = dataset_info(str(claimed))
    if trained.name != here.name:
        raise ModelFileError(
            f"{name} was trained on {trained.title}, and this page shows {here.title}: its "
            f"answers would be {trained.plural}, not {here.plural}. To use it, choose "
            f"{trained.title} under “Data set” in the sidebar."
        )


def check_upload(data: bytes, name: str, limits: ServerLimits, dataset: str | None = None) -> MLP:
    """The model in an uploaded file, if this server allows it; else ModelFileError.

    The order is the point: the declared network is judged against the limits first,
    so a 784-4096-10 file hears "at most 512 units per layer" (the limit it breaks),
    not "too many parameters"; the parameter cap in ``load_model`` is the last guard.
    All of it from one reading of the archive. With ``dataset`` (the data set the page
    shows) a file trained on another one is refused too. The sentences name the file as
    one clean line (``ui.text.plain``): a name is the visitor's words.
    """
    name = text.plain(name)
    named = io.BytesIO(data)
    named.name = name  # load_model's sentences name the file the visitor chose
    model = load_model(
        named,
        max_params=limits.upload_param_cap,
        max_members=max_members(limits),
        check=lambda config: refuse_if_too_large(config, name, limits),
    )
    if dataset is not None:
        refuse_if_other_dataset(model, name, dataset)
    return model
