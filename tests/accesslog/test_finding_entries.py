"""A finding's entries, linked by log index, on its page and after tampering."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accesslog.factories import empty_as_expired, entry_id, tampering
from tests.conftest import login
from vigil.accesslog.detection.models import Finding, FindingEntry, Rule
from vigil.accesslog.detection.services import run_detection
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.verification import verify_log
from vigil.accounts.models import User
from vigil.organisations.models import Organisation

BRUSSELS = ZoneInfo("Europe/Brussels")
MONDAY = datetime.date(2026, 3, 2)


def at(hour: int) -> datetime.datetime:
    return datetime.datetime.combine(MONDAY, datetime.time(hour), tzinfo=BRUSSELS)


def ingest(organisation: Organisation, hour: int, user_id: str, count: int) -> None:
    """Append ``count`` consultations by ``user_id`` at ``hour`` on Monday."""
    records = [
        (
            line,
            {
                "event_id": f"{user_id}-{hour}-{line}",
                "time": at(hour).isoformat(),
                "user_id": user_id,
                "application": f"app-{user_id}",
                "action": "consult",
                "subject": "85073000160",
                "service": "IdentifyPerson",
            },
        )
        for line in range(count)
    ]
    ingest_events(organisation, records, source="test")


def night_finding(organisation: Organisation, actor: User) -> Finding:
    """Run detection on Monday and return the finding of the night entries."""
    findings = run_detection(organisation, since=at(0), until=at(23), actor=actor)
    return next(f for f in findings if f.rule == Rule.OUTSIDE_HOURS)


def page_of(user: User, finding: Finding, **query: Any) -> Any:
    url = reverse(
        "accesslog:finding",
        kwargs={"org": finding.organisation.slug, "pk": finding.pk},
    )
    return login(user).get(url, query)


def proof_url(organisation: Organisation, index: int) -> str:
    return reverse("accesslog:proof", kwargs={"org": organisation.slug, "index": index})


def swap_row_ids(organisation: Organisation, first: int, second: int) -> None:
    """Swap the row ids of the entries at two indexes, each keeping its content."""
    first_id = entry_id(organisation, first)
    second_id = entry_id(organisation, second)
    spare = -first_id
    with tampering() as cursor:
        for old, new in ((first_id, spare), (second_id, first_id), (spare, second_id)):
            cursor.execute(
                "UPDATE accesslog_accessentry SET id = %s WHERE id = %s", [new, old]
            )


def test_detection_links_entry_indexes(
    centre_a: Organisation, consultant_a: User
) -> None:
    ingest(centre_a, 10, "U2", 1)
    ingest(centre_a, 3, "U9", 2)
    finding = night_finding(centre_a, consultant_a)
    links = FindingEntry.objects.filter(finding=finding).order_by("index")
    assert list(links.values_list("index", flat=True)) == [1, 2]


def test_swapped_row_ids_keep_finding_entries(
    auditor_a: User, centre_a: Organisation, consultant_a: User
) -> None:
    ingest(centre_a, 3, "U9", 2)
    ingest(centre_a, 10, "U2", 1)
    finding = night_finding(centre_a, consultant_a)
    swap_row_ids(centre_a, 0, 2)
    assert verify_log(centre_a).ok

    response = page_of(auditor_a, finding)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.entry.index for row in rows] == [0, 1]
    assert [row.entry.user_id for row in rows] == ["U9", "U9"]
    assert [row.entry.event_id for row in rows] == ["U9-3-0", "U9-3-1"]
    assert b"app-U2" not in response.content
    assert proof_url(centre_a, 0).encode() in response.content
    assert proof_url(centre_a, 2).encode() not in response.content


def test_finding_lists_entries_in_index_order(
    auditor_a: User, centre_a: Organisation, consultant_a: User
) -> None:
    ingest(centre_a, 22, "U9", 2)
    ingest(centre_a, 3, "U9", 2)
    finding = night_finding(centre_a, consultant_a)
    rows = page_of(auditor_a, finding).context["rows"]
    assert [row.entry.index for row in rows] == [0, 1, 2, 3]


def test_finding_shows_expired_entry(
    auditor_a: User, centre_a: Organisation, consultant_a: User
) -> None:
    ingest(centre_a, 3, "U9", 2)
    finding = night_finding(centre_a, consultant_a)
    empty_as_expired(centre_a, range(1))
    response = page_of(auditor_a, finding)
    page = response.content.decode()
    assert [row.entry.index for row in response.context["rows"]] == [0, 1]
    assert page.count('data-testid="expired"') == 1
    assert proof_url(centre_a, 0) in page


def test_finding_marks_missing_entry(
    auditor_a: User, centre_a: Organisation, consultant_a: User
) -> None:
    ingest(centre_a, 3, "U9", 3)
    finding = night_finding(centre_a, consultant_a)
    with tampering() as cursor:
        cursor.execute(
            "DELETE FROM accesslog_accessentry "
            'WHERE organisation_id = %s AND "index" = 1',
            [centre_a.pk],
        )
    response = page_of(auditor_a, finding)
    page = response.content.decode()
    rows = response.context["rows"]
    assert [row.index if row.entry is None else None for row in rows] == [None, 1, None]
    assert page.count('data-testid="missing"') == 1
    assert proof_url(centre_a, 1) not in page
    assert proof_url(centre_a, 2) in page
    verification = verify_log(centre_a)
    assert not verification.ok
    assert verification.first_divergent_index == 1


def test_finding_page_queries_do_not_grow(
    auditor_a: User, centre_a: Organisation, consultant_a: User
) -> None:
    ingest(centre_a, 3, "U8", 2)
    ingest(centre_a, 4, "U9", 40)
    findings = run_detection(centre_a, since=at(0), until=at(23), actor=consultant_a)
    small, large = sorted(
        (f for f in findings if f.rule == Rule.OUTSIDE_HOURS), key=lambda f: f.user_id
    )
    client = login(auditor_a)
    counts = []
    for finding in (small, large):
        url = reverse(
            "accesslog:finding", kwargs={"org": centre_a.slug, "pk": finding.pk}
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_finding_entries_paginate_by_index(
    auditor_a: User, centre_a: Organisation, consultant_a: User
) -> None:
    ingest(centre_a, 3, "U9", 55)
    finding = night_finding(centre_a, consultant_a)
    second = page_of(auditor_a, finding, page=2)
    assert [row.entry.index for row in second.context["rows"]] == list(range(50, 55))
    assert second.context["page"].paginator.count == 55
