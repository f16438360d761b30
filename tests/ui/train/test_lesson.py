"""Lesson links: query parameters in, Train settings out, always inside the server's limits."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qsl, urlsplit

import pytest

from server.limits import LIMITS
from ui.train import keys
from ui.train.lesson import lesson_query, parse_lesson, share_link
from ui.train.settings import DEFAULT_PRESET, preset_values, settings_from_values, units_key


def test_names_like_the_cli_flags_set_the_controls():
    lesson = parse_lesson({"init": "naive", "lr": "0.3", "hidden": "256,128", "standardize": "no"})
    v = lesson.values
    assert v[keys.INIT] == "naive" and v[keys.LR] == 0.3
    assert v[keys.LAYERS] == 2 and v[units_key(0)] == 256 and v[units_key(1)] == 128
    assert v[keys.STANDARDIZE] is False
    assert lesson.notes == ()


def test_values_between_choices_snap_with_a_note():
    lesson = parse_lesson({"lr": "0.25", "batch_size": "100", "hidden": "300"})
    assert lesson.values[keys.LR] == 0.3
    assert lesson.values[keys.BATCH] == 128
    assert lesson.values[units_key(0)] == 256
    assert "lr 0.25 → 0.3" in lesson.notes[0] and "batch_size 100 → 128" in lesson.notes[0]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"lr": "fast"}, "lr=fast"),
        ({"lr": "nan"}, "lr=nan"),
        ({"init": "zeros"}, "init=zeros"),
        ({"colour": "red"}, "colour"),
        ({"page": "admin"}, "page=admin"),
        ({"lock": "everything"}, "lock=everything"),
        ({"seed": "-4"}, "seed=-4"),
        ({"preset": "magic"}, "preset=magic"),
    ],
)
def test_bad_values_are_ignored_and_named_never_raised(params, named):
    lesson = parse_lesson(params)
    assert len(lesson.notes) == 1 and named in lesson.notes[0]
    assert not any(k in lesson.values for k in (keys.LR, keys.INIT, keys.SEED))


def test_nothing_can_exceed_the_servers_limits():
    tight = dataclasses.replace(LIMITS, max_hidden_units=128, max_hidden_layers=1, max_epochs=5)
    lesson = parse_lesson({"hidden": "2048,2048", "epochs": "500", "batch_size": "99999"}, tight)
    v = lesson.values
    assert v[keys.LAYERS] == 1 and v[units_key(0)] == 128
    assert v[keys.EPOCHS] == 5 and v[keys.BATCH] <= tight.max_batch_size
    values = {**preset_values(DEFAULT_PRESET, tight), **v}
    settings = settings_from_values(values, tight, 60_000)
    assert settings.model.hidden == (128,) and settings.train.epochs == 5


def test_locks_name_controls():
    lesson = parse_lesson({"lock": "lr,init,hidden"})
    assert {keys.LR, keys.INIT, keys.LAYERS, keys.UNITS} <= lesson.locked


def test_the_share_link_reads_back_as_the_same_settings():
    values = preset_values("fast", LIMITS)
    values.update({keys.LR: 0.03, keys.INIT: "xavier", keys.LAYERS: 2})
    values[units_key(1)] = 64
    link = share_link(values, "http://class.example:8501")
    parts = urlsplit(link)
    assert parts.netloc == "class.example:8501" and parts.path == "/"
    query = dict(parse_qsl(parts.query))
    assert query == lesson_query(values)
    back = {**preset_values("fast", LIMITS), **parse_lesson(query).values}
    for key in (keys.LR, keys.INIT, keys.LAYERS, units_key(0), units_key(1)):
        assert back[key] == values[key], key
    assert parse_lesson(query).page == "train"
