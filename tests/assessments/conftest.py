"""Fixtures of the assessment tests."""

from collections.abc import Iterator

import pytest
from django.utils import translation

from tests.assessments.filling import fill_assessment
from vigil.accounts.models import User
from vigil.assessments.models import Assessment
from vigil.assessments.services import create_assessment
from vigil.catalog.models import CatalogVersion
from vigil.organisations.models import Organisation


@pytest.fixture
def english() -> Iterator[None]:
    """Run in English, so that messages compare with the source texts."""
    with translation.override("en"):
        yield


@pytest.fixture
def filled(
    catalog: CatalogVersion, centre_a: Organisation, consultant_a: User
) -> Assessment:
    """The 2026 questionnaire of centre A, answered by fill_assessment."""
    assessment = create_assessment(centre_a, 2026, actor=consultant_a)
    fill_assessment(assessment, consultant_a)
    return assessment
