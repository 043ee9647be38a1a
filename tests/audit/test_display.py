"""Audit values as a person reads them: labels, choice labels, records, yes/no."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tests.conftest import login
from vigil.accounts.models import User
from vigil.audit.actions import ACTIONS, describe
from vigil.audit.display import (
    Subject,
    record_text,
    untranslated_values,
    value_lines,
)
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation
from vigil.registers import services
from vigil.registers.incidents.models import Incident
from vigil.registers.spec import get_spec

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]


@pytest.fixture(autouse=True)
def _english() -> object:
    with translation.override("en"):
        yield


def lines(entry: AuditEntry, which: str) -> dict[str, str]:
    found = entry.old_lines if which == "old" else entry.new_lines
    return {line.label: line.text for line in found}


def test_register_values_readable(centre_a: Organisation) -> None:
    spec = get_spec("card-readers")
    assert spec is not None
    reader = services.create_record(
        spec, centre_a, {"identifier": "LEZER-01", "notes": ""}, actor=None
    )
    entry = AuditEntry.objects.get(
        action="register.record_created", object_id=str(reader.pk)
    )

    shown = lines(entry, "new")

    assert shown["Identifier"] == "LEZER-01"
    assert shown["Notes"] == "—"
    assert "identifier" not in shown


def test_choice_code_shown_as_label(centre_a: Organisation) -> None:
    spec = get_spec("activities")
    assert spec is not None
    activity = services.create_record(
        spec,
        centre_a,
        {"kind": "advice", "date": "2026-02-07", "subject": "Wachtwoorden"},
        actor=None,
    )
    entry = AuditEntry.objects.get(
        action="register.record_created", object_id=str(activity.pk)
    )

    shown = lines(entry, "new")

    assert shown["Kind"] == "written advice"
    assert shown["Date"] == "2026-02-07"


def test_values_of_unknown_keys() -> None:
    shown = {
        line.label: line.text
        for line in value_lines(
            "accesslog.nosuchmodel",
            None,
            {"ok": True, "size": 4, "first_divergent_index": None, "changes": {}},
        )
    }

    assert shown == {
        "Ok": "yes",
        "Size": "4",
        "First divergent index": "—",
        "Changes": "—",
    }


def test_related_record_by_pk(centre_a: Organisation) -> None:
    entry = AuditEntry.objects.create(
        action="organisation.updated",
        organisation=centre_a,
        object_type="organisations.site",
        old_values={"organisation": str(centre_a.pk)},
        new_values={"organisation": "999999"},
    )

    assert lines(entry, "old") == {"Organisation": str(centre_a)}
    assert lines(entry, "new") == {"Organisation": "999999"}


def test_trail_page_shows_lines(centre_a: Organisation, management_a: User) -> None:
    spec = get_spec("activities")
    assert spec is not None
    services.create_record(
        spec,
        centre_a,
        {"kind": "advice", "date": "2026-02-07", "subject": "Wachtwoorden"},
        actor=None,
    )

    response = login(management_a).get("/c/centre-a/audit/", HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()

    assert response.status_code == 200
    assert "<dt>Subject:</dt> <dd>Wachtwoorden</dd>" in text
    assert "{&#x27;" not in text
    assert "None" not in text


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_action_labels_sentence_case(language: str) -> None:
    with translation.override(language):
        texts = {action: describe(action) for action in ACTIONS}

    lower = [action for action, text in texts.items() if not text[:1].isupper()]
    assert lower == []


def test_untranslated_values_listed() -> None:
    problems = untranslated_values(
        "consultants.notification",
        {
            "channel": "pigeon",
            "sent_on": "2025-01-10",
            "stray_key": 1,
            "details": {"a": 1},
        },
    )

    assert problems == [
        "key 'channel' of consultants.notification stores ['pigeon'], which are "
        "not choices of channel",
        "key 'stray_key' of consultants.notification has no label",
        "key 'details' of consultants.notification has no label",
        "key 'details' of consultants.notification stores a mapping but has no "
        "key text",
    ]


def test_default_verbose_name_untranslated() -> None:
    # Django makes a verbose name from a field name that has none, in English.
    problems = untranslated_values("reminders.calendarfeed", {"user": "1"})

    assert problems == ["key 'user' of reminders.calendarfeed has no label"]


def test_action_keys_take_precedence(centre_a: Organisation) -> None:
    spec = get_spec("hardware")
    assert spec is not None
    hardware = services.create_record(
        spec, centre_a, spec.example(centre_a), actor=None
    )
    upload = SimpleUploadedFile("offerte.pdf", b"%PDF-1.4\n")
    services.add_attachment(hardware, upload, actor=None)
    entry = AuditEntry.objects.get(action="register.attachment_added")

    shown = lines(entry, "new")

    assert "Name" not in shown
    assert shown["File name"] == "offerte.pdf"


def test_record_text_only_of_own_centre(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    spec = get_spec("incidents")
    assert spec is not None
    incident = services.create_record(
        spec, centre_b, spec.example(centre_b), actor=None
    )
    text = record_text(Incident)

    own = text(incident.pk, Subject("incidents.incident", centre_b.pk))
    other = text(incident.pk, Subject("incidents.incident", centre_a.pk))

    assert own == str(incident)
    assert other == str(incident.pk)
