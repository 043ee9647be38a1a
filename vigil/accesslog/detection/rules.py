"""The misuse detection rules, as pure functions over access-log entries.

Each rule takes the entries of whole local days (in ``settings.TIME_ZONE``)
and returns ``Candidate`` findings. A candidate's ``key`` names what it
flagged, such as a user and a day, and stays the same when the rule runs
again over the same entries; ``services.run_detection`` uses it to update a
finding instead of creating a second one.
"""

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from vigil.accesslog.detection.models import Rule, Severity


@dataclass(frozen=True)
class EntryFacts:
    """The fields of an ``AccessEntry`` that the rules read, with local time."""

    index: int
    local_time: datetime.datetime
    user_id: str
    subject_pseudonym: str
    case_ref: str

    @property
    def day(self) -> datetime.date:
        return self.local_time.date()


@dataclass(frozen=True)
class OfficeHours:
    start: datetime.time
    end: datetime.time
    working_days: frozenset[int]
    exempt_user_ids: frozenset[str] = frozenset()

    def contains(self, moment: datetime.datetime) -> bool:
        """Return whether a local time falls on a working day within the hours."""
        if moment.isoweekday() not in self.working_days:
            return False
        return self.start <= moment.time() < self.end


@dataclass(frozen=True)
class VolumeLimits:
    threshold: int
    factor: Decimal
    window_days: int
    min_active_days: int


@dataclass
class Candidate:
    """A finding that a rule proposes, before it is stored.

    ``entry_indexes`` are the log indexes of the flagged entries.
    """

    rule: str
    key: str
    severity: str
    user_id: str
    period_start: datetime.datetime
    period_end: datetime.datetime
    entry_indexes: list[int]
    details: dict[str, Any] = field(default_factory=dict)


def _group_by_user_day(
    entries: Iterable[EntryFacts],
) -> dict[tuple[str, datetime.date], list[EntryFacts]]:
    groups: dict[tuple[str, datetime.date], list[EntryFacts]] = defaultdict(list)
    for entry in entries:
        groups[(entry.user_id, entry.day)].append(entry)
    return groups


def _span(group: Sequence[EntryFacts]) -> tuple[datetime.datetime, datetime.datetime]:
    # Python compares two times of the same zone by their wall clock and
    # ignores ``fold``, so 02:30 CET would equal 02:30 CEST on the day that
    # summer time ends. The timestamp orders them as instants.
    times = [entry.local_time for entry in group]
    return (
        min(times, key=datetime.datetime.timestamp),
        max(times, key=datetime.datetime.timestamp),
    )


def _day_candidate(
    rule: str,
    severity: str,
    user_id: str,
    day: datetime.date,
    group: Sequence[EntryFacts],
    *,
    key_suffix: str = "",
    period: tuple[datetime.datetime, datetime.datetime] | None = None,
    **details: Any,
) -> Candidate:
    """Build the finding of one user's day from its entries.

    The key is ``user|day`` plus ``key_suffix``; the period is the span of
    the entries unless ``period`` gives it; ``day`` and ``count`` lead the
    details.
    """
    start, end = period or _span(group)
    return Candidate(
        rule=rule,
        key=f"{user_id}|{day.isoformat()}{key_suffix}",
        severity=severity,
        user_id=user_id,
        period_start=start,
        period_end=end,
        entry_indexes=[entry.index for entry in group],
        details={"day": day.isoformat(), "count": len(group), **details},
    )


def outside_office_hours(
    entries: Iterable[EntryFacts], hours: OfficeHours
) -> list[Candidate]:
    """Flag, per user and day, the entries outside office hours or working days.

    Users in ``hours.exempt_user_ids``, such as the program numbers of night
    batches, are never flagged.
    """
    flagged = [
        entry
        for entry in entries
        if entry.user_id not in hours.exempt_user_ids
        and not hours.contains(entry.local_time)
    ]
    candidates = []
    for (user_id, day), group in sorted(_group_by_user_day(flagged).items()):
        candidates.append(
            _day_candidate(
                Rule.OUTSIDE_HOURS,
                Severity.MEDIUM,
                user_id,
                day,
                group,
                office_start=hours.start.isoformat("minutes"),
                office_end=hours.end.isoformat("minutes"),
                working_days=sorted(hours.working_days),
            )
        )
    return candidates


