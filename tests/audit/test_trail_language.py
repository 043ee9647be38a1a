"""The audit trail in Dutch and French: labels, codes and object labels.

An entry stores codes and keys, and an object label in the language of the
user who made the change. The trail shows all of it in the reader's language.
"""

import pytest
from django.utils import translation

from tests.conftest import login
from vigil.accounts.models import User
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation
from vigil.plans.annual import services as annual
from vigil.plans.annual.default_template import template_of
from vigil.registers import services
from vigil.registers.spec import get_spec

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]


def trail(user: User, language: str) -> str:
    response = login(user).get(
        "/c/centre-a/audit/", headers={"Accept-Language": language}
    )
    assert response.status_code == 200
    return response.content.decode()


def shown(entry: AuditEntry, language: str) -> dict[str, str]:
    with translation.override(language):
        return {line.label: line.text for line in entry.new_lines}


def latest(action: str) -> AuditEntry:
    entry = AuditEntry.objects.filter(action=action).order_by("-id").first()
    assert entry is not None
    return entry


@pytest.mark.parametrize(
    ("language", "label", "final"),
    [
        ("nl", "Deel van het verslag", "Definitief"),
        ("fr", "Partie du rapport", "Définitif"),
    ],
)
def test_report_section_key_shown_as_title(
    centre_a: Organisation, language: str, label: str, final: str
) -> None:
    report = annual.create_report(centre_a, 2025, actor=None)
    section = report.sections.get(key="item-6")
    annual.save_text(section, "Geen andere punten.", actor=None)
    annual.mark_final(section, actor=None)
    with translation.override(language):
        title = str(section)

    lines = shown(latest("annualreport.section_final"), language)

    assert lines[label] == title
    assert lines[final] in ("ja", "oui")
    assert "item-6" not in title


@pytest.mark.parametrize(
    ("language", "title", "label"),
    [
        ("nl", "Veiligheidsincidenten", "Delen van het verslag"),
        ("fr", "Incidents de sécurité", "Parties du rapport"),
    ],
)
def test_report_sections_shown_as_titles(
    centre_a: Organisation, language: str, title: str, label: str
) -> None:
    annual.create_report(centre_a, 2025, actor=None)

    lines = shown(latest("annualreport.created"), language)

    assert title in lines[label].split(", ")
    assert "incidents" not in lines[label]


@pytest.mark.parametrize(
    ("language", "body", "labels"),
    [
        (
            "nl",
            "vast bureau",
            ["Orgaan dat kennis nam", "Referentie van de beslissing"],
        ),
        ("fr", "bureau permanent", ["Organe qui a pris connaissance"]),
    ],
)
def test_report_note_labelled(
    centre_a: Organisation, language: str, body: str, labels: list[str]
) -> None:
    report = annual.create_report(centre_a, 2025, actor=None)
    for section in report.sections.all():
        if not section.drafted_text_in("nl"):
            annual.save_text(section, "Tekst.", actor=None)
        annual.mark_final(section, actor=None)
    annual.record_note(
        report,
        date=report.created_at.date(),
        body="bureau",
        reference="VB 1",
        actor=None,
    )

    lines = shown(latest("annualreport.noted"), language)

    assert body in lines.values()
    for label in labels:
        assert label in lines
    assert "Body" not in lines


@pytest.mark.parametrize(
    ("language", "label"),
    [("nl", "Standaardsjabloon van het verslag"), ("fr", "Modèle standard du rapport")],
)
def test_template_label_in_reader_language(
    management_a: User, centre_a: Organisation, language: str, label: str
) -> None:
    with translation.override("en"):
        template_of(centre_a)

    page = trail(management_a, language)

    assert "default report template" not in page
    assert label.lower() in page.lower()


@pytest.mark.parametrize(
    ("language", "expected", "english"),
    [
        ("nl", "2025-10-05 verlies van het serverlokaal", "loss of the server room"),
        ("fr", "2025-10-05 perte de la salle des serveurs", "loss of the server room"),
    ],
)
def test_record_label_in_reader_language(
    management_a: User,
    centre_a: Organisation,
    language: str,
    expected: str,
    english: str,
) -> None:
    spec = get_spec("exercises")
    assert spec is not None
    with translation.override("en"):
        services.create_record(
            spec,
            centre_a,
            {"date": "2025-10-05", "scenario": "server_room", "result": "ok"},
            actor=None,
        )

    page = trail(management_a, language)

    assert expected in page
    assert english not in page


def test_deleted_record_keeps_stored_label(
    management_a: User, centre_a: Organisation
) -> None:
    spec = get_spec("exercises")
    assert spec is not None
    with translation.override("en"):
        exercise = services.create_record(
            spec,
            centre_a,
            {"date": "2025-10-05", "scenario": "server_room", "result": "ok"},
            actor=None,
        )
        services.delete_record(spec, exercise, actor=None)

    entry = latest("register.record_deleted")

    assert entry.shown_object_label == "2025-10-05 loss of the server room"
