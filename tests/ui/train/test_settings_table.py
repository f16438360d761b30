"""The one table of Train settings (``nn_core.knobs``), row by row, against everything
that reads it: the controls, lesson links and their locks, presets, the class board and
the command line. A row added to the table is checked here without a new test."""

from __future__ import annotations

from pathlib import Path

import pytest

from nn_core.cli import configs_from_args, parse_args
from nn_core.knobs import KNOBS, SEED_END, Knob
from nn_core.presets import PRESETS
from server.limits import LIMITS
from tests.support.apptest import open_page
from tests.support.runs import make_run
from ui.classroom import tables
from ui.classroom.records import SharedRun
from ui.classroom.sharing import entry_from_run
from ui.lesson.plan import SPREADABLE
from ui.train import keys
from ui.train.lesson import WORDS, lesson_query, parse_lesson
from ui.train.settings import (
    SETTINGS,
    Choices,
    preset_values,
    settings_from_values,
    units_key,
    widget_keys,
)
from ui.train.widgets import TABS

CHOICES = Choices.for_limits(LIMITS)
ONE_EACH = [k for k in KNOBS if k.kind not in ("preset", "sizes")]


def offered(knob: Knob) -> tuple:
    """Every value the control offers on this server (a seed: three of them)."""
    if knob.kind == "seed":
        return (0, 7, SEED_END - 1)
    return CHOICES.offered(knob)


def round_trip(values: dict) -> dict:
    """The widget values a student gets from the link *Share these settings* writes."""
    query = lesson_query(values)
    lesson = parse_lesson(query)
    assert lesson.notes == (), lesson.notes  # nothing snapped, nothing ignored
    return {**preset_values(query["preset"], LIMITS), **lesson.values}


@pytest.mark.parametrize("knob", ONE_EACH, ids=lambda k: k.name)
def test_every_value_of_every_row_goes_through_a_link_and_back(knob):
    key = keys.setting(knob.name)
    for preset in PRESETS:
        for value in offered(knob):
            values = {**preset_values(preset, LIMITS), key: value}
            back = round_trip(values)
            assert back[key] == value and type(back[key]) is type(value), (preset, value)


def test_the_hidden_layers_go_through_a_link_and_back():
    for layers in range(CHOICES.max_layers + 1):
        for units in CHOICES.units:
            values = {**preset_values("fast", LIMITS), keys.LAYERS: layers}
            values.update({units_key(i): units for i in range(layers)})
            back = round_trip(values)
            assert back[keys.LAYERS] == layers
            assert [back[units_key(i)] for i in range(layers)] == [units] * layers


def test_a_link_sets_the_preset_and_only_the_preset():
    for preset in PRESETS:
        assert round_trip(preset_values(preset, LIMITS)) == preset_values(preset, LIMITS)


@pytest.mark.parametrize("knob", KNOBS, ids=lambda k: k.name)
def test_lockable_rows_lock_and_the_others_say_they_cannot(knob):
    lesson = parse_lesson({"lock": knob.name})
    if knob.lockable:
        assert keys.setting(knob.name) in lesson.locked and lesson.notes == ()
        if knob.kind == "sizes":
            assert keys.UNITS in lesson.locked  # every layer's size with the count
    else:
        assert lesson.locked == frozenset()
        assert f"lock={knob.name} (cannot be locked)" in lesson.notes[0]


def test_a_link_locking_every_lockable_row_greys_out_each_control(bundled_sample_only):
    lockable = [k.name for k in KNOBS if k.lockable]
    at = open_page(query={"page": "train", "hidden": "64,32", "lock": ",".join(lockable)})
    for knob in KNOBS:
        widget = at.get_by_key(keys.setting(knob.name))  # the page's own element
        assert widget.label == knob.label and widget.help == knob.help, knob.name
        # the preset is not lockable, but greyed out under any lock: it would undo them
        assert widget.disabled is (knob.lockable or knob.kind == "preset"), knob.name
    assert all(at.select_slider(key=units_key(i)).disabled for i in range(2))


def _cli_words(knob: Knob) -> list[list[str]]:
    """Command lines that set ``knob`` to each value the Train page offers for it."""
    if knob.kind == "flag":
        return [[knob.flag], [f"--no-{knob.flag[2:]}"]]
    if knob.kind == "sizes":
        return [[knob.flag], [knob.flag, "256", "128"]]
    values = [v for v in offered(knob) if v or not knob.none_at_zero]  # "all": no flag
    return [[knob.flag, f"{v:g}" if isinstance(v, float) else str(v)] for v in values]


