"""The findings pages: list, detail with entries and proofs, triage, runs."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from tests.conftest import login
from tests.incidents.factories import make_finding
from vigil.accesslog.detection import services
from vigil.accesslog.detection.models import Finding, Rule
from vigil.accesslog.detection.services import run_detection
from vigil.accesslog.identities import add_identity_period
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.views.forms import BulkTriageForm
from vigil.accounts.models import User
from vigil.audit.display import value_lines
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation
from vigil.registers.incidents.services import create_from_finding

BRUSSELS = ZoneInfo("Europe/Brussels")
MONDAY = datetime.date(2026, 3, 2)


def url(name: str, organisation: Organisation, **kwargs: Any) -> str:
    return reverse(f"accesslog:{name}", kwargs={"org": organisation.slug, **kwargs})


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=BRUSSELS)


def ingest_night(organisation: Organisation, count: int = 2) -> None:
    records = [
        (
            line,
            {
                "event_id": f"night-{line}",
                "time": at(MONDAY, 3).isoformat(),
                "user_id": "U9",
                "application": "social-file",
                "action": "consult",
                "subject": "85073000160",
                "service": "IdentifyPerson",
            },
        )
        for line in range(1, count + 1)
    ]
    ingest_events(organisation, records, source="test")


@pytest.fixture
def finding(centre_a: Organisation, consultant_a: User) -> Finding:
    ingest_night(centre_a)
    findings = run_detection(
        centre_a, since=at(MONDAY, 0), until=at(MONDAY, 23), actor=consultant_a
    )
    return next(f for f in findings if f.rule == Rule.OUTSIDE_HOURS)


def test_list_shows_open_findings(
    consultant_a: User, centre_a: Organisation, finding: Finding
) -> None:
    response = login(consultant_a).get(url("findings", centre_a))
    assert response.status_code == 200
    assert finding in list(response.context["page"])
    assert url("finding", centre_a, pk=finding.pk).encode() in response.content


def test_list_filters_by_status(
    consultant_a: User, centre_a: Organisation, finding: Finding
) -> None:
    client = login(consultant_a)
    dismissed = client.get(url("findings", centre_a), {"status": "dismissed"})
    assert list(dismissed.context["page"]) == []


def test_detail_links_entries_and_proofs(
    auditor_a: User, centre_a: Organisation, finding: Finding
) -> None:
    response = login(auditor_a).get(url("finding", centre_a, pk=finding.pk))
    assert response.status_code == 200
    indices = [row.entry.index for row in response.context["rows"]]
    assert indices == [0, 1]
    for index in indices:
        assert url("proof", centre_a, index=index).encode() in response.content
    assert response.context["form"] is None


def test_detail_of_other_centre_is_404(
    consultant_b: User, centre_a: Organisation, centre_b: Organisation, finding: Finding
) -> None:
    client = login(consultant_b)
    assert client.get(url("finding", centre_b, pk=finding.pk)).status_code == 404


def test_triage_saves_status(
    consultant_a: User, centre_a: Organisation, finding: Finding
) -> None:
    response = login(consultant_a).post(
        url("finding_triage", centre_a, pk=finding.pk),
        {"status": "confirmed", "note": "No case file; reported to the DPO."},
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == Finding.Status.CONFIRMED
    assert finding.triaged_by == consultant_a


def test_triage_without_note_rejected(
    consultant_a: User, centre_a: Organisation, finding: Finding
) -> None:
    response = login(consultant_a).post(
        url("finding_triage", centre_a, pk=finding.pk), {"status": "dismissed"}
    )
    assert response.status_code == 400
    assert "note" in response.context["form"].errors
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN


def test_triage_needs_manage_capability(
    management_a: User, centre_a: Organisation, finding: Finding
) -> None:
    response = login(management_a).post(
        url("finding_triage", centre_a, pk=finding.pk),
        {"status": "dismissed", "note": "x"},
    )
    assert response.status_code == 403


def test_run_from_page(consultant_a: User, centre_a: Organisation) -> None:
    ingest_night(centre_a)
    client = login(consultant_a)
    data = {"since": "2026-03-02", "until": "2026-03-02"}
    response = client.post(url("detection_run", centre_a), data)
    assert response.status_code == 302
    assert Finding.objects.filter(organisation=centre_a).count() == 1
    client.post(url("detection_run", centre_a), data)
    assert Finding.objects.filter(organisation=centre_a).count() == 1


def test_run_message_counts_entries_and_changes(
    consultant_a: User, centre_a: Organisation
) -> None:
    ingest_night(centre_a)
    client = login(consultant_a)
    response = client.post(
        url("detection_run", centre_a),
        {"since": "2026-03-02", "until": "2026-03-02"},
        headers={"Accept-Language": "en"},
        follow=True,
    )
    text = " ".join(str(message) for message in response.context["messages"])
    assert "1 finding in the period, of which 1 new, 0 updated" in text


def run_message(consultant: User, organisation: Organisation, language: str) -> str:
    response = login(consultant).post(
        url("detection_run", organisation),
        {"since": "2026-03-02", "until": "2026-03-02"},
        headers={"Accept-Language": language},
        follow=True,
    )
    successes = [
        str(message)
        for message in response.context["messages"]
        if message.level_tag == "success"
    ]
    assert len(successes) == 1
    return successes[0]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "Detection done over 1 entry: 1 finding in the period, of which 1 new, "
            "0 updated and 0 reopened.",
        ),
        (
            "nl",
            "Detectie uitgevoerd over 1 logregel: 1 bevinding in de periode, "
            "waarvan 1 nieuw, 0 bijgewerkt en 0 heropend.",
        ),
        (
            "fr",
            "Détection terminée sur 1 entrée\u00a0: 1 constat sur la période, dont "
            "1 nouveau, 0 mis à jour et 0 rouvert.",
        ),
    ],
)
def test_run_message_one_entry_one_finding(
    consultant_a: User, centre_a: Organisation, language: str, expected: str
) -> None:
    ingest_night(centre_a, count=1)
    assert run_message(consultant_a, centre_a, language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "Detection done over 3 entries: 2 findings in the period, of which 2 "
            "new, 0 updated and 0 reopened.",
        ),
        (
            "nl",
            "Detectie uitgevoerd over 3 logregels: 2 bevindingen in de periode, "
            "waarvan 2 nieuw, 0 bijgewerkt en 0 heropend.",
        ),
        (
            "fr",
            "Détection terminée sur 3 entrées\u00a0: 2 constats sur la période, "
            "dont 2 nouveaux, 0 mis à jour et 0 rouvert.",
        ),
    ],
)
def test_run_message_many_entries_and_findings(
    consultant_a: User, centre_a: Organisation, language: str, expected: str
) -> None:
    ingest_night(centre_a)
    record = {
        "event_id": "night-other",
        "time": at(MONDAY, 4).isoformat(),
        "user_id": "U8",
        "application": "social-file",
        "action": "consult",
        "subject": "85073000160",
        "service": "IdentifyPerson",
    }
    ingest_events(centre_a, [(1, record)], source="test")
    assert run_message(consultant_a, centre_a, language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "Detection done over 0 entries: 0 findings in the period, of which 0 "
            "new, 0 updated and 0 reopened.",
        ),
        (
            "fr",
            "Détection terminée sur 0 entrée\u00a0: 0 constat sur la période, dont "
            "0 nouveau, 0 mis à jour et 0 rouvert.",
        ),
    ],
)
def test_run_message_no_entries(
    consultant_a: User, centre_a: Organisation, language: str, expected: str
) -> None:
    assert run_message(consultant_a, centre_a, language) == expected


def test_run_rejects_unreadable_day(consultant_a: User, centre_a: Organisation) -> None:
    response = login(consultant_a).post(
        url("detection_run", centre_a),
        {"since": "abc", "until": "2026-03-02"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert "YYYY-MM-DD" in " ".join(response.context["run_form"].errors["since"])


def test_run_rejects_inverted_period(
    consultant_a: User, centre_a: Organisation
) -> None:
    response = login(consultant_a).post(
        url("detection_run", centre_a), {"since": "2026-03-05", "until": "2026-03-02"}
    )
    assert response.status_code == 400
    assert "until" in response.context["run_form"].errors


def hold_user_id(
    centre: Organisation,
    reference: str,
    valid_from: datetime.datetime,
    valid_until: datetime.datetime | None = None,
) -> None:
    add_identity_period(
        centre,
        "U9",
        "Staff member",
        valid_from,
        valid_until,
        actor=None,
        person_reference=reference,
    )


def test_detail_warns_about_own_user_id(
    consultant_a: User, centre_a: Organisation, finding: Finding
) -> None:
    hold_user_id(centre_a, f"  {consultant_a.email.upper()} ", at(MONDAY, 0))
    response = login(consultant_a).get(url("finding", centre_a, pk=finding.pk))
    assert b'data-testid="own-user-id"' in response.content
    assert b"2026-03-02" in response.content


def test_warning_names_end_of_period(
    consultant_a: User, centre_a: Organisation, finding: Finding
) -> None:
    hold_user_id(centre_a, consultant_a.email, at(MONDAY, 2), at(MONDAY, 6))
    response = login(consultant_a).get(url("finding", centre_a, pk=finding.pk))
    warning = response.content.split(b'data-testid="own-user-id">')[1]
    assert b"2026-03-02 02:00" in warning
    assert b"2026-03-02 06:00" in warning


def test_no_warning_for_other_person(
    consultant_a: User, centre_a: Organisation, finding: Finding
) -> None:
    hold_user_id(centre_a, "someone.else@example.org", at(MONDAY, 0))
    response = login(consultant_a).get(url("finding", centre_a, pk=finding.pk))
    assert b'data-testid="own-user-id"' not in response.content


def test_no_warning_outside_finding_period(
    consultant_a: User, centre_a: Organisation, finding: Finding
) -> None:
    # The finding covers 03:00 on Monday; the period ended at midnight.
    hold_user_id(
        centre_a,
        consultant_a.email,
        at(MONDAY, 0) - datetime.timedelta(days=30),
        at(MONDAY, 0),
    )
    response = login(consultant_a).get(url("finding", centre_a, pk=finding.pk))
    assert b'data-testid="own-user-id"' not in response.content


def test_own_triage_audited_and_shown(
    consultant_a: User, centre_a: Organisation, finding: Finding
) -> None:
    hold_user_id(centre_a, consultant_a.email, at(MONDAY, 0))
    client = login(consultant_a)
    client.post(
        url("finding_triage", centre_a, pk=finding.pk),
        {"status": "dismissed", "note": "On-call duty that night."},
    )
    audit = AuditEntry.objects.get(action="accesslog.finding_triaged")
    assert audit.new_values["own_user_id"] is True
    response = client.get(url("finding", centre_a, pk=finding.pk))
    assert b'data-testid="triaged-own"' in response.content


def test_other_triage_audited_as_such(
    consultant_a: User, centre_a: Organisation, finding: Finding
) -> None:
    client = login(consultant_a)
    client.post(
        url("finding_triage", centre_a, pk=finding.pk),
        {"status": "dismissed", "note": "On-call duty that night."},
    )
    audit = AuditEntry.objects.get(action="accesslog.finding_triaged")
    assert audit.new_values["own_user_id"] is False
    response = client.get(url("finding", centre_a, pk=finding.pk))
    assert b'data-testid="triaged-own"' not in response.content


def test_audit_trail_labels_own_user_id() -> None:
    with translation.override("nl"):
        (line,) = value_lines("accesslog.finding", None, {"own_user_id": True})
    assert line.label == "Over de eigen gebruikers-id"
    assert line.text == "ja"


def test_audit_trail_labels_search_criteria() -> None:
    with translation.override("fr"):
        lines = value_lines(
            "accesslog.accessentry", None, {"person": "An", "until": "2026-03-02"}
        )
    assert [line.label for line in lines] == [
        "Personne physique",
        "Jusqu'au (non compris)",
    ]


def status_choices(response: Any) -> list[str]:
    form = response.context["form"]
    return [value for value, _label in form.fields["status"].widget.choices]


def triage_audits(finding: Finding) -> Any:
    return AuditEntry.objects.filter(
        action="accesslog.finding_triaged", object_id=str(finding.pk)
    )


def test_triage_is_one_transaction(
    consultant_a: User, finding: Finding, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The triage locks the finding's row, which PostgreSQL allows only inside
    # a transaction, and a failed audit record must undo the new status.
    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(services, "record", fail)
    with pytest.raises(RuntimeError):
        services.triage_finding(
            finding, status="confirmed", note="No case file.", actor=consultant_a
        )
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Nothing changed: the finding already has this status and note."),
        ("nl", "Er is niets gewijzigd: de bevinding heeft deze status en notitie al."),
        (
            "fr",
            "Rien n'a changé\u00a0: le constat a déjà ce statut et cette note.",
        ),
    ],
)
def test_triage_unchanged_writes_no_audit(
    consultant_a: User,
    centre_a: Organisation,
    finding: Finding,
    language: str,
    message: str,
) -> None:
    client = login(consultant_a)
    triage = url("finding_triage", centre_a, pk=finding.pk)
    data = {"status": "confirmed", "note": "No case file."}
    client.post(triage, data, follow=True)
    triaged_at = Finding.objects.get(pk=finding.pk).triaged_at
    response = client.post(
        triage,
        {**data, "note": " No case file.\n"},
        headers={"Accept-Language": language},
        follow=True,
    )
    assert [str(shown) for shown in response.context["messages"]] == [message]
    assert triage_audits(finding).count() == 1
    assert Finding.objects.get(pk=finding.pk).triaged_at == triaged_at


def test_triage_form_offers_no_incident_status(
    consultant_a: User, centre_a: Organisation, finding: Finding
) -> None:
    response = login(consultant_a).get(url("finding", centre_a, pk=finding.pk))
    assert status_choices(response) == ["open", "dismissed", "confirmed"]


@pytest.mark.parametrize(
    ("language", "button"),
    [
        ("en", "“Record as a security incident”"),
        ("nl", "“Registreren als veiligheidsincident”"),
        ("fr", "«\u00a0Enregistrer comme incident de sécurité\u00a0»"),
    ],
)
def test_triage_to_incident_rejected(
    consultant_a: User,
    centre_a: Organisation,
    finding: Finding,
    language: str,
    button: str,
) -> None:
    response = login(consultant_a).post(
        url("finding_triage", centre_a, pk=finding.pk),
        {"status": "incident", "note": "Reported to the DPO."},
        headers={"Accept-Language": language},
    )
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["status"])
    assert button in errors
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN
    assert not triage_audits(finding).exists()


# Bulk triage from the list.


def bulk_url(organisation: Organisation, query: str = "") -> str:
    return url("findings_triage", organisation) + query


def shown_messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_list_offers_checkboxes_to_consultant(
    consultant_a: User, centre_a: Organisation
) -> None:
    finding = make_finding(centre_a)
    response = login(consultant_a).get(url("findings", centre_a))
    assert response.context["triage_form"] is not None
    assert f'name="findings" value="{finding.pk}"'.encode() in response.content
    assert b'id="select-page"' in response.content
    choices = response.context["triage_form"].fields["status"].choices
    assert [value for value, _label in choices] == [
        "",
        "open",
        "dismissed",
        "confirmed",
    ]


def test_list_offers_no_checkboxes_to_auditor(
    auditor_a: User, centre_a: Organisation
) -> None:
    make_finding(centre_a)
    response = login(auditor_a).get(url("findings", centre_a))
    assert response.context["triage_form"] is None
    assert b'name="findings"' not in response.content
    assert b"bulk-triage" not in response.content


@pytest.mark.parametrize("persona", ["viewer_a", "management_a", "auditor_a"])
def test_bulk_triage_forbidden_without_manage(
    request: pytest.FixtureRequest, centre_a: Organisation, persona: str
) -> None:
    finding = make_finding(centre_a)
    user = request.getfixturevalue(persona)
    response = login(user).post(
        bulk_url(centre_a),
        {"findings": [finding.pk], "status": "dismissed", "note": "On call."},
    )
    assert response.status_code == 403
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN
    assert not triage_audits(finding).exists()


@pytest.mark.parametrize(
    ("language", "count", "message"),
    [
        ("en", 1, "1 finding updated."),
        ("en", 3, "3 findings updated."),
        ("nl", 1, "1 bevinding bijgewerkt."),
        ("nl", 3, "3 bevindingen bijgewerkt."),
        ("fr", 1, "1 constat mis à jour."),
        ("fr", 3, "3 constats mis à jour."),
    ],
)
def test_bulk_triage_updates_and_audits(
    consultant_a: User,
    centre_a: Organisation,
    language: str,
    count: int,
    message: str,
) -> None:
    findings = [make_finding(centre_a, f"U{n}") for n in range(count)]
    response = login(consultant_a).post(
        bulk_url(centre_a),
        {
            "findings": [finding.pk for finding in findings],
            "status": "confirmed",
            "note": "No case file; reported to the DPO.",
        },
        headers={"Accept-Language": language},
        follow=True,
    )
    assert response.status_code == 200
    assert shown_messages(response) == [message]
    for finding in findings:
        finding.refresh_from_db()
        assert finding.status == Finding.Status.CONFIRMED
        assert finding.note == "No case file; reported to the DPO."
        assert finding.triaged_by == consultant_a
        assert triage_audits(finding).count() == 1


@pytest.mark.parametrize(
    ("language", "messages"),
    [
        (
            "en",
            [
                "1 finding updated.",
                "1 finding already had this status and note, so it did not change.",
                "1 finding skipped because it has a security incident: "
                "Consultation outside office hours U3 2026-03-02. Triage it on "
                "its own page.",
            ],
        ),
        (
            "nl",
            [
                "1 bevinding bijgewerkt.",
                "1 bevinding had deze status en notitie al, dus ze is niet gewijzigd.",
                "1 bevinding overgeslagen omdat ze een veiligheidsincident "
                "heeft: Raadpleging buiten de kantooruren U3 2026-03-02. "
                "Beoordeel ze op haar eigen pagina.",
            ],
        ),
        (
            "fr",
            [
                "1 constat mis à jour.",
                "1 constat avait déjà ce statut et cette note, il n'a donc pas changé.",
                "1 constat ignoré parce qu'il a un incident de sécurité\u00a0: "
                "Consultation en dehors des heures de bureau U3 2026-03-02. "
                "Évaluez-le sur sa propre page.",
            ],
        ),
    ],
)
def test_bulk_triage_reports_unchanged_and_skipped(
    consultant_a: User,
    centre_a: Organisation,
    language: str,
    messages: list[str],
) -> None:
    fresh, same, reported = (make_finding(centre_a, f"U{n}") for n in (1, 2, 3))
    services.triage_finding(
        same, status="dismissed", note="On call.", actor=consultant_a
    )
    create_from_finding(reported, actor=consultant_a)
    reported.refresh_from_db()
    response = login(consultant_a).post(
        bulk_url(centre_a),
        {
            "findings": [fresh.pk, same.pk, reported.pk],
            "status": "dismissed",
            "note": "On call.",
        },
        headers={"Accept-Language": language},
        follow=True,
    )
    assert shown_messages(response) == messages
    assert triage_audits(fresh).count() == 1
    assert triage_audits(same).count() == 1
    assert triage_audits(reported).count() == 1
    assert Finding.objects.get(pk=reported.pk).status == Finding.Status.INCIDENT
    assert Finding.objects.get(pk=reported.pk).note == reported.note


def test_bulk_triage_leaves_other_centre_alone(
    consultant_a: User, centre_a: Organisation, centre_b: Organisation
) -> None:
    own = make_finding(centre_a)
    foreign = make_finding(centre_b)
    response = login(consultant_a).post(
        bulk_url(centre_a),
        {"findings": [own.pk, foreign.pk], "status": "dismissed", "note": "x"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    errors = response.context["triage_form"].errors["findings"]
    assert errors == [
        f"Findings: {foreign.pk} is not a finding of this centre. Reload the "
        "list and select the findings again."
    ]
    for finding in (own, foreign):
        finding.refresh_from_db()
        assert finding.status == Finding.Status.OPEN
        assert not triage_audits(finding).exists()


def test_bulk_triage_other_centre_url_is_404(
    consultant_a: User, centre_b: Organisation
) -> None:
    foreign = make_finding(centre_b)
    response = login(consultant_a).post(
        bulk_url(centre_b),
        {"findings": [foreign.pk], "status": "dismissed", "note": "x"},
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Finding.Status.OPEN


BULK_ERRORS = {
    "findings": {
        "en": "Findings: none selected. Tick the checkbox of each finding to triage.",
        "nl": "Bevindingen: geen geselecteerd. Vink het vakje aan van elke "
        "bevinding die u wilt beoordelen.",
        "fr": "Constats\u00a0: aucun sélectionné. Cochez la case de chaque "
        "constat à évaluer.",
    },
    "note": {
        "en": "Note: missing. Explain the decision for the selected findings, "
        "e.g. the case file that justifies it.",
        "nl": "Notitie: ontbreekt. Licht de beslissing over de geselecteerde "
        "bevindingen toe, bv. met het dossier dat ze verantwoordt.",
        "fr": "Note\u00a0: manquante. Expliquez la décision pour les constats "
        "sélectionnés, p. ex. en citant le dossier qui la justifie.",
    },
    "status": {
        "en": "Status: “incident” is not a status for several findings at "
        "once. Choose one of the statuses in the list. A finding becomes a "
        "security incident only through “Record as a security incident” on "
        "its own page.",
        "nl": "Status: “incident” is geen status voor meerdere bevindingen "
        "tegelijk. Kies een van de statussen in de lijst. Een bevinding wordt "
        "alleen een veiligheidsincident via “Registreren als "
        "veiligheidsincident” op haar eigen pagina.",
        "fr": "Statut\u00a0: «\u00a0incident\u00a0» n'est pas un statut pour "
        "plusieurs constats à la fois. Choisissez un des statuts de la liste. "
        "Un constat ne devient un incident de sécurité que par «\u00a0"
        "Enregistrer comme incident de sécurité\u00a0» sur sa propre page.",
    },
}


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("findings", {"status": "dismissed", "note": "On call."}),
        ("note", {"select": True, "status": "dismissed", "note": " \n"}),
        ("status", {"select": True, "status": "incident", "note": "DPO."}),
    ],
)
def test_bulk_triage_rejects_bad_input(
    consultant_a: User,
    centre_a: Organisation,
    field: str,
    data: dict[str, Any],
    language: str,
) -> None:
    finding = make_finding(centre_a)
    post = {key: value for key, value in data.items() if key != "select"}
    if data.get("select"):
        post["findings"] = [finding.pk]
    response = login(consultant_a).post(
        bulk_url(centre_a, "?status=open"),
        post,
        headers={"Accept-Language": language},
    )
    assert response.status_code == 400
    form = response.context["triage_form"]
    assert list(form.errors) == [field]
    assert form.errors[field] == [BULK_ERRORS[field][language]]
    assert escape(BULK_ERRORS[field][language]).encode() in response.content
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN
    assert not triage_audits(finding).exists()


def test_bulk_form_accepts_open_without_note(centre_a: Organisation) -> None:
    finding = make_finding(centre_a)
    findings = Finding.objects.filter(organisation=centre_a)

    reopen = BulkTriageForm(
        {"findings": [finding.pk], "status": "open", "note": ""}, findings=findings
    )

    assert reopen.is_valid(), reopen.errors
    assert reopen.cleaned_data["note"] == ""


def test_bulk_triage_reopens_without_note(
    consultant_a: User, centre_a: Organisation
) -> None:
    findings = [make_finding(centre_a, f"U{n}") for n in (1, 2)]
    for finding in findings:
        services.triage_finding(
            finding, status="dismissed", note="On call.", actor=consultant_a
        )
    response = login(consultant_a).post(
        bulk_url(centre_a, "?status=dismissed"),
        {"findings": [finding.pk for finding in findings], "status": "open"},
        headers={"Accept-Language": "en"},
        follow=True,
    )
    assert response.status_code == 200
    assert shown_messages(response) == ["2 findings updated."]
    for finding in findings:
        finding.refresh_from_db()
        assert finding.status == Finding.Status.OPEN
        assert finding.note == ""
        assert triage_audits(finding).count() == 2


def test_bulk_triage_rejects_missing_status(
    consultant_a: User, centre_a: Organisation
) -> None:
    finding = make_finding(centre_a)
    response = login(consultant_a).post(
        bulk_url(centre_a),
        {"findings": [finding.pk], "note": "On call."},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert response.context["triage_form"].errors["status"] == [
        "Status: missing. Choose the status for the selected findings."
    ]
    assert not triage_audits(finding).exists()


def test_rejected_bulk_triage_keeps_list_state(
    consultant_a: User, centre_a: Organisation
) -> None:
    ticked = make_finding(centre_a, "U1")
    other = make_finding(centre_a, "U2")
    response = login(consultant_a).post(
        bulk_url(centre_a, "?status=open&rule=outside_hours"),
        {"findings": [ticked.pk], "status": "dismissed", "note": ""},
    )
    assert response.status_code == 400
    assert response.context["filters"].data["rule"] == "outside_hours"
    assert response.context["selected"] == {ticked.pk}
    assert f'value="{ticked.pk}" form="bulk-triage"'.encode() in response.content
    assert b"checked" in response.content
    assert f'value="{other.pk}" form="bulk-triage" aria-label'.encode() in (
        response.content
    )
    action = bulk_url(centre_a, "?status=open&amp;rule=outside_hours")
    assert f'action="{action}"'.encode() in response.content


def test_bulk_triage_redirects_to_same_list(
    consultant_a: User, centre_a: Organisation
) -> None:
    finding = make_finding(centre_a)
    query = "?status=open&rule=outside_hours&page=2"
    response = login(consultant_a).post(
        bulk_url(centre_a, query),
        {"findings": [finding.pk], "status": "dismissed", "note": "On call."},
    )
    assert response.status_code == 302
    assert response["Location"] == url("findings", centre_a) + query


def test_bulk_triage_redirects_without_filters(
    consultant_a: User, centre_a: Organisation
) -> None:
    finding = make_finding(centre_a)
    response = login(consultant_a).post(
        bulk_url(centre_a),
        {"findings": [finding.pk], "status": "dismissed", "note": "On call."},
    )
    assert response.status_code == 302
    assert response["Location"] == url("findings", centre_a)
