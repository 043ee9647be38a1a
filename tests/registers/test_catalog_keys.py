"""Names of the catalog's register keys on a norm's page."""

import pytest
from django.utils import translation

from tests.conftest import login
from vigil.accounts.models import User
from vigil.assessments.services import create_assessment
from vigil.catalog.models import CatalogVersion
from vigil.organisations.models import Organisation
from vigil.registers.catalog_keys import register_name


@pytest.mark.parametrize(
    ("language", "risks", "continuity"),
    [
        ("en", "Risk analysis", "Continuity plan"),
        ("nl", "Risicoanalyse", "Continuïteitsplan"),
        ("fr", "Analyse des risques", "Plan de continuité"),
    ],
)
def test_register_name_translated(language: str, risks: str, continuity: str) -> None:
    with translation.override(language):
        assert register_name("risks") == risks
        assert register_name("continuity") == continuity


def test_unknown_key_shown_as_is() -> None:
    assert register_name("shredder") == "shredder"


@pytest.mark.django_db
@pytest.mark.usefixtures("fast_password_hasher")
@pytest.mark.parametrize(
    ("code", "language", "name"),
    [
        ("4.7.1", "nl", "Risicoanalyse"),
        ("4.7.2", "fr", "Plan de continuité"),
        ("4.7.1", "en", "Risk analysis"),
    ],
)
def test_norm_page_names_related_registers(
    consultant_a: User,
    centre_a: Organisation,
    catalog: CatalogVersion,
    code: str,
    language: str,
    name: str,
) -> None:
    create_assessment(centre_a, 2026, actor=None, catalog=catalog)
    client = login(consultant_a)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language

    page = client.get(f"/c/centre-a/questionnaires/2026/norms/{code}/")

    text = page.content.decode()
    assert f": {name}</p>" in text
    assert ": risks</p>" not in text
    assert ": continuity</p>" not in text
