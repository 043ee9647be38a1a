"""Score figures that link to their norms, and the score rule from the scale."""

from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import login, option
from vigil.accounts.models import User
from vigil.assessments.models import Assessment
from vigil.assessments.services import create_assessment
from vigil.catalog.models import CatalogVersion
from vigil.organisations.models import Organisation

pytestmark = pytest.mark.usefixtures("fast_password_hasher")

BASE = "/c/centre-a/questionnaires/2025/"
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def assessment(
    catalog: CatalogVersion, centre_a: Organisation, consultant_a: User
) -> Assessment:
    created = create_assessment(centre_a, 2025, actor=consultant_a)
    # Chapter 4.9 has two norms: one implemented, one without an answer.
    created.answers.filter(norm__code="4.9.2").update(
        option=option(catalog, "implemented")
    )
    return created


def page(response: Any) -> str:
    return str(response.content.decode())


def chapter_nav(response: Any) -> str:
    return page(response).split('id="chapter-nav"', 1)[1].split("</nav>", 1)[0]


# Figures as links


def test_chapter_figure_links_to_its_norms(
    assessment: Assessment, consultant_a: User
) -> None:
    response = login(consultant_a).get(BASE, headers=ENGLISH)
    nav = chapter_nav(response)

    assert '<a href="?chapter=4.9#norms">1/2 · 50.0 %</a>' in nav
    assert '<a href="?chapter=4.1#norms">0/1 · 0.0 %</a>' in nav


def test_overall_score_links_to_every_norm(
    assessment: Assessment, consultant_a: User
) -> None:
    response = login(consultant_a).get(BASE, headers=ENGLISH)
    nav = chapter_nav(response)
    total = assessment.answers.count()
    expected_percent = (Decimal(100) / total).quantize(Decimal("0.1"))

    assert 'href="?chapter=all#norms"' in nav
    assert f"score {expected_percent} %</a>" in nav


def test_every_chapter_lists_all_norms(
    assessment: Assessment, consultant_a: User
) -> None:
    response = login(consultant_a).get(f"{BASE}?chapter=all", headers=ENGLISH)
    shown = [row["norm"].code for row in response.context["rows"]]
    expected = list(
        assessment.answers.order_by("norm__position").values_list(
            "norm__code", flat=True
        )
    )

    assert response.status_code == 200
    assert response.context["chapter"] is None
    assert shown == expected
    assert 'id="norm-4.1"' in page(response)
    assert 'id="norm-4.9.2"' in page(response)
    assert "<h2>4.9 " in page(response)
    assert 'aria-current="page" data-testid="overall-score"' in page(response)


def test_dashboard_score_links_to_every_norm(
    assessment: Assessment, consultant_a: User
) -> None:
    response = login(consultant_a).get("/c/centre-a/", headers=ENGLISH)

    assert f'href="{BASE}?chapter=all#norms"' in page(response)


# The score rule


def test_rule_shows_weights_of_scale(
    assessment: Assessment, consultant_a: User
) -> None:
    response = login(consultant_a).get(BASE, headers=ENGLISH)
    text = " ".join(page(response).split())

    assert "on the scale of catalog ksz-mn-2005:" in text
    assert "implemented 1, partially implemented 0.5, not implemented 0." in text
    assert "Norms answered “not applicable” are left out." in text


def test_rule_follows_changed_weight(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    catalog.answer_options.filter(code="partial").update(weight=Decimal("0.25"))

    english = login(consultant_a).get(BASE, headers=ENGLISH)
    dutch = login(consultant_a).get(BASE, headers={"Accept-Language": "nl"})

    assert "partially implemented 0.25," in page(english)
    assert "partially implemented 0.5," not in page(english)
    assert "gedeeltelijk geïmplementeerd 0,25," in page(dutch)


def test_rule_lists_options_left_out(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    catalog.answer_options.filter(code="not_implemented").update(counts_in_score=False)

    text = page(login(consultant_a).get(BASE, headers=ENGLISH))

    assert "implemented 1, partially implemented 0.5." in text
    assert "Norms answered “not implemented” are left out." in text
    assert "Norms answered “not applicable” are left out." in text


def test_dashboard_shows_rule_of_catalog(
    assessment: Assessment, consultant_a: User
) -> None:
    response = login(consultant_a).get("/c/centre-a/", headers=ENGLISH)
    text = " ".join(page(response).split())

    assert text.count('data-testid="score-rule"') == 1
    assert "partially implemented 0.5" in text


def test_saved_answer_keeps_rule_in_chapter_list(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    answer = assessment.answers.get(norm__code="4.1")
    data = {
        f"n{answer.pk}-option": option(catalog, "implemented").pk,
        f"n{answer.pk}-justification": "",
        f"n{answer.pk}-planned_date": "",
        f"n{answer.pk}-owner": "",
        f"n{answer.pk}-comment": "",
    }

    response = login(consultant_a).post(
        f"{BASE}norms/4.1/",
        data,
        headers={"HX-Request": "true", "Accept-Language": "en"},
    )
    nav = " ".join(chapter_nav(response).split())

    assert response.status_code == 200
    assert '<a href="?chapter=4.1#norms">1/1 · 100.0 %</a>' in nav
    assert "partially implemented 0.5" in nav
