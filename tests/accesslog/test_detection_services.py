"""Detection runs over entries ingested through the core, and finding triage."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from tests.accesslog.factories import national_number
from tests.incidents.factories import make_finding
from vigil.accesslog.detection import evidence, services
from vigil.accesslog.detection.lists import (
    add_watched_subject,
    change_open_cases,
    read_case_refs,
    read_national_numbers,
    remove_watched_subject,
)
from vigil.accesslog.detection.models import (
    DetectionSettings,
    Finding,
    OpenCase,
    Rule,
    WatchedSubject,
)
from vigil.accesslog.detection.services import (
    get_settings,
    local_day_bounds,
    run_detection,
    triage_finding,
    triage_findings,
    update_settings,
)
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.models import AccessEntry
from vigil.accesslog.pseudonyms import pseudonymise
from vigil.accounts.models import User
from vigil.audit.models import AuditEntry
from vigil.audit.services import record
from vigil.organisations.models import Organisation
from vigil.registers.incidents.services import create_from_finding

BRUSSELS = ZoneInfo("Europe/Brussels")
MONDAY = datetime.date(2026, 3, 2)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=BRUSSELS)


class Log:
    """Appends hand-made events to an organisation's log through ``ingest_events``."""

    def __init__(self, organisation: Organisation) -> None:
        self.organisation = organisation
        self.count = 0

    def add(
        self,
        when: datetime.datetime,
        *,
        user_id: str = "U1",
        subject: int = 1,
        case_ref: str = "",
        repeat: int = 1,
    ) -> list[int]:
        records = []
        for line in range(1, repeat + 1):
            self.count += 1
            event: dict[str, Any] = {
                "event_id": f"e-{self.count}",
                "time": when.isoformat(),
                "user_id": user_id,
                "application": "social-file",
                "action": "consult",
                "subject": national_number(subject),
                "service": "IdentifyPerson",
            }
            if case_ref:
                event["case_ref"] = case_ref
            records.append((line, event))
        result = ingest_events(self.organisation, records, source="test")
        return [index for _line, _event_id, index in result.accepted]


@pytest.fixture
def log(centre_a: Organisation) -> Log:
    return Log(centre_a)


def run_monday(organisation: Organisation, actor: Any) -> list[Finding]:
    return run_detection(
        organisation, since=at(MONDAY, 0), until=at(MONDAY, 23, 59), actor=actor
    )


def indices(finding: Finding) -> list[int]:
    return sorted(finding.entry_links.values_list("index", flat=True))


def only_rule(organisation: Organisation, rule: str, actor: Any) -> None:
    flags = {
        "check_outside_hours": rule == Rule.OUTSIDE_HOURS,
        "check_daily_volume": rule == Rule.DAILY_VOLUME,
        "check_open_cases": rule == Rule.NO_OPEN_CASE,
        "check_watch_list": rule == Rule.WATCH_LIST,
    }
    update_settings(organisation, flags, actor=actor)


def test_outside_hours_finding(
    log: Log, centre_a: Organisation, consultant_a: User
) -> None:
    only_rule(centre_a, Rule.OUTSIDE_HOURS, consultant_a)
    early = log.add(at(MONDAY, 6, 30))
    log.add(at(MONDAY, 10))
    late = log.add(at(MONDAY, 21))
    findings = run_monday(centre_a, consultant_a)
    assert len(findings) == 1
    finding = findings[0]
    assert finding.rule == Rule.OUTSIDE_HOURS
    assert finding.user_id == "U1"
    assert indices(finding) == early + late
    assert finding.status == Finding.Status.OPEN


def test_outside_hours_respects_working_days(
    log: Log, centre_a: Organisation, consultant_a: User
) -> None:
    only_rule(centre_a, Rule.OUTSIDE_HOURS, consultant_a)
    update_settings(centre_a, {"working_days": [2, 3, 4, 5, 6]}, actor=consultant_a)
    log.add(at(MONDAY, 10))
    findings = run_monday(centre_a, consultant_a)
    assert [f.rule for f in findings] == [Rule.OUTSIDE_HOURS]


