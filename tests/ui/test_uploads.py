"""Uploaded models (ui.uploads): judged by the network they declare, in the order that
names the limit a file breaks, with the parameter cap as the last guard.

The sentences that name each limit are ``server.limits``'s (``tests/server/test_limits.py``).
"""

from __future__ import annotations

import dataclasses
import io
import json

import numpy as np
import pytest

from nn_core.errors import ModelFileError
from nn_core.model import MLP, ModelConfig
from nn_core.modelfile import FORMAT, n_params
from server.limits import limits_from_env
from ui.uploads import check_upload, read_config

SERVER = limits_from_env({})  # this server's defaults, whatever the test machine sets


def model_file(sizes, zeros: bool = False) -> bytes:
    """A model file as the Save button writes it; zero weights compress to almost nothing."""
    model = MLP(sizes)
    if zeros:
        model.set_weights([np.zeros_like(w) for w in model.get_weights()])
    buf = io.BytesIO()
    model.save(buf)
    return buf.getvalue()


def header_only(sizes) -> bytes:
    """A file that declares a network and holds none of its weights: only what is read
    before the weights can judge it."""
    buf = io.BytesIO()
    config = json.dumps(ModelConfig(sizes).to_dict())
    np.savez_compressed(buf, format=np.array(FORMAT), config=np.array(config))
    return buf.getvalue()


def test_the_declared_network_is_judged_before_the_parameter_cap():
    """784-4096-10 has 3.3 million parameters, over the cap: the visitor still hears the
    limit they broke, read from the configuration alone (there are no weights to read)."""
    with pytest.raises(ModelFileError) as err:
        check_upload(header_only((784, 4096, 10)), "wide.npz", SERVER)
    assert str(err.value) == (
        "wide.npz is larger than this server allows: "
        "Hidden layer 1 has 4,096 units; this server allows at most 512 per layer."
    )


def test_read_config_reads_the_architecture_and_gives_up_quietly_on_junk():
    assert read_config(header_only((784, 4096, 10)), "x").sizes == (784, 4096, 10)
    assert read_config(b"not a zip", "x") is None


def test_an_unreadable_file_gets_the_engines_sentence():
    with pytest.raises(ModelFileError, match="junk.npz: not a model file"):
        check_upload(b"garbage", "junk.npz", SERVER)


def test_the_parameter_cap_still_guards_what_the_limits_do_not_judge():
    tiny = dataclasses.replace(SERVER, max_upload_params=1000)
    with pytest.raises(ModelFileError) as err:
        check_upload(model_file((784, 8, 10)), "small.npz", tiny)
    assert str(err.value) == (
        "small.npz: a 784 -> 8 relu -> 10 network has 6,370 parameters; "
        "this server accepts at most 1,000"
    )


def test_the_default_cap_is_the_largest_network_the_limits_allow():
    largest = (784, 512, 512, 512, 10)
    assert SERVER.upload_param_cap == n_params(largest)
    assert check_upload(model_file(largest, zeros=True), "big.npz", SERVER).config.sizes == largest
    assert limits_from_env({"NN_MAX_UPLOAD_PARAMS": "1000"}).upload_param_cap == 1000


def test_raising_the_unit_limit_never_makes_a_legal_upload_fail_the_cap():
    """Two layers of 2,048 units: 5.8 million parameters, legal once a teacher allows
    2,048 units per layer, whatever a fixed cap would have said."""
    wide = limits_from_env({"NN_MAX_HIDDEN_UNITS": "2048"})
    data = model_file((784, 2048, 2048, 10), zeros=True)
    assert check_upload(data, "wide.npz", wide).config.sizes == (784, 2048, 2048, 10)
