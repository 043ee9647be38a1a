"""Searching the access log and exporting the results.

A data subject is searched by pseudonym: the view pseudonymises the national
number that the consultant typed and only the pseudonym travels further, in
``Criteria`` and in the links of the result pages. A natural person is found
through the identity register, which turns a name or staff number into the
user ids that person held and the periods in which they held them.
"""

import csv
import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from vigil.accesslog import identities
from vigil.accesslog.encoding import canonical_time
from vigil.accesslog.models import AccessEntry, IdentityPeriod, segment_of
from vigil.accesslog.store import DatabaseHashStore
from vigil.audit.services import record
from vigil.isodate import format_local
from vigil.organisations.models import Organisation

PAGE_SIZE = 50
EXPORT_CHUNK = 500
# A search counts its matches up to this number and shows a larger count as
# "more than 10,000". A count through an index therefore reads at most one
# index entry more than this, however large the log.
COUNT_LIMIT = 10_000
# The periods of one person are few, but a loose name such as "an" could match
# many people. A search by a name that matches more periods is rejected.
MAX_PERSON_PERIODS = 200


@dataclass(frozen=True)
class Criteria:
    """The filters of one search; empty strings and None mean no filter."""

    subject_pseudonym: str = ""
    user_id: str = ""
    person: str = ""
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None
    application: str = ""
    service: str = ""
    action: str = ""

    @property
    def by_segment(self) -> bool:
        """Tell whether the search looks entries up by segment, as for a subject."""
        return bool(self.subject_pseudonym or self.user_id or self.person)

    def is_empty(self) -> bool:
        return not any(asdict(self).values())

    def as_query(self) -> dict[str, str]:
        """Return the criteria as URL parameters, leaving out empty ones."""
        query = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, datetime.datetime):
                query[item.name] = format_local(value)
            elif value:
                query[item.name] = str(value)
        return query

    def as_audit(self) -> dict[str, Any]:
        """Return the criteria for the audit trail, without empty ones."""
        return {key: value for key, value in asdict(self).items() if value}


def person_periods(organisation: Organisation, person: str) -> QuerySet[IdentityPeriod]:
    """Return the identity periods whose person name or reference matches."""
    text = person.strip()
    return IdentityPeriod.objects.filter(
        Q(person_name__icontains=text) | Q(person_reference__iexact=text),
        organisation=organisation,
    ).order_by("user_id", "valid_from")


def matches_too_many_periods(organisation: Organisation, person: str) -> bool:
    """Tell whether ``person`` matches more than ``MAX_PERSON_PERIODS`` periods."""
    periods = person_periods(organisation, person)[: MAX_PERSON_PERIODS + 1]
    return periods.count() > MAX_PERSON_PERIODS


def _period_filter(periods: Iterable[IdentityPeriod]) -> Q | None:
    condition: Q | None = None
    for period in periods:
        in_period = Q(user_id=period.user_id, time__gte=period.valid_from)
        if period.valid_until is not None:
            in_period &= Q(time__lt=period.valid_until)
        condition = in_period if condition is None else condition | in_period
    return condition


def matching_entries(
    organisation: Organisation, criteria: Criteria
) -> QuerySet[AccessEntry]:
    """Return the organisation's entries that match every criterion."""
    entries = AccessEntry.objects.filter(organisation=organisation)
    exact: dict[str, object] = {
        "subject_pseudonym": bytes.fromhex(criteria.subject_pseudonym),
        "user_id": criteria.user_id,
        "application": criteria.application,
        "service": criteria.service,
        "action": criteria.action,
    }
    entries = entries.filter(**{name: value for name, value in exact.items() if value})
    if criteria.by_segment:
        # The indexes on pseudonym and user id start with the segment, so the
        # lookup names every segment of the log.
        entries = entries.filter(segment__in=segments(organisation))
    if criteria.since is not None:
        entries = entries.filter(time__gte=criteria.since)
    if criteria.until is not None:
        entries = entries.filter(time__lt=criteria.until)
    if criteria.person:
        periods = person_periods(organisation, criteria.person)[:MAX_PERSON_PERIODS]
        condition = _period_filter(periods)
        entries = entries.filter(condition) if condition is not None else entries.none()
    return entries


