"""Validation of risks, assets, processes and the centre's matrix."""

import pytest

from vigil.organisations.models import Organisation
from vigil.plans.risks import services as risk_services
from vigil.plans.risks.models import Process, Risk, RiskMatrix
from vigil.plans.risks.specs import ASSETS, PROCESSES, RISKS
from vigil.registers import services
from vigil.registers.services import ImportRejected, RecordInvalid

from .conftest import make_process, make_risk, risk_values

pytestmark = pytest.mark.django_db


def errors_of(organisation: Organisation, **changes: str) -> dict[str, list[str]]:
    with pytest.raises(RecordInvalid) as caught:
        services.create_record(RISKS, organisation, risk_values(**changes), actor=None)
    return caught.value.errors


def test_valid_risk_is_saved(centre_a: Organisation) -> None:
    risk = make_risk(centre_a)

    assert risk.score == 12
    assert risk.residual_score == 6
    assert risk.process is not None
    assert risk.process.name == "Sociale dienst"


def test_accept_needs_person_and_date(centre_a: Organisation) -> None:
    make_process(centre_a)

    errors = errors_of(centre_a, decision="accept")

    assert "the person who accepted it" in errors["accepted_by"][0]
    assert "YYYY-MM-DD" in errors["accepted_until"][0]
    assert Risk.objects.count() == 0


def test_accept_with_person_and_date(centre_a: Organisation) -> None:
    risk = make_risk(
        centre_a,
        decision="accept",
        accepted_by="Algemeen directeur",
        accepted_until="2027-06-30",
    )

    assert risk.decision == Risk.Decision.ACCEPT
    assert risk.accepted_until is not None
    assert risk.accepted_until.isoformat() == "2027-06-30"


def test_acceptance_fields_only_for_accept(centre_a: Organisation) -> None:
    make_process(centre_a)

    errors = errors_of(centre_a, accepted_by="Directeur", accepted_until="2027-01-01")

    assert "Only an accepted risk" in errors["accepted_by"][0]
    assert "Only an accepted risk" in errors["accepted_until"][0]


def test_residual_above_current_needs_note(centre_a: Organisation) -> None:
    make_process(centre_a)

    errors = errors_of(centre_a, residual_likelihood="4", residual_impact="4")

    assert (
        "residual score 16 is above the current score 12" in errors["residual_note"][0]
    )


def test_residual_above_current_with_note(centre_a: Organisation) -> None:
    risk = make_risk(
        centre_a,
        residual_likelihood="4",
        residual_impact="4",
        residual_note="The backup contract ends next month.",
    )

    assert risk.residual_score == 16


def test_rating_outside_default_matrix(centre_a: Organisation) -> None:
    make_process(centre_a)

    errors = errors_of(centre_a, likelihood="5")

    assert errors["likelihood"] == [
        "5 is outside the centre's 4 × 4 risk matrix; rate from 1 to 4."
    ]


def test_rating_inside_larger_matrix(centre_a: Organisation) -> None:
    RiskMatrix.objects.create(
        organisation=centre_a, size=5, medium_from=5, high_from=10, critical_from=15
    )

    risk = make_risk(centre_a, likelihood="5", impact="5")

    assert risk.score == 25


def test_risk_needs_process_or_asset(centre_a: Organisation) -> None:
    errors = errors_of(centre_a, process="")

    assert "process, the asset or both" in errors["process"][0]


def test_unknown_process_is_named(centre_a: Organisation) -> None:
    errors = errors_of(centre_a, process="Kinderopvang")

    assert "'Kinderopvang'" in errors["process"][0]


def test_asset_needs_name_or_inventory(centre_a: Organisation) -> None:
    with pytest.raises(RecordInvalid) as caught:
        services.create_record(
            ASSETS, centre_a, {**ASSETS.example(centre_a), "name": ""}, actor=None
        )

    assert "Name the asset" in caught.value.errors["name"][0]


def test_process_names_are_unique(centre_a: Organisation) -> None:
    make_process(centre_a)

    with pytest.raises(RecordInvalid) as caught:
        make_process(centre_a)

    assert "already has a process with this name" in str(caught.value)
    assert Process.objects.count() == 1


def test_import_is_all_or_nothing(centre_a: Organisation) -> None:
    make_process(centre_a)
    good = risk_values()
    bad = risk_values(decision="accept")

    with pytest.raises(ImportRejected) as caught:
        services.import_rows(RISKS, centre_a, [(2, good), (3, bad)], actor=None)

    lines = {error.line for error in caught.value.errors}
    assert lines == {3}
    assert Risk.objects.count() == 0


def test_matrix_thresholds_must_rise(centre_a: Organisation) -> None:
    data = {"size": "4", "medium_from": "8", "high_from": "6", "critical_from": "12"}

    with pytest.raises(RecordInvalid) as caught:
        risk_services.set_matrix(centre_a, data, actor=None)

    assert "8, 6 and 12 must rise" in caught.value.errors["__all__"][0]
    assert not RiskMatrix.objects.exists()


def test_matrix_size_between_three_and_five(centre_a: Organisation) -> None:
    data = {"size": "6", "medium_from": "6", "high_from": "12", "critical_from": "18"}

    with pytest.raises(RecordInvalid) as caught:
        risk_services.set_matrix(centre_a, data, actor=None)

    assert "size" in caught.value.errors


def test_smaller_matrix_refused_while_risks_rate_beyond(
    centre_a: Organisation,
) -> None:
    make_risk(centre_a, likelihood="4")
    data = {"size": "3", "medium_from": "3", "high_from": "6", "critical_from": "9"}

    with pytest.raises(RecordInvalid) as caught:
        risk_services.set_matrix(centre_a, data, actor=None)

    assert caught.value.errors["size"] == [
        "1 risk is rated above 3; lower its rating first, or keep a larger matrix."
    ]


def test_matrix_change_is_audited(centre_a: Organisation) -> None:
    from vigil.audit.models import AuditEntry

    data = {"size": "5", "medium_from": "5", "high_from": "10", "critical_from": "15"}

    saved = risk_services.set_matrix(centre_a, data, actor=None)

    entry = AuditEntry.objects.get(action="risks.matrix_changed")
    assert saved.size == 5
    assert entry.new_values["critical_from"] == 15


def test_other_centre_process_is_unknown(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    make_process(centre_b)

    errors = errors_of(centre_a)

    assert (
        "No process with name 'Sociale dienst' in this centre" in errors["process"][0]
    )
    assert PROCESSES.slug == "processes"
