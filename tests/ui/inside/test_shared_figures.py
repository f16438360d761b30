"""A class opening Inside at once (issue 22): the bundled network's figures are built once
per server and shared; a visitor's own network keeps figures of its own."""

from __future__ import annotations

import pytest

from nn_core.model import MLP, ModelConfig
from tests.support.apptest import open_page
from ui.inside import charts_weights, context, keys

pytestmark = pytest.mark.usefixtures("bundled_sample_only")  # the same data on every machine


@pytest.fixture
def grids_built(monkeypatch) -> list[int]:
    """How many weight grids the page builds (each call records the grid's unit count)."""
    built: list[int] = []
    plain = charts_weights.weight_grid_figure

    def counted(W, order, title):
        built.append(W.shape[1])
        return plain(W, order, title)

    monkeypatch.setattr(charts_weights, "weight_grid_figure", counted)
    context._for_everyone.clear()  # no grid left over from another test
    return built


def test_two_visitors_of_the_bundled_network_share_one_grid(grids_built):
    first = open_page("inside", {keys.VIEW: "Weights"})
    second = open_page("inside", {keys.VIEW: "Weights"})
    assert "bundled pretrained model" in second.markdown[0].value
    assert len(grids_built) == 1
    assert first.session_state[keys.UNIT] == second.session_state[keys.UNIT] == 0


def test_a_visitors_own_network_gets_a_grid_of_its_own(grids_built):
    own = MLP(config=ModelConfig((784, 12, 10), seed=3))
    open_page("inside", {keys.VIEW: "Weights"})
    open_page("inside", {keys.VIEW: "Weights"}, model=own)
    open_page("inside", {keys.VIEW: "Weights"}, model=own)
    assert grids_built[0] != 12 and grids_built[1:] == [12, 12]
