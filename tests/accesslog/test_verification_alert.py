"""A failed verification of the access log on the centre dashboard and in the digest."""

import datetime
import html
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.accesslog.factories import ingest_batches, tampering
from tests.conftest import login
from vigil.accesslog.models import AccessEntry, VerificationRun
from vigil.accesslog.verification import verify_log
from vigil.accounts import roles
from vigil.accounts.models import User
from vigil.accounts.roles import Capability, Role
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation
from vigil.reminders import services

pytestmark = pytest.mark.usefixtures("fast_password_hasher")

# 09:00 UTC is 10:00 in Brussels in December.
FINISHED = datetime.datetime(2026, 12, 5, 9, tzinfo=datetime.UTC)
ALERT = 'data-testid="verification-alert"'

FAILED_ON = {
    "nl": "De verificatie van de toegangslog is mislukt op 2026-12-05 om 10:00.",
    "fr": "La vérification du journal des accès a échoué le 2026-12-05 à 10:00.",
    "en": "The verification of the access log failed on 2026-12-05 at 10:00.",
}
FIRST_DIVERGENT = {
    "nl": "Eerste afwijkende logregel: 420.",
    "fr": "Première entrée divergente\u00a0: 420.",
    "en": "First divergent entry: 420.",
}
NEXT_STEP = {
    "nl": "Behandel dit als een mogelijk veiligheidsincident. Laat de databank "
    "zoals ze is en vergelijk de log met de laatste bewijsbundel of het laatste "
    "controlepunt dat buiten het centrum bewaard wordt, bijvoorbeeld door de "
    "auditor.",
    "fr": "Traitez ceci comme un incident de sécurité possible. Laissez la base "
    "de données telle quelle et comparez le journal avec le dernier dossier de "
    "preuves ou le dernier point de contrôle conservé hors du centre, par "
    "exemple par l'auditeur.",
    "en": "Treat this as a possible security incident. Keep the database as it "
    "is, and compare the log with the last proof bundle or checkpoint kept "
    "outside the centre, for example by the auditor.",
}
STATUS_LINK = {
    "nl": "Open de statuspagina van de toegangslog",
    "fr": "Ouvrir la page de statut du journal des accès",
    "en": "Open the status page of the access log",
}
SUBJECT = {
    "nl": "Vigil: de verificatie van de toegangslog van OCMW centre-a is mislukt",
    "fr": "Vigil\u00a0: la vérification du journal des accès de CPAS centre-a a échoué",
}


def add_run(
    organisation: Organisation,
    *,
    ok: bool,
    index: int | None = None,
    finished: datetime.datetime = FINISHED,
) -> VerificationRun:
    return VerificationRun.objects.create(
        organisation=organisation,
        started_at=finished,
        finished_at=finished,
        size=0 if index is None else index,
        ok=ok,
        first_divergent_index=index,
        message="" if ok else "entry 420 is missing",
    )


def dashboard_text(client: Client, organisation: Organisation, language: str) -> str:
    response = client.get(
        reverse("assessments:dashboard", kwargs={"org": organisation.slug}),
        headers={"Accept-Language": language},
    )
    assert response.status_code == 200
    return squeeze(html.unescape(response.content.decode()))


def squeeze(text: str) -> str:
    """Return ``text`` with white space as single spaces, keeping no-break spaces."""
    return re.sub(r"[ \t\r\n]+", " ", text)


def alert_of(text: str) -> str:
    """Return the alert's HTML, failing the test when the page has none."""
    assert ALERT in text
    return text.split(ALERT)[1].split("</div>")[0]


# The dashboard


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_dashboard_shows_failed_run(
    consultant_a: User, centre_a: Organisation, language: str
) -> None:
    add_run(centre_a, ok=False, index=420)

    alert = alert_of(dashboard_text(login(consultant_a), centre_a, language))

    assert FAILED_ON[language] in alert
    assert FIRST_DIVERGENT[language] in alert
    assert NEXT_STEP[language] in alert
    assert STATUS_LINK[language] in alert
    status_url = reverse("accesslog:status", kwargs={"org": centre_a.slug})
    assert f'href="{status_url}"' in alert


