"""The identity register: periods per user id, overlaps, resolution."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from vigil.accesslog.identities import (
    add_identity_period,
    end_identity_period,
    identity_periods,
    resolve_many,
    resolve_person,
)
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def moment(day: int, hour: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 1, day, hour, tzinfo=datetime.UTC)


def add(
    organisation: Organisation, user_id: str, name: str, start: int, end: int | None
) -> Any:
    return add_identity_period(
        organisation,
        user_id,
        name,
        moment(start),
        moment(end) if end else None,
        actor=None,
    )


def test_period_added_and_audited(centre_a: Organisation, consultant_a: Any) -> None:
    period = add_identity_period(
        centre_a,
        "U1",
        "An Peeters",
        moment(1),
        actor=consultant_a,
        person_reference="an@ocmw.test",
    )
    assert (period.user_id, period.person_name, period.valid_until) == (
        "U1",
        "An Peeters",
        None,
    )
    assert period.created_by == consultant_a
    audit = AuditEntry.objects.get(action="identity.added")
    assert audit.new_values["person_name"] == "An Peeters"


def test_overlap_rejected_naming_other_period(centre_a: Organisation) -> None:
    add(centre_a, "U1", "An Peeters", 1, 10)
    with pytest.raises(ValidationError) as raised:
        add(centre_a, "U1", "Bart Claes", 9, None)
    message = " ".join(raised.value.messages)
    assert "An Peeters" in message
    assert "2026-01-01" in message
    assert "2026-01-10" in message


def test_open_period_blocks_later_start(centre_a: Organisation) -> None:
    add(centre_a, "U1", "An Peeters", 1, None)
    with pytest.raises(ValidationError, match="with no end date"):
        add(centre_a, "U1", "Bart Claes", 20, 25)


def test_adjacent_periods_allowed(centre_a: Organisation) -> None:
    add(centre_a, "U1", "An Peeters", 1, 10)
    add(centre_a, "U1", "Bart Claes", 10, None)
    add(centre_a, "U2", "An Peeters", 1, None)
    assert identity_periods(centre_a).count() == 3


def test_period_inside_other_rejected(centre_a: Organisation) -> None:
    add(centre_a, "U1", "An Peeters", 1, 20)
    with pytest.raises(ValidationError):
        add(centre_a, "U1", "Bart Claes", 5, 6)


def test_end_before_start_rejected(centre_a: Organisation) -> None:
    with pytest.raises(ValidationError):
        add(centre_a, "U1", "An Peeters", 10, 10)


@pytest.mark.parametrize("user_id", ["", " U1", "U\n1", "x" * 65])
def test_invalid_user_id_rejected(centre_a: Organisation, user_id: str) -> None:
    with pytest.raises(ValidationError):
        add(centre_a, user_id, "An Peeters", 1, None)


def test_blank_person_rejected(centre_a: Organisation) -> None:
    with pytest.raises(ValidationError):
        add(centre_a, "U1", "  ", 1, None)


def test_other_organisation_not_overlapping(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    add(centre_a, "U1", "An Peeters", 1, None)
    add(centre_b, "U1", "Bart Claes", 1, None)


def test_end_period_audited(centre_a: Organisation) -> None:
    period = add(centre_a, "U1", "An Peeters", 1, None)
    ended = end_identity_period(period, moment(15), actor=None)
    assert ended.valid_until == moment(15)
    audit = AuditEntry.objects.get(action="identity.ended")
    assert audit.old_values["valid_until"] is None


def test_end_before_start_of_period_rejected(centre_a: Organisation) -> None:
    period = add(centre_a, "U1", "An Peeters", 10, None)
    with pytest.raises(ValidationError):
        end_identity_period(period, moment(5), actor=None)


def test_moving_end_into_next_period_rejected(centre_a: Organisation) -> None:
    period = add(centre_a, "U1", "An Peeters", 1, 10)
    add(centre_a, "U1", "Bart Claes", 10, None)
    with pytest.raises(ValidationError, match="Bart Claes"):
        end_identity_period(period, moment(12), actor=None)


def test_resolve_person_half_open(centre_a: Organisation) -> None:
    add(centre_a, "U1", "An Peeters", 1, 10)
    add(centre_a, "U1", "Bart Claes", 10, None)
    assert resolve_person(centre_a, "U1", moment(1)).person_name == "An Peeters"  # type: ignore[union-attr]
    assert resolve_person(centre_a, "U1", moment(9, 23)).person_name == "An Peeters"  # type: ignore[union-attr]
    assert resolve_person(centre_a, "U1", moment(10)).person_name == "Bart Claes"  # type: ignore[union-attr]
    assert (
        resolve_person(
            centre_a, "U1", datetime.datetime(2025, 12, 31, tzinfo=datetime.UTC)
        )
        is None
    )
    assert resolve_person(centre_a, "U2", moment(5)) is None


def test_resolve_many_in_one_query(
    centre_a: Organisation, django_assert_num_queries: Any
) -> None:
    add(centre_a, "U1", "An Peeters", 1, 10)
    add(centre_a, "U1", "Bart Claes", 10, None)
    add(centre_a, "P-42", "Batch program owner", 1, None)
    lookups = [
        ("U1", moment(2)),
        ("U1", moment(12)),
        ("P-42", moment(3)),
        ("U9", moment(3)),
    ]
    with django_assert_num_queries(1):
        resolved = resolve_many(centre_a, lookups)
    assert resolved[("U1", moment(2))].person_name == "An Peeters"
    assert resolved[("U1", moment(12))].person_name == "Bart Claes"
    assert resolved[("P-42", moment(3))].person_name == "Batch program owner"
    assert ("U9", moment(3)) not in resolved


def test_resolve_many_empty_no_query(
    centre_a: Organisation, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        assert resolve_many(centre_a, []) == {}
