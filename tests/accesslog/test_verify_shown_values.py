"""Changed values that verification reasons show: quoted, cut and escaped."""

import html
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from tests.accesslog.factories import (
    empty_as_expired,
    entry_id,
    ingest_batches,
    tampering,
)
from tests.conftest import login
from vigil.accesslog import store
from vigil.accesslog import verification_messages as messages
from vigil.accesslog.models import VerificationRun
from vigil.accesslog.verification import verify_log
from vigil.accesslog.verification_messages import Reason, audit_values
from vigil.accounts.models import User
from vigil.audit.fields import UNREADABLE
from vigil.organisations.models import Organisation

EVIL = "<b>bold</b>%(size)s %s %% \u202e" + "x" * 5000


@pytest.fixture(autouse=True)
def stored_level(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "LOWEST_STORED_LEVEL", 2)


@pytest.fixture
def log(centre_a: Organisation) -> Organisation:
    ingest_batches(centre_a, 4, 10)
    return centre_a


def sqlite_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite stores text in a time or index column")


def test_tampered_time_of_expired_entry(log: Organisation, consultant_a: User) -> None:
    """A changed time with HTML and % in the reason of an entry emptied too
    early is escaped, not interpreted, the same in every language and short."""
    sqlite_only()
    empty_as_expired(log, range(1))
    with tampering() as cursor:
        cursor.execute(
            'UPDATE accesslog_accessentry SET "time" = %s WHERE id = %s',
            [EVIL, entry_id(log, 0)],
        )
    with translation.override("nl"):
        result = verify_log(log, actor=consultant_a)
    assert not result.ok
    run = VerificationRun.objects.get(organisation=log)
    status = reverse("accesslog:status", kwargs={"org": log.slug})
    page = login(consultant_a).get(status, headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    content = page.content.decode()
    assert "<b>bold</b>" not in content
    assert "%(size)s %s %%" in html.unescape(content)
    # The shown value is cut short like every other tampered value.
    assert len(run.message) < 1000, len(run.message)


def nested_json(depth: int) -> str:
    head = json.dumps({"template": messages.VALUE_TEXT, "params": {"value": 0}})[:-3]
    return head * depth + '"1"' + "}}" * depth


@pytest.mark.parametrize(
    "stored",
    [
        "[1, 2]",
        "null",
        "7",
        '"text"',
        # Python's JSON decoder cannot read JSON this deep (DepthSafeJSONField).
        "760",
    ],
)
def test_status_page_and_trail_with_odd_reason_json(
    log: Organisation, consultant_a: User, stored: str
) -> None:
    """A reason column or audit value of valid JSON that is no reason."""
    sqlite_only()
    verify_log(log, actor=consultant_a)
    value = nested_json(760) if stored == "760" else stored
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accesslog_verificationrun SET reason = %s", [value])
    # An audit entry may be added (the trail is append-only, not closed).
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditentry (created_at, action, actor_id, actor_label, "
            "organisation_id, object_type, object_id, object_label, old_values, "
            "new_values) SELECT created_at, action, actor_id, actor_label, "
            "organisation_id, object_type, object_id, object_label, old_values, "
            "json_set(new_values, '$.reason', json(%s)) FROM audit_auditentry "
            "WHERE action = 'accesslog.verified'",
            [value],
        )
    client = login(consultant_a)
    client.raise_request_exception = False
    status = reverse("accesslog:status", kwargs={"org": log.slug})
    assert client.get(status).status_code == 200
    trail = reverse("audit:trail", kwargs={"org": log.slug})
    page = client.get(trail)
    assert page.status_code == 200
    if stored == "760":
        assert UNREADABLE["unreadable"] in page.content.decode()


def test_tampered_index_text_cut_short(log: Organisation) -> None:
    """An index changed to a long text is shown cut, not whole."""
    sqlite_only()
    columns = (
        'organisation_id, segment, "time", user_id, application, action, '
        "subject_pseudonym, service, case_ref, source_ip, outcome, leaf_hash, "
        "received_at"
    )
    with tampering() as cursor:
        cursor.execute(
            f'INSERT INTO accesslog_accessentry ("index", event_id, {columns}) '  # noqa: S608
            f"SELECT %s, 'forged', {columns} FROM accesslog_accessentry WHERE id = %s",
            ["y" * 100_000, entry_id(log, 3)],
        )
    result = verify_log(log)
    assert not result.ok
    assert "lies outside" in result.message
    assert len(result.message) < 1000, len(result.message)


@pytest.mark.parametrize(
    "values",
    [
        {
            "message": 5,
            "reason": {"template": messages.ENTRY_MISSING, "params": {"index": 1}},
        },
        {"message": "m", "reason": "not json"},
        {"message": "m", "reason": [1, 2]},
    ],
)
def test_audit_values_odd_rows(values: dict[str, object]) -> None:
    audit_values(values)


@pytest.mark.parametrize(
    "reason",
    [
        {
            "template": messages.LOG_VERIFIED,
            "params": {"size": "many", "expired": 0, "checkpoints": 0},
        },
        {
            "template": messages.LOG_VERIFIED,
            "params": {"size": 10**400, "expired": 0, "checkpoints": 0},
        },
    ],
)
def test_status_page_with_odd_reason(
    log: Organisation, consultant_a: User, reason: object
) -> None:
    VerificationRun.objects.create(
        organisation=log,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        size=3,
        ok=False,
        first_divergent_index=3,
        message="as stored",
        reason=reason,
    )
    status = reverse("accesslog:status", kwargs={"org": log.slug})
    client = login(consultant_a)
    client.raise_request_exception = False
    response = client.get(status, headers={"Accept-Language": "fr"})
    assert response.status_code == 200


def test_verify_command_escapes_tampered_time(log: Organisation) -> None:
    """A carriage return or ANSI escape in a changed time, printed raw by
    ``vigil accesslog verify``, could overwrite the FAILED line on a terminal."""
    sqlite_only()
    empty_as_expired(log, range(1))
    disguise = "9999\r\x1b[2K\x1b[32mverification OK: entries verified: 40\x1b[8m"
    with tampering() as cursor:
        cursor.execute(
            'UPDATE accesslog_accessentry SET "time" = %s WHERE id = %s',
            [disguise, entry_id(log, 0)],
        )
    with pytest.raises(CommandError) as raised:
        call_command("accesslog", "verify", "--org", log.slug, stdout=io.StringIO())
    line = str(raised.value)
    assert "\x1b" not in line, repr(line)
    assert "\r" not in line, repr(line)


def test_whole_text_value_not_marked_cut() -> None:
    from vigil.accesslog.verification_types import describe

    shown = describe("text", ("\u00e9" * 30).encode().hex())
    assert isinstance(shown, Reason)
    assert not shown.english().endswith("..."), shown.english()
