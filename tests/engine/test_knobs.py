"""The table of Train settings agrees with the engine it describes.

Every row names a field that exists where it says, offers only values that field
accepts, and every recipe is offered; a typo in a row would otherwise surface only as
a lesson link that quietly does nothing.
"""

from __future__ import annotations

import dataclasses

import pytest

from nn_core.knobs import BY_NAME, FIELDS, KNOBS, PRESET_CHOICES, Knob, to_config
from nn_core.model import ModelConfig
from nn_core.presets import PRESETS, Preset
from nn_core.train import TrainConfig

OWNERS = {"model": ModelConfig, "train": TrainConfig, "recipe": Preset}


def _fields(cls) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)} | ({"preset"} if cls is Preset else set())


@pytest.mark.parametrize("knob", KNOBS, ids=lambda k: k.name)
def test_every_row_names_a_field_where_it_says(knob):
    assert knob.parts and set(knob.parts) <= set(OWNERS)
    for part in knob.parts:
        assert knob.field in _fields(OWNERS[part]), (knob.name, part)
    assert knob.label and knob.help.endswith(".")
    assert knob.flag == "--" + knob.name.replace("_", "-")


@pytest.mark.parametrize("knob", [k for k in KNOBS if k.parts != ("recipe",)], ids=lambda k: k.name)
def test_every_offered_value_is_one_the_config_accepts(knob):
    base = {"model": ModelConfig(), "train": TrainConfig()}
    for value in knob.choices or (1, 2):
        config = to_config(knob, value)
        if knob.kind == "sizes":
            config = (784, config, 10)
        for part in knob.parts:
            made = dataclasses.replace(base[part], **{knob.field: config})
            assert getattr(made, knob.field) == config


def test_names_and_fields_are_unique_and_every_recipe_is_offered():
    assert len(BY_NAME) == len(KNOBS) and len(set(FIELDS)) == len(FIELDS)
    assert set(PRESET_CHOICES) == set(PRESETS) == set(BY_NAME["preset"].choices)


def test_a_row_of_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kind"):
        Knob("x", "x", ("train",), "slider", "X", "An x.")
