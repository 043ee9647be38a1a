"""The matrix page, a risk's page and its security plan action."""

import pytest

from vigil.accounts.models import User
from vigil.organisations.models import Organisation
from vigil.plans.risks.models import RiskMatrix
from vigil.plans.security import lifecycle
from vigil.plans.security.models import PlanAction

from ..conftest import login
from .conftest import english, make_risk

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]


def test_matrix_page_shows_default(centre_a: Organisation, viewer_a: User) -> None:
    page = (
        english(login(viewer_a))
        .get(f"/c/{centre_a.slug}/risks/matrix/")
        .content.decode()
    )

    assert "default 4 × 4 matrix" in page
    assert 'data-testid="matrix-form"' not in page


def test_matrix_form_saves(centre_a: Organisation, consultant_a: User) -> None:
    data = {"size": "5", "medium_from": "5", "high_from": "10", "critical_from": "15"}

    response = english(login(consultant_a)).post(
        f"/c/{centre_a.slug}/risks/matrix/", data
    )

    assert response.status_code == 302
    assert RiskMatrix.objects.get(organisation=centre_a).size == 5


def test_matrix_form_shows_errors(centre_a: Organisation, consultant_a: User) -> None:
    data = {"size": "4", "medium_from": "4", "high_from": "20", "critical_from": "30"}

    response = english(login(consultant_a)).post(
        f"/c/{centre_a.slug}/risks/matrix/", data
    )

    assert response.status_code == 400
    assert "within the scores 2 to 16" in response.content.decode()
    assert not RiskMatrix.objects.exists()


def test_management_cannot_change_matrix(
    centre_a: Organisation, management_a: User
) -> None:
    data = {"size": "5", "medium_from": "5", "high_from": "10", "critical_from": "15"}

    response = english(login(management_a)).post(
        f"/c/{centre_a.slug}/risks/matrix/", data
    )

    assert response.status_code == 403
    assert not RiskMatrix.objects.exists()


def test_risk_page_shows_rating(centre_a: Organisation, consultant_a: User) -> None:
    risk = make_risk(centre_a)

    url = f"/c/{centre_a.slug}/registers/risks/{risk.pk}/"
    page = english(login(consultant_a)).get(url).content.decode()

    assert "3 × 4 = 12 · critical" in page
    assert "2 × 3 = 6 · medium" in page
    assert f"/c/{centre_a.slug}/risks/{risk.pk}/plan-action/" in page
    assert f"/c/{centre_a.slug}/risks/document.pdf" in page


def test_viewer_sees_no_plan_action_button(
    centre_a: Organisation, viewer_a: User
) -> None:
    risk = make_risk(centre_a)

    url = f"/c/{centre_a.slug}/registers/risks/{risk.pk}/"
    page = english(login(viewer_a)).get(url).content.decode()

    assert "plan-action/" not in page


def test_plan_action_without_plan(centre_a: Organisation, consultant_a: User) -> None:
    risk = make_risk(centre_a)
    client = english(login(consultant_a))

    response = client.post(f"/c/{centre_a.slug}/risks/{risk.pk}/plan-action/")
    page = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert "no security plan yet" in page
    assert not PlanAction.objects.exists()


@pytest.mark.usefixtures("catalog")
def test_plan_action_created(centre_a: Organisation, consultant_a: User) -> None:
    risk = make_risk(centre_a)
    lifecycle.create_plan(centre_a, first_year=2026, actor=None)

    response = english(login(consultant_a)).post(
        f"/c/{centre_a.slug}/risks/{risk.pk}/plan-action/"
    )

    action = PlanAction.objects.get(organisation=centre_a)
    assert response.status_code == 302
    assert action.origin == PlanAction.Origin.RISK
    assert action.origin_reference.startswith(f"risk {risk.pk}: Ransomware")
    assert action.title == "Treat the risk: Ransomware"
    assert action.priority == 1
    assert action.norms == "4.7.1"


def test_register_summary_counts_levels(centre_a: Organisation, viewer_a: User) -> None:
    make_risk(centre_a)
    make_risk(
        centre_a,
        threat="Brand",
        likelihood="1",
        impact="1",
        residual_likelihood="1",
        residual_impact="1",
    )

    page = english(login(viewer_a)).get(f"/c/{centre_a.slug}/registers/risks/")

    assert "2 risks on a 4 × 4 matrix: 1 critical, 0 high, 0 medium, 1 low." in (
        page.content.decode()
    )
