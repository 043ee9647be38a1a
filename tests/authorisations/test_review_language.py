"""Review decisions and authorisations in Dutch and French.

A decision stores the changed fields by name with their codes. The review
page, its result file and the audit trail show the fields' verbose names and
the codes' choice labels in the reader's language.
"""

import datetime

import pytest
from django.utils import translation

from tests.authorisations.factories import authorisation
from tests.conftest import login
from vigil.accounts.models import User
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation
from vigil.registers.authorisations import results, reviews
from vigil.registers.authorisations.models import Authorisation, ReviewCampaign

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]

START = datetime.date(2026, 3, 2)
CHANGES = {
    "nl": ["toegangsniveau: beheren → lezen", "geldig tot: — → 2026-12-31"],
    "fr": [
        "niveau d'accès\u00a0: administration → lecture",
        "valable jusqu'au\u00a0: — → 2026-12-31",
    ],
}


@pytest.fixture
def record(centre_a: Organisation) -> Authorisation:
    return authorisation(
        centre_a,
        "Lies Wouters",
        application="Personeelsbeheer",
        access_level="administer",
        valid_from=datetime.date(2021, 1, 2),
    )


@pytest.fixture
def changed(
    record: Authorisation, centre_a: Organisation, consultant_a: User
) -> ReviewCampaign:
    """A review whose only line changed the access level and the end date."""
    campaign = reviews.start_review(
        centre_a,
        name="Herziening 2026",
        started_on=START,
        due_by=START + datetime.timedelta(days=30),
        actor=consultant_a,
    )
    reviews.decide(
        campaign.lines.get(),
        "changed",
        actor=consultant_a,
        decided_on=START,
        changes={"access_level": "read", "valid_until": "2026-12-31"},
    )
    return campaign


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_review_page_shows_field_labels(
    changed: ReviewCampaign, consultant_a: User, language: str
) -> None:
    page = (
        login(consultant_a)
        .get(
            f"/c/centre-a/authorisations/reviews/{changed.pk}/",
            headers={"Accept-Language": language},
        )
        .content.decode()
    )

    for change in CHANGES[language]:
        assert change.replace("'", "&#x27;") in page
    assert "access_level" not in page
    assert "administer" not in page


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_result_file_shows_field_labels(changed: ReviewCampaign, language: str) -> None:
    with translation.override(language):
        rows = results.result_rows(reviews.result(changed))

    assert rows[0][-1] == "; ".join(CHANGES[language])


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "nl",
            {
                "Regel": None,
                "Autorisatie": "Lies Wouters · Personeelsbeheer (lezen)",
                "Beslissing": "gewijzigd",
                "Beslist op": "2026-03-02",
                "Wijzigingen": "\n".join(CHANGES["nl"]),
            },
        ),
        (
            "fr",
            {
                "Ligne": None,
                "Autorisation": "Lies Wouters · Personeelsbeheer (lecture)",
                "Décision": "modifié",
                "Décidé le": "2026-03-02",
                "Modifications": "\n".join(CHANGES["fr"]),
            },
        ),
    ],
)
def test_decision_on_trail_translated(
    changed: ReviewCampaign, language: str, expected: dict[str, str | None]
) -> None:
    entry = AuditEntry.objects.get(action="authorisation.review_decided")

    with translation.override(language):
        lines = {line.label: line.text for line in entry.new_lines}

    for label, text in expected.items():
        assert label in lines
        if text is not None:
            assert lines[label] == text


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nl", "Lies Wouters · Personeelsbeheer (beheren)"),
        ("fr", "Lies Wouters · Personeelsbeheer (administration)"),
    ],
)
def test_authorisation_text_translated(
    record: Authorisation, language: str, text: str
) -> None:
    with translation.override(language):
        assert str(record) == text
