"""The access-log pages: status, keys, tokens, identity register, detection."""

import datetime
import html
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.accesslog.factories import empty_as_expired
from tests.conftest import login
from vigil.accesslog import verification_messages
from vigil.accesslog.detection.models import DetectionSettings, OpenCase, WatchedSubject
from vigil.accesslog.identities import add_identity_period
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.models import (
    ApiToken,
    IdentityPeriod,
    LogCheckpoint,
    LogKeys,
    VerificationRun,
)
from vigil.accesslog.tokens import authenticate, create_token, revoke_token
from vigil.accesslog.verification_messages import Reason
from vigil.accesslog.views.forms import SearchForm
from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.accounts.services import grant_membership
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation

BRUSSELS = ZoneInfo("Europe/Brussels")
NUMBER = "85073000160"


def url(name: str, organisation: Organisation, **kwargs: Any) -> str:
    return reverse(f"accesslog:{name}", kwargs={"org": organisation.slug, **kwargs})


def ingest_one(organisation: Organisation, event_id: str = "e-1") -> None:
    event = {
        "event_id": event_id,
        "time": "2026-03-02T10:15:30+01:00",
        "user_id": "U1",
        "application": "social-file",
        "action": "consult",
        "subject": NUMBER,
        "service": "IdentifyPerson",
    }
    ingest_events(organisation, [(1, event)], source="test")


@pytest.fixture
def consultant(consultant_a: User) -> Client:
    return login(consultant_a)


def test_status_empty_log(consultant: Client, centre_a: Organisation) -> None:
    response = consultant.get(url("status", centre_a))
    assert response.status_code == 200
    assert response.context["entry_count"] == 0
    assert response.context["checkpoint"] is None
    assert b'data-testid="checkpoint-note"' not in response.content


def test_status_names_verify_command(
    consultant: Client, centre_a: Organisation
) -> None:
    response = consultant.get(
        url("status", centre_a), headers={"Accept-Language": "fr"}
    )
    hint = response.content.decode().split('data-testid="verify-hint">')[1]
    assert hint.startswith(
        f"La commande vigil accesslog verify --org {centre_a.slug} vérifie le journal"
    )


@pytest.mark.parametrize(
    ("ok", "size", "index", "language", "line"),
    [
        (True, 12, None, "nl", "over 12 logregels, 2026-12-05 10:00 CET"),
        (
            False,
            0,
            420,
            "nl",
            "420 logregels in orde vóór de afwijking, 2026-12-05 10:00 CET",
        ),
        (
            False,
            0,
            1,
            "en",
            "1 entry passed before the divergence, 2026-12-05 10:00 CET",
        ),
        (
            False,
            0,
            420,
            "fr",
            "420 entrées conformes avant la divergence, 2026-12-05 10:00 CET",
        ),
    ],
    ids=["passed", "failed", "failed-one-en", "failed-fr"],
)
def test_status_states_verified_entries(
    consultant: Client,
    centre_a: Organisation,
    ok: bool,
    size: int,
    index: int | None,
    language: str,
    line: str,
) -> None:
    # A failed run counts the entries before the first divergent one, which
    # passed. Its size counts only the chunks that passed as a whole.
    finished = datetime.datetime(2026, 12, 5, 9, tzinfo=datetime.UTC)
    VerificationRun.objects.create(
        organisation=centre_a,
        started_at=finished,
        finished_at=finished,
        size=size,
        ok=ok,
        first_divergent_index=index,
        message="",
    )
    response = consultant.get(
        url("status", centre_a), headers={"Accept-Language": language}
    )
    text = " ".join(response.content.decode().split())
    assert line in text


