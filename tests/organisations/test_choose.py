"""Choosing the active centre after login."""

import pytest
from django.test import Client

from tests.conftest import login
from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.accounts.services import grant_membership
from vigil.organisations.models import Organisation

pytestmark = pytest.mark.usefixtures("fast_password_hasher")


def test_single_membership_goes_to_dashboard(consultant_a: User) -> None:
    response = login(consultant_a).get("/")

    assert response.status_code == 302
    assert response["Location"] == "/c/centre-a/"


def test_several_memberships_show_choice(
    consultant_a: User, centre_b: Organisation
) -> None:
    grant_membership(
        user=consultant_a, organisation=centre_b, role=Role.VIEWER, actor=None
    )

    response = login(consultant_a).get("/")
    page = response.content.decode()

    assert response.status_code == 200
    assert 'href="/c/centre-a/"' in page
    assert 'href="/c/centre-b/"' in page
    assert "OCMW centre-a" in page
    assert "OCMW centre-b" in page


def test_choice_with_all_lists_single_membership(consultant_a: User) -> None:
    response = login(consultant_a).get("/?all=1")

    assert response.status_code == 200
    assert 'href="/c/centre-a/"' in response.content.decode()


def test_choice_hides_expired_membership(expired_auditor_a: User) -> None:
    response = login(expired_auditor_a).get("/")

    assert response.status_code == 200
    assert response.context["memberships"] == []
    assert "/c/centre-a/" not in response.content.decode()


def test_choice_needs_login() -> None:
    response = Client().get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
