"""Verification runs on the audit trail in the reader's language.

A run stores its object label in the language of the user who ran it and the
summary of a run that passed in English. The trail shows both from the
stored run, in the language of the page.
"""

import pytest
from django.utils import translation

from tests.accesslog.factories import event
from tests.conftest import login
from tests.incidents.factories import make_finding
from vigil.accesslog.detection.services import triage_finding
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.models import VerificationRun
from vigil.accesslog.verification import verify_log
from vigil.accounts.models import User
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]


@pytest.fixture
def french_run(centre_a: Organisation) -> AuditEntry:
    """A log of two entries verified from the French command line."""
    ingest_events(centre_a, [(1, event(1)), (2, event(2))], source="test")
    with translation.override("fr"):
        verify_log(centre_a)
    return AuditEntry.objects.get(action="accesslog.verified")


@pytest.mark.parametrize(
    ("language", "type_label", "object_label", "counts"),
    [
        (
            "nl",
            "Verificatie van de toegangslog",
            "verificatie van 2 regels op",
            "geverifieerde logregels: 2 (waarvan 0 verlopen",
        ),
        (
            "fr",
            "Vérification du journal des accès",
            "vérification de 2 entrées le",
            "entrées vérifiées\u00a0: 2 (dont 0 expirées",
        ),
    ],
)
def test_verification_in_reader_language(
    french_run: AuditEntry,
    management_a: User,
    language: str,
    type_label: str,
    object_label: str,
    counts: str,
) -> None:
    page = (
        login(management_a)
        .get("/c/centre-a/audit/", headers={"Accept-Language": language})
        .content.decode()
    )

    assert type_label in page
    assert object_label in page
    assert counts in page
    assert "Verification run" not in page
    assert "entries verified" not in page


def test_dutch_label_of_french_run(french_run: AuditEntry) -> None:
    with translation.override("nl"):
        label = french_run.shown_object_label

    assert french_run.object_label.startswith("vérification de 2 entrées")
    assert label.startswith("verificatie van 2 regels op ")
    assert label.endswith(": geverifieerd")


def test_failed_run_without_reason_as_stored(french_run: AuditEntry) -> None:
    # A run recorded before reasons were stored has its English message only.
    VerificationRun.objects.filter(pk=int(french_run.object_id)).update(ok=False)
    # Audit entries cannot be changed in the database, so only in memory.
    french_run.new_values = {
        key: value for key, value in french_run.new_values.items() if key != "reason"
    }

    with translation.override("nl"):
        lines = {line.label: line.text for line in french_run.new_lines}

    assert lines["Bericht"] == french_run.new_values["message"]


@pytest.mark.parametrize(
    ("language", "label"),
    [("nl", "Sleutels van de toegangslog"), ("fr", "Clés du journal des accès")],
)
def test_log_keys_type_translated(
    centre_a: Organisation, language: str, label: str
) -> None:
    ingest_events(centre_a, [(1, event(1))], source="test")
    entry = AuditEntry.objects.get(action="accesslog.keys_created")

    with translation.override(language):
        assert entry.object_type_label == label


def test_finding_rule_in_reader_language(
    centre_a: Organisation, consultant_a: User
) -> None:
    finding = make_finding(centre_a)
    with translation.override("en"):
        triage_finding(finding, status="dismissed", note="known", actor=consultant_a)
    entry = AuditEntry.objects.get(action="accesslog.finding_triaged")
    with translation.override("nl"):
        label = entry.shown_object_label

    assert entry.object_label == "Consultation outside office hours U123456 2026-03-02"
    assert label == "Raadpleging buiten de kantooruren U123456 2026-03-02"
