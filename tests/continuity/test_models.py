"""Validation of the continuity plan: recovery order, contact tree, dates."""

import pytest

from vigil.organisations.models import Organisation
from vigil.plans.continuity.models import CriticalProcess
from vigil.plans.continuity.specs import (
    CONTACTS,
    CRITICAL_PROCESSES,
    EXERCISES,
    FALLBACK_SITES,
    RECOVERY_STEPS,
)
from vigil.registers import services
from vigil.registers.services import ImportRejected, RecordInvalid

from .conftest import make_contact, make_process

pytestmark = pytest.mark.django_db


def test_recovery_order_unique(centre_a: Organisation) -> None:
    make_process(centre_a, name="Betalingen", recovery_order="1")

    with pytest.raises(RecordInvalid) as caught:
        make_process(centre_a, name="Sociale dienst", recovery_order="1")

    assert caught.value.errors["recovery_order"] == [
        "Recovery order 1 is already given to “Betalingen”; choose another "
        "number or change that process first."
    ]
    assert CriticalProcess.objects.count() == 1


def test_recovery_order_unique_within_one_import(centre_a: Organisation) -> None:
    row = {**CRITICAL_PROCESSES.example(centre_a), "recovery_order": "2"}

    with pytest.raises(ImportRejected) as caught:
        services.import_rows(
            CRITICAL_PROCESSES,
            centre_a,
            [(2, row), (3, {**row, "name": "Sociale dienst"})],
            actor=None,
        )

    assert [(e.line, e.field) for e in caught.value.errors] == [(3, "recovery_order")]
    assert CriticalProcess.objects.count() == 0


def test_same_order_in_other_centre(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    make_process(centre_a)
    make_process(centre_b)

    assert CriticalProcess.objects.count() == 2


def test_order_kept_on_edit(centre_a: Organisation) -> None:
    process = make_process(centre_a)

    services.update_record(
        CRITICAL_PROCESSES, process, {"max_outage_days": "5"}, actor=None
    )

    process.refresh_from_db()
    assert process.max_outage_days == 5


def test_outage_above_a_year(centre_a: Organisation) -> None:
    with pytest.raises(RecordInvalid) as caught:
        make_process(centre_a, max_outage_days="400")

    assert "max_outage_days" in caught.value.errors


def test_contact_tree_refuses_cycle(centre_a: Organisation) -> None:
    top = make_contact(centre_a, "Katrien")
    make_contact(centre_a, "Pieter", parent="Katrien")
    make_contact(centre_a, "Bart", parent="Pieter")

    with pytest.raises(RecordInvalid) as caught:
        services.update_record(CONTACTS, top, {"parent": "Bart"}, actor=None)

    message = caught.value.errors["parent"][0]
    assert "would call in a circle" in message
    assert "Katrien" in message
    top.refresh_from_db()
    assert top.parent_id is None


def test_contact_cannot_call_themselves(centre_a: Organisation) -> None:
    top = make_contact(centre_a, "Katrien")

    with pytest.raises(RecordInvalid) as caught:
        services.update_record(CONTACTS, top, {"parent": "Katrien"}, actor=None)

    assert "cannot call themselves" in caught.value.errors["parent"][0]


def test_contact_parent_of_other_centre(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    make_contact(centre_b, "Katrien")

    with pytest.raises(RecordInvalid) as caught:
        make_contact(centre_a, "Pieter", parent="Katrien")

    assert "in this centre" in caught.value.errors["parent"][0]


def test_fallback_review_before_agreement(centre_a: Organisation) -> None:
    values = {**FALLBACK_SITES.example(centre_a), "review_date": "2025-01-01"}

    with pytest.raises(RecordInvalid) as caught:
        services.create_record(FALLBACK_SITES, centre_a, values, actor=None)

    assert caught.value.errors["review_date"] == [
        "Review date 2025-01-01 is before the agreement date 2026-01-15; enter "
        "a later review date."
    ]


def test_step_numbers_unique_per_scenario(centre_a: Organisation) -> None:
    example = RECOVERY_STEPS.example(centre_a)
    services.create_record(RECOVERY_STEPS, centre_a, example, actor=None)
    services.create_record(
        RECOVERY_STEPS, centre_a, {**example, "scenario": "building"}, actor=None
    )

    with pytest.raises(RecordInvalid) as caught:
        services.create_record(RECOVERY_STEPS, centre_a, example, actor=None)

    assert "already has a step with this number" in str(caught.value)


def test_failed_exercise_needs_findings(centre_a: Organisation) -> None:
    values = {**EXERCISES.example(centre_a), "result": "failed", "findings": ""}

    with pytest.raises(RecordInvalid) as caught:
        services.create_record(EXERCISES, centre_a, values, actor=None)

    assert "describe what went wrong" in caught.value.errors["findings"][0]
