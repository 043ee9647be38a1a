"""Misuse detection: settings, detection runs and triage.

Every function that changes state takes the acting user as ``actor``, runs in
one transaction and writes its audit entry in that transaction. National
numbers passed in are pseudonymised with the organisation's key at once and
only the pseudonyms are stored or audited.
"""

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil import isodate
from vigil.accesslog.detection import rules
from vigil.accesslog.detection.models import (
    DetectionSettings,
    Finding,
    FindingEntry,
    OpenCase,
    Rule,
    WatchedSubject,
)
from vigil.accesslog.identities import periods_of_account
from vigil.accesslog.models import AccessEntry, IdentityPeriod
from vigil.audit.services import record
from vigil.isodate import day_start
from vigil.organisations.models import Organisation

logger = logging.getLogger(__name__)

# Why a rule is skipped instead of run: it has no data yet, and would
# otherwise flag every entry. The command line and the findings page both
# show the reason after "skipped, because".
SKIP_REASONS: dict[str, Promise] = {
    Rule.NO_OPEN_CASE: gettext_lazy("the list of open case files is empty"),
}

SETTINGS_FIELDS = (
    "office_start",
    "office_end",
    "working_days",
    "exempt_user_ids",
    "daily_threshold",
    "usual_factor",
    "usual_window_days",
    "usual_min_days",
    "check_outside_hours",
    "check_daily_volume",
    "check_open_cases",
    "check_watch_list",
)


def get_settings(organisation: Organisation) -> DetectionSettings:
    """Return the organisation's detection settings, created with defaults."""
    current, _created = DetectionSettings.objects.get_or_create(
        organisation=organisation
    )
    return current


@transaction.atomic
def update_settings(
    organisation: Organisation, values: Mapping[str, Any], *, actor: Any
) -> DetectionSettings:
    """Change the detection settings; raise ValidationError on invalid values."""
    current = get_settings(organisation)
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"unknown detection settings: {sorted(unknown)}")
    old = {name: getattr(current, name) for name in values}
    changed = {name: value for name, value in values.items() if old[name] != value}
    if not changed:
        return current
    for name, value in changed.items():
        setattr(current, name, value)
    current.full_clean()
    if current.office_start >= current.office_end:
        raise ValidationError(
            {"office_end": _("The office hours must end after they start.")}
        )
    current.save()
    record(
        "accesslog.detection_settings_changed",
        actor=actor,
        target=current,
        organisation=organisation,
        old={name: _audit_value(old[name]) for name in changed},
        new={name: _audit_value(value) for name, value in changed.items()},
    )
    return current


def _audit_value(value: Any) -> Any:
    """Return ``value`` in a form the audit trail stores as JSON."""
    if isinstance(value, datetime.time):
        return value.isoformat("minutes")
    if isinstance(value, Decimal):
        return str(value)
    return value


def local_day_bounds(
    since: datetime.datetime, until: datetime.datetime
) -> dict[datetime.date, tuple[datetime.datetime, datetime.datetime]]:
    """Return the start and end of each local day that ``[since, until)`` touches.

    Days are those of ``settings.TIME_ZONE``, so a day is 23 or 25 hours long
    when daylight saving time starts or ends.
    """
    if until <= since:
        raise ValueError(f"the period ends ({until}) before it starts ({since})")
    zone = timezone.get_default_timezone()
    first = since.astimezone(zone).date()
    last = (until - datetime.timedelta(microseconds=1)).astimezone(zone).date()
    bounds = {}
    day = first
    while day <= last:
        following = day + datetime.timedelta(days=1)
        bounds[day] = (day_start(day, zone), day_start(following, zone))
        day = following
    return bounds


def _load_facts(
    organisation: Organisation, start: datetime.datetime, end: datetime.datetime
) -> list[rules.EntryFacts]:
    zone = timezone.get_default_timezone()
    rows = (
        AccessEntry.objects.filter(
            organisation=organisation,
            time__gte=start,
            time__lt=end,
            expired_at__isnull=True,
        )
        .order_by("index")
        .values_list("index", "time", "user_id", "subject_pseudonym", "case_ref")
    )
    return [
        rules.EntryFacts(
            index=index,
            local_time=time.astimezone(zone),
            user_id=user_id,
            subject_pseudonym=bytes(subject).hex(),
            case_ref=case_ref,
        )
        for index, time, user_id, subject, case_ref in rows.iterator()
    ]