def segments(organisation: Organisation) -> range:
    """Return the segments that the organisation's entries lie in.

    NOTE: a search binds one parameter per segment. SQLite 3.32 and later
    accept 32,766 parameters, enough for about 134 million entries.
    """
    size = DatabaseHashStore(organisation.pk).leaf_count()
    return range(segment_of(size - 1) + 1 if size else 0)


@dataclass(frozen=True)
class Row:
    """One result: the entry and the natural person who held its user id."""

    entry: AccessEntry
    person: str


@dataclass(frozen=True)
class MatchCount:
    """The number of entries that match a search, exact up to a limit.

    When ``exceeds_limit`` is true, more than ``value`` entries match and
    ``value`` is the limit.
    """

    value: int
    exceeds_limit: bool


@dataclass(frozen=True)
class ResultPage:
    """A page of results, newest first, with the cursors of its neighbours.

    ``older_than`` is the index to pass as ``before`` for the next page of
    older entries. ``newer_than`` is the index to pass as ``after`` for the
    page of newer entries. Each is None when there is no such page.
    ``matches`` counts the entries of every page together.
    """

    rows: list[Row]
    older_than: int | None
    newer_than: int | None
    matches: MatchCount


def result_page(
    organisation: Organisation,
    entries: QuerySet[AccessEntry],
    *,
    by_segment: bool = False,
    before: int | None = None,
    after: int | None = None,
    size: int = PAGE_SIZE,
) -> ResultPage:
    """Return one page of ``entries`` by leaf index, with keyset cursors.

    Without a cursor the page contains the newest entries. With ``before`` it
    contains the entries just below that index, and with ``after`` the
    entries just above it. ``by_segment`` is ``Criteria.by_segment`` of the
    search that gave ``entries``.
    """
    if after is not None:
        batch = list(_above(entries, after, by_segment)[: size + 1])
        has_newer = len(batch) > size
        page = list(reversed(batch[:size]))
        has_older = entries.filter(index__lte=after).exists()
    else:
        batch = list(_below(entries, before, by_segment)[: size + 1])
        has_older = len(batch) > size
        page = batch[:size]
        has_newer = before is not None and entries.filter(index__gte=before).exists()
    rows = with_people(organisation, page)
    if has_older or has_newer:
        matches = count_matches(entries, COUNT_LIMIT)
    else:
        matches = MatchCount(value=len(page), exceeds_limit=False)
    return ResultPage(
        rows=rows,
        older_than=page[-1].index if page and has_older else None,
        newer_than=page[0].index if page and has_newer else None,
        matches=matches,
    )


def count_matches(entries: QuerySet[AccessEntry], limit: int) -> MatchCount:
    """Count ``entries``, but stop after ``limit + 1`` of them.

    The database finds the matches through the index that the result page
    uses: by segment for a subject, user or person, by time for a period.
    NOTE: a search by application, service or action alone has no index.
    When it matches more than a page but fewer than ``limit`` entries, the
    count reads every entry of the log, where the page stops at its last row.
    """
    found = entries.order_by()[: limit + 1].count()
    return MatchCount(value=min(found, limit), exceeds_limit=found > limit)


# Ordering by segment first is the same order as by index. It lets the
# database read a segment-indexed search one segment after the other and stop
# at the end of a page, instead of scanning every entry in index order for
# the few that match.


def _above(
    entries: QuerySet[AccessEntry], index: int, by_segment: bool
) -> QuerySet[AccessEntry]:
    """Return the entries above ``index``, lowest first."""
    if by_segment:
        return entries.filter(segment__gte=segment_of(index), index__gt=index).order_by(
            "segment", "index"
        )
    return entries.filter(index__gt=index).order_by("index")


def _below(
    entries: QuerySet[AccessEntry], index: int | None, by_segment: bool
) -> QuerySet[AccessEntry]:
    """Return the entries below ``index`` (all without one), highest first."""
    if index is not None:
        entries = entries.filter(index__lt=index)
        if by_segment:
            entries = entries.filter(segment__lte=segment_of(index))
    if by_segment:
        return entries.order_by("-segment", "-index")
    return entries.order_by("-index")


