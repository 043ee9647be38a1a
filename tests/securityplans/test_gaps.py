"""Actions made from questionnaire gaps, and the panel on the norm page."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.conftest import option
from tests.securityplans.factories import add_action, approve, make_plan
from vigil.assessments.models import Assessment
from vigil.assessments.services import create_assessment
from vigil.catalog.models import CatalogVersion
from vigil.catalog.texts import pick
from vigil.organisations.models import Organisation
from vigil.plans.security import gaps, services
from vigil.plans.security.models import PlanAction, SecurityPlan
from vigil.plans.security.panels import plan_panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(centre_a: Organisation, catalog: CatalogVersion) -> Assessment:
    made = create_assessment(centre_a, 2026, actor=None, catalog=catalog)
    made.answers.update(option=option(catalog, "implemented"))
    made.answers.filter(norm__code="4.7.1").update(
        option=option(catalog, "not_implemented")
    )
    made.answers.filter(norm__code="4.4.3").update(option=None)
    return made


def test_gaps_list_unanswered_and_not_implemented(
    assessment: Assessment, centre_a: Organisation
) -> None:
    plan = make_plan(centre_a)
    add_action(plan, title="Risk analysis", norms="4.7.1")

    found = {gap.code: gap for gap in gaps.plan_gaps(assessment, plan)}

    assert set(found) == {"4.4.3", "4.7.1"}
    assert found["4.4.3"].reasons == ["No answer yet."]
    assert found["4.7.1"].reasons[0].startswith("Answered “")
    assert [a.title for a in found["4.7.1"].actions] == ["Risk analysis"]


def test_action_from_gap_in_draft(
    assessment: Assessment, centre_a: Organisation
) -> None:
    plan = make_plan(centre_a, first_year=2026)

    action = gaps.add_action_from_gap(centre_a, 2026, "4.7.1", actor=None).action

    norm = assessment.answers.get(norm__code="4.7.1").norm
    assert action.plan == plan
    assert action.origin == PlanAction.Origin.GAP
    assert action.norms == "4.7.1"
    assert action.title == pick(norm.title, "nl")
    assert action.planned_year == services.next_year_in(plan)
    assert action.priority == PlanAction.Priority.HIGH
    assert "norm 4.7.1" in action.origin_reference


@pytest.mark.parametrize("interface", ["en", "fr", "nl"])
def test_action_from_gap_title_in_dutch_centre(
    assessment: Assessment, centre_a: Organisation, interface: str
) -> None:
    make_plan(centre_a, first_year=2026)

    with translation.override(interface):
        action = gaps.add_action_from_gap(centre_a, 2026, "4.7.1", actor=None).action

    norm = assessment.answers.get(norm__code="4.7.1").norm
    assert centre_a.language == Organisation.Language.DUTCH
    assert action.title == pick(norm.title, "nl")
    assert action.title != pick(norm.title, "fr")
    assert action.origin_reference.startswith("Vragenlijst 2026, norm 4.7.1: ")


@pytest.mark.parametrize("interface", ["en", "nl"])
def test_action_from_gap_title_in_french_centre(
    assessment: Assessment, centre_a: Organisation, interface: str
) -> None:
    centre_a.language = Organisation.Language.FRENCH
    centre_a.save(update_fields=["language"])
    make_plan(centre_a, first_year=2026)

    with translation.override(interface):
        action = gaps.add_action_from_gap(centre_a, 2026, "4.4.3", actor=None).action

    norm = assessment.answers.get(norm__code="4.4.3").norm
    assert action.title == pick(norm.title, "fr")
    assert action.title != pick(norm.title, "nl")
    assert action.origin_reference == (
        "Questionnaire 2026, norme 4.4.3\u00a0: pas de réponse"
    )


def test_action_from_gap_starts_new_version(
    assessment: Assessment, centre_a: Organisation
) -> None:
    plan = make_plan(centre_a, first_year=2026)
    add_action(plan)
    approve(plan)

    action = gaps.add_action_from_gap(centre_a, 2026, "4.4.3", actor=None).action

    assert action.plan.version == 2
    assert action.plan.status == SecurityPlan.Status.DRAFT
    assert action.plan.actions.count() == 2
    assert plan.actions.count() == 1


def test_action_from_gap_twice_adds_one(
    assessment: Assessment, centre_a: Organisation
) -> None:
    plan = make_plan(centre_a, first_year=2026)

    first = gaps.add_action_from_gap(centre_a, 2026, "4.7.1", actor=None)
    second = gaps.add_action_from_gap(centre_a, 2026, "4.7.1", actor=None)

    assert first.created
    assert not second.created
    assert second.action == first.action
    assert plan.actions.count() == 1


def test_action_from_gap_in_copied_version(
    assessment: Assessment, centre_a: Organisation
) -> None:
    approved = make_plan(centre_a, first_year=2026)
    add_action(approved, title="Risk analysis", norms="4.4.2; 4.7.1")
    approve(approved)
    draft = services.new_version(approved, actor=None)

    result = gaps.add_action_from_gap(centre_a, 2026, "4.7.1", actor=None)

    assert not result.created
    assert result.action.plan == draft
    assert result.action.title == "Risk analysis"
    assert draft.actions.count() == 1


def test_action_from_gap_approved_plan_no_new_version(
    assessment: Assessment, centre_a: Organisation
) -> None:
    approved = make_plan(centre_a, first_year=2026)
    add_action(approved, title="Risk analysis", norms="4.7.1")
    approve(approved)

    result = gaps.add_action_from_gap(centre_a, 2026, "4.7.1", actor=None)

    assert not result.created
    assert result.action.plan == approved
    assert SecurityPlan.objects.filter(organisation=centre_a).count() == 1


@pytest.mark.parametrize(
    "status", [PlanAction.Status.DONE, PlanAction.Status.CANCELLED]
)
def test_action_from_gap_after_finished_action(
    assessment: Assessment, centre_a: Organisation, status: str
) -> None:
    plan = make_plan(centre_a, first_year=2026)
    add_action(plan, title="Old try", norms="4.7.1", status=status)

    result = gaps.add_action_from_gap(centre_a, 2026, "4.7.1", actor=None)

    assert result.created
    assert plan.actions.count() == 2


def test_action_from_gap_without_plan_or_norm(
    assessment: Assessment, centre_a: Organisation
) -> None:
    with pytest.raises(ValidationError, match="no security plan yet"):
        gaps.add_action_from_gap(centre_a, 2026, "4.7.1", actor=None)
    make_plan(centre_a)
    with pytest.raises(ValidationError, match="no questionnaire 2019"):
        gaps.add_action_from_gap(centre_a, 2019, "4.7.1", actor=None)


def test_next_year_stays_in_plan(centre_a: Organisation) -> None:
    plan = make_plan(centre_a, first_year=2020, years=2)
    import datetime

    assert services.next_year_in(plan, datetime.date(2026, 5, 1)) == 2021
    assert services.next_year_in(plan, datetime.date(2019, 5, 1)) == 2020
    assert services.next_year_in(plan, datetime.date(2020, 5, 1)) == 2021


def test_panel_lists_actions_and_button(
    assessment: Assessment, centre_a: Organisation
) -> None:
    plan = make_plan(centre_a)
    add_action(
        plan,
        title="Risk analysis",
        norms="4.7.1",
        planned_year=2027,
        status=PlanAction.Status.DONE,
    )
    add_action(plan, title="Other", norms="4.1")

    (panel,) = plan_panel(centre_a, ["risks"], 2026, "4.7.1")

    assert panel.count == 1
    assert panel.lines == ["2027 · Risk analysis · done"]
    assert panel.extra["action_label"] == "Add to the security plan"
    assert panel.extra["action_url"] == "/c/centre-a/plan/gaps/2026/4.7.1/add/"
    assert panel.extra["action_capability"] == "edit_plans"


def test_panel_names_open_action_without_button(
    assessment: Assessment, centre_a: Organisation
) -> None:
    plan = make_plan(centre_a)
    action = add_action(plan, title="Risk analysis", norms="4.7.1", planned_year=2027)

    (panel,) = plan_panel(centre_a, ["risks"], 2026, "4.7.1")

    assert "action_url" not in panel.extra
    assert panel.extra["existing_title"] == "Risk analysis"
    assert panel.extra["existing_url"] == (
        f"/c/centre-a/registers/plan-actions/{action.pk}/"
    )


def test_gap_lists_open_actions(assessment: Assessment, centre_a: Organisation) -> None:
    plan = make_plan(centre_a)
    add_action(plan, title="Done", norms="4.7.1", status=PlanAction.Status.DONE)
    add_action(plan, title="Open", norms="4.4.3")

    found = {gap.code: gap for gap in gaps.plan_gaps(assessment, plan)}

    assert [a.title for a in found["4.7.1"].open_actions] == []
    assert [a.title for a in found["4.4.3"].open_actions] == ["Open"]
