"""Searches by subject and user across the segments of the search indexes."""

import datetime
from collections.abc import Callable

import pytest

from tests.accesslog.factories import event, national_number
from vigil.accesslog import search
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.models import AccessEntry
from vigil.accesslog.pseudonyms import pseudonymise
from vigil.organisations.models import Organisation

START = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def small_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use segments of four entries, so that a few dozen entries span many."""
    monkeypatch.setattr("vigil.accesslog.models.SEGMENT_SIZE", 4)
    monkeypatch.setattr("vigil.accesslog.ingestion.SEGMENT_SIZE", 4)


@pytest.fixture
def log(centre_a: Organisation, small_segments: None) -> Organisation:
    """Ingest 30 events, of which every third concerns subject 1 and user U3."""
    records = []
    for number in range(30):
        third = number % 3 == 0
        records.append(
            (
                number + 1,
                event(
                    number,
                    time=(START + datetime.timedelta(minutes=number)).isoformat(),
                    subject=national_number(1 if third else 2),
                    user_id="U3" if third else "U1",
                ),
            )
        )
    ingest_events(centre_a, records, source="test")
    return centre_a


def test_entries_are_stored_with_their_segment(log: Organisation) -> None:
    pairs = AccessEntry.objects.filter(organisation=log).values_list("index", "segment")
    assert all(segment == index // 4 for index, segment in pairs)
    assert search.segments(log) == range(8)


def test_no_segments_in_an_empty_log(centre_b: Organisation) -> None:
    assert search.segments(centre_b) == range(0)


@pytest.mark.parametrize(
    "criteria",
    [
        lambda organisation: search.Criteria(
            subject_pseudonym=pseudonymise(organisation, national_number(1))
        ),
        lambda organisation: search.Criteria(user_id="U3"),
    ],
    ids=["subject", "user"],
)
def test_pages_walk_every_segment_newest_first(
    log: Organisation, criteria: Callable[[Organisation], search.Criteria]
) -> None:
    search_criteria = criteria(log)
    assert search_criteria.by_segment
    entries = search.matching_entries(log, search_criteria)
    seen: list[int] = []
    before = None
    while True:
        page = search.result_page(log, entries, by_segment=True, before=before, size=3)
        seen += [row.entry.index for row in page.rows]
        if page.older_than is None:
            break
        before = page.older_than
    assert seen == list(range(27, -1, -3))

    newer = search.result_page(log, entries, by_segment=True, after=9, size=3)
    assert [row.entry.index for row in newer.rows] == [18, 15, 12]
    assert newer.older_than == 12
    assert newer.newer_than == 18


def test_export_lists_matches_of_every_segment(log: Organisation) -> None:
    search_criteria = search.Criteria(user_id="U3")
    entries = search.matching_entries(log, search_criteria)
    lines = list(search.export_rows(log, entries, by_segment=True))
    indices = [int(line.split(",", 1)[0]) for line in lines[1:]]
    assert indices == list(range(0, 30, 3))


@pytest.mark.parametrize(
    ("criteria", "exact"),
    [
        (lambda organisation: search.Criteria(user_id="U3"), 10),
        (lambda organisation: search.Criteria(user_id="U1"), 20),
        (
            lambda organisation: search.Criteria(
                subject_pseudonym=pseudonymise(organisation, national_number(2))
            ),
            20,
        ),
    ],
    ids=["user-U3", "user-U1", "subject"],
)
def test_count_covers_every_segment(
    log: Organisation, criteria: Callable[[Organisation], search.Criteria], exact: int
) -> None:
    entries = search.matching_entries(log, criteria(log))
    assert search.count_matches(entries, 100) == search.MatchCount(exact, False)
    assert search.count_matches(entries, exact) == search.MatchCount(exact, False)
    assert search.count_matches(entries, exact - 1) == search.MatchCount(
        exact - 1, True
    )


def test_page_counts_matches_of_later_pages(log: Organisation) -> None:
    entries = search.matching_entries(log, search.Criteria(user_id="U3"))
    page = search.result_page(log, entries, by_segment=True, size=3)
    assert [row.entry.index for row in page.rows] == [27, 24, 21]
    assert page.matches == search.MatchCount(10, exceeds_limit=False)