def test_daily_volume_over_threshold(
    log: Log, centre_a: Organisation, consultant_a: User
) -> None:
    only_rule(centre_a, Rule.DAILY_VOLUME, consultant_a)
    update_settings(centre_a, {"daily_threshold": 5}, actor=consultant_a)
    flagged = log.add(at(MONDAY, 10), user_id="U1", repeat=6)
    log.add(at(MONDAY, 10), user_id="U2", repeat=5)
    findings = run_monday(centre_a, consultant_a)
    assert [(f.user_id, f.rule) for f in findings] == [("U1", Rule.DAILY_VOLUME)]
    assert indices(findings[0]) == flagged
    assert findings[0].details["over_threshold"] is True


def test_daily_volume_over_usual_level(
    log: Log, centre_a: Organisation, consultant_a: User
) -> None:
    only_rule(centre_a, Rule.DAILY_VOLUME, consultant_a)
    update_settings(
        centre_a, {"daily_threshold": 1000, "usual_min_days": 3}, actor=consultant_a
    )
    for days_before in (1, 2, 3, 7):
        log.add(at(MONDAY - datetime.timedelta(days=days_before), 10), repeat=2)
    log.add(at(MONDAY, 10), repeat=7)
    findings = run_monday(centre_a, consultant_a)
    assert len(findings) == 1
    assert findings[0].details["median"] == 2.0
    assert findings[0].details["over_usual_level"] is True
    assert findings[0].details["over_threshold"] is False


def test_daily_volume_at_usual_level_not_flagged(
    log: Log, centre_a: Organisation, consultant_a: User
) -> None:
    only_rule(centre_a, Rule.DAILY_VOLUME, consultant_a)
    update_settings(
        centre_a, {"daily_threshold": 1000, "usual_min_days": 3}, actor=consultant_a
    )
    for days_before in (1, 2, 3):
        log.add(at(MONDAY - datetime.timedelta(days=days_before), 10), repeat=2)
    log.add(at(MONDAY, 10), repeat=6)
    assert run_monday(centre_a, consultant_a) == []


def test_no_open_case_finding(
    log: Log, centre_a: Organisation, consultant_a: User
) -> None:
    only_rule(centre_a, Rule.NO_OPEN_CASE, consultant_a)
    change_open_cases(
        centre_a,
        case_refs=["D-1"],
        national_numbers=[national_number(2)],
        replace=False,
        actor=consultant_a,
    )
    log.add(at(MONDAY, 9), subject=1, case_ref="D-1")
    log.add(at(MONDAY, 10), subject=2)
    unjustified = log.add(at(MONDAY, 11), subject=3, case_ref="D-9")
    findings = run_monday(centre_a, consultant_a)
    assert [f.rule for f in findings] == [Rule.NO_OPEN_CASE]
    assert indices(findings[0]) == unjustified


def test_no_open_case_skipped_with_empty_list(
    log: Log, centre_a: Organisation, consultant_a: User
) -> None:
    only_rule(centre_a, Rule.NO_OPEN_CASE, consultant_a)
    log.add(at(MONDAY, 9))
    assert run_monday(centre_a, consultant_a) == []


def test_watch_list_finding(
    log: Log, centre_a: Organisation, consultant_a: User
) -> None:
    only_rule(centre_a, Rule.WATCH_LIST, consultant_a)
    watched = add_watched_subject(
        centre_a, national_number(5), "colleague", actor=consultant_a
    )
    log.add(at(MONDAY, 9), subject=4)
    hits = log.add(at(MONDAY, 10), subject=5, user_id="U7")
    findings = run_monday(centre_a, consultant_a)
    assert [(f.rule, f.user_id) for f in findings] == [(Rule.WATCH_LIST, "U7")]
    assert indices(findings[0]) == hits
    assert findings[0].details["watched_subject"] == watched.pk
    assert "colleague" in findings[0].description


def test_watch_list_stores_only_pseudonym(
    centre_a: Organisation, consultant_a: User
) -> None:
    number = national_number(5)
    watched = add_watched_subject(centre_a, number, "mayor", actor=consultant_a)
    assert watched.subject_pseudonym == pseudonymise(centre_a, number)
    assert number not in watched.subject_pseudonym
    audit = AuditEntry.objects.get(action="accesslog.watch_list_changed")
    assert number not in str(audit.new_values)


def test_watch_list_rejects_repeat(centre_a: Organisation, consultant_a: User) -> None:
    add_watched_subject(centre_a, national_number(5), "mayor", actor=consultant_a)
    with pytest.raises(ValidationError) as caught:
        add_watched_subject(centre_a, national_number(5), "again", actor=consultant_a)
    assert "national_number" in caught.value.message_dict


