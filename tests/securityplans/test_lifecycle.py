"""Plan transitions, approval, freezing, new versions and their diff."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.securityplans.factories import add_action, approve, make_plan
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation
from vigil.plans.security import lifecycle, services
from vigil.plans.security.diff import diff_plans
from vigil.plans.security.models import PlanAction, PlanFrozen, SecurityPlan
from vigil.plans.security.specs import ACTIONS
from vigil.registers import services as registers
from vigil.registers.services import RecordInvalid

pytestmark = pytest.mark.django_db


def test_plan_goes_forward_to_approved(centre_a: Organisation) -> None:
    plan = make_plan(centre_a)
    add_action(plan)

    services.submit_plan(plan, actor=None)
    approved = approve_submitted(plan)

    assert approved.status == SecurityPlan.Status.APPROVED
    assert approved.approval_body == SecurityPlan.Body.BUREAU
    assert approved.approval_date == datetime.date(2025, 12, 12)
    assert approved.decision_reference == "VB 2025/302"
    actions = AuditEntry.objects.filter(object_id=str(plan.pk)).values_list(
        "action", flat=True
    )
    assert "securityplan.approved" in actions


def approve_submitted(plan: SecurityPlan) -> SecurityPlan:
    return services.approve_plan(
        plan,
        body=SecurityPlan.Body.BUREAU,
        date=datetime.date(2025, 12, 12),
        reference=" VB 2025/302 ",
        actor=None,
    )


def test_draft_cannot_be_approved(centre_a: Organisation) -> None:
    plan = make_plan(centre_a)

    with pytest.raises(ValidationError) as raised:
        approve_submitted(plan)

    assert "never back" in raised.value.messages[0]
    plan.refresh_from_db()
    assert plan.status == SecurityPlan.Status.DRAFT


def test_approved_plan_cannot_be_submitted_again(centre_a: Organisation) -> None:
    plan = make_plan(centre_a)
    add_action(plan)
    approve(plan)

    with pytest.raises(ValidationError, match="never back"):
        services.submit_plan(plan, actor=None)


def test_empty_plan_cannot_be_submitted(centre_a: Organisation) -> None:
    plan = make_plan(centre_a)

    with pytest.raises(ValidationError, match="add at least one"):
        services.submit_plan(plan, actor=None)


def test_approval_needs_reference_and_past_date(centre_a: Organisation) -> None:
    plan = make_plan(centre_a)
    add_action(plan)
    services.submit_plan(plan, actor=None)
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)

    with pytest.raises(ValidationError) as raised:
        services.approve_plan(
            plan, body="mayor", date=tomorrow, reference=" ", actor=None
        )

    errors = raised.value.message_dict
    assert "mayor" in errors["body"][0]
    assert tomorrow.isoformat() in errors["date"][0]
    assert errors["reference"] == ["Give the reference of the decision."]
    plan.refresh_from_db()
    assert plan.status == SecurityPlan.Status.SUBMITTED


def test_approval_supersedes_previous_plan(centre_a: Organisation) -> None:
    first = make_plan(centre_a, first_year=2023)
    add_action(first)
    approve(first)
    second = make_plan(centre_a, first_year=2026)
    add_action(second)

    approve(second)

    first.refresh_from_db()
    assert first.status == SecurityPlan.Status.SUPERSEDED
    assert lifecycle.approved_plan(centre_a) == second


def test_second_draft_is_refused(centre_a: Organisation) -> None:
    make_plan(centre_a)

    with pytest.raises(ValidationError, match="already has a draft plan"):
        make_plan(centre_a, first_year=2029)


def test_action_of_approved_plan_is_frozen(centre_a: Organisation) -> None:
    plan = make_plan(centre_a)
    action = add_action(plan, cost_one_off="100.00")
    approve(plan)

    with pytest.raises(RecordInvalid) as raised:
        registers.update_record(ACTIONS, action, {"cost_one_off": "900"}, actor=None)

    message = raised.value.errors["plan"][0]
    assert "frozen" in message
    assert "new version" in message
    action.refresh_from_db()
    assert str(action.cost_one_off) == "100.00"


def test_frozen_plan_refuses_new_and_deleted_actions(centre_a: Organisation) -> None:
    plan = make_plan(centre_a)
    action = add_action(plan)
    approve(plan)

    with pytest.raises(PlanFrozen):
        add_action(plan, title="Late addition")
    with pytest.raises(registers.RecordInvalid, match="frozen"):
        registers.delete_record(ACTIONS, action, actor=None)

    assert PlanAction.objects.filter(pk=action.pk).exists()
    assert plan.actions.count() == 1


def test_new_version_copies_plan_and_actions(centre_a: Organisation) -> None:
    plan = make_plan(centre_a)
    add_action(plan, title="Restore test", cost_one_off="100.00", norms="")
    add_action(plan, title="UPS", planned_year=2027)
    approve(plan)

    copy = services.new_version(plan, actor=None)

    assert copy.version == 2
    assert copy.status == SecurityPlan.Status.DRAFT
    assert copy.previous == plan
    assert sorted(copy.actions.values_list("title", flat=True)) == [
        "Restore test",
        "UPS",
    ]
    originals = {a.title: a.pk for a in plan.actions.all()}
    for action in copy.actions.all():
        assert action.source_action_id == originals[action.title]
    with pytest.raises(ValidationError, match="already has a draft"):
        services.new_version(plan, actor=None)


def test_diff_lists_added_removed_changed(centre_a: Organisation) -> None:
    plan = make_plan(centre_a)
    add_action(plan, title="Restore test", cost_one_off="100.00")
    add_action(plan, title="UPS")
    approve(plan)
    copy = services.new_version(plan, actor=None)
    restore = copy.actions.get(title="Restore test")
    registers.update_record(
        ACTIONS, restore, {"cost_one_off": "250.50", "status": "done"}, actor=None
    )
    registers.delete_record(ACTIONS, copy.actions.get(title="UPS"), actor=None)
    add_action(copy, title="Risk analysis", planned_year=2028)

    diff = diff_plans(plan, copy)

    assert [a.title for a in diff.added] == ["Risk analysis"]
    assert [a.title for a in diff.removed] == ["UPS"]
    assert len(diff.changed) == 1
    changes = {c.name: (c.old, c.new) for c in diff.changed[0].fields}
    assert changes["cost_one_off"][0] == pytest.approx(100)
    assert str(changes["cost_one_off"][1]) == "250.50"
    status_labels = (PlanAction.Status.PLANNED.label, PlanAction.Status.DONE.label)
    assert changes["status"] == tuple(str(label) for label in status_labels)
    assert set(changes) == {"cost_one_off", "status"}


def test_planned_year_outside_plan_is_refused(centre_a: Organisation) -> None:
    plan = make_plan(centre_a, first_year=2026, years=3)

    with pytest.raises(RecordInvalid) as raised:
        add_action(plan, planned_year=2030)

    message = raised.value.errors["planned_year"][0]
    assert "2030" in message
    assert "2026 to 2028" in message


def test_unknown_norm_is_refused(centre_a: Organisation, catalog: object) -> None:
    plan = make_plan(centre_a)

    with pytest.raises(RecordInvalid) as raised:
        add_action(plan, norms="4.4.2; 9.9.9")

    assert raised.value.errors["norms"][0].startswith("Unknown norm 9.9.9:")
    action = add_action(plan, norms="4.4.2,4.7.1 4.4.2")
    assert action.norms == "4.4.2; 4.7.1"


def test_negative_cost_and_word_priority(centre_a: Organisation) -> None:
    plan = make_plan(centre_a)

    with pytest.raises(RecordInvalid) as raised:
        add_action(plan, cost_yearly="-5")
    action = add_action(plan, priority="hoog")

    assert "cost_yearly" in raised.value.errors
    assert action.priority == PlanAction.Priority.HIGH


def test_years_are_limited_to_six(centre_a: Organisation) -> None:
    with pytest.raises(ValidationError) as raised:
        make_plan(centre_a, years=7)

    assert "years" in raised.value.message_dict


def test_shortening_plan_with_actions_outside_is_refused(
    centre_a: Organisation,
) -> None:
    plan = make_plan(centre_a)
    add_action(plan, title="UPS", planned_year=2028)

    with pytest.raises(ValidationError) as raised:
        services.update_plan(plan, {"years": 2}, actor=None)

    assert "UPS" in raised.value.message_dict["years"][0]
    plan.refresh_from_db()
    assert plan.years == 3