def with_people(
    organisation: Organisation, entries: Sequence[AccessEntry]
) -> list[Row]:
    """Pair each entry with the person the identity register names for it."""
    people = identities.resolve_many(
        organisation, [(entry.user_id, entry.time) for entry in entries]
    )
    rows = []
    for entry in entries:
        period = people.get((entry.user_id, entry.time))
        rows.append(Row(entry=entry, person=period.person_name if period else ""))
    return rows


EXPORT_COLUMNS = (
    "index",
    "event_id",
    "time",
    "user_id",
    "person",
    "application",
    "action",
    "subject_pseudonym",
    "service",
    "case_ref",
    "source_ip",
    "outcome",
    "leaf_hash",
)
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportFormat:
    """The CSV dialect and file name of one kind of access-log export.

    Both kinds write CRLF line ends and quote a field that contains the
    delimiter, a double quote or a line break, as RFC 4180 does. ``name`` is
    stored in the audit trail.
    """

    name: str
    delimiter: str
    byte_order_mark: bool
    filename_suffix: str


# RFC 4180 CSV for scripts and other programs, which read it as UTF-8.
CSV_EXPORT = ExportFormat(
    name="csv", delimiter=",", byte_order_mark=False, filename_suffix=""
)
# Excel with Belgian regional settings splits a line at its list separator,
# the semicolon, and reads a file without a UTF-8 byte order mark in the
# ANSI code page.
EXCEL_EXPORT = ExportFormat(
    name="excel", delimiter=";", byte_order_mark=True, filename_suffix="-excel"
)


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_rows(
    organisation: Organisation,
    entries: QuerySet[AccessEntry],
    *,
    by_segment: bool = False,
    export_format: ExportFormat = CSV_EXPORT,
) -> Iterator[str]:
    """Yield the CSV lines of ``entries`` by index, with a header line first.

    Entries are read and resolved in chunks, so an export of any size needs
    memory for one chunk only. ``by_segment`` is as for ``result_page``.
    With ``export_format.byte_order_mark``, the header line starts with
    U+FEFF, which UTF-8 encodes as the byte order mark.
    """
    writer = csv.writer(_Echo(), delimiter=export_format.delimiter)
    header = writer.writerow(EXPORT_COLUMNS)
    yield "\ufeff" + header if export_format.byte_order_mark else header
    last_index = -1
    while True:
        chunk = list(_above(entries, last_index, by_segment)[:EXPORT_CHUNK])
        if not chunk:
            return
        for row in with_people(organisation, chunk):
            yield writer.writerow([_cell(value) for value in _export_values(row)])
        last_index = chunk[-1].index


def _export_values(row: Row) -> list[object]:
    entry = row.entry
    return [
        entry.index,
        entry.event_id,
        # The leaf's UTC form, so that rows compare with bundles and proofs.
        canonical_time(entry.time),
        entry.user_id,
        row.person,
        entry.application,
        entry.action,
        bytes(entry.subject_pseudonym).hex(),
        entry.service,
        entry.case_ref,
        entry.source_ip or "",
        entry.outcome,
        bytes(entry.leaf_hash).hex(),
    ]


def export_filename(organisation: Organisation, export_format: ExportFormat) -> str:
    """Return the file name of an export made now, stamped in the local time zone."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    suffix = export_format.filename_suffix
    return f"accesslog-{organisation.slug}-{stamp}{suffix}.csv"


def record_search(
    organisation: Organisation,
    criteria: Criteria,
    *,
    actor: Any,
    export_format: ExportFormat | None,
) -> None:
    """Write a search, or an export when ``export_format`` is set, to the audit trail.

    Consulting the log is itself an access to personal data, so the trail
    keeps who searched for what; a subject appears only as its pseudonym.
    An export also stores the name of its format as ``file_format``.
    """
    values = criteria.as_audit()
    if export_format is not None:
        values["file_format"] = export_format.name
    record(
        "accesslog.exported" if export_format is not None else "accesslog.searched",
        actor=actor,
        organisation=organisation,
        object_type="accesslog.accessentry",
        object_label=str(AccessEntry._meta.verbose_name_plural),
        new=values,
    )