def test_status_failed_without_entry_states_no_count(
    consultant: Client, centre_a: Organisation
) -> None:
    # A run that failed on the verifier key names no entry, so it cannot say
    # how many entries passed.
    finished = datetime.datetime(2026, 12, 5, 9, tzinfo=datetime.UTC)
    VerificationRun.objects.create(
        organisation=centre_a,
        started_at=finished,
        finished_at=finished,
        size=0,
        ok=False,
        first_divergent_index=None,
        message="the given key is not the key of this log",
    )
    response = consultant.get(url("status", centre_a))
    shown = response.content.decode().split('data-testid="verification">')[1]
    text = " ".join(shown.split("</dd>")[0].split())
    assert "in orde" not in text
    assert "mislukt</span> 2026-12-05 10:00" in text


def test_search_marks_expired_entry(consultant: Client, centre_a: Organisation) -> None:
    ingest_one(centre_a, "e-1")
    ingest_one(centre_a, "e-2")
    empty_as_expired(centre_a, range(1))
    period = {"since": "2026-03-02T00:00", "until": "2026-03-03T00:00"}
    response = consultant.get(url("search", centre_a), period)
    page = response.content.decode()
    assert page.count('data-testid="expired"') == 1
    assert "Verlopen op 2036-03-02: de bewaartermijn was verstreken" in page
    assert page.count("<code>U1</code>") == 1


@pytest.mark.parametrize(
    ("since", "until", "shown"),
    [
        (
            "2026-12-03T00:00",
            "2026-12-01T00:00",
            ("2026-12-01 00:00", "2026-12-03 00:00"),
        ),
        ("2026-12-03T08:00:30", "2026-12-03T08:00:30", ("2026-12-03 08:00:30",) * 2),
    ],
)
def test_search_period_error_names_times(
    since: str, until: str, shown: tuple[str, str]
) -> None:
    form = SearchForm(data={"since": since, "until": until})
    with translation.override("en"):
        assert not form.is_valid()
        assert form.errors["until"] == [
            f"The end {shown[0]} is not after the start {shown[1]}. Enter an end "
            "after the start: the search covers the times from the start up to "
            "the end, without the end itself."
        ]


def test_status_shows_checkpoint(consultant: Client, centre_a: Organisation) -> None:
    ingest_one(centre_a)
    response = consultant.get(url("status", centre_a))
    checkpoint = LogCheckpoint.objects.get(organisation=centre_a, size=1)
    assert response.context["entry_count"] == 1
    assert response.context["checkpoint"] == checkpoint
    assert checkpoint.note.splitlines()[0].encode() in response.content
    assert url("vkey", centre_a).encode() in response.content


def test_status_counts_open_findings(
    consultant: Client, centre_a: Organisation
) -> None:
    response = consultant.get(url("status", centre_a))
    assert response.context["open_total"] == 0


def test_vkey_and_checkpoint_downloads(
    consultant: Client, centre_a: Organisation
) -> None:
    ingest_one(centre_a)
    keys = LogKeys.objects.get(organisation=centre_a)
    vkey = consultant.get(url("vkey", centre_a))
    assert vkey.status_code == 200
    assert vkey.content.decode().strip() == keys.verifier_key.strip()
    note = consultant.get(url("checkpoint", centre_a))
    assert note.content.decode() == LogCheckpoint.objects.get(size=1).note


def test_vkey_missing_before_first_event(
    consultant: Client, centre_a: Organisation
) -> None:
    assert consultant.get(url("vkey", centre_a)).status_code == 404
    assert consultant.get(url("checkpoint", centre_a)).status_code == 404


def test_status_of_other_centre_is_404(
    consultant: Client, centre_b: Organisation
) -> None:
    assert consultant.get(url("status", centre_b)).status_code == 404


def test_viewer_gets_403(viewer_a: User, centre_a: Organisation) -> None:
    assert login(viewer_a).get(url("status", centre_a)).status_code == 403


def test_auditor_reads_but_cannot_manage(
    auditor_a: User, centre_a: Organisation
) -> None:
    client = login(auditor_a)
    assert client.get(url("status", centre_a)).status_code == 200
    assert client.get(url("identities", centre_a)).status_code == 200
    assert client.get(url("tokens", centre_a)).status_code == 403
    response = client.post(url("token_create", centre_a), {"name": "x"})
    assert response.status_code == 403