def _daily_counts(
    organisation: Organisation,
    user_ids: Iterable[str],
    start: datetime.datetime,
    end: datetime.datetime,
) -> dict[str, dict[datetime.date, int]]:
    zone = timezone.get_default_timezone()
    rows = (
        AccessEntry.objects.filter(
            organisation=organisation,
            user_id__in=sorted(set(user_ids)),
            time__gte=start,
            time__lt=end,
        )
        .annotate(day=TruncDate("time", tzinfo=zone))
        .values("user_id", "day")
        .annotate(count=Count("pk"))
        .order_by()
    )
    history: dict[str, dict[datetime.date, int]] = defaultdict(dict)
    for row in rows:
        history[row["user_id"]][row["day"]] = row["count"]
    return history


def _candidates(
    organisation: Organisation,
    current: DetectionSettings,
    facts: list[rules.EntryFacts],
    bounds: Mapping[datetime.date, tuple[datetime.datetime, datetime.datetime]],
) -> dict[str, list[rules.Candidate] | None]:
    """Return the candidates of each enabled rule, or None for a skipped rule."""
    candidates: dict[str, list[rules.Candidate] | None] = {}
    if current.check_outside_hours:
        hours = rules.OfficeHours(
            start=current.office_start,
            end=current.office_end,
            working_days=frozenset(current.working_days),
            exempt_user_ids=frozenset(current.exempt_user_ids),
        )
        candidates[Rule.OUTSIDE_HOURS] = rules.outside_office_hours(facts, hours)
    if current.check_daily_volume:
        limits = rules.VolumeLimits(
            threshold=current.daily_threshold,
            factor=current.usual_factor,
            window_days=current.usual_window_days,
            min_active_days=current.usual_min_days,
        )
        first_start = min(start for start, _end in bounds.values())
        last_end = max(end for _start, end in bounds.values())
        history_start = first_start - datetime.timedelta(days=limits.window_days)
        users = {fact.user_id for fact in facts}
        history = _daily_counts(organisation, users, history_start, last_end)
        candidates[Rule.DAILY_VOLUME] = rules.unusual_daily_volume(
            facts, history, limits, bounds
        )
    if current.check_open_cases:
        candidates[Rule.NO_OPEN_CASE] = _open_case_candidates(organisation, facts)
    if current.check_watch_list:
        watch_list = {
            pseudonym: (pk, label)
            for pk, pseudonym, label in WatchedSubject.objects.filter(
                organisation=organisation
            ).values_list("pk", "subject_pseudonym", "label")
        }
        candidates[Rule.WATCH_LIST] = rules.watched_subjects(facts, watch_list)
    return candidates


def _open_case_candidates(
    organisation: Organisation, facts: list[rules.EntryFacts]
) -> list[rules.Candidate] | None:
    refs: set[str] = set()
    subjects: set[str] = set()
    pairs = OpenCase.objects.filter(organisation=organisation).values_list(
        "kind", "value"
    )
    for kind, value in pairs:
        (refs if kind == OpenCase.Kind.CASE_REF else subjects).add(value)
    if not refs and not subjects:
        # An empty list would flag every access; the rule waits for data.
        logger.warning(
            "Open-case rule of %s skipped: the list of open case files is empty",
            organisation.slug,
        )
        return None
    return rules.without_open_case(facts, frozenset(refs), frozenset(subjects))


@dataclass
class RuleCounts:
    """Counts of the findings of one rule in a detection run.

    ``findings`` counts the findings of its candidates. Of those, ``created``
    are new and ``updated`` gained entries, and ``reopened`` counts the
    updated ones that had been triaged and are open again.
    """

    findings: int = 0
    created: int = 0
    updated: int = 0
    reopened: int = 0


