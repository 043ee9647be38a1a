"""The detection rules as pure functions over hand-made entry facts."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from vigil.accesslog.detection import rules
from vigil.accesslog.detection.models import Finding, Rule, Severity

BRUSSELS = ZoneInfo("Europe/Brussels")
MONDAY = datetime.date(2026, 3, 2)
HOURS = rules.OfficeHours(
    start=datetime.time(8, 0),
    end=datetime.time(18, 0),
    working_days=frozenset({1, 2, 3, 4, 5}),
)


def fact(
    index: int,
    when: datetime.datetime,
    *,
    user_id: str = "U1",
    subject: str = "s1",
    case_ref: str = "",
) -> rules.EntryFacts:
    return rules.EntryFacts(
        index=index,
        local_time=when,
        user_id=user_id,
        subject_pseudonym=subject,
        case_ref=case_ref,
    )


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=BRUSSELS)


def test_office_hours_bounds() -> None:
    assert HOURS.contains(at(MONDAY, 8, 0))
    assert HOURS.contains(at(MONDAY, 17, 59))
    assert not HOURS.contains(at(MONDAY, 18, 0))
    assert not HOURS.contains(at(MONDAY, 7, 59))
    saturday = MONDAY + datetime.timedelta(days=5)
    assert not HOURS.contains(at(saturday, 10))


def test_outside_hours_groups_by_user_day() -> None:
    entries = [
        fact(1, at(MONDAY, 7, 30)),
        fact(2, at(MONDAY, 10)),
        fact(3, at(MONDAY, 22)),
        fact(4, at(MONDAY, 23), user_id="U2"),
    ]
    found = rules.outside_office_hours(entries, HOURS)
    assert [(c.user_id, c.entry_indexes) for c in found] == [
        ("U1", [1, 3]),
        ("U2", [4]),
    ]
    first = found[0]
    assert first.rule == Rule.OUTSIDE_HOURS
    assert first.key == "U1|2026-03-02"
    assert first.period_start == at(MONDAY, 7, 30)
    assert first.period_end == at(MONDAY, 22)
    assert first.details["count"] == 2


def test_outside_hours_flags_weekend() -> None:
    sunday = MONDAY - datetime.timedelta(days=1)
    found = rules.outside_office_hours([fact(1, at(sunday, 11))], HOURS)
    assert [c.key for c in found] == ["U1|2026-03-01"]


def test_outside_hours_skips_exempt_user() -> None:
    hours = rules.OfficeHours(
        start=HOURS.start,
        end=HOURS.end,
        working_days=HOURS.working_days,
        exempt_user_ids=frozenset({"BATCH01"}),
    )
    entries = [fact(1, at(MONDAY, 2), user_id="BATCH01")]
    assert rules.outside_office_hours(entries, hours) == []


LIMITS = rules.VolumeLimits(
    threshold=100, factor=Decimal("3"), window_days=30, min_active_days=5
)


def bounds_of(
    day: datetime.date,
) -> dict[datetime.date, tuple[datetime.datetime, datetime.datetime]]:
    return {day: (at(day, 0), at(day + datetime.timedelta(days=1), 0))}


def test_usual_level_needs_enough_days() -> None:
    history = {MONDAY - datetime.timedelta(days=d): 10 for d in range(1, 5)}
    assert rules.usual_level(history, MONDAY, LIMITS) is None
    history[MONDAY - datetime.timedelta(days=6)] = 30
    assert rules.usual_level(history, MONDAY, LIMITS) == 10.0


def test_usual_level_ignores_days_outside_window() -> None:
    history = {MONDAY - datetime.timedelta(days=d): 10 for d in range(1, 6)}
    history[MONDAY - datetime.timedelta(days=31)] = 1000
    history[MONDAY] = 1000
    assert rules.usual_level(history, MONDAY, LIMITS) == 10.0


def test_volume_over_threshold() -> None:
    entries = [fact(i, at(MONDAY, 9)) for i in range(101)]
    found = rules.unusual_daily_volume(entries, {}, LIMITS, bounds_of(MONDAY))
    assert len(found) == 1
    assert found[0].rule == Rule.DAILY_VOLUME
    assert found[0].details["over_threshold"] is True
    assert found[0].details["over_usual_level"] is False
    assert found[0].period_start == at(MONDAY, 0)
    assert len(found[0].entry_indexes) == 101


def test_volume_at_threshold_not_flagged() -> None:
    entries = [fact(i, at(MONDAY, 9)) for i in range(100)]
    assert rules.unusual_daily_volume(entries, {}, LIMITS, bounds_of(MONDAY)) == []


def test_volume_over_usual_level() -> None:
    history = {"U1": {MONDAY - datetime.timedelta(days=d): 10 for d in range(1, 11)}}
    entries = [fact(i, at(MONDAY, 9)) for i in range(31)]
    found = rules.unusual_daily_volume(entries, history, LIMITS, bounds_of(MONDAY))
    assert len(found) == 1
    assert found[0].details["median"] == 10.0
    assert found[0].details["over_usual_level"] is True
    assert found[0].severity == Severity.MEDIUM


def test_volume_at_usual_limit_not_flagged() -> None:
    history = {"U1": {MONDAY - datetime.timedelta(days=d): 10 for d in range(1, 11)}}
    entries = [fact(i, at(MONDAY, 9)) for i in range(30)]
    assert rules.unusual_daily_volume(entries, history, LIMITS, bounds_of(MONDAY)) == []


def test_volume_over_both_is_high() -> None:
    history = {"U1": {MONDAY - datetime.timedelta(days=d): 10 for d in range(1, 11)}}
    entries = [fact(i, at(MONDAY, 9)) for i in range(150)]
    found = rules.unusual_daily_volume(entries, history, LIMITS, bounds_of(MONDAY))
    assert found[0].severity == Severity.HIGH


def test_without_open_case_covers_refs_and_subjects() -> None:
    entries = [
        fact(1, at(MONDAY, 9), subject="s1", case_ref="D-1"),
        fact(2, at(MONDAY, 9), subject="s2"),
        fact(3, at(MONDAY, 10), subject="s3", case_ref="D-9"),
        fact(4, at(MONDAY, 11), subject="s4"),
    ]
    found = rules.without_open_case(entries, frozenset({"D-1"}), frozenset({"s2"}))
    assert len(found) == 1
    assert found[0].rule == Rule.NO_OPEN_CASE
    assert found[0].entry_indexes == [3, 4]
    assert found[0].details["subjects"] == 2


def test_watch_list_groups_per_subject() -> None:
    entries = [
        fact(1, at(MONDAY, 9), subject="colleague"),
        fact(2, at(MONDAY, 10), subject="other"),
        fact(3, at(MONDAY, 11), subject="colleague"),
        fact(4, at(MONDAY, 12), subject="mayor"),
    ]
    watch_list = {"colleague": (7, "colleague"), "mayor": (8, "mayor")}
    found = rules.watched_subjects(entries, watch_list)
    assert [(c.key, c.entry_indexes) for c in found] == [
        ("U1|2026-03-02|7", [1, 3]),
        ("U1|2026-03-02|8", [4]),
    ]
    assert all(c.severity == Severity.HIGH for c in found)
    assert found[0].details["label"] == "colleague"


def test_volume_description_writes_local_numbers() -> None:
    finding = Finding(
        rule=Rule.DAILY_VOLUME,
        details={
            "count": 72,
            "day": "2026-03-02",
            "threshold": 200,
            "median": 9.0,
            "factor": "2.50",
        },
    )
    with translation.override("nl"):
        dutch = finding.description
    with translation.override("en"):
        english = finding.description
    assert "2,50 ×" in dutch
    assert dutch.endswith(" 9 = 22,5.")
    assert english == (
        "72 accesses on 2026-03-02. Threshold: 200. Usual level: 9, so the "
        "limit is 2.50 × 9 = 22.5."
    )


@pytest.mark.parametrize(
    ("factor", "median"),
    [
        ("x", 9.0),
        ("3", "9"),
        ("3", True),
        ("3", None),
        ("1e30", 3),
        ("3", 10**30),
        ("3", 1e300),
    ],
)
def test_volume_description_of_changed_values_shows_dash(
    factor: object, median: object
) -> None:
    # Only a changed row contains such values, and the page still shows the
    # finding.
    details = {"count": 72, "day": "2026-03-02", "threshold": 200}
    finding = Finding(
        rule=Rule.DAILY_VOLUME, details={**details, "factor": factor, "median": median}
    )
    with translation.override("en"):
        description = finding.description
    assert description.startswith("72 accesses on 2026-03-02. Threshold: 200.")
    assert median is None or description.endswith("= —.")


def new_user_volume_finding() -> Finding:
    """Return the finding of a new user's busy day, built by the rule itself."""
    entries = [fact(pk, at(MONDAY, 9)) for pk in range(1, 202)]
    limits = rules.VolumeLimits(
        threshold=200, factor=Decimal("3"), window_days=30, min_active_days=5
    )
    found = rules.unusual_daily_volume(entries, {}, limits, bounds_of(MONDAY))
    assert len(found) == 1
    return Finding(rule=Rule.DAILY_VOLUME, details=found[0].details)


