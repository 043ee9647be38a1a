"""A rejected batch lists its first 1,000 errors and counts every one."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from tests.accesslog.factories import event
from tests.accesslog.test_api_ingest import NDJSON, post, secret
from vigil.accesslog.error_tally import MAX_LISTED_ERRORS, ErrorTally
from vigil.accesslog.events import InvalidEvent, ParseError, parse_events
from vigil.accesslog.formats import parse_csv, parse_json_lines
from vigil.accesslog.ingestion import BatchRejected, ingest_events
from vigil.accesslog.models import AccessEntry
from vigil.organisations.models import Organisation

__all__ = ["secret"]

# An empty record has an error for each of the seven required fields.
ERRORS_PER_EMPTY_RECORD = 7


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def empty_records(count: int, first: int = 1) -> list[tuple[int, Any]]:
    return [(line, {}) for line in range(first, first + count)]


def test_tally_keeps_first_and_counts_all() -> None:
    tally: ErrorTally[str] = ErrorTally(limit=3)
    for line, error in [(1, "a"), (1, "b"), (2, "c"), (4, "d"), (4, "e")]:
        tally.add(line, error)
    assert tally.listed == [(1, "a"), (1, "b"), (2, "c")]
    assert tally.total == 5
    assert tally.lines == 3
    assert tally.hidden == 2


def test_tally_mapped_keeps_counts() -> None:
    tally = ErrorTally.of([(1, "a"), (1, "b"), (3, "c")], limit=2)
    mapped = tally.mapped(lambda line, error: f"{line}:{error}")
    assert mapped.listed == [(1, "1:a"), (1, "1:b")]
    assert mapped.total == 3
    assert mapped.lines == 2
    assert mapped.hidden == 1
    assert mapped.last_line == 3


def test_validation_keeps_first_errors() -> None:
    with pytest.raises(InvalidEvent) as raised:
        parse_events(empty_records(2000))
    assert len(raised.value.errors) == MAX_LISTED_ERRORS
    assert raised.value.tally.total == 2000 * ERRORS_PER_EMPTY_RECORD
    assert raised.value.tally.lines == 2000
    # 142 records give 994 errors, and the 143rd the last 6 listed.
    assert raised.value.errors[-1].line == 143
    assert raised.value.errors[-1].field == "subject"


def test_batch_rejection_lists_first_errors(centre_a: Organisation) -> None:
    with pytest.raises(BatchRejected) as raised:
        ingest_events(centre_a, empty_records(2000), source="test")
    assert len(raised.value.errors) == MAX_LISTED_ERRORS
    assert raised.value.tally.total == 2000 * ERRORS_PER_EMPTY_RECORD
    assert raised.value.tally.lines == 2000
    assert "2000 invalid records with 14000 errors" in str(raised.value)
    assert not AccessEntry.objects.exists()


def test_repeat_errors_merged_in_record_order(centre_a: Organisation) -> None:
    """Reused event ids of valid records and invalid records share the cap."""
    repeats = [(line, event(1, outcome=f"x{line}")) for line in range(2, 601)]
    records = [(1, event(1)), *repeats, *empty_records(200, first=601)]
    with pytest.raises(BatchRejected) as raised:
        ingest_events(centre_a, records, source="test")
    errors = raised.value.errors
    assert len(errors) == MAX_LISTED_ERRORS
    assert [error.line for error in errors[:599]] == list(range(2, 601))
    assert errors[599].line == 601
    assert raised.value.tally.total == 599 + 200 * ERRORS_PER_EMPTY_RECORD
    assert raised.value.tally.lines == 799


def test_json_lines_parse_errors_capped() -> None:
    with pytest.raises(ParseError) as raised:
        parse_json_lines("x\n" * 1500)
    assert len(raised.value.errors) == MAX_LISTED_ERRORS
    assert raised.value.errors[-1][0] == MAX_LISTED_ERRORS
    assert raised.value.tally.total == 1500


def test_csv_row_errors_capped() -> None:
    header = "event_id,time,user_id,application,action,subject,service"
    with pytest.raises(ParseError) as raised:
        parse_csv(header + "\n" + "a,b\n" * 1500)
    assert len(raised.value.errors) == MAX_LISTED_ERRORS
    assert raised.value.tally.total == 1500
    assert raised.value.tally.lines == 1500


def test_api_rejection_lists_first_errors(client: Client, secret: str) -> None:
    response = post(client, json.dumps([{}] * 3000), secret=secret)
    assert response.status_code == 422
    body = response.json()
    assert len(body["errors"]) == MAX_LISTED_ERRORS
    assert body["error_count"] == 3000 * ERRORS_PER_EMPTY_RECORD
    assert body["errors"][0]["line"] == 1
    assert body["errors"][-1]["line"] == 143
    assert body["message"].endswith(
        " The first 1,000 errors are listed in the field errors, "
        "and 20,000 more errors were not listed."
    )
    assert len(response.content) < 200_000


def test_api_parse_errors_capped(client: Client, secret: str) -> None:
    response = post(client, "x\n" * 3000, secret=secret, content_type=NDJSON)
    assert response.status_code == 400
    body = response.json()
    assert len(body["errors"]) == MAX_LISTED_ERRORS
    assert body["error_count"] == 3000
    assert body["message"].endswith(
        " The first 1,000 errors are listed in the field errors, "
        "and 2,000 more errors were not listed."
    )


def test_api_error_count_of_small_batch(client: Client, secret: str) -> None:
    records = [event(1, action="read"), {"event_id": "e-2"}]
    response = post(client, json.dumps(records), secret=secret)
    assert response.status_code == 422
    body = response.json()
    assert body["error_count"] == 1 + 6
    assert len(body["errors"]) == body["error_count"]
    assert body["message"] == (
        "The batch contains invalid events, so nothing was stored."
    )


def test_api_message_one_error_not_listed(client: Client, secret: str) -> None:
    response = post(client, "x\n" * 1001, secret=secret, content_type=NDJSON)
    assert response.status_code == 400
    assert response.json()["message"].endswith(
        " The first 1,000 errors are listed in the field errors, "
        "and 1 more error was not listed."
    )