def test_header_links_access_log(consultant: Client, centre_a: Organisation) -> None:
    response = consultant.get(reverse("assessments:dashboard", args=[centre_a.slug]))
    assert url("status", centre_a).encode() in response.content


def test_token_secret_shown_once(consultant: Client, centre_a: Organisation) -> None:
    # The form is posted, then redirected to the list, so that a reload of
    # the page that shows the secret does not post the form again.
    response = consultant.post(url("token_create", centre_a), {"name": "syslog"})
    assert response.status_code == 303
    assert response["Location"] == url("tokens", centre_a)
    shown = consultant.get(response["Location"])
    assert shown["Cache-Control"] == "no-store"
    secret = shown.context["secret"]
    assert secret.encode() in shown.content
    assert authenticate(f"Bearer {secret}") is not None
    reloaded = consultant.get(response["Location"])
    assert reloaded.status_code == 200
    assert secret.encode() not in reloaded.content
    assert ApiToken.objects.get().prefix.encode() in reloaded.content
    assert ApiToken.objects.count() == 1


def test_token_secret_leaves_session_after_display(
    consultant: Client, centre_a: Organisation
) -> None:
    consultant.post(url("token_create", centre_a), {"name": "syslog"})
    secret = consultant.get(url("tokens", centre_a)).context["secret"]
    session = consultant.session
    stored = [str(value) for value in session.values()]
    assert not any(secret in value for value in stored)


def test_token_secret_not_shown_in_other_centre(
    consultant_a: User, centre_a: Organisation, centre_b: Organisation
) -> None:
    grant_membership(
        user=consultant_a, organisation=centre_b, role=Role.CONSULTANT, actor=None
    )
    client = login(consultant_a)
    client.post(url("token_create", centre_a), {"name": "syslog"})
    other = client.get(url("tokens", centre_b))
    assert other.context["secret"] is None
    own = client.get(url("tokens", centre_a))
    assert own.context["secret"] is not None


def test_token_name_required(consultant: Client, centre_a: Organisation) -> None:
    response = consultant.post(url("token_create", centre_a), {"name": " "})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_token_name_of_active_token_rejected(
    consultant: Client, centre_a: Organisation, centre_b: Organisation
) -> None:
    token, _secret = create_token(centre_a, "syslog", actor=None)
    create_token(centre_b, "backup", actor=None)
    response = consultant.post(url("token_create", centre_a), {"name": " syslog "})
    assert response.status_code == 400
    assert token.prefix.encode() in response.content
    assert ApiToken.objects.filter(organisation=centre_a).count() == 1
    response = consultant.post(url("token_create", centre_a), {"name": "backup"})
    assert response.status_code == 303


def test_token_name_of_revoked_token_reused(
    consultant: Client, centre_a: Organisation
) -> None:
    token, _secret = create_token(centre_a, "syslog", actor=None)
    revoke_token(token, actor=None)
    response = consultant.post(url("token_create", centre_a), {"name": "syslog"})
    assert response.status_code == 303
    assert ApiToken.objects.filter(organisation=centre_a).count() == 2


def test_token_revoke(
    consultant: Client, centre_a: Organisation, consultant_a: User
) -> None:
    token, secret = create_token(centre_a, "old", actor=consultant_a)
    response = consultant.post(url("token_revoke", centre_a, pk=token.pk))
    assert response.status_code == 302
    assert authenticate(f"Bearer {secret}") is None


def test_token_of_other_centre_is_404(
    consultant: Client, centre_a: Organisation, centre_b: Organisation
) -> None:
    token, secret = create_token(centre_b, "theirs", actor=None)
    response = consultant.post(url("token_revoke", centre_a, pk=token.pk))
    assert response.status_code == 404
    assert authenticate(f"Bearer {secret}") is not None