def test_watch_list_remove(centre_a: Organisation, consultant_a: User) -> None:
    watched = add_watched_subject(
        centre_a, national_number(5), "mayor", actor=consultant_a
    )
    remove_watched_subject(watched, actor=consultant_a)
    assert not WatchedSubject.objects.exists()
    assert AuditEntry.objects.filter(action="accesslog.watch_list_changed").count() == 2


def test_run_twice_creates_no_duplicates(
    log: Log, centre_a: Organisation, consultant_a: User
) -> None:
    log.add(at(MONDAY, 6))
    first = run_monday(centre_a, consultant_a)
    second = run_monday(centre_a, consultant_a)
    assert [f.pk for f in first] == [f.pk for f in second]
    assert Finding.objects.count() == len(first)


def test_rerun_adds_new_entries(
    log: Log, centre_a: Organisation, consultant_a: User
) -> None:
    only_rule(centre_a, Rule.OUTSIDE_HOURS, consultant_a)
    first = log.add(at(MONDAY, 6))
    run_monday(centre_a, consultant_a)
    later = log.add(at(MONDAY, 22))
    findings = run_monday(centre_a, consultant_a)
    assert Finding.objects.count() == 1
    assert indices(findings[0]) == first + later


def test_rerun_reopens_triaged_finding(
    log: Log, centre_a: Organisation, consultant_a: User
) -> None:
    only_rule(centre_a, Rule.OUTSIDE_HOURS, consultant_a)
    log.add(at(MONDAY, 6))
    (finding,) = run_monday(centre_a, consultant_a)
    triage_finding(
        finding, status=Finding.Status.DISMISSED, note="on call", actor=consultant_a
    )
    run_monday(centre_a, consultant_a)
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.DISMISSED
    log.add(at(MONDAY, 23))
    run_monday(centre_a, consultant_a)
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.OPEN
    assert AuditEntry.objects.filter(action="accesslog.finding_reopened").exists()


def test_run_is_audited(log: Log, centre_a: Organisation, consultant_a: User) -> None:
    log.add(at(MONDAY, 6))
    run_monday(centre_a, consultant_a)
    audit = AuditEntry.objects.get(action="accesslog.detection_run")
    assert audit.organisation == centre_a
    assert audit.new_values["entries"] == 1
    assert audit.new_values["created"] >= 1


def test_run_ignores_other_organisation(
    centre_a: Organisation, centre_b: Organisation, consultant_a: User
) -> None:
    Log(centre_b).add(at(MONDAY, 3))
    assert run_monday(centre_a, consultant_a) == []
    assert not Finding.objects.exists()


def test_run_covers_whole_days(
    log: Log, centre_a: Organisation, consultant_a: User
) -> None:
    only_rule(centre_a, Rule.OUTSIDE_HOURS, consultant_a)
    early = log.add(at(MONDAY, 5))
    findings = run_detection(
        centre_a, since=at(MONDAY, 12), until=at(MONDAY, 13), actor=consultant_a
    )
    assert indices(findings[0]) == early


def test_day_bounds_across_dst() -> None:
    change = datetime.date(2026, 3, 29)
    bounds = local_day_bounds(at(change, 1), at(change, 20))
    start, end = bounds[change]
    # Aware datetimes of one zone subtract as wall times, so compare in UTC.
    length = end.astimezone(datetime.UTC) - start.astimezone(datetime.UTC)
    assert length == datetime.timedelta(hours=23)


def test_day_bounds_reject_empty_period() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        local_day_bounds(at(MONDAY, 10), at(MONDAY, 10))


def test_triage_requires_note(
    log: Log, centre_a: Organisation, consultant_a: User
) -> None:
    log.add(at(MONDAY, 6))
    finding = run_monday(centre_a, consultant_a)[0]
    with pytest.raises(ValidationError) as caught:
        triage_finding(
            finding, status=Finding.Status.CONFIRMED, note=" ", actor=consultant_a
        )
    assert "note" in caught.value.message_dict