@dataclass
class DetectionRun:
    """The result of ``detect``: the period covered, the findings and the counts.

    ``since`` and ``until`` are the period widened to whole local days, with
    ``until`` excluded. ``rules`` has a ``RuleCounts`` for each enabled rule
    in the order of ``Rule``, or None for a rule that was skipped because it
    has no data yet (the open-case rule with an empty list).
    """

    since: datetime.datetime
    until: datetime.datetime
    entries: int
    findings: list[Finding] = field(default_factory=list)
    rules: dict[str, RuleCounts | None] = field(default_factory=dict)

    def skipped(self) -> list[str]:
        """Return the rules that were skipped, each a key of ``SKIP_REASONS``."""
        return [rule for rule, counts in self.rules.items() if counts is None]

    def total(self) -> RuleCounts:
        """Return the counts of every rule together."""
        total = RuleCounts()
        for counts in self.rules.values():
            if counts is not None:
                total.findings += counts.findings
                total.created += counts.created
                total.updated += counts.updated
                total.reopened += counts.reopened
        return total


def _store(
    organisation: Organisation,
    candidate: rules.Candidate,
    counts: RuleCounts,
    actor: Any,
) -> Finding:
    counts.findings += 1
    finding, created = Finding.objects.get_or_create(
        organisation=organisation,
        rule=candidate.rule,
        key=candidate.key,
        defaults={
            "severity": candidate.severity,
            "user_id": candidate.user_id,
            "period_start": candidate.period_start,
            "period_end": candidate.period_end,
            "details": candidate.details,
        },
    )
    if created:
        _link(finding, candidate.entry_indexes)
        counts.created += 1
        return finding

    linked = set(finding.entry_links.values_list("index", flat=True))
    new = [index for index in candidate.entry_indexes if index not in linked]
    if not new:
        return finding

    _link(finding, new)
    finding.period_start = min(finding.period_start, candidate.period_start)
    finding.period_end = max(finding.period_end, candidate.period_end)
    finding.severity = candidate.severity
    finding.details = candidate.details
    counts.updated += 1
    if finding.status != Finding.Status.OPEN:
        _reopen(finding, len(new), actor)
        counts.reopened += 1
    finding.save()
    return finding


def _link(finding: Finding, indexes: Iterable[int]) -> None:
    """Link the entries at ``indexes`` of the finding's log to the finding."""
    FindingEntry.objects.bulk_create(
        FindingEntry(finding=finding, index=index) for index in indexes
    )


def _reopen(finding: Finding, new_entries: int, actor: Any) -> None:
    """Set a triaged finding back to open because new entries matched it."""
    record(
        "accesslog.finding_reopened",
        actor=actor,
        target=finding,
        organisation=finding.organisation,
        old={"status": finding.status},
        new={"status": Finding.Status.OPEN, "new_entries": new_entries},
    )
    finding.status = Finding.Status.OPEN


# Without a period, the Run button and ``vigil accesslog detect`` cover this
# many days, today included.
DEFAULT_RUN_DAYS = 7
# A run covers at most this many days, both ends included, which bounds the
# entries that one transaction reads and links. Every calendar year fits.
MAX_RUN_DAYS = 366
RUN_TOO_LONG = gettext_lazy(
    "The period from %(since)s to %(until)s has %(days)d days, but detection "
    "covers at most %(maximum)d days at a time. Enter a shorter period."
)