def period_data(**changes: str) -> dict[str, str]:
    data = {
        "user_id": "U1",
        "person_name": "An Peeters",
        "person_reference": "P-0042",
        "valid_from": "2026-01-01T00:00",
        "valid_until": "",
        "note": "",
    }
    data.update(changes)
    return data


def test_identity_add_and_list(consultant: Client, centre_a: Organisation) -> None:
    response = consultant.post(url("identity_add", centre_a), period_data())
    assert response.status_code == 302
    period = IdentityPeriod.objects.get(organisation=centre_a)
    assert period.person_name == "An Peeters"
    listing = consultant.get(url("identities", centre_a))
    assert b"An Peeters" in listing.content
    filtered = consultant.get(url("identities", centre_a), {"q": "nobody"})
    assert b"An Peeters" not in filtered.content


def test_identity_overlap_shown_on_field(
    consultant: Client, centre_a: Organisation
) -> None:
    consultant.post(url("identity_add", centre_a), period_data())
    response = consultant.post(
        url("identity_add", centre_a),
        period_data(person_name="Bert Claes", valid_from="2026-02-01T00:00"),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors
    assert "valid_from" in form.errors
    assert IdentityPeriod.objects.count() == 1


def test_identity_end_period(consultant: Client, centre_a: Organisation) -> None:
    consultant.post(url("identity_add", centre_a), period_data())
    period = IdentityPeriod.objects.get()
    response = consultant.post(
        url("identity_end", centre_a, pk=period.pk),
        {"valid_until": "2026-06-30T17:00"},
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.valid_until == datetime.datetime(2026, 6, 30, 17, tzinfo=BRUSSELS)


def test_identity_end_before_start_rejected(
    consultant: Client, centre_a: Organisation
) -> None:
    consultant.post(url("identity_add", centre_a), period_data())
    period = IdentityPeriod.objects.get()
    response = consultant.post(
        url("identity_end", centre_a, pk=period.pk),
        {"valid_until": "2025-06-30T17:00"},
    )
    assert response.status_code == 400
    period.refresh_from_db()
    assert period.valid_until is None


def test_identity_end_error_on_later_page(
    consultant: Client, centre_a: Organisation, consultant_a: User
) -> None:
    # The register lists 50 periods a page, by user id. Z1 sorts after the
    # 60 periods of A000 to A059, so its row is on page 2.
    for number in range(60):
        add_identity_period(
            centre_a,
            user_id=f"A{number:03d}",
            person_name=f"Person {number}",
            valid_from=datetime.datetime(2026, 1, 1, tzinfo=BRUSSELS),
            actor=consultant_a,
        )
    consultant.post(url("identity_add", centre_a), period_data(user_id="Z1"))
    period = IdentityPeriod.objects.get(organisation=centre_a, user_id="Z1")
    response = consultant.post(
        url("identity_end", centre_a, pk=period.pk),
        {"valid_until": "2025-06-30T17:00"},
    )
    assert response.status_code == 400
    assert response.context["page"].number == 2
    page = response.content.decode()
    assert f'id="end-{period.pk}"' in page
    assert "errorlist" in page


def ended_period(consultant: Client, centre: Organisation) -> IdentityPeriod:
    """Record U1's period from January to the end of June 2026 on the page."""
    consultant.post(
        url("identity_add", centre),
        period_data(valid_until="2026-07-01T00:00"),
        follow=True,
    )
    return IdentityPeriod.objects.get(organisation=centre)


def identity_messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            "The end of the period of U1 for An Peeters moved from "
            "2026-07-01 00:00 to 2026-06-15 17:00.",
        ),
        (
            "nl",
            "Het einde van de periode van U1 voor An Peeters is verplaatst van "
            "2026-07-01 00:00 naar 2026-06-15 17:00.",
        ),
        (
            "fr",
            "La fin de la période de U1 pour An Peeters est passée du "
            "2026-07-01 00:00 au 2026-06-15 17:00.",
        ),
    ],
)
def test_identity_end_date_changed(
    consultant: Client, centre_a: Organisation, language: str, message: str
) -> None:
    period = ended_period(consultant, centre_a)
    page = consultant.get(url("identities", centre_a)).content.decode()
    action = url("identity_end", centre_a, pk=period.pk)
    assert f'action="{action}"' in page
    assert 'value="2026-07-01T00:00"' in page
    response = consultant.post(
        action,
        {"valid_until": "2026-06-15T17:00"},
        headers={"Accept-Language": language},
        follow=True,
    )
    assert identity_messages(response) == [message]
    period.refresh_from_db()
    assert period.valid_until == datetime.datetime(2026, 6, 15, 17, tzinfo=BRUSSELS)
    audit = AuditEntry.objects.filter(action="identity.ended").get()
    old_end = datetime.datetime.fromisoformat(audit.old_values["valid_until"])
    new_end = datetime.datetime.fromisoformat(audit.new_values["valid_until"])
    assert old_end == datetime.datetime(2026, 7, 1, tzinfo=BRUSSELS)
    assert new_end == datetime.datetime(2026, 6, 15, 17, tzinfo=BRUSSELS)