def test_triage_records_who_and_when(
    log: Log, centre_a: Organisation, consultant_a: User
) -> None:
    log.add(at(MONDAY, 6))
    finding = run_monday(centre_a, consultant_a)[0]
    triaged = triage_finding(
        finding,
        status=Finding.Status.CONFIRMED,
        note="reported to the DPO",
        actor=consultant_a,
    )
    assert triaged is not None
    assert triaged.status == Finding.Status.CONFIRMED
    assert triaged.triaged_by == consultant_a
    assert triaged.triaged_at is not None
    audit = AuditEntry.objects.get(action="accesslog.finding_triaged")
    assert audit.old_values["status"] == "open"
    assert audit.new_values["status"] == "confirmed"


def test_triage_unchanged_returns_none(
    log: Log, centre_a: Organisation, consultant_a: User
) -> None:
    log.add(at(MONDAY, 6))
    finding = run_monday(centre_a, consultant_a)[0]
    values = {"status": Finding.Status.DISMISSED, "note": "on call"}
    assert triage_finding(finding, **values, actor=consultant_a) is not None
    assert triage_finding(finding, **values, actor=consultant_a) is None
    assert AuditEntry.objects.filter(action="accesslog.finding_triaged").count() == 1


def test_triage_to_incident_needs_incident(
    log: Log, centre_a: Organisation, consultant_a: User
) -> None:
    log.add(at(MONDAY, 6))
    finding = run_monday(centre_a, consultant_a)[0]
    with pytest.raises(ValidationError) as caught:
        triage_finding(
            finding, status=Finding.Status.INCIDENT, note="DPO", actor=consultant_a
        )
    assert "status" in caught.value.message_dict
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.OPEN