def usual_level(
    history: Mapping[datetime.date, int], day: datetime.date, limits: VolumeLimits
) -> float | None:
    """Return the median of a user's active days in the window before ``day``.

    Only days with at least one entry count, and the window is the
    ``limits.window_days`` days before ``day``. Returns None when fewer than
    ``limits.min_active_days`` days are active, so that a new user has no
    usual level yet.
    """
    first = day - datetime.timedelta(days=limits.window_days)
    counts = [
        count for other, count in history.items() if first <= other < day and count
    ]
    if len(counts) < limits.min_active_days:
        return None
    return float(statistics.median(counts))


def unusual_daily_volume(
    entries: Iterable[EntryFacts],
    history: Mapping[str, Mapping[datetime.date, int]],
    limits: VolumeLimits,
    day_bounds: Mapping[datetime.date, tuple[datetime.datetime, datetime.datetime]],
) -> list[Candidate]:
    """Flag a user's day whose volume exceeds the threshold or the usual level.

    ``history`` maps each user to entry counts per local day, including the
    window before the first day examined. ``day_bounds`` gives the start and
    end of each local day, which become the finding's period.
    """
    candidates = []
    for (user_id, day), group in sorted(_group_by_user_day(entries).items()):
        count = len(group)
        median = usual_level(history.get(user_id, {}), day, limits)
        over_threshold = count > limits.threshold
        usual_limit = None if median is None else float(limits.factor) * median
        over_usual = usual_limit is not None and count > usual_limit
        if not (over_threshold or over_usual):
            continue
        severity = Severity.HIGH if over_threshold and over_usual else Severity.MEDIUM
        candidates.append(
            _day_candidate(
                Rule.DAILY_VOLUME,
                severity,
                user_id,
                day,
                group,
                period=day_bounds[day],
                threshold=limits.threshold,
                median=median,
                factor=str(limits.factor),
                min_active_days=limits.min_active_days,
                over_threshold=over_threshold,
                over_usual_level=over_usual,
            )
        )
    return candidates


def without_open_case(
    entries: Iterable[EntryFacts],
    open_case_refs: frozenset[str],
    open_subjects: frozenset[str],
) -> list[Candidate]:
    """Flag, per user and day, the entries with no open case file.

    An entry is covered when its case reference is in ``open_case_refs`` or
    its subject pseudonym is in ``open_subjects``.
    """
    flagged = [
        entry
        for entry in entries
        if entry.case_ref not in open_case_refs
        and entry.subject_pseudonym not in open_subjects
    ]
    candidates = []
    for (user_id, day), group in sorted(_group_by_user_day(flagged).items()):
        subjects = {entry.subject_pseudonym for entry in group}
        candidates.append(
            _day_candidate(
                Rule.NO_OPEN_CASE,
                Severity.MEDIUM,
                user_id,
                day,
                group,
                subjects=len(subjects),
            )
        )
    return candidates


def watched_subjects(
    entries: Iterable[EntryFacts], watch_list: Mapping[str, tuple[int, str]]
) -> list[Candidate]:
    """Flag, per user, day and watched subject, every access to that subject.

    ``watch_list`` maps a subject pseudonym to the id and label of its
    ``WatchedSubject`` row.
    """
    groups: dict[tuple[str, datetime.date, int], list[EntryFacts]] = defaultdict(list)
    labels: dict[int, str] = {}
    for entry in entries:
        watched = watch_list.get(entry.subject_pseudonym)
        if watched is None:
            continue
        watched_id, label = watched
        labels[watched_id] = label
        groups[(entry.user_id, entry.day, watched_id)].append(entry)
    candidates = []
    for (user_id, day, watched_id), group in sorted(groups.items()):
        candidates.append(
            _day_candidate(
                Rule.WATCH_LIST,
                Severity.HIGH,
                user_id,
                day,
                group,
                key_suffix=f"|{watched_id}",
                watched_subject=watched_id,
                label=labels[watched_id],
            )
        )
    return candidates