def test_dashboard_alert_of_tampered_log(
    consultant_a: User, centre_a: Organisation
) -> None:
    ingest_batches(centre_a, 2, 10)
    with tampering():
        AccessEntry.objects.filter(organisation=centre_a, index=7).update(
            service="other"
        )
    result = verify_log(centre_a)

    alert = alert_of(dashboard_text(login(consultant_a), centre_a, "en"))

    assert not result.ok
    assert "First divergent entry: 7." in alert


def test_dashboard_alert_without_index(
    consultant_a: User, centre_a: Organisation
) -> None:
    # A run that failed on the verifier key names no entry.
    add_run(centre_a, ok=False, index=None)

    alert = alert_of(dashboard_text(login(consultant_a), centre_a, "nl"))

    assert FAILED_ON["nl"] in alert
    assert "Eerste afwijkende logregel" not in alert


def test_dashboard_without_runs_has_no_alert(
    consultant_a: User, centre_a: Organisation
) -> None:
    assert ALERT not in dashboard_text(login(consultant_a), centre_a, "nl")


def test_dashboard_alert_gone_after_success(
    consultant_a: User, centre_a: Organisation
) -> None:
    add_run(centre_a, ok=False, index=420)
    add_run(centre_a, ok=True, finished=FINISHED + datetime.timedelta(hours=1))

    assert ALERT not in dashboard_text(login(consultant_a), centre_a, "nl")


def test_dashboard_shows_failure_after_success(
    consultant_a: User, centre_a: Organisation
) -> None:
    add_run(centre_a, ok=True, finished=FINISHED - datetime.timedelta(days=1))
    add_run(centre_a, ok=False, index=420)

    alert = alert_of(dashboard_text(login(consultant_a), centre_a, "nl"))

    assert FAILED_ON["nl"] in alert


def test_dashboard_shows_latest_of_two_failures(
    consultant_a: User, centre_a: Organisation
) -> None:
    add_run(centre_a, ok=False, index=12, finished=FINISHED - datetime.timedelta(1))
    add_run(centre_a, ok=False, index=420)

    alert = alert_of(dashboard_text(login(consultant_a), centre_a, "nl"))

    assert FAILED_ON["nl"] in alert
    assert FIRST_DIVERGENT["nl"] in alert
    assert "logregel: 12." not in alert


def test_failure_of_later_started_run_shown(
    consultant_a: User, centre_a: Organisation
) -> None:
    # A long run that passed finishes after a short one that started later
    # and found the damage.
    VerificationRun.objects.create(
        organisation=centre_a,
        started_at=FINISHED - datetime.timedelta(hours=2),
        finished_at=FINISHED + datetime.timedelta(hours=1),
        size=0,
        ok=True,
        message="",
    )
    add_run(centre_a, ok=False, index=420)

    alert = alert_of(dashboard_text(login(consultant_a), centre_a, "nl"))

    assert FIRST_DIVERGENT["nl"] in alert


def test_dashboard_alert_hidden_from_viewer(
    viewer_a: User, centre_a: Organisation
) -> None:
    # A viewer may not open the access log, so the dashboard keeps it quiet.
    add_run(centre_a, ok=False, index=420)

    assert ALERT not in dashboard_text(login(viewer_a), centre_a, "nl")


def test_dashboard_alert_shown_to_auditor(
    auditor_a: User, centre_a: Organisation
) -> None:
    add_run(centre_a, ok=False, index=420)

    alert = alert_of(dashboard_text(login(auditor_a), centre_a, "nl"))

    assert FAILED_ON["nl"] in alert


def test_dashboard_alert_stays_in_its_centre(
    consultant_b: User, centre_a: Organisation, centre_b: Organisation
) -> None:
    add_run(centre_a, ok=False, index=420)
    client = login(consultant_b)

    own = dashboard_text(client, centre_b, "nl")
    other = client.get(reverse("assessments:dashboard", kwargs={"org": "centre-a"}))

    assert ALERT not in own
    assert other.status_code == 404


# The weekly digest


def send_digests(*arguments: str) -> str:
    output = io.StringIO()
    call_command("reminders", "send", *arguments, stdout=output, stderr=io.StringIO())
    return output.getvalue()