def test_update_settings_rejects_inverted_hours(
    centre_a: Organisation, consultant_a: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        update_settings(
            centre_a,
            {"office_start": datetime.time(18), "office_end": datetime.time(8)},
            actor=consultant_a,
        )
    assert "office_end" in caught.value.message_dict
    assert get_settings(centre_a).office_start == datetime.time(7)


def test_update_settings_audits_changes(
    centre_a: Organisation, consultant_a: User
) -> None:
    update_settings(centre_a, {"daily_threshold": 50}, actor=consultant_a)
    update_settings(centre_a, {"daily_threshold": 50}, actor=consultant_a)
    audits = AuditEntry.objects.filter(action="accesslog.detection_settings_changed")
    assert audits.count() == 1
    assert audits.get().old_values == {"daily_threshold": 200}
    assert DetectionSettings.objects.get(organisation=centre_a).daily_threshold == 50


def test_open_cases_replace(centre_a: Organisation, consultant_a: User) -> None:
    change_open_cases(
        centre_a,
        case_refs=["D-1", "D-2"],
        national_numbers=[national_number(1)],
        replace=False,
        actor=consultant_a,
    )
    change = change_open_cases(
        centre_a,
        case_refs=["D-3"],
        national_numbers=[],
        replace=True,
        actor=consultant_a,
    )
    assert (change.added, change.removed, change.total) == (1, 3, 1)
    values = list(OpenCase.objects.values_list("value", flat=True))
    assert values == ["D-3"]


def test_open_cases_store_pseudonyms(
    centre_a: Organisation, consultant_a: User
) -> None:
    number = national_number(1)
    change_open_cases(
        centre_a,
        case_refs=[],
        national_numbers=[number, number],
        replace=False,
        actor=consultant_a,
    )
    stored = OpenCase.objects.get(kind=OpenCase.Kind.SUBJECT)
    assert stored.value == pseudonymise(centre_a, number)
    assert not OpenCase.objects.filter(value__contains=number).exists()


def test_read_national_numbers_from_csv() -> None:
    text = "rijksregisternummer;naam\n85.07.30-001.60;A\n\n12345;B\n85073000259;C\n"
    read = read_national_numbers(text)
    assert read.numbers == [national_number(1), national_number(2)]
    assert read.invalid_lines == [4]


def test_read_case_refs_skips_blanks_and_repeats() -> None:
    assert read_case_refs(" D-1 \n\nD-2\nD-1\n") == ["D-1", "D-2"]


def test_read_case_refs_rejects_too_long_line() -> None:
    with pytest.raises(ValidationError) as caught:
        read_case_refs("D-1\n\n" + "D" * 101 + "\n" + "D" * 100)
    assert len(caught.value.messages) == 1
    assert caught.value.messages[0].startswith("Regel 3: de dossierreferentie")


def test_entries_of_findings_belong_to_tenant(
    log: Log, centre_a: Organisation, centre_b: Organisation, consultant_a: User
) -> None:
    Log(centre_b).add(at(MONDAY, 7), user_id="U2")
    log.add(at(MONDAY, 6))
    finding = run_monday(centre_a, consultant_a)[0]
    assert indices(finding) == [0]
    rows = evidence.entry_rows(finding, [0])
    assert [row.entry.organisation_id for row in rows if row.entry] == [centre_a.pk]
    assert AccessEntry.objects.filter(organisation=centre_a).count() == 1


def test_read_case_refs_rejects_unprintable() -> None:
    with pytest.raises(ValidationError) as caught:
        read_case_refs("D-1\nD-2\t7\nD-3\u2028D-4\r\nD-5")
    assert caught.value.messages == [
        "Regel 2: de dossierreferentie “D-2\ufffd7” bevat het teken U+0009, dat "
        "niet afdrukbaar is, zodat geen gelogde dossierreferentie het bevat. "
        "Verwijder het. Er is niets opgeslagen.",
        "Regel 3: de dossierreferentie “D-3\ufffdD-4” bevat het teken U+2028, dat "
        "niet afdrukbaar is, zodat geen gelogde dossierreferentie het bevat. "
        "Verwijder het. Er is niets opgeslagen.",
    ]


def test_read_case_refs_counts_lines_as_shown() -> None:
    # Only LF, CRLF and CR end a line, so a form feed stays in its line and
    # the error names the line that a text box shows.
    with pytest.raises(ValidationError) as caught:
        read_case_refs("D-1\r\nD-2\rD-3\x0cD-4\nD-5")
    assert len(caught.value.messages) == 1
    assert caught.value.messages[0].startswith("Regel 3: ")


def test_read_case_refs_strips_surrounding_spaces() -> None:
    assert read_case_refs("\u00a0D-1\t\nD-2 \u2028\n") == ["D-1", "D-2"]


# Bulk triage: several findings of one centre with one status and note.


def triaged_audits(finding: Finding) -> Any:
    return AuditEntry.objects.filter(
        action="accesslog.finding_triaged", object_id=str(finding.pk)
    )


def test_bulk_triage_audits_each_change(
    centre_a: Organisation, consultant_a: User
) -> None:
    first, second, same = (make_finding(centre_a, f"U{n}") for n in (1, 2, 3))
    triage_finding(same, status="dismissed", note="On call.", actor=consultant_a)

    result = triage_findings(
        centre_a,
        [first.pk, second.pk, same.pk],
        status="dismissed",
        note=" On call.\n",
        actor=consultant_a,
    )

    assert [finding.pk for finding in result.triaged] == [first.pk, second.pk]
    assert [finding.pk for finding in result.unchanged] == [same.pk]
    assert result.skipped == []
    for finding in (first, second, same):
        finding.refresh_from_db()
        assert finding.status == Finding.Status.DISMISSED
        assert finding.note == "On call."
        assert finding.triaged_by == consultant_a
        assert triaged_audits(finding).count() == 1


def test_bulk_triage_skips_incident_findings(
    centre_a: Organisation, consultant_a: User
) -> None:
    plain = make_finding(centre_a, "U1")
    reported = make_finding(centre_a, "U2")
    create_from_finding(reported, actor=consultant_a)
    reported.refresh_from_db()
    note_before = reported.note

    result = triage_findings(
        centre_a,
        [plain.pk, reported.pk],
        status="confirmed",
        note="No case file.",
        actor=consultant_a,
    )

    assert [finding.pk for finding in result.triaged] == [plain.pk]
    assert [finding.pk for finding in result.skipped] == [reported.pk]
    reported.refresh_from_db()
    assert reported.status == Finding.Status.INCIDENT
    assert reported.note == note_before
    assert triaged_audits(reported).count() == 1


def test_bulk_triage_rejects_other_centre(
    centre_a: Organisation, centre_b: Organisation, consultant_a: User
) -> None:
    own = make_finding(centre_a, "U1")
    foreign = make_finding(centre_b, "U1")

    with pytest.raises(ValidationError) as raised:
        triage_findings(
            centre_a,
            [own.pk, foreign.pk],
            status="dismissed",
            note="On call.",
            actor=consultant_a,
        )

    assert str(foreign.pk) in " ".join(raised.value.message_dict["findings"])
    for finding in (own, foreign):
        finding.refresh_from_db()
        assert finding.status == Finding.Status.OPEN
        assert not triaged_audits(finding).exists()


@pytest.mark.parametrize(
    ("selected", "status", "note", "field"),
    [
        (False, "dismissed", "On call.", "findings"),
        (True, "dismissed", "  ", "note"),
        (True, "confirmed", "", "note"),
        (True, "incident", "Reported to the DPO.", "status"),
        (True, "closed", "On call.", "status"),
    ],
)
def test_bulk_triage_rejects_bad_input(
    centre_a: Organisation,
    consultant_a: User,
    selected: bool,
    status: str,
    note: str,
    field: str,
) -> None:
    finding = make_finding(centre_a)
    ids = [finding.pk] if selected else []

    with pytest.raises(ValidationError) as raised:
        triage_findings(centre_a, ids, status=status, note=note, actor=consultant_a)

    assert list(raised.value.message_dict) == [field]
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN
    assert not triaged_audits(finding).exists()


def test_bulk_triage_reopens_without_note(
    centre_a: Organisation, consultant_a: User
) -> None:
    first, second = make_finding(centre_a, "U1"), make_finding(centre_a, "U2")
    for finding in (first, second):
        triage_finding(finding, status="dismissed", note="On call.", actor=consultant_a)

    result = triage_findings(
        centre_a, [first.pk, second.pk], status="open", note=" ", actor=consultant_a
    )

    assert [finding.pk for finding in result.triaged] == [first.pk, second.pk]
    for finding in (first, second):
        finding.refresh_from_db()
        assert finding.status == Finding.Status.OPEN
        assert finding.note == ""
        assert triaged_audits(finding).count() == 2


@pytest.mark.parametrize("status", services.BULK_TRIAGE_STATUSES)
def test_bulk_triage_note_rule_matches_single(
    centre_a: Organisation, consultant_a: User, status: str
) -> None:
    single, bulk = make_finding(centre_a, "U1"), make_finding(centre_a, "U2")

    def needs_note(triage: Any) -> bool:
        try:
            triage()
        except ValidationError as error:
            return list(error.message_dict) == ["note"]
        return False

    single_needs = needs_note(
        lambda: triage_finding(single, status=status, note="", actor=consultant_a)
    )
    bulk_needs = needs_note(
        lambda: triage_findings(
            centre_a, [bulk.pk], status=status, note="", actor=consultant_a
        )
    )

    assert single_needs == (status != Finding.Status.OPEN)
    assert bulk_needs == single_needs


def test_bulk_triage_is_one_transaction(
    centre_a: Organisation, consultant_a: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = make_finding(centre_a, "U1"), make_finding(centre_a, "U2")
    calls: list[str] = []

    def fail_second_record(*args: Any, **kwargs: Any) -> None:
        calls.append(args[0])
        if len(calls) == 2:
            raise RuntimeError("audit trail unavailable")
        record(*args, **kwargs)

    monkeypatch.setattr(services, "record", fail_second_record)
    with pytest.raises(RuntimeError):
        triage_findings(
            centre_a,
            [first.pk, second.pk],
            status="confirmed",
            note="No case file.",
            actor=consultant_a,
        )

    for finding in (first, second):
        finding.refresh_from_db()
        assert finding.status == Finding.Status.OPEN
        assert not triaged_audits(finding).exists()


def test_finding_label_names_local_day(centre_a: Organisation) -> None:
    finding = make_finding(centre_a)
    Finding.objects.filter(pk=finding.pk).update(
        period_start=at(MONDAY, 0), period_end=at(MONDAY + datetime.timedelta(1), 0)
    )
    finding.refresh_from_db()

    assert finding.period_start.astimezone(datetime.UTC).day == 1
    assert str(finding).endswith(" U123456 2026-03-02")


def test_run_label_names_last_included_day(centre_a: Organisation) -> None:
    sunday = MONDAY + datetime.timedelta(days=6)
    since, until = services.day_period(MONDAY, sunday)
    services.detect(centre_a, since=since, until=until, actor=None)

    audit = AuditEntry.objects.get(action="accesslog.detection_run")
    assert audit.object_label == "2026-03-02 – 2026-03-08"
