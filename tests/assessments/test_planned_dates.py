"""Planned dates that have passed: a warning on the answer and the check page."""

import datetime

import pytest
from django.utils import timezone, translation

from tests.conftest import answer_everything, login, option
from vigil.accounts.models import User
from vigil.assessments.models import Assessment
from vigil.assessments.rules import planned_date_warning
from vigil.assessments.services import (
    AnswerInput,
    create_assessment,
    find_gaps,
    find_warnings,
    save_answer,
    submit_assessment,
)
from vigil.catalog.models import CatalogVersion
from vigil.organisations.models import Organisation

pytestmark = pytest.mark.usefixtures("fast_password_hasher")

TODAY = datetime.date(2026, 5, 15)


@pytest.mark.parametrize(
    ("year", "planned", "warned"),
    [
        (2026, datetime.date(2026, 5, 14), True),
        (2026, TODAY, False),
        (2026, datetime.date(2026, 12, 31), False),
        (2025, datetime.date(2024, 12, 31), True),
        (2025, datetime.date(2025, 1, 1), False),
        (2025, datetime.date(2025, 3, 1), False),
        (2027, datetime.date(2026, 12, 31), True),
        (2027, datetime.date(2027, 1, 1), False),
    ],
)
def test_planned_date_warning_threshold(
    catalog: CatalogVersion, year: int, planned: datetime.date, warned: bool
) -> None:
    partial = option(catalog, "partial")

    warning = planned_date_warning(partial, planned, year, TODAY)

    assert (warning is not None) is warned


def test_planned_date_warning_names_date_and_year(catalog: CatalogVersion) -> None:
    partial = option(catalog, "partial")

    with translation.override("en"):
        past_year = planned_date_warning(
            partial, datetime.date(2024, 6, 1), 2025, TODAY
        )
        this_year = planned_date_warning(
            partial, datetime.date(2026, 2, 1), 2026, TODAY
        )

    assert past_year is not None
    assert past_year.field == "planned_date"
    assert "2024-06-01" in past_year.message
    assert "2025" in past_year.message
    assert this_year is not None
    assert "2026-02-01 is in the past" in this_year.message


def test_planned_date_warning_only_when_required(catalog: CatalogVersion) -> None:
    implemented = option(catalog, "implemented")
    old = datetime.date(2020, 1, 1)

    assert planned_date_warning(implemented, old, 2026, TODAY) is None
    assert planned_date_warning(None, old, 2026, TODAY) is None
    assert planned_date_warning(option(catalog, "partial"), None, 2026, TODAY) is None


@pytest.fixture
def assessment(
    catalog: CatalogVersion, centre_a: Organisation, consultant_a: User
) -> Assessment:
    return create_assessment(centre_a, 2025, actor=consultant_a)


def test_past_planned_date_saved_and_warned(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    answer = assessment.answers.get(norm__code="4.1")
    data = AnswerInput(
        option(catalog, "not_implemented"),
        justification="Budget volgend jaar.",
        planned_date=datetime.date(2024, 3, 1),
    )

    changed = save_answer(answer, data, actor=consultant_a)
    warnings = find_warnings(assessment, today=TODAY)

    assert changed
    assert [(w.norm, w.field) for w in warnings] == [("4.1", "planned_date")]
    assert "2024-03-01" in warnings[0].message


def test_past_planned_date_not_a_gap(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    answer_everything(assessment)
    assessment.answers.filter(norm__code="4.4.4").update(
        option=option(catalog, "partial"), planned_date=datetime.date(2023, 1, 1)
    )

    gaps = find_gaps(assessment)
    submission = submit_assessment(assessment, actor=consultant_a)

    assert gaps == []
    assert submission.number == 1


def test_check_page_lists_warnings(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    answer_everything(assessment)
    assessment.answers.filter(norm__code="4.4.4").update(
        option=option(catalog, "partial"), planned_date=datetime.date(2023, 1, 1)
    )

    response = login(consultant_a).get(
        "/c/centre-a/questionnaires/2025/submit/", HTTP_ACCEPT_LANGUAGE="en"
    )
    text = response.content.decode()

    assert response.status_code == 200
    assert 'data-testid="warnings"' in text
    assert "4.4.4</a>: The planned date 2023-01-01 is before" in text
    assert 'data-testid="submit"' in text


def test_norm_page_shows_warning(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    this_year = timezone.localdate().year
    current = create_assessment(assessment.organisation, this_year, actor=consultant_a)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    current.answers.filter(norm__code="4.1").update(
        option=option(catalog, "partial"), planned_date=yesterday
    )

    response = login(consultant_a).get(
        f"/c/centre-a/questionnaires/{this_year}/norms/4.1/",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    text = response.content.decode()

    assert response.status_code == 200
    assert 'data-testid="answer-warning"' in text
    assert f"The planned date {yesterday.isoformat()} is in the past" in text
