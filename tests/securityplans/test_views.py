"""The plan pages: one-click gap action, approval, capabilities, diff."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import translation

from tests.conftest import login
from tests.securityplans.factories import add_action, approve, make_plan
from vigil.accounts.models import User
from vigil.assessments.services import create_assessment
from vigil.catalog.models import CatalogVersion
from vigil.catalog.texts import pick
from vigil.organisations.models import Organisation
from vigil.plans.security import services
from vigil.plans.security.forms import ApprovalForm
from vigil.plans.security.models import SecurityPlan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]


def test_norm_page_button_adds_action(
    consultant_a: User, centre_a: Organisation, catalog: CatalogVersion
) -> None:
    create_assessment(centre_a, 2026, actor=None, catalog=catalog)
    plan = make_plan(centre_a, first_year=2026)
    client = login(consultant_a)
    norm_url = "/c/centre-a/questionnaires/2026/norms/4.7.1/"

    response = client.post("/c/centre-a/plan/gaps/2026/4.7.1/add/")
    page = client.get(norm_url).content.decode()

    assert response.status_code == 302
    assert response["Location"] == norm_url
    action = plan.actions.get()
    assert action.norms == "4.7.1"
    assert action.title in page


def test_norm_page_button_twice_adds_one(
    consultant_a: User, centre_a: Organisation, catalog: CatalogVersion
) -> None:
    create_assessment(centre_a, 2026, actor=None, catalog=catalog)
    plan = make_plan(centre_a, first_year=2026)
    client = login(consultant_a)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    add_url = "/c/centre-a/plan/gaps/2026/4.7.1/add/"

    client.post(add_url)
    response = client.post(add_url, follow=True)

    action = plan.actions.get()
    page = response.content.decode()
    link = f'<a href="/c/centre-a/registers/plan-actions/{action.pk}/">'
    assert "Nothing added: the security plan 2026–2028 v1 already has" in page
    assert f"{link}{action.title}</a></li>" in page
    assert 'data-testid="existing-action"' in page
    assert 'action="/c/centre-a/plan/gaps/2026/4.7.1/add/"' not in page


def test_plan_gap_list_shows_planned_norm(
    consultant_a: User, centre_a: Organisation, catalog: CatalogVersion
) -> None:
    create_assessment(centre_a, 2026, actor=None, catalog=catalog)
    plan = make_plan(centre_a, first_year=2026)
    add_action(plan, title="Risk analysis", norms="4.7.1")
    client = login(consultant_a)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    page = client.get(f"/c/centre-a/plan/{plan.pk}/").content.decode()

    row = page.split('data-norm="4.7.1"', 1)[1].split("</tr>", 1)[0]
    assert "In the plan" in row
    assert "<button" not in row
    other = page.split('data-norm="4.4.3"', 1)[1].split("</tr>", 1)[0]
    assert "<button" in other


@pytest.mark.parametrize("interface", ["en", "fr"])
def test_gap_button_titles_action_in_centre_language(
    consultant_a: User, centre_a: Organisation, catalog: CatalogVersion, interface: str
) -> None:
    create_assessment(centre_a, 2026, actor=None, catalog=catalog)
    plan = make_plan(centre_a)
    client = login(consultant_a)

    client.post("/c/centre-a/plan/gaps/2026/4.7.1/add/", HTTP_ACCEPT_LANGUAGE=interface)

    norm = catalog.norms.get(code="4.7.1")
    assert plan.actions.get().title == pick(norm.title, "nl")


def test_viewer_and_management_cannot_add(
    viewer_a: User, management_a: User, centre_a: Organisation, catalog: CatalogVersion
) -> None:
    create_assessment(centre_a, 2026, actor=None, catalog=catalog)
    plan = make_plan(centre_a)

    for user in (viewer_a, management_a):
        response = login(user).post("/c/centre-a/plan/gaps/2026/4.7.1/add/")
        assert response.status_code == 403
    assert plan.actions.count() == 0


def test_management_records_approval(
    management_a: User, centre_a: Organisation
) -> None:
    plan = make_plan(centre_a)
    add_action(plan)
    services.submit_plan(plan, actor=None)
    data = {"body": "council", "date": "2025-12-12", "reference": "RMW 2025/12"}

    response = login(management_a).post(f"/c/centre-a/plan/{plan.pk}/approve/", data)

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == SecurityPlan.Status.APPROVED
    assert plan.decision_reference == "RMW 2025/12"


def test_management_cannot_submit(management_a: User, centre_a: Organisation) -> None:
    plan = make_plan(centre_a)
    add_action(plan)

    response = login(management_a).post(f"/c/centre-a/plan/{plan.pk}/submit/")

    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == SecurityPlan.Status.DRAFT


def test_register_edit_page_refuses_frozen_action(
    consultant_a: User, centre_a: Organisation
) -> None:
    plan = make_plan(centre_a)
    action = add_action(plan, title="Restore test")
    approve(plan)
    url = f"/c/centre-a/registers/plan-actions/{action.pk}/edit/"
    data = {
        "plan": plan.pk,
        "title": "Changed",
        "origin": "other",
        "priority": "3",
        "planned_year": "2026",
        "cost_one_off": "0",
        "cost_yearly": "0",
        "effort_days": "0",
        "status": "planned",
    }

    response = login(consultant_a).post(url, data)

    assert response.status_code == 400
    # The page speaks Dutch, the default language.
    assert "Start een nieuwe versie van het plan" in response.content.decode()
    action.refresh_from_db()
    assert action.title == "Restore test"


def test_new_version_and_diff_pages(consultant_a: User, centre_a: Organisation) -> None:
    plan = make_plan(centre_a)
    add_action(plan, title="Restore test")
    approve(plan)
    client = login(consultant_a)

    response = client.post(f"/c/centre-a/plan/{plan.pk}/new-version/")
    copy = SecurityPlan.objects.get(previous=plan)
    add_action(copy, title="Risk analysis")
    diff = client.get(f"/c/centre-a/plan/{copy.pk}/diff/").content.decode()

    assert response["Location"] == f"/c/centre-a/plan/{copy.pk}/"
    assert "Risk analysis" in diff
    assert client.get(f"/c/centre-a/plan/{plan.pk}/diff/").status_code == 404


def test_plan_page_and_document(
    client: Client, viewer_a: User, centre_a: Organisation
) -> None:
    plan = make_plan(centre_a)
    add_action(plan, title="Restore test", cost_one_off="1234.00")
    client.force_login(viewer_a)

    page = client.get(f"/c/centre-a/plan/{plan.pk}/").content.decode()
    odt = client.get(f"/c/centre-a/plan/{plan.pk}/document.odt?language=fr")
    bad = client.get(f"/c/centre-a/plan/{plan.pk}/document.odt?language=de")

    assert "Restore test" in page
    assert "Submit for approval" not in page
    assert odt.status_code == 200
    assert odt["Content-Type"] == "application/vnd.oasis.opendocument.text"
    assert bad.status_code == 404


def test_other_centre_plan_is_not_found(
    consultant_b: User, centre_a: Organisation, centre_b: Organisation
) -> None:
    plan = make_plan(centre_a)

    response = login(consultant_b).get(f"/c/centre-b/plan/{plan.pk}/")

    assert response.status_code == 404


def test_approval_form_error_french_colon(
    management_a: User, centre_a: Organisation
) -> None:
    plan = make_plan(centre_a)
    add_action(plan)
    services.submit_plan(plan, actor=None)
    data = {"body": "council", "date": "not a date", "reference": "RMW 2025/12"}

    response = login(management_a).post(
        f"/c/centre-a/plan/{plan.pk}/approve/", data, HTTP_ACCEPT_LANGUAGE="fr"
    )

    with translation.override("fr"):
        label = str(ApprovalForm.base_fields["date"].label)
    message_texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert len(message_texts) == 1
    assert message_texts[0].startswith(f"{label}\u00a0: ")
