"""Backup runs in Dutch and French: their text and the medium's label.

The medium field shares its English word with the severity "medium" of
misuse findings, so it has a message context of its own.
"""

import datetime

import pytest
from django.utils import translation

from tests.backups.factories import run
from tests.conftest import login
from vigil.accounts.models import User
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation
from vigil.registers.backups.models import BackupRun

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]

DAY = datetime.date(2026, 12, 4)


@pytest.mark.parametrize(
    ("language", "text"),
    [("nl", "2026-12-04 22:00 wekelijks I"), ("fr", "2026-12-04 22:00 hebdomadaire I")],
)
def test_run_text_translated(centre_a: Organisation, language: str, text: str) -> None:
    backup = run(centre_a, DAY, "weekly", "I")

    with translation.override(language):
        assert str(backup) == text


@pytest.mark.parametrize(
    ("language", "label", "wrong"),
    [("nl", "Medium", "Gemiddeld"), ("fr", "Support", "Moyenne")],
)
def test_medium_label_translated(
    centre_a: Organisation, consultant_a: User, language: str, label: str, wrong: str
) -> None:
    backup = run(centre_a, DAY, "weekly", "I")
    client = login(consultant_a)
    headers = {"Accept-Language": language}
    base = f"/c/centre-a/registers/backup-runs/{backup.pk}/"

    pages = [
        client.get(base, headers=headers),
        client.get(f"{base}edit/", headers=headers),
    ]

    for page in pages:
        assert page.status_code == 200
        assert label in page.content.decode()
        assert wrong not in page.content.decode()
    with translation.override(language):
        entry = AuditEntry.objects.get(
            action="register.record_created", object_id=str(backup.pk)
        )
        assert label in [line.label for line in entry.new_lines]
        assert str(BackupRun._meta.get_field("medium").verbose_name) == label.lower()