@pytest.mark.parametrize("knob", KNOBS, ids=lambda k: k.name)
def test_the_cli_accepts_every_rows_flag_and_sets_its_field(knob):
    for argv in _cli_words(knob):
        args = parse_args(argv)
        recipe = configs_from_args(args)
        if knob.kind == "sizes":
            assert list(recipe.model.hidden) == [int(v) for v in argv[1:]]
            continue
        said = getattr(args, knob.name)
        assert said is not None, argv
        for part in knob.parts:
            config = {"model": recipe.model, "train": recipe.train, "recipe": recipe}[part]
            field = "name" if knob.kind == "preset" else knob.field
            assert getattr(config, field) == said, (argv, part)


def test_the_presets_controls_make_the_presets_configs():
    """A preset's values, turned back into configs, are that preset (within the limits)."""
    for name, preset in PRESETS.items():
        settings = settings_from_values(preset_values(name, LIMITS), LIMITS, 60_000)
        assert settings.preset == name and settings.standardize == preset.standardize
        assert settings.model.hidden == preset.model.hidden
        for knob in SETTINGS:
            for part in set(knob.parts) - {"recipe"}:
                ours = getattr(getattr(settings, part), knob.field)
                theirs = getattr(getattr(preset, part), knob.field)
                if knob.name == "epochs":  # the server's limits cut them
                    theirs = min(theirs, LIMITS.max_epochs)
                if knob.name == "time_budget" and theirs is not None:
                    theirs = min(theirs, LIMITS.max_train_seconds)
                assert ours == theirs, (name, knob.name)


def test_every_control_has_a_key_and_a_tab():
    drawn = [name for names in TABS.values() for name in names]
    assert sorted(drawn) == sorted(k.name for k in KNOBS if k.kind != "preset")
    assert {keys.setting(k.name) for k in KNOBS} <= set(widget_keys(LIMITS))
    constants = {v for k, v in vars(keys).items() if k.isupper() and isinstance(v, str)}
    assert {keys.setting(k.name) for k in KNOBS} <= constants  # the names tests use


def test_lesson_plans_use_the_rows_words():
    assert {k.name for k in KNOBS} <= set(WORDS)
    assert set(SPREADABLE) == {k.name for k in KNOBS if k.lockable and k.kind != "sizes"}


def _shared_run() -> SharedRun:
    """A run of the fast preset as the board gets it back from the store."""
    entry = entry_from_run(make_run(1, lr=0.1, optimizer="adam", preset="fast"))
    return SharedRun(
        1, 1, "Sam", entry.name, "mnist", "finished", entry.settings, entry.curves,
        entry.validation, 0.9, 0.3, 1.0, 1.0, 10, False, False, 0.0,
    )  # fmt: skip


def test_the_board_labels_every_row_it_shows():
    shown = [k for k in KNOBS if k.board]
    assert [tables.label_of(k.field) for k in shown] == [k.board_label for k in shown]
    assert [tables.COLOR_BY[k.board_label] for k in shown] == [k.field for k in shown]
    assert {k.field for k in KNOBS if k.ordered} == tables.ORDERED
    run = _shared_run()
    (row,) = tables.board_rows([run])
    columns = [k.board_label for k in KNOBS if k.board == "table"]
    assert [c for c in row if c in columns] == columns
    assert row["learning rate"] == "0.1" and row["optimiser"] == "adam"
    assert row["hidden layers"] == "128"
    for knob in shown:  # a run named by any setting the board is coloured by
        words = tables.run_words(run, knob.field)
        value = tables.show_value(tables.setting_value(run, knob.field))
        assert words == (f"{knob.short} {value}" if knob.short else value), knob.name


def test_a_shared_run_carries_every_rows_setting():
    fast = PRESETS["fast"]
    run = make_run(1, preset="fast", standardize=True, model_config=fast.model.to_dict(),
                   train_config=fast.train.to_dict())  # fmt: skip
    settings = entry_from_run(run).settings
    assert list(settings)[: len(KNOBS)] == [k.field for k in KNOBS]  # the table's order


def test_the_readme_names_every_rows_word_and_flag():
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    names = readme[readme.index("Names: `page`") :].split("\n\n")[0]
    flags = readme[readme.index("with the lesson links' words") :].split("\n\n")[0]
    for knob in KNOBS:
        assert f"`{knob.name}`" in names, knob.name
        assert f"`{knob.flag}" in flags, knob.flag


def test_a_presets_values_are_worked_out_once_and_each_caller_gets_its_own_copy():
    from ui.train.settings import preset_values

    first = preset_values("fast", LIMITS)
    first.clear()  # a caller that changes its copy changes nobody else's
    again = preset_values("fast", LIMITS)
    assert again and again == preset_values("fast", LIMITS)
    assert again is not preset_values("fast", LIMITS)