def test_volume_records_minimum_active_days() -> None:
    finding = new_user_volume_finding()
    assert finding.details["median"] is None
    assert finding.details["min_active_days"] == 5


def test_volume_description_without_usual_level() -> None:
    finding = new_user_volume_finding()
    expected = {
        "en": (
            "201 accesses on 2026-03-02. Threshold: 200. The user has no usual "
            "level yet because they were active on fewer than 5 days."
        ),
        "nl": (
            "201 toegangen op 2026-03-02. Drempel: 200. De gebruiker heeft nog "
            "geen gebruikelijk niveau omdat die op minder dan 5 dagen actief was."
        ),
        "fr": (
            "201 accès le 2026-03-02. Seuil\u00a0: 200. L'utilisateur n'a pas "
            "encore de niveau habituel, car il a été actif moins de 5 jours."
        ),
    }
    for language, text in expected.items():
        with translation.override(language):
            description = finding.description
        assert description == text, language
        assert "—" not in description, language


def test_volume_description_singular_minimum() -> None:
    finding = new_user_volume_finding()
    finding.details["min_active_days"] = 1
    with translation.override("en"):
        description = finding.description
    assert description.endswith("active on fewer than 1 day.")


def test_volume_description_without_stored_minimum() -> None:
    finding = new_user_volume_finding()
    del finding.details["min_active_days"]
    with translation.override("en"):
        description = finding.description
    assert description == (
        "201 accesses on 2026-03-02. Threshold: 200. The user has no usual level yet."
    )


def test_period_spans_repeated_hour() -> None:
    # On 2026-10-25 Brussels reads 02:00 to 03:00 twice: first in CEST, then
    # in CET. Entry 1 at 02:45 CEST comes before entry 2 at 02:15 CET.
    first = datetime.datetime(2026, 10, 25, 0, 45, tzinfo=datetime.UTC)
    second = datetime.datetime(2026, 10, 25, 1, 15, tzinfo=datetime.UTC)
    entries = [
        fact(1, first.astimezone(BRUSSELS)),
        fact(2, second.astimezone(BRUSSELS)),
    ]
    [candidate] = rules.outside_office_hours(entries, HOURS)
    # An aware time in the repeated hour never equals a time of another
    # zone (PEP 495), so the instants are compared as timestamps.
    assert candidate.period_start.timestamp() == first.timestamp()
    assert candidate.period_end.timestamp() == second.timestamp()
    assert candidate.period_start.utcoffset() == datetime.timedelta(hours=2)
    assert candidate.period_end.utcoffset() == datetime.timedelta(hours=1)
