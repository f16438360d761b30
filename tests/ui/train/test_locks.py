"""What a lesson link locks stays locked: across the page's runs, a training run, visits
to other pages and reloads, through AppTest.

A reload is a new session that knows nothing of the old one: it gets only what the
address bar says. So the test reloads as the browser would, by opening the app afresh
with the query parameters the tab shows at that moment. Streamlit drops a page's query
parameters when the visitor moves to another page; the test drops them too before every
move, so only what the app writes back is there.
"""

from __future__ import annotations

import pytest

from tests.support.apptest import open_app, open_page, page_path
from ui.state import K
from ui.train import keys

LINK = {"page": "train", "preset": "fast", "lr": "1", "init": "naive", "lock": "lr,init"}


@pytest.fixture
def at(bundled_sample_only):
    return open_page(query=LINK)


def assert_locked(at) -> None:
    assert not at.exception
    lr, init = at.select_slider(key=keys.LR), at.selectbox(key=keys.INIT)
    assert (lr.value, init.value) == (1.0, "naive")
    assert lr.disabled and init.disabled
    assert at.selectbox(key=keys.PRESET).disabled  # a preset would undo the locks
    assert not at.select_slider(key=keys.BATCH).disabled  # only what the link named


def visit(at, page: str):
    """Move to ``page`` by the navigation, which leaves the address without parameters."""
    at.query_params.clear()
    at.switch_page(page_path(page))
    return at.run()


def reload(at, page: str = "train"):
    """The browser's reload of the address ``at`` shows, then a visit to ``page``."""
    again = open_app(query=dict(at.query_params))
    return visit(again, page)


def test_the_link_locks_its_settings_on_the_train_page(at):
    assert_locked(at)
    assert {"lr": "1", "init": "naive", "lock": "lr,init"}.items() <= at.query_params.items()


def test_locks_hold_across_the_pages_runs_and_a_training_run(at):
    at.run()
    assert_locked(at)
    at.select_slider(key=keys.BATCH).set_value(64).run()  # the visitor changes another
    assert_locked(at)
    at.button(key=keys.STEP).click().run()  # a run starts and takes one step
    assert at.session_state[K.WORKSPACE].shown_run() is not None
    assert_locked(at)
    at.button(key=keys.STOP).click().run()
    at.button(key=keys.RESET).click().run()
    assert_locked(at)
    assert at.select_slider(key=keys.BATCH).value == 64  # the visitor's own choice stays


def test_locks_hold_across_page_visits(at):
    for page in ("inside", "evaluate", "classroom", "learn"):
        visit(at, page)
        assert not at.exception
        assert at.query_params["lock"] == "lr,init" and at.query_params["lr"] == "1"
        assert "page" not in at.query_params  # the words stay; the tab is not sent away
        visit(at, "train")
        assert_locked(at)


def test_locks_hold_across_reloads_on_any_page(at):
    assert_locked(reload(at))  # on the Train page itself
    inside = visit(at, "inside")
    assert_locked(reload(inside))  # a reload on another page, then back to Train
    twice = reload(reload(inside, "draw"))
    assert_locked(twice)


def test_coming_back_does_not_take_back_what_the_visitor_chose(at):
    """The lesson is applied once per tab: finding its words in the address again (the
    app writes them back on every page) does not reset the controls it left free."""
    at.select_slider(key=keys.BATCH).set_value(64).run()
    visit(at, "data")
    visit(at, "train")
    assert at.select_slider(key=keys.BATCH).value == 64
    assert_locked(at)