def day_period(
    first_day: datetime.date, last_day: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """Return the start of ``first_day`` and the end of ``last_day`` in local time.

    Raise ValidationError, on ``until``, when ``last_day`` comes before
    ``first_day`` or when the period has more than ``MAX_RUN_DAYS`` days.
    The Run button and ``vigil accesslog detect`` both check their days here.
    """
    return isodate.day_period(
        first_day, last_day, max_days=MAX_RUN_DAYS, too_long=RUN_TOO_LONG
    )


def run_label(start: datetime.datetime, end: datetime.datetime) -> str:
    """Return the first and the last local day of ``[start, end)``, both included."""
    zone = timezone.get_default_timezone()
    first = start.astimezone(zone).date()
    last = (end - datetime.timedelta(microseconds=1)).astimezone(zone).date()
    return f"{first.isoformat()} – {last.isoformat()}"


@transaction.atomic
def detect(
    organisation: Organisation,
    *,
    since: datetime.datetime,
    until: datetime.datetime,
    actor: Any,
) -> DetectionRun:
    """Apply the enabled rules to the entries of ``[since, until)`` and store findings.

    The period is widened to whole local days, so a day is always judged on
    all its entries. Running again over the same period creates no second
    finding: a finding that gains entries is updated, and set back to open
    if it had been triaged. A triaged finding that gains no entry keeps its
    status. Returns the period covered, the findings of the period's
    candidates and what each rule did.
    """
    # Locking the settings row serialises concurrent runs of one organisation.
    current = DetectionSettings.objects.select_for_update().get(
        pk=get_settings(organisation).pk
    )
    bounds = local_day_bounds(since, until)
    start = min(day_start for day_start, _end in bounds.values())
    end = max(day_end for _start, day_end in bounds.values())
    facts = _load_facts(organisation, start, end)
    result = DetectionRun(since=start, until=end, entries=len(facts))
    for rule, candidates in _candidates(organisation, current, facts, bounds).items():
        if candidates is None:
            result.rules[rule] = None
            continue
        counts = result.rules[rule] = RuleCounts()
        result.findings += [
            _store(organisation, candidate, counts, actor) for candidate in candidates
        ]
    total = result.total()
    record(
        "accesslog.detection_run",
        actor=actor,
        organisation=organisation,
        object_type="accesslog.finding",
        object_label=run_label(start, end),
        new={
            "since": start,
            "until": end,
            "entries": len(facts),
            "findings": len(result.findings),
            "created": total.created,
            "updated": total.updated,
            "reopened": total.reopened,
        },
    )
    logger.info(
        "Misuse detection for %s over %s to %s: %d entries, %d findings "
        "(%d new, %d updated, %d reopened)",
        organisation.slug,
        start.isoformat(),
        end.isoformat(),
        len(facts),
        len(result.findings),
        total.created,
        total.updated,
        total.reopened,
    )
    return result


def run_detection(
    organisation: Organisation,
    *,
    since: datetime.datetime,
    until: datetime.datetime,
    actor: Any,
) -> list[Finding]:
    """Run ``detect`` and return the findings of the period's candidates."""
    return detect(organisation, since=since, until=until, actor=actor).findings


INCIDENT_NEEDS_RECORD = gettext_lazy(
    "Use “Record as a security incident” on this page: it creates the incident "
    "in the incident register and then sets this status."
)

TRIAGE_STATUSES = (
    Finding.Status.OPEN,
    Finding.Status.DISMISSED,
    Finding.Status.CONFIRMED,
    Finding.Status.INCIDENT,
)


def own_user_id_periods(finding: Finding, account: Any) -> list[IdentityPeriod]:
    """Return the identity periods that show ``account`` held the finding's user id.

    The periods overlap the finding's period and name the account's e-mail
    address as their person reference. A consultant who triages such a
    finding judges their own accesses, which the page warns about and the
    audit record of the triage states.
    """
    return periods_of_account(
        finding.organisation,
        finding.user_id,
        finding.period_start,
        finding.period_end,
        account,
    )


def has_incident(finding: Finding) -> bool:
    """Return whether the incident register has an incident made from ``finding``.

    "Record as a security incident" on the finding's page creates that
    incident (``vigil.registers.incidents``) and links it to the finding.
    """
    return Finding.objects.filter(pk=finding.pk, incident__isnull=False).exists()


def requires_note(status: str) -> bool:
    """Return whether triage to ``status`` requires a note: every status but open.

    Setting a finding back to open decides nothing, so it needs no reason.
    ``triage_finding`` and ``triage_findings`` both apply this rule.
    """
    return status != Finding.Status.OPEN


@transaction.atomic
def triage_finding(
    finding: Finding, *, status: str, note: str, actor: Any
) -> Finding | None:
    """Set a finding's status with a note; a closing status requires the note.

    Returns the finding as triaged, or None when it already had that status
    and note, so that nothing changed and nothing was audited. The status
    "security incident" requires the incident that "Record as a security
    incident" creates, so that the status always has its incident. The audit
    record states whether the identity register links the actor to the
    finding's user id (``own_user_id_periods``). The triage is allowed all
    the same, because a small centre may have no one else to do it.
    """
    if status not in TRIAGE_STATUSES:
        raise ValidationError({"status": _("Choose a valid status.")})
    note = note.strip()
    if requires_note(status) and not note:
        raise ValidationError(
            {"note": _("Explain the decision, e.g. the case file that justifies it.")}
        )
    locked = Finding.objects.select_for_update().get(pk=finding.pk)
    if locked.status == status and locked.note == note:
        return None
    if (
        status == Finding.Status.INCIDENT
        and locked.status != Finding.Status.INCIDENT
        and not has_incident(locked)
    ):
        raise ValidationError({"status": INCIDENT_NEEDS_RECORD})
    old = {"status": locked.status, "note": locked.note}
    locked.status = status
    locked.note = note
    locked.triaged_at = timezone.now()
    locked.triaged_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.save()
    record(
        "accesslog.finding_triaged",
        actor=actor,
        target=locked,
        organisation=locked.organisation,
        old=old,
        new={
            "status": status,
            "note": note,
            "own_user_id": bool(own_user_id_periods(locked, actor)),
        },
    )
    return locked


# Bulk triage leaves out "security incident", which only "Record as a security
# incident" on a finding's own page sets, together with the incident.
BULK_TRIAGE_STATUSES = (
    Finding.Status.OPEN,
    Finding.Status.DISMISSED,
    Finding.Status.CONFIRMED,
)

NO_FINDING_SELECTED = gettext_lazy(
    "Findings: none selected. Tick the checkbox of each finding to triage."
)
BULK_NOTE_MISSING = gettext_lazy(
    "Note: missing. Explain the decision for the selected findings, e.g. the "
    "case file that justifies it."
)
BULK_STATUS_INVALID = gettext_lazy(
    "Status: “%(value)s” is not a status for several findings at once. Choose "
    "one of the statuses in the list. A finding becomes a security incident "
    "only through “Record as a security incident” on its own page."
)
FINDING_NOT_FOUND = gettext_lazy(
    "Findings: %(value)s is not a finding of this centre. Reload the list and "
    "select the findings again."
)


@dataclass(frozen=True)
class BulkTriage:
    """Outcome of ``triage_findings``, each selected finding in one list."""

    triaged: list[Finding]
    unchanged: list[Finding]
    skipped: list[Finding]


@transaction.atomic
def triage_findings(
    organisation: Organisation,
    finding_ids: Iterable[int],
    *,
    status: str,
    note: str,
    actor: Any,
) -> BulkTriage:
    """Set one status and note on several findings of ``organisation``.

    Each finding goes through ``triage_finding``, so each change has its own
    audit record and a finding that already has the status and note has
    none. A finding that has an incident is skipped, because its status
    follows the incident that "Record as a security incident" created. The
    note is required for every status but open, as in ``triage_finding``.
    An id that is not a finding of ``organisation`` raises ValidationError
    before anything changes.
    """
    ids = set(finding_ids)
    if not ids:
        raise ValidationError({"findings": NO_FINDING_SELECTED})
    if status not in BULK_TRIAGE_STATUSES:
        raise ValidationError(
            {"status": ValidationError(BULK_STATUS_INVALID, params={"value": status})}
        )
    if requires_note(status) and not note.strip():
        raise ValidationError({"note": BULK_NOTE_MISSING})
    # Locking in id order keeps two concurrent bulk triages from deadlocking.
    findings = list(
        Finding.objects.select_for_update()
        .filter(organisation=organisation, pk__in=ids)
        .order_by("pk")
    )
    missing = sorted(ids - {finding.pk for finding in findings})
    if missing:
        raise ValidationError(
            {
                "findings": [
                    ValidationError(FINDING_NOT_FOUND, params={"value": pk})
                    for pk in missing
                ]
            }
        )
    with_incident = set(
        Finding.objects.filter(pk__in=ids, incident__isnull=False).values_list(
            "pk", flat=True
        )
    )
    triaged: list[Finding] = []
    unchanged: list[Finding] = []
    skipped: list[Finding] = []
    for finding in findings:
        if finding.pk in with_incident:
            skipped.append(finding)
            continue
        result = triage_finding(finding, status=status, note=note, actor=actor)
        if result is None:
            unchanged.append(finding)
        else:
            triaged.append(result)
    return BulkTriage(triaged=triaged, unchanged=unchanged, skipped=skipped)
