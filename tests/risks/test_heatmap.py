"""Heat-map counts against hand-made risks, and the heat-map page."""

import pytest

from vigil.accounts.models import User
from vigil.organisations.models import Organisation
from vigil.plans.risks.heatmap import heat_map
from vigil.plans.risks.models import Risk
from vigil.plans.risks.scoring import Level, default_matrix

from ..conftest import login
from .conftest import english, make_risk

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]


def hand_made(organisation: Organisation) -> None:
    make_risk(organisation, threat="A", likelihood="3", impact="4")
    make_risk(organisation, threat="B", likelihood="3", impact="4")
    make_risk(
        organisation,
        threat="C",
        likelihood="1",
        impact="2",
        residual_likelihood="1",
        residual_impact="1",
    )


def counts(grid: object) -> dict[tuple[int, int], int]:
    from vigil.plans.risks.heatmap import HeatMap

    assert isinstance(grid, HeatMap)
    return {
        (cell.likelihood, cell.impact): cell.count
        for _likelihood, cells in grid.rows
        for cell in cells
        if cell.count
    }


def test_current_counts(centre_a: Organisation) -> None:
    hand_made(centre_a)
    risks = Risk.objects.filter(organisation=centre_a)

    grid = heat_map(default_matrix(), risks, residual=False)

    assert counts(grid) == {(3, 4): 2, (1, 2): 1}
    assert grid.total == 3
    assert [likelihood for likelihood, _cells in grid.rows] == [4, 3, 2, 1]
    assert grid.impacts == (1, 2, 3, 4)


def test_residual_counts(centre_a: Organisation) -> None:
    hand_made(centre_a)
    risks = Risk.objects.filter(organisation=centre_a)

    grid = heat_map(default_matrix(), risks, residual=True)

    assert counts(grid) == {(2, 3): 2, (1, 1): 1}


def test_cells_are_coloured_by_level() -> None:
    grid = heat_map(default_matrix(), [], residual=False)
    cells = {(c.likelihood, c.impact): c for _l, row in grid.rows for c in row}

    assert cells[(1, 1)].level == Level.LOW
    assert cells[(2, 2)].level == Level.MEDIUM
    assert cells[(4, 2)].level == Level.HIGH
    assert cells[(4, 4)].level == Level.CRITICAL
    assert len(cells) == 16


def test_page_links_counts_to_filtered_list(
    centre_a: Organisation, viewer_a: User
) -> None:
    hand_made(centre_a)

    page = english(login(viewer_a)).get(f"/c/{centre_a.slug}/risks/").content.decode()

    base = f"/c/{centre_a.slug}/registers/risks/"
    assert f'href="{base}?likelihood=3&amp;impact=4">2</a>' in page
    assert f'href="{base}?residual_likelihood=1&amp;residual_impact=1">1</a>' in page
    assert 'class="level-critical"' in page
    assert "score 12–16" in page
    assert "table.heatmap { width: auto; }" in page


def test_filtered_list_shows_the_cell(centre_a: Organisation, viewer_a: User) -> None:
    hand_made(centre_a)
    url = f"/c/{centre_a.slug}/registers/risks/?likelihood=3&impact=4"

    page = english(login(viewer_a)).get(url).content.decode()

    assert ">A</a>" in page
    assert ">B</a>" in page
    assert ">C</a>" not in page