def test_identity_end_change_rejects_overlap(
    consultant: Client, centre_a: Organisation
) -> None:
    period = ended_period(consultant, centre_a)
    consultant.post(
        url("identity_add", centre_a),
        period_data(person_name="Bert Claes", valid_from="2026-07-01T00:00"),
    )
    response = consultant.post(
        url("identity_end", centre_a, pk=period.pk),
        {"valid_until": "2026-08-01T00:00"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "is already assigned to Bert Claes from 2026-07-01 00:00" in text
    period.refresh_from_db()
    assert period.valid_until == datetime.datetime(2026, 7, 1, tzinfo=BRUSSELS)
    assert not AuditEntry.objects.filter(action="identity.ended").exists()


def test_identity_end_change_before_start_shown(
    consultant: Client, centre_a: Organisation
) -> None:
    period = ended_period(consultant, centre_a)
    response = consultant.post(
        url("identity_end", centre_a, pk=period.pk),
        {"valid_until": "2025-12-31T00:00"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert "The end of the period must come after its start." in (
        response.content.decode()
    )
    period.refresh_from_db()
    assert period.valid_until == datetime.datetime(2026, 7, 1, tzinfo=BRUSSELS)


def test_identity_same_end_changes_nothing(
    consultant: Client, centre_a: Organisation
) -> None:
    period = ended_period(consultant, centre_a)
    response = consultant.post(
        url("identity_end", centre_a, pk=period.pk),
        {"valid_until": "2026-07-01T00:00"},
        headers={"Accept-Language": "en"},
        follow=True,
    )
    assert identity_messages(response) == [
        "Nothing changed: the period already ends at 2026-07-01 00:00."
    ]
    assert not AuditEntry.objects.filter(action="identity.ended").exists()


def test_detection_settings_saved(consultant: Client, centre_a: Organisation) -> None:
    data = {
        "office_start": "08:00",
        "office_end": "17:30",
        "working_days": ["1", "2", "3", "4"],
        "exempt_user_ids": "BATCH01\nBATCH02\n",
        "daily_threshold": "150",
        "usual_factor": "2.5",
        "usual_window_days": "30",
        "usual_min_days": "5",
        "check_outside_hours": "on",
        "check_watch_list": "on",
    }
    response = consultant.post(url("detection_settings", centre_a), data)
    assert response.status_code == 302
    saved = DetectionSettings.objects.get(organisation=centre_a)
    assert saved.office_end == datetime.time(17, 30)
    assert saved.working_days == [1, 2, 3, 4]
    assert saved.exempt_user_ids == ["BATCH01", "BATCH02"]
    assert saved.check_daily_volume is False
    assert AuditEntry.objects.filter(
        action="accesslog.detection_settings_changed"
    ).exists()


def test_detection_settings_invalid(consultant: Client, centre_a: Organisation) -> None:
    data = {
        "office_start": "18:00",
        "office_end": "08:00",
        "working_days": ["1"],
        "daily_threshold": "0",
        "usual_factor": "3",
        "usual_window_days": "30",
        "usual_min_days": "5",
    }
    response = consultant.post(url("detection_settings", centre_a), data)
    assert response.status_code == 400
    assert "daily_threshold" in response.context["settings_form"].errors


def test_detection_settings_min_days_above_window(
    consultant: Client, centre_a: Organisation
) -> None:
    data = {
        "office_start": "08:00",
        "office_end": "17:00",
        "working_days": ["1"],
        "daily_threshold": "200",
        "usual_factor": "3",
        "usual_window_days": "30",
        "usual_min_days": "50",
    }
    response = consultant.post(url("detection_settings", centre_a), data)
    assert response.status_code == 400
    errors = response.context["settings_form"].errors
    assert "usual_min_days" in errors
    assert "30" in errors["usual_min_days"][0]
    assert not DetectionSettings.objects.filter(
        organisation=centre_a, usual_min_days=50
    ).exists()


def test_detection_exempt_id_too_long(
    consultant: Client, centre_a: Organisation
) -> None:
    data = {
        "office_start": "08:00",
        "office_end": "17:00",
        "working_days": ["1"],
        "exempt_user_ids": "BATCH01\n" + "B" * 65 + "\n",
        "daily_threshold": "200",
        "usual_factor": "3",
        "usual_window_days": "30",
        "usual_min_days": "5",
    }
    response = consultant.post(
        url("detection_settings", centre_a), data, headers={"Accept-Language": "en"}
    )

    assert response.status_code == 400
    assert response.context["settings_form"].errors["exempt_user_ids"] == [
        "Line 2 has 65 characters, but a user id has at most 64. Enter one "
        "user id per line."
    ]
    stored = DetectionSettings.objects.get(organisation=centre_a)
    assert stored.exempt_user_ids == []


def test_open_cases_upload_csv(consultant: Client, centre_a: Organisation) -> None:
    upload = SimpleUploadedFile(
        "open.csv", b"insz\n85073000160\n85073000259\n", content_type="text/csv"
    )
    response = consultant.post(
        url("open_cases", centre_a),
        {"case_refs": "D-1\nD-2", "national_numbers": "", "csv_file": upload},
    )
    assert response.status_code == 302
    kinds = sorted(OpenCase.objects.values_list("kind", flat=True))
    assert kinds == ["case_ref", "case_ref", "subject", "subject"]


def test_open_cases_bad_number_not_echoed(
    consultant_a: User, centre_a: Organisation
) -> None:
    consultant = Client(headers={"Accept-Language": "en"})
    consultant.force_login(consultant_a)
    response = consultant.post(
        url("open_cases", centre_a),
        {"case_refs": "", "national_numbers": "85073000160\n85073000161"},
    )
    assert response.status_code == 400
    assert b"85073000161" not in response.content
    assert b"85073000160" not in response.content
    assert b"Line 2 contains" in response.content
    assert not OpenCase.objects.exists()


def test_watch_list_add_and_remove(consultant: Client, centre_a: Organisation) -> None:
    response = consultant.post(
        url("watch", centre_a), {"national_number": NUMBER, "label": "colleague"}
    )
    assert response.status_code == 302
    watched = WatchedSubject.objects.get()
    page = consultant.get(url("detection", centre_a))
    assert b"colleague" in page.content
    assert NUMBER.encode() not in page.content
    consultant.post(url("unwatch", centre_a, pk=watched.pk))
    assert not WatchedSubject.objects.exists()


def test_watch_list_invalid_number(consultant: Client, centre_a: Organisation) -> None:
    response = consultant.post(
        url("watch", centre_a), {"national_number": "85073000161", "label": "x"}
    )
    assert response.status_code == 400
    assert b"85073000161" not in response.content
    assert not WatchedSubject.objects.exists()


@pytest.mark.parametrize(
    ("language", "hint"),
    [
        ("en", "This number must have 11 digits but has 10. If a spreadsheet"),
        ("nl", "Dit nummer moet 11 cijfers tellen, maar telt er 10. Als een rekenblad"),
        ("fr", "Ce numéro doit compter 11 chiffres, mais en compte 10. Si un tableur"),
    ],
)
def test_watch_list_ten_digit_number_hint(
    consultant_a: User, centre_a: Organisation, language: str, hint: str
) -> None:
    client = Client(headers={"Accept-Language": language})
    client.force_login(consultant_a)
    ten_digits = NUMBER[1:]
    response = client.post(
        url("watch", centre_a), {"national_number": ten_digits, "label": "x"}
    )
    assert response.status_code == 400
    errors = response.context["watch_form"].errors["national_number"]
    assert errors[0].startswith(hint)
    assert ten_digits not in response.content.decode()


def status_text(client: Client, organisation: Organisation, language: str) -> str:
    """Return the status page as text, with white space as single spaces."""
    response = client.get(
        url("status", organisation), headers={"Accept-Language": language}
    )
    text = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"[ \t\r\n]+", " ", text)


def add_columns_differ_run(organisation: Organisation) -> None:
    finished = datetime.datetime(2026, 12, 5, 9, tzinfo=datetime.UTC)
    reason = Reason(
        verification_messages.COLUMNS_DIFFER,
        {"index": 420, "computed": "ab" * 32, "stored": "cd" * 32},
    )
    VerificationRun.objects.create(
        organisation=organisation,
        started_at=finished,
        finished_at=finished,
        size=0,
        ok=False,
        first_divergent_index=420,
        message=reason.english(),
        reason=reason.to_json(),
    )


# The failure in sentences: the index, the cause, the next step, the command.
FAILURE_SENTENCES = {
    "nl": (
        "Eerste afwijkende logregel: 420. Oorzaak: de kolommen van logregel 420 "
        "komen niet overeen met haar opgeslagen hash van het blad: hun bladbytes "
        f"hebben als hash {'ab' * 32}, maar de opgeslagen hash van het blad is "
        f"{'cd' * 32}. Een kolom of de hash van het blad is gewijzigd. Behandel "
        "dit als een mogelijk veiligheidsincident. Laat de databank zoals ze is "
        "en vergelijk de log met de laatste bewijsbundel of het laatste "
        "controlepunt dat buiten het centrum bewaard wordt, bijvoorbeeld door de "
        "auditor. Het commando vigil accesslog verify --org centre-a verifieert "
        "de log op de server"
    ),
    "fr": (
        "Première entrée divergente\u00a0: 420. Cause\u00a0: les colonnes de "
        "l'entrée 420 ne correspondent pas à son empreinte de la feuille "
        "enregistrée\u00a0: leurs octets de feuille ont l'empreinte "
        f"{'ab' * 32}, mais l'empreinte de la feuille enregistrée est "
        f"{'cd' * 32}. Une colonne ou l'empreinte de la feuille a été modifiée. "
        "Traitez ceci comme un incident de sécurité possible. Laissez la base de "
        "données telle quelle et comparez le journal avec le dernier dossier de "
        "preuves ou le dernier point de contrôle conservé hors du centre, par "
        "exemple par l'auditeur. La commande vigil accesslog verify --org "
        "centre-a vérifie le journal sur le serveur"
    ),
    "en": (
        "First divergent entry: 420. Cause: the columns of entry 420 do not "
        "match its stored leaf hash: their leaf bytes hash to "
        f"{'ab' * 32}, but the stored leaf hash is {'cd' * 32}. A column or the "
        "leaf hash was changed. Treat this as a possible security incident. "
        "Keep the database as it is, and compare the log with the last proof "
        "bundle or checkpoint kept outside the centre, for example by the "
        "auditor. The command vigil accesslog verify --org centre-a verifies "
        "the log on the server"
    ),
}


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_status_failure_reads_as_sentences(
    consultant: Client, centre_a: Organisation, language: str
) -> None:
    add_columns_differ_run(centre_a)

    text = status_text(consultant, centre_a, language)

    assert FAILURE_SENTENCES[language] in text


# What a run that passed cannot show, and how to find out.
CUT_BACK_LIMIT = {
    "nl": "Een log die samen met de latere controlepunten tot een eerdere grootte "
    "werd ingekort, doorstaat deze verificatie nog steeds. Alleen een "
    "controlepunt dat buiten het centrum bewaard wordt, bijvoorbeeld door de "
    "auditor, toont zo'n inkorting, wanneer het gecontroleerd wordt met vigil "
    "accesslog export --previous of vigil-verify --previous.",
    "fr": "Un journal raccourci à une taille antérieure en même temps que ses "
    "points de contrôle ultérieurs passe toujours cette vérification. Seul un "
    "point de contrôle conservé hors du centre, par exemple par l'auditeur, "
    "révèle un tel raccourcissement, lorsqu'il est vérifié avec vigil "
    "accesslog export --previous ou vigil-verify --previous.",
    "en": "A log cut back to an earlier size together with its later checkpoints "
    "still passes this verification. Only a checkpoint kept outside the "
    "centre, for example by the auditor, shows such a cut, when checked with "
    "vigil accesslog export --previous or vigil-verify --previous.",
}


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_status_passed_run_states_cut_back_limit(
    consultant: Client, centre_a: Organisation, language: str
) -> None:
    finished = datetime.datetime(2026, 12, 5, 9, tzinfo=datetime.UTC)
    VerificationRun.objects.create(
        organisation=centre_a,
        started_at=finished,
        finished_at=finished,
        size=12,
        ok=True,
        message="",
    )

    text = status_text(consultant, centre_a, language)

    assert CUT_BACK_LIMIT[language] in text


def test_status_failed_run_has_no_cut_back_limit(
    consultant: Client, centre_a: Organisation
) -> None:
    add_columns_differ_run(centre_a)

    text = status_text(consultant, centre_a, "en")

    assert "cut back" not in text


def test_identity_end_with_seconds_round_trips(
    consultant: Client, centre_a: Organisation
) -> None:
    consultant.post(
        url("identity_add", centre_a),
        period_data(
            valid_from="2026-01-01T08:00:15", valid_until="2026-07-01T10:00:30"
        ),
    )
    period = IdentityPeriod.objects.get(organisation=centre_a)
    page = consultant.get(url("identities", centre_a)).content.decode()

    assert 'step="1" value="2026-07-01T10:00:30"' in page
    assert "<td>2026-01-01 08:00:15</td><td>2026-07-01 10:00:30</td>" in page
    consultant.post(
        url("identity_end", centre_a, pk=period.pk),
        {"valid_until": "2026-07-01T10:00:30"},
    )
    period.refresh_from_db()
    assert period.valid_until is not None
    assert period.valid_until.second == 30


def test_identity_end_with_fraction_round_trips(
    consultant: Client, centre_a: Organisation
) -> None:
    # The command line accepts fractions of a second, such as 10:00:00.750.
    brussels = ZoneInfo("Europe/Brussels")
    end = datetime.datetime(2026, 7, 1, 10, 0, 0, 750000, tzinfo=brussels)
    period = add_identity_period(
        centre_a,
        user_id="U1",
        person_name="An Peeters",
        valid_from=datetime.datetime(2026, 1, 1, 8, 0, 0, 500000, tzinfo=brussels),
        valid_until=end,
        actor=None,
    )
    page = consultant.get(url("identities", centre_a)).content.decode()

    assert 'step="any" value="2026-07-01T10:00:00.75"' in page
    assert "<td>2026-01-01 08:00:00.5</td><td>2026-07-01 10:00:00.75</td>" in page
    response = consultant.post(
        url("identity_end", centre_a, pk=period.pk),
        {"valid_until": "2026-07-01T10:00:00.75"},
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.valid_until == end