@pytest.mark.usefixtures("viewer_a")
def test_digest_reports_failed_run(
    consultant_a: User, deputy_a: User, centre_a: Organisation
) -> None:
    add_run(centre_a, ok=False, index=420)

    output = send_digests("--org", "centre-a")

    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([consultant_a.email, deputy_a.email])
    message = mail.outbox[0]
    assert message.subject == SUBJECT["nl"]
    body = squeeze(str(message.body))
    assert f"{FAILED_ON['nl']} {FIRST_DIVERGENT['nl']}" in body
    assert NEXT_STEP["nl"] in body
    assert "http://127.0.0.1:8000/c/centre-a/accesslog/" in message.body
    assert "verification failed" in output


def test_digest_reports_failed_run_in_french(
    consultant_a: User, centre_a: Organisation
) -> None:
    add_run(centre_a, ok=False, index=420)

    send_digests("--org", "centre-a", "--language", "fr")

    message = mail.outbox[0]
    assert message.subject == SUBJECT["fr"]
    body = squeeze(str(message.body))
    assert f"{FAILED_ON['fr']} {FIRST_DIVERGENT['fr']}" in body
    assert NEXT_STEP["fr"] in body


def test_digest_records_failed_run(consultant_a: User, centre_a: Organisation) -> None:
    add_run(centre_a, ok=False, index=420)

    send_digests("--org", "centre-a")

    entry = AuditEntry.objects.get(action="reminders.digest_sent")
    assert entry.new_values["failed_verification"] is True


def test_digest_quiet_after_later_success(
    consultant_a: User, centre_a: Organisation
) -> None:
    add_run(centre_a, ok=False, index=420)
    add_run(centre_a, ok=True, finished=FINISHED + datetime.timedelta(hours=1))

    send_digests("--org", "centre-a")

    assert [message.to[0] for message in mail.outbox] == [consultant_a.email]
    assert "/accesslog/" not in mail.outbox[0].body
    assert FAILED_ON["nl"] not in mail.outbox[0].body


def test_digest_sent_for_failed_run_alone(
    monkeypatch: pytest.MonkeyPatch, consultant_a: User, centre_a: Organisation
) -> None:
    # A centre's registers usually have deadlines. Without any, the failed run
    # alone is why the digest is sent.
    monkeypatch.setattr(services, "collect", lambda organisation, today: [])
    add_run(centre_a, ok=False, index=420)

    send_digests("--org", "centre-a")

    assert [message.to[0] for message in mail.outbox] == [consultant_a.email]
    assert FAILED_ON["nl"] in mail.outbox[0].body


def test_digest_leaves_failure_out_without_access_log(
    monkeypatch: pytest.MonkeyPatch,
    consultant_a: User,
    deputy_a: User,
    centre_a: Organisation,
) -> None:
    # The shipped roles let deputies read the access log. This one may not, so
    # their digest lists the deadlines only.
    monkeypatch.setitem(
        roles.ROLE_CAPABILITIES, Role.DEPUTY, frozenset({Capability.VIEW})
    )
    add_run(centre_a, ok=False, index=420)

    send_digests("--org", "centre-a")

    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert sorted(bodies) == sorted([consultant_a.email, deputy_a.email])
    assert FAILED_ON["nl"] not in bodies[deputy_a.email]
    assert "/accesslog/" not in bodies[deputy_a.email]
    assert FAILED_ON["nl"] in bodies[consultant_a.email]
    assert "/accesslog/" in bodies[consultant_a.email]


def test_digest_without_access_log_not_sent_for_failure(
    monkeypatch: pytest.MonkeyPatch, deputy_a: User, centre_a: Organisation
) -> None:
    monkeypatch.setitem(
        roles.ROLE_CAPABILITIES, Role.DEPUTY, frozenset({Capability.VIEW})
    )
    monkeypatch.setattr(services, "collect", lambda organisation, today: [])
    add_run(centre_a, ok=False, index=420)

    send_digests("--org", "centre-a")

    assert mail.outbox == []


def test_digest_of_other_centre_has_no_alert(
    consultant_a: User, consultant_b: User, centre_a: Organisation
) -> None:
    add_run(centre_a, ok=False, index=420)

    send_digests()

    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert sorted(bodies) == sorted([consultant_a.email, consultant_b.email])
    assert FAILED_ON["nl"] in bodies[consultant_a.email]
    assert FAILED_ON["nl"] not in bodies[consultant_b.email]
    assert "/accesslog/" not in bodies[consultant_b.email]
