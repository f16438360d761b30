"""Uploaded models (ui.uploads): judged by the network they declare, in the order that
names the limit a file breaks, with the parameter cap as the last guard; read once; and
refused on a page that shows another data set than the one they learned.

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
from ui.uploads import check_upload, max_members

SERVER = limits_from_env({})  # this server's defaults, whatever the test machine sets


def model_file(sizes, zeros: bool = False, meta: dict | None = None) -> bytes:
    """A model file as the Save button writes it; zero weights compress to almost nothing."""
    model = MLP(sizes)
    if zeros:
        model.set_weights([np.zeros_like(w) for w in model.get_weights()])
    buf = io.BytesIO()
    model.save(buf, meta=meta)
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


def test_an_upload_is_read_once(parsed_records):
    """The declared network is judged and the weights read from one parse of the zip's
    directory (one record per entry), not one parse for the config and another for all."""
    data = model_file((784, 8, 10))
    parsed_records.clear()  # writing the file made records too: count only the reading
    check_upload(data, "mine.npz", SERVER)
    assert len(parsed_records) == 7  # format, config, meta, W0, b0, W1, b1: each parsed once


def test_the_entries_allowed_are_those_of_the_deepest_network_plus_a_few():
    """Three hidden layers: 4 Dense layers, 11 entries; four spare, so a file with one
    hidden layer too many still hears the limit it breaks."""
    assert max_members(SERVER) == 15
    with pytest.raises(ModelFileError, match="This model has 4 hidden layers"):
        check_upload(model_file((784, 8, 8, 8, 8, 10)), "deep.npz", SERVER)
    buf = io.BytesIO()
    np.savez(buf, **{f"x{i}": np.zeros(0) for i in range(16)})
    with pytest.raises(ModelFileError, match="lists 16 entries; .* at most 15 "):
        check_upload(buf.getvalue(), "many.npz", SERVER)


def test_a_model_of_another_data_set_is_refused_with_how_to_use_it():
    data = model_file((784, 8, 10), meta={"dataset": "fashion-mnist"})
    with pytest.raises(ModelFileError) as err:
        check_upload(data, "clothes.npz", SERVER, "mnist")
    assert str(err.value) == (
        "clothes.npz was trained on Fashion-MNIST, and this page shows MNIST: its answers "
        "would be clothes, not digits. To use it, choose Fashion-MNIST under “Data set” "
        "in the sidebar."
    )
    assert check_upload(data, "clothes.npz", SERVER, "fashion-mnist").meta["dataset"]


def test_a_data_set_the_app_does_not_have_is_refused_without_echoing_its_name():
    data = model_file((784, 8, 10), meta={"dataset": "![](//evil/x) kmnist"})
    with pytest.raises(ModelFileError) as err:
        check_upload(data, "k.npz", SERVER, "mnist")
    assert str(err.value) == (
        "k.npz was trained on a data set this app does not have, not on MNIST: its answers "
        "about digits would mean nothing."
    )


@pytest.mark.parametrize("meta", [{}, {"dataset": "MNIST"}, {"dataset": "mnist"}])
def test_a_model_of_this_data_set_or_of_none_named_loads(meta):
    data = model_file((784, 8, 10), meta=meta)
    assert check_upload(data, "mine.npz", SERVER, "mnist").config.sizes == (784, 8, 10)
