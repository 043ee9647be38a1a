"""Audit entries whose object label is a translated word, read in another language.

A search or export of the access log, a change of the open case files and a
register import store a word as their object label in the language of the
user who acted. The trail shows that word in the reader's language.
"""

from pathlib import Path

import pytest
from django.utils import translation

from tests.accesslog.factories import event
from vigil.accesslog.detection.lists import change_open_cases
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.search import Criteria, record_search
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation
from vigil.registers import services
from vigil.registers.backups.specs import RUNS

pytestmark = pytest.mark.django_db

BACKUP_DATA = Path(__file__).parent.parent / "backups" / "data"


def shown_label(action: str, language: str) -> str:
    entry = AuditEntry.objects.get(action=action)
    with translation.override(language):
        return entry.shown_object_label


def test_search_label_in_reader_language(centre_a: Organisation) -> None:
    with translation.override("fr"):
        record_search(centre_a, Criteria(user_id="U1"), actor=None, export_format=None)

    stored = AuditEntry.objects.get(action="accesslog.searched").object_label
    assert stored == "entrées du journal des accès"
    assert shown_label("accesslog.searched", "nl") == "regels van de toegangslog"
    assert shown_label("accesslog.searched", "en") == "access log entries"


def test_open_cases_label_in_reader_language(centre_a: Organisation) -> None:
    with translation.override("en"):
        change_open_cases(
            centre_a, case_refs=["D-1"], national_numbers=[], replace=False, actor=None
        )

    assert shown_label("accesslog.open_cases_changed", "nl") == "Lopende dossiers"


def test_register_import_label_in_reader_language(centre_a: Organisation) -> None:
    content = (BACKUP_DATA / "restic-snapshots-0.14.json").read_bytes()
    with translation.override("fr"):
        rows = services.read_rows(RUNS, content, "restic-snapshots")
        services.import_rows(RUNS, centre_a, rows, actor=None)

    with translation.override("nl"):
        expected = str(RUNS.title)
    assert shown_label("register.imported", "nl") == expected
    assert AuditEntry.objects.get(action="register.imported").object_label != expected


def test_ingestion_label_kept(centre_a: Organisation) -> None:
    # Ingestion stores the organisation and an index range, in no language.
    ingest_events(centre_a, [(1, event(1))], source="test")

    assert shown_label("accesslog.ingested", "nl") == "centre-a 0–0"
