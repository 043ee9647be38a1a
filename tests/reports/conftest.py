"""Fixtures of the export tests: an answered questionnaire, draft and submitted."""

from collections.abc import Iterator

import pytest
from django.utils import translation

from tests.assessments.filling import fill_assessment
from vigil.accounts.models import User
from vigil.assessments.models import Assessment
from vigil.assessments.services import create_assessment, submit_assessment
from vigil.catalog.models import CatalogVersion
from vigil.organisations.models import Organisation

YEAR = 2026


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Run in English, so that messages compare with the source texts."""
    with translation.override("en"):
        yield


@pytest.fixture
def filled(
    catalog: CatalogVersion, centre_a: Organisation, consultant_a: User
) -> Assessment:
    """A draft questionnaire of centre A with every norm answered."""
    assessment = create_assessment(centre_a, YEAR, actor=consultant_a)
    fill_assessment(assessment, consultant_a)
    return assessment


@pytest.fixture
def submitted(filled: Assessment, consultant_a: User) -> Assessment:
    """The filled questionnaire, submitted, so that it has a digest."""
    submit_assessment(filled, actor=consultant_a)
    filled.refresh_from_db()
    return filled
