"""Incidents made from misuse findings use the findings pages' term.

The access log's pages call a misuse finding "bevinding" in Dutch and
"constat" in French, so the incident pages and messages must too.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from tests.incidents.factories import make_finding
from tests.test_translations import messages
from vigil.accounts.models import User
from vigil.organisations.models import Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]

# The findings pages' word for a finding, and the word they do not use for
# it. Dutch "vaststelling" without "van misbruik" is an incident's detection.
TERMS = {"nl": ("bevinding", "vaststelling"), "fr": ("constat", "constatation")}
PAGE_TEXTS = {
    "nl": (
        "incident aangemaakt op basis van de bevinding; vul het hieronder aan.",
        "bevinding van mogelijk misbruik in de toegangslog",
        "vaststelling van misbruik",
    ),
    "fr": (
        "incident créé à partir du constat\u00a0; complétez-le ci-dessous.",
        "constat d'abus potentiel dans le journal des accès",
        "constatation",
    ),
}
INCIDENTS_LOCALE = Path(settings.BASE_DIR) / "registers" / "incidents" / "locale"


@pytest.mark.parametrize("language", sorted(TERMS))
def test_findings_page_term(language: str) -> None:
    term, _ = TERMS[language]

    with translation.override(language):
        assert str(translation.gettext("Finding")).lower() == term


@pytest.mark.parametrize("language", sorted(TERMS))
def test_incident_catalogue_uses_term(language: str) -> None:
    term, other = TERMS[language]
    po = INCIDENTS_LOCALE / language / "LC_MESSAGES" / "django.po"
    about_findings = [
        entry for entry in messages(po) if "finding" in entry.msgid.lower()
    ]

    assert about_findings
    for entry in about_findings:
        text = entry.msgstr[0].lower()
        assert term in text, entry
        assert other not in text, entry


@pytest.mark.parametrize("language", sorted(TERMS))
def test_incident_from_finding_pages(
    client: Client, centre_a: Organisation, consultant_a: User, language: str
) -> None:
    message, heading, other = PAGE_TEXTS[language]
    finding = make_finding(centre_a)
    client.force_login(consultant_a)
    headers = {"Accept-Language": language}

    response = client.post(
        f"/c/{centre_a.slug}/incidents/from-finding/{finding.pk}/",
        headers=headers,
        follow=True,
    )
    page = response.content.decode().lower()

    assert response.status_code == 200
    assert message in page
    assert heading in page
    assert other not in page
