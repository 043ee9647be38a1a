"""The entries that a finding links, looked up by their index in the log.

A finding stores the log indexes of its entries (``FindingEntry``), which
the verification covers, and not the entries' row ids, which it does not.
The finding's page therefore shows the entry that the log contains at each
index, whatever row ids someone changed in the database.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from vigil.accesslog.detection.models import Finding, FindingEntry
from vigil.accesslog.models import AccessEntry
from vigil.accesslog.search import Row, with_people


@dataclass(frozen=True)
class MissingEntry:
    """An index that a finding links but where the log has no entry.

    Vigil never deletes entries, so only a change made directly in the
    database leaves one. ``entry`` is None so that a template can
    distinguish it from a ``Row``.
    """

    index: int
    entry: None = None


def linked_indexes(finding: Finding) -> "QuerySet[FindingEntry, int]":
    """Return the log indexes of the finding's entries in ascending order."""
    return finding.entry_links.order_by("index").values_list("index", flat=True)


def entry_rows(finding: Finding, indexes: Sequence[int]) -> list[Row | MissingEntry]:
    """Return the entries of the finding's log at ``indexes``, in that order.

    Each entry comes with the person who held its user id, as in a search
    result. The entries are read in one query, whatever their number.
    """
    entries = AccessEntry.objects.filter(
        organisation_id=finding.organisation_id, index__in=indexes
    )
    rows = with_people(finding.organisation, list(entries))
    by_index: dict[int, Row | MissingEntry] = {row.entry.index: row for row in rows}
    return [by_index.get(index, MissingEntry(index)) for index in indexes]
